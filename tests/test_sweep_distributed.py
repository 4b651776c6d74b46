"""Sweeps past one process: `jax.distributed` with two local processes equals one process.

Two worker processes on 127.0.0.1 (CPU collectives over gloo) each own one CPU device;
`jt.sweep.sweep(..., devices="all")` shards the batch over both, each computes its rows,
and every process gets the whole result back. Both must equal the single-process sweep
to 1e-12 (they run the same kernel, so in practice they are identical).
"""

import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jaxtherm as jt

WORKER = textwrap.dedent(
    """
    import sys
    import jax
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.config.update("jax_enable_x64", True)
    process_id, port, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    jax.distributed.initialize(coordinator_address=f"127.0.0.1:{port}", num_processes=2,
                               process_id=process_id, initialization_timeout=60)
    import numpy as np
    import jaxtherm as jt
    from test_sweep_distributed import batch, model
    assert jax.process_count() == 2 and len(jax.devices()) == 2, jax.devices()
    result = jt.sweep.sweep(model, batch(), chunk_size=6, devices="all", progress=False)
    np.save(out, result)
    """
)


def model(params):
    """Phase of a 1-D TDTR curve of a metal film on a substrate (one parameter set)."""
    layer = jt.tdtr.Layer
    stack = jt.tdtr.Stack(
        layers=[
            layer(thickness=80e-9, heat_capacity=2.42e6, conductivity=params["k_film"]),
            layer(thickness=float("inf"), heat_capacity=1.64e6, conductivity=params["k_sub"]),
        ],
        resistances=[params["resistance"]],
    )
    setup = jt.tdtr.Setup(modulation_frequency=1e6, repetition_rate=80e6, one_dimensional=True)
    delays = np.geomspace(100e-12, 3e-9, 8)
    return jt.tdtr.phase(jt.tdtr.signal(stack, setup, delays))


def batch():
    rng = np.random.default_rng(7)
    n = 11  # not a multiple of the 2 devices: the last chunk is padded
    return {
        "k_film": rng.uniform(100.0, 200.0, n),
        "k_sub": rng.uniform(1.0, 150.0, n),
        "resistance": rng.uniform(2e-9, 2e-8, n),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_equal_one_process(tmp_path):
    """Rows computed on two jax.distributed processes, gathered on each, equal one process to 1e-12."""
    reference = jt.sweep.sweep(model, batch(), chunk_size=6, devices=None, progress=False)
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(__file__), env.get("PYTHONPATH", "")])
    env.pop("XLA_FLAGS", None)  # one CPU device per process
    env["JAX_PLATFORMS"] = "cpu"
    port = _free_port()
    outputs = [tmp_path / f"result{i}.npy" for i in range(2)]
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(i), str(port), str(outputs[i])],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for i in range(2)
    ]
    logs = []
    for worker in workers:
        try:
            logs.append(worker.communicate(timeout=120)[0])
        except subprocess.TimeoutExpired:
            for w in workers:
                w.kill()
            pytest.fail("a jax.distributed worker did not finish within 120 s")
    for worker, log in zip(workers, logs):
        assert worker.returncode == 0, log[-3000:]
    for path in outputs:
        result = np.load(path)
        assert result.shape == reference.shape
        np.testing.assert_allclose(result, reference, rtol=1e-12, atol=0)
