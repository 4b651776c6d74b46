"""Evaluate TDTR entries in float32 in a separate process, for tests that compare with float64.

The test suite runs in float64 (tests/conftest.py) and JAX cannot switch precision reliably
inside one process, so `Float32Worker` starts `python tests/_tdtr_float32_worker.py`, which turns
x64 off and answers requests, one JSON line each way:

request `{"entry": "signal" | "response" | "fdtr_signal" | "resistance_sensitivity", "layers": [[thickness (m), heat
capacity (J m^-3 K^-1), conductivity (W m^-1 K^-1)], ...], "resistances": [m^2 K W^-1],
"setup": {Setup fields}, "points": [delays (s) or frequencies (Hz)], "delay": FDTR delay (s)}`;
answer `{"real": [...], "imag": [...], "dtype": ..., "warnings": [[category, message], ...]}`
or `{"error": [exception class, message]}`.
"""

import json
import os
import subprocess
import sys
import warnings

import jax
import numpy as np

import jaxtherm as jt


def evaluate(request):
    layers = [jt.tdtr.Layer(float(d), float(c), float(k)) for d, c, k in request["layers"]]
    stack = jt.tdtr.Stack(layers=layers, resistances=[float(r) for r in request["resistances"]])
    setup = jt.tdtr.Setup(**request["setup"])
    points = np.asarray(request["points"], dtype=np.float64)
    entry = request["entry"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if entry == "signal":
            z = jt.tdtr.signal(stack, setup, points)
        elif entry == "resistance_sensitivity":
            z = resistance_sensitivity(stack, setup, points)
        elif entry == "response":
            z = jt.tdtr.response(stack, setup, points)
        else:
            z = jt.tdtr.fdtr_signal(stack, setup, points, delay=request.get("delay"))
    z = np.asarray(z)
    return {
        "real": z.real.tolist(),
        "imag": z.imag.tolist(),
        "dtype": str(z.dtype),
        "warnings": [[w.category.__name__, str(w.message)] for w in caught],
    }


def resistance_sensitivity(stack, setup, delays):
    """d ratio / d ln R_i (the fit Jacobian's resistance columns), shape (delays, resistances)."""

    def ratio(log_resistances):
        updated = stack
        for index in range(log_resistances.shape[0]):
            updated = updated.replace_resistance(index, jax.numpy.exp(log_resistances[index]))
        return jt.tdtr.ratio(jt.tdtr.signal(updated, setup, delays))

    return jax.jacfwd(ratio)(jax.numpy.log(jax.numpy.asarray([float(r) for r in stack.resistances])))


class Float32Worker:
    """Client: `worker(entry=..., layers=..., ...)` returns the answer dict (complex `value` added)."""

    def __init__(self):
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=root,
        )

    def __call__(self, **request):
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the float32 worker process ended")
        answer = json.loads(line)
        if "real" in answer:
            answer["value"] = np.asarray(answer["real"]) + 1j * np.asarray(answer["imag"])
        return answer

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def main():
    jax.config.update("jax_enable_x64", False)
    for line in sys.stdin:
        try:
            answer = evaluate(json.loads(line))
        except Exception as exc:  # reported to the test, which asserts on it
            answer = {"error": [type(exc).__name__, str(exc)]}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
