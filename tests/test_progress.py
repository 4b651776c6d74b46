"""Progress bars of long scans: drawn from the compiled loop, results unchanged."""

import contextlib
import io

import jax
import numpy as np

from jaxtherm import dugks, materials, sources, ttm


class _Terminal(io.StringIO):
    """A stderr stand-in that claims to be a terminal, so the bar is drawn."""

    def isatty(self):
        return True


@contextlib.contextmanager
def _terminal():
    """Redirect stderr to a fake terminal inside the test call itself (pytest's own
    capture replaces sys.stderr after fixtures run, so a fixture could not do it)."""
    stream = _Terminal()
    with contextlib.redirect_stderr(stream):
        yield stream


def _pulse(thickness):
    return sources.PulseSource(
        incident_fluence=0.5,
        pulse_duration=100e-15,
        penetration_depth=15e-9,
        film_thickness=thickness,
        normalisation="energy",
    )


def test_ttm_progress_bar_reaches_the_end_and_changes_nothing():
    """With Config(progress=True) the TTM scan reports up to n/n steps on stderr, with identical results."""
    params = ttm.single_layer(materials.GOLD, 50e-9, source=_pulse(50e-9))
    edges = ttm.uniform_time_grid(-0.3e-12, 1e-12, 1000)
    quiet = ttm.simulate(params, ttm.Config(cells_per_layer=(10,)), edges, positions=[0.0])
    with _terminal() as terminal:
        loud = ttm.simulate(params, ttm.Config(cells_per_layer=(10,), progress=True), edges, positions=[0.0])
        jax.effects_barrier()  # host callbacks may still be in flight when the arrays are ready
    np.testing.assert_array_equal(np.asarray(loud.electron_temperature), np.asarray(quiet.electron_temperature))
    text = terminal.getvalue()
    assert "ttm [" in text and "1000/1000" in text
    assert text.count("\r") <= 101  # one report per ~1 % of the steps, not one per step


def test_dugks_progress_bar_reaches_the_end_and_changes_nothing():
    """With Config(progress=True) the DUGKS scan reports every output up to n/n, with identical results."""
    params = dugks.Params(layers=(dugks.Layer(materials.GOLD, 50e-9),), source=_pulse(50e-9))
    times = np.linspace(-0.2e-12, 0.2e-12, 11)
    quiet = dugks.simulate(params, dugks.Config(cells_per_layer=10, n_ordinates=8), times)
    with _terminal() as terminal:
        loud = dugks.simulate(params, dugks.Config(cells_per_layer=10, n_ordinates=8, progress=True), times)
        jax.effects_barrier()
    np.testing.assert_array_equal(np.asarray(loud.electron_temperature), np.asarray(quiet.electron_temperature))
    assert "dugks [" in terminal.getvalue() and "10/10" in terminal.getvalue()
