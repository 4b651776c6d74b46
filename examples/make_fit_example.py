"""Regenerate the example trace files used by `examples/fit_config.toml`.

Synthetic FR and RF lock-in phase traces of the ITR paper's W/Al2O3/Ni/quartz sample
(300 K, Table 3 ITRs, Ni/quartz 1 m^2K/GW) with 0.1 mrad Gaussian noise, seed 1,
300 delays from 10 ps to 49 ns, delays written in ps. Run from the repository root:
`python examples/make_fit_example.py`.
"""

import os

import jax
import numpy as np

jax.config.update("jax_enable_x64", True)

from jaxtherm.app.demo import FR_INTERFACES, RF_INTERFACES, itr_paper_sample  # noqa: E402
from jaxtherm.fit.io import write_trace_file  # noqa: E402
from jaxtherm.tdtr import TdtrModel  # noqa: E402

if __name__ == "__main__":
    truth, setups = itr_paper_sample()
    delays = np.geomspace(10e-12, 49e-9, 300)
    rng = np.random.default_rng(1)
    here = os.path.dirname(os.path.abspath(__file__))
    for direction, interfaces in (("FR", FR_INTERFACES), ("RF", RF_INTERFACES)):
        phase = np.asarray(TdtrModel(setups[direction], delays, "phase", resistance_names=interfaces)(truth))
        noisy = phase + 1e-4 * rng.standard_normal(delays.size)
        write_trace_file(
            os.path.join(here, f"trace_{direction.lower()}.csv"),
            delays,
            {"phase_rad": noisy},
            delay_unit="ps",
            comment=f"synthetic {direction} lock-in phase, W/Al2O3/Ni/quartz 300 K, ITR paper Table 3, noise 1e-4 rad, seed 1",
        )
