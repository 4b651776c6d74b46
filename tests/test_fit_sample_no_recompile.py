"""`sample` on a second file of the same length bucket does not recompile, and padding changes nothing.

A model that declares its abscissa (`abscissa`, `structure`, `model(params, x)`) is sampled
with the abscissa, data and sigmas padded to the length bucket and the padded residuals
masked to zero, so files of other lengths in one bucket reuse the compiled chains.
"""

import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from jaxtherm.fit import Trace, sample

SIGMA = 0.02
TRUTH = {"amplitude": 2.0, "rate": 0.7}
SETTINGS = dict(n_chains=2, n_warmup=60, n_draws=60, seed=3)


class CountingDecay:
    """amplitude exp(-rate t) on a traced time axis; counts how often it is traced."""

    traces = 0
    structure = "counting decay (sample)"

    def __init__(self, times):
        self.abscissa = np.asarray(times, dtype=float)

    def __call__(self, params, times=None):
        times = self.abscissa if times is None else times
        if isinstance(times, Tracer):
            CountingDecay.traces += 1
        return params["amplitude"] * jnp.exp(-params["rate"] * times)


def _data(n, seed):
    times = np.linspace(0.0, 5.0, n)
    rng = np.random.default_rng(seed)
    return times, TRUTH["amplitude"] * np.exp(-TRUTH["rate"] * times) + SIGMA * rng.standard_normal(n)


def test_second_file_of_a_bucket_reuses_the_compiled_chains_and_padding_changes_no_draw():
    """Files of 40 and 45 points (both padded to 48): the second `sample` traces the model no
    more; its draws equal, to rounding, those of the same data given as a plain model (no
    abscissa, no padding), because the padded rows add exactly nothing to the log density."""
    start = {"amplitude": 1.5, "rate": 0.5}
    times, data = _data(40, seed=0)
    sample(start, Trace(model=CountingDecay(times), data=data, sigma=SIGMA), ["amplitude", "rate"], **SETTINGS)
    traced = CountingDecay.traces
    assert traced > 0
    times, data = _data(45, seed=1)
    result = sample(start, Trace(model=CountingDecay(times), data=data, sigma=SIGMA), ["amplitude", "rate"], **SETTINGS)
    assert CountingDecay.traces == traced

    def plain(params):
        return params["amplitude"] * jnp.exp(-params["rate"] * jnp.asarray(times))

    reference = sample(start, Trace(model=plain, data=data, sigma=SIGMA), ["amplitude", "rate"], **SETTINGS)
    for name in ("amplitude", "rate"):
        np.testing.assert_allclose(result.draws[name], reference.draws[name], rtol=1e-6)
