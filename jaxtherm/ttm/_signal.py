"""Thermoreflectance traces from TTM solutions (DUGKS paper section IV.2, App. C)."""

from __future__ import annotations

from ..reflectance import linear_reflectance_change

__all__ = ["drude_signal", "linear_signal"]


def drude_signal(solution, film, reference_temperature, position_index=0):
    """Delta R / R(t) of a Drude thin film at one output position (default: the first).

    **Arguments:**

    - `solution`: `jaxtherm.ttm.Solution`.
    - `film`: `jaxtherm.reflectance.DrudeThinFilm` (thickness, probe wavelength...).
    - `reference_temperature`: Tref (K), the unperturbed state.
    - `position_index`: which of `solution.positions` the probe reads.

    **Returns:** (n_out,) dimensionless Delta R / R at `solution.times`.
    """
    te = solution.electron_temperature[:, position_index]
    tp = solution.phonon_temperature[:, position_index]
    return film.relative_change(te, tp, reference_temperature)


def linear_signal(solution, electron_coefficient, phonon_coefficient, reference_temperature, position_index=0):
    """Linear Delta R(t) = a (Te - Tref) + b (Tp - Tref) at one output position.

    **Arguments:** `solution`; `electron_coefficient` a and `phonon_coefficient` b (per K);
    `reference_temperature` (K); `position_index`.

    **Returns:** (n_out,) Delta R in the unit of a times K.
    """
    te = solution.electron_temperature[:, position_index]
    tp = solution.phonon_temperature[:, position_index]
    return linear_reflectance_change(
        te - reference_temperature, tp - reference_temperature, electron_coefficient, phonon_coefficient
    )
