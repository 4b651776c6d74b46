"""Sweeps: chunked and sharded evaluation equals the plain vmap, memory stays bounded."""

import io
import json
import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import sweep as sw
from jaxtherm.progress import ProgressBar


def _toy_model(params):
    """A small nonlinear model with a scan inside (shape of a time-stepping solver)."""

    def body(carry, _):
        return carry + params["rate"] * jnp.sin(carry) * 1e-2, carry

    _, history = jax.lax.scan(body, params["start"], None, length=50)
    return {"final": history[-1], "history": history}


def _toy_batch(n, seed=0):
    rng = np.random.default_rng(seed)
    return {"rate": rng.uniform(0.5, 2.0, n), "start": rng.uniform(0.1, 3.0, n)}


def test_chunked_sweep_equals_vmap_with_ragged_last_chunk():
    """Cutting a batch of 103 into chunks of 16 (last one padded) gives the one-shot vmap result exactly."""
    batch = _toy_batch(103)
    reference = jax.vmap(_toy_model)(batch)
    out = sw.sweep(_toy_model, batch, chunk_size=16, devices=None, progress=False)
    np.testing.assert_array_equal(out["final"], np.asarray(reference["final"]))
    np.testing.assert_array_equal(out["history"], np.asarray(reference["history"]))
    assert out["history"].shape == (103, 50)


def test_chunked_sweep_compiles_once():
    """All chunks (including the padded last one) reuse one compiled kernel: the model is traced once."""
    traces = []

    def model(params):
        traces.append(1)
        return params["rate"] ** 2

    out = sw.sweep(model, _toy_batch(50), chunk_size=8, devices=None, progress=False)
    assert len(traces) == 1
    np.testing.assert_allclose(out, _toy_batch(50)["rate"] ** 2, rtol=1e-15)
    # a second sweep of the same model with new values reuses the compiled kernel
    other = _toy_batch(50, seed=1)
    again = sw.sweep(model, other, chunk_size=8, devices=None, progress=False)
    assert len(traces) == 1
    np.testing.assert_allclose(again, other["rate"] ** 2, rtol=1e-15)


