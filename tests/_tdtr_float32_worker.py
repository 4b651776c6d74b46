"""Evaluate TDTR signals in float32 in a separate process (x64 off there; the test suite runs in
float64, and JAX cannot switch precision reliably inside one process).

Protocol: one JSON request per line on stdin, one JSON answer per line on stdout:
request `{"entry": "signal" | "response" | "fdtr_signal", "layers": [[thickness (m) or "inf",
heat capacity, conductivity], ...], "resistances": [...], "setup": {Setup fields},
"points": [delays (s) or frequencies (Hz)], "delay": optional FDTR delay (s)}`; answer
`{"real": [...], "imag": [...], "dtype": "complex64"}` or `{"error": "..."}`.
"""

import json
import sys

import jax

jax.config.update("jax_enable_x64", False)

import numpy as np  # noqa: E402

import jaxtherm as jt  # noqa: E402


def evaluate(request):
    layers = [jt.tdtr.Layer(float(d), float(c), float(k)) for d, c, k in request["layers"]]
    stack = jt.tdtr.Stack(layers=layers, resistances=[float(r) for r in request["resistances"]])
    setup = jt.tdtr.Setup(**request["setup"])
    points = np.asarray(request["points"], dtype=np.float64)
    entry = request["entry"]
    if entry == "signal":
        z = jt.tdtr.signal(stack, setup, points)
    elif entry == "response":
        z = jt.tdtr.response(stack, setup, points)
    else:
        z = jt.tdtr.fdtr_signal(stack, setup, points, delay=request.get("delay"))
    z = np.asarray(z)
    return {"real": z.real.tolist(), "imag": z.imag.tolist(), "dtype": str(z.dtype)}


def main():
    for line in sys.stdin:
        try:
            answer = evaluate(json.loads(line))
        except Exception as exc:  # reported to the test, which fails with the message
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
