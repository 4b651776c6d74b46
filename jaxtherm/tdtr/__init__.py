"""TDTR/FDTR frequency-domain multilayer response (ITR paper; SPEC §4).

`Layer`/`Stack` are the Params (pytrees of SI floats: differentiate, fit, vmap);
`Setup` is the static configuration; `signal` gives the complex lock-in signal over
the whole repetition period, `ratio`/`phase` the usual observables, `fdtr_signal`
the FDTR sweep and `response` the bare frequency response. Submodules:
`transfer` (stable per-wavenumber plane-to-plane response), `hankel` (Gaussian spot
integral), `lockin` (pulse train, full-period numerics).
"""

from .lockin import fdtr_signal as fdtr_signal
from .lockin import phase as phase
from .lockin import ratio as ratio
from .lockin import response as response
from .lockin import signal as signal
from .setup import Setup as Setup
from .stack import Layer as Layer
from .stack import Stack as Stack
from .stack import stack_batch as stack_batch