def test_stack_unstack_and_grid():
    """stack_pytrees/unstack_pytree round-trip, and grid covers the Cartesian product row-major."""
    items = [{"a": np.float64(i), "b": np.arange(3.0) * i} for i in range(4)]
    batched = sw.stack_pytrees(items)
    assert batched["b"].shape == (4, 3)
    back = sw.unstack_pytree(batched)
    for original, restored in zip(items, back):
        np.testing.assert_array_equal(original["b"], restored["b"])
    g = sw.grid(x=[1.0, 2.0], y=[10.0, 20.0, 30.0])
    np.testing.assert_array_equal(g["x"], [1, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(g["y"], [10, 20, 30, 10, 20, 30])


def test_bad_batches_are_rejected():
    """Leaves with different leading sizes, scalars or mismatched structures raise ValueError."""
    with pytest.raises(ValueError, match="different leading sizes"):
        sw.batch_size({"a": np.zeros(3), "b": np.zeros(4)})
    with pytest.raises(ValueError, match="leading batch axis"):
        sw.batch_size({"a": np.float64(1.0)})
    with pytest.raises(ValueError, match="different structure"):
        sw.stack_pytrees([{"a": 1.0}, {"b": 1.0}])
    with pytest.raises(ValueError, match="chunk_size"):
        sw.sweep(lambda p: p["a"], {"a": np.zeros(3)}, chunk_size=0, devices=None)


def test_progress_bar_reports_every_chunk():
    """The progress bar ends at total/total and is written only between chunks (host side)."""
    stream = io.StringIO()
    bar = ProgressBar(10, label="t", enabled=True, stream=stream)
    for _ in range(5):
        bar.update(2)
    bar.close()
    assert "10/10" in stream.getvalue()
    assert stream.getvalue().count("\r") == 5
    quiet = io.StringIO()
    bar = ProgressBar(10, enabled=None, stream=quiet)  # StringIO is not a terminal
    bar.update(10)
    bar.close()
    assert quiet.getvalue() == ""


SHARDED_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpy as np
    sys.path.insert(0, {tests_dir!r})
    from test_sweep import _toy_model, _toy_batch
    from jaxtherm import sweep as sw
    assert len(jax.devices()) == 4, jax.devices()
    batch = _toy_batch(37)
    plain = jax.vmap(_toy_model)(batch)
    sharded = sw.sweep(_toy_model, batch, chunk_size=8, devices="all", progress=False)
    err = float(np.max(np.abs(sharded["history"] - np.asarray(plain["history"]))))
    print(json.dumps({{"n_devices": len(jax.devices()), "max_abs_diff": err}}))
    """
)


def _run_with_forced_devices(script: str) -> dict:
    env = dict(os.environ)
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
    env["JAX_PLATFORMS"] = "cpu"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sharded_sweep_equals_vmap_on_four_host_devices():
    """On 4 forced CPU devices the batch axis is split over a Mesh and the answer equals plain vmap to 1e-12."""
    report = _run_with_forced_devices(SHARDED_SCRIPT.format(tests_dir=os.path.dirname(__file__)))
    assert report["n_devices"] == 4
    assert report["max_abs_diff"] <= 1e-12


CHUNKED_TDTR_SCRIPT = textwrap.dedent(
    """
    import json, resource
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpy as np
    import jaxtherm as jt
    from jaxtherm.app.demo import itr_paper_sample

    truth, setups = itr_paper_sample()
    stack0, setup = truth["stack"], setups["FR"]
    delays = jnp.array([100e-12, 1e-9, 10e-9])

    def phase(p):
        return jt.tdtr.phase(jt.tdtr.signal(stack0.replace_resistance(0, p["R"]), setup, delays))

    n, chunk = 100_000, 2048
    batch = {"R": np.linspace(1e-9, 12e-9, n)}
    jt.sweep.sweep(phase, {"R": batch["R"][:chunk]}, chunk_size=chunk, devices=None, progress=False)  # compile
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = jt.sweep.sweep(phase, batch, chunk_size=chunk, devices=None, progress=False)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    spot = [int(i) for i in (0, 12345, n - 1)]
    direct = [np.asarray(phase({"R": batch["R"][i]})) for i in spot]
    print(json.dumps({
        "shape": list(out.shape), "finite": bool(np.all(np.isfinite(out))),
        "peak_rss_growth_bytes": rss_after - rss_before,
        "output_bytes": int(out.nbytes),
        "spot_max_diff": float(max(np.max(np.abs(out[i] - d)) for i, d in zip(spot, direct))),
        "phase_range_10ns": float(np.ptp(out[:, 2])),
    }))
    """
)


def test_chunked_sweep_of_1e5_tdtr_curves_runs_in_bounded_memory():
    """10^5 full-period TDTR curves in chunks of 2048: peak memory grows by far less than the
    unchunked intermediates would need (~GB), and every member equals its direct evaluation."""
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    result = subprocess.run(
        [sys.executable, "-c", CHUNKED_TDTR_SCRIPT], capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["shape"] == [100_000, 3] and report["finite"]
    assert report["spot_max_diff"] <= 1e-12
    assert report["phase_range_10ns"] > 1e-3  # the sweep really varies the answer (rad)
    # Bounded: the growth of the peak RSS stays below 300 MB (the output itself is 2.4 MB).
    assert report["peak_rss_growth_bytes"] < 300e6, report


def test_compiled_kernel_cache_is_bounded():
    """Sweeps of many distinct one-off models do not pile up compiled kernels without limit."""
    for i in range(sw._COMPILED_MAX + 4):
        out = sw.sweep(lambda p, i=i: p["rate"] * i, _toy_batch(4), devices=None, progress=False)
        np.testing.assert_allclose(out, _toy_batch(4)["rate"] * i, rtol=1e-15)
    assert len(sw._COMPILED) <= sw._COMPILED_MAX


def test_sweep_refuses_nan_member_naming_index_and_path():
    """A NaN parameter in one member is refused before compiling, naming that member and the leaf."""
    batch = _toy_batch(9)
    batch["rate"][4] = np.nan
    with pytest.raises(ValueError, match=r"batch member 4: parameter \['rate'\] is NaN"):
        sw.sweep(_toy_model, batch, devices=None, progress=False)


def test_sweep_calls_validate_batch_of_parameter_objects():
    """Parameter objects inside the batch that define validate_batch() check their members."""
    calls = []

    class Checked:
        def __init__(self, rate):
            self.rate = rate

        def validate_batch(self):
            calls.append(1)
            bad = np.nonzero(np.asarray(self.rate) < 0)[0]
            if bad.size:
                raise ValueError(f"batch member {bad[0]}: rate must be positive (1/s)")

    jax.tree_util.register_pytree_node(Checked, lambda c: ((c.rate,), None), lambda _, leaves: Checked(*leaves))
    good = {"p": Checked(np.array([1.0, 2.0, 3.0]))}
    out = sw.sweep(lambda p: p["p"].rate * 2.0, good, devices=None, progress=False)
    np.testing.assert_allclose(out, [2.0, 4.0, 6.0])
    with pytest.raises(ValueError, match="batch member 1: rate"):
        sw.sweep(lambda p: p["p"].rate * 2.0, {"p": Checked(np.array([1.0, -2.0, 3.0]))}, devices=None, progress=False)
    assert len(calls) == 2


def test_sweep_rejects_unknown_devices_word():
    with pytest.raises(ValueError, match="devices"):
        sw.sweep(_toy_model, _toy_batch(3), devices="gpus", progress=False)


def test_sweep_over_a_tdtr_stack_batch_names_the_bad_member():
    """A batched Stack whose member 2 has a negative conductivity is refused by the sweep, naming member 2."""
    import jaxtherm as jt

    layer = jt.tdtr.Layer
    stack = jt.tdtr.Stack(layers=[layer(80e-9, 2.42e6, 180.0), layer(float("inf"), 1.66e6, 140.0)], resistances=[5e-9])
    batch = jt.tdtr.stack_batch([stack] * 4)
    # Edit the leaves directly (as a user building a batch by hand would), bypassing the constructor.
    leaves, treedef = jax.tree_util.tree_flatten(batch)
    conductivity = [i for i, leaf in enumerate(leaves) if np.allclose(np.asarray(leaf), 180.0)][0]
    bad = np.array(leaves[conductivity], dtype=float)
    bad[2] = -180.0
    leaves[conductivity] = bad
    batch = jax.tree_util.tree_unflatten(treedef, leaves)
    setup = jt.tdtr.Setup(modulation_frequency=1e6, repetition_rate=80e6, one_dimensional=True)
    with pytest.raises(ValueError, match=r"member 2"):
        sw.sweep(
            lambda s: jt.tdtr.phase(jt.tdtr.signal(s, setup, np.array([1e-10, 1e-9]))),
            batch,
            devices=None,
            progress=False,
        )
