"""Problem definitions shared by the TTM and DUGKS curves of one figure: the very same cases.

* Fig. 2: the eq. 48 pulse on Au;
* Fig. 3: the eq. 50 pulse on a 1 um Au film with kappa_p = 0.311 W/m/K, G = 1.5e16;
* Figs. 7 and 8: the transient-grating periods and time windows (not given in the
  paper) at 300 K and 25 K.
"""

from __future__ import annotations

import dataclasses

from ... import materials, sources

__all__ = ["fig2_source", "fig3_source", "FIG3_GOLD", "FIG3_THICKNESS", "GRATING_CASES"]

#: Film thickness of Fig. 3 (m).
FIG3_THICKNESS = 1e-6
#: Au of Fig. 3: kappa_p = 0.311 W/m/K, G = 1.5e16 W m^-3 K^-1.
FIG3_GOLD = dataclasses.replace(materials.GOLD, phonon_conductivity_constant=0.311, coupling_constant=1.5e16)


def fig2_source():
    """Eq. 48: t_pump 96 fs, t_h 0, d 15.3 nm, R 0.93, P 10 J/m^2, printed normalisation."""
    return sources.PulseSource(
        incident_fluence=10.0,
        reflectivity=0.93,
        pulse_duration=96e-15,
        penetration_depth=15.3e-9,
        normalisation="paper",
    )


def fig3_source(fluence, normalisation="paper"):
    """Eq. 50 with ts 280 fs, d_pump 12.44 nm, d_ballistic 200 nm, R 0.970, L 1 um; `fluence` P (J/m^2)."""
    return sources.PulseSource(
        incident_fluence=fluence,
        reflectivity=0.970,
        pulse_duration=280e-15,
        penetration_depth=12.44e-9,
        ballistic_range=200e-9,
        film_thickness=FIG3_THICKNESS,
        form="eq50",
        normalisation=normalisation,
    )


#: Tref (K) -> (material, ((period (m), end time (s)), ...)).
GRATING_CASES = {
    300: (materials.GOLD_300K, ((10e-9, 1e-12), (100e-9, 2e-12), (1e-6, 10e-12))),
    25: (materials.GOLD_25K, ((100e-9, 4e-12), (1e-6, 20e-12), (10e-6, 100e-12))),
}
