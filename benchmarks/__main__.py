"""`python -m benchmarks`: run every benchmark side by side (see benchmarks/run.py)."""

from .run import main

main()
