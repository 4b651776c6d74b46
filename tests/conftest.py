"""Shared test configuration: every test runs in float64 (the library's tested default).

The library itself never flips global JAX configuration at import; tests do it here.
"""

import jax

jax.config.update("jax_enable_x64", True)
