"""Laser heat sources and initial conditions (DUGKS paper eq. 48, 50, 51-52).

Sources are pytrees whose float fields (fluence, reflectivity, durations,
lengths) are leaves, so a simulation is differentiable in, e.g., the electron
thermalisation delay `t_h` or the fluence `P`. Every source offers

* `power_density(x, t)`: volumetric power S(x, t) (W/m^3) at depth x (m), time t (s);
* `cell_average(faces, t)`: S averaged exactly over the cells between `faces`
  (W/m^3), what a finite-volume solver should deposit (energy-exact on coarse cells);
* `total_energy()` where known: the energy per unit area the source delivers
  into the film over all time (J/m^2);
* `PulseSource.cell_mean(faces, t0, t1)` and `mean_power_density(x, t0, t1)`: the
  source averaged exactly over a time step too (the Gaussian's integral is an erf
  difference), so a solver that deposits `dt * cell_mean` deposits exactly the
  pulse energy whatever its step - a 96 fs pulse with 1 ps steps included.
  `step_cell_mean` and `step_mean_power_density` use them when a source has them.

Normalisation. Eq. 48 as printed,
`S = P(1-R)/(ts d) exp(-x/d - 4 ln2 t^2/ts^2)`, integrates in time to
`P(1-R) sqrt(pi/(4 ln 2)) ~ 1.0645 P(1-R)`, not `P(1-R)`. `normalisation="paper"`
keeps the printed prefactors (the papers' figures follow them);
`normalisation="energy"` rescales so that exactly the absorbed fluence
`P(1-R)` is deposited in the film of thickness `film_thickness` (or in the
semi-infinite medium when it is infinite). For eq. 50 the printed factor 0.94
~ 1/1.0645 already restores the energy to within 0.06 %.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
from jax.scipy.special import erf, erfc

from ._pytree import pytree_dataclass, static_field
from ._validation import check_choice, check_finite, check_length, check_nonnegative, check_positive, is_concrete

__all__ = [
    "PulseSource",
    "CallableSource",
    "GratingInitialCondition",
    "SOURCE_FORMS",
    "NORMALISATIONS",
    "gaussian_time_integral",
    "step_cell_mean",
    "step_mean_power_density",
]

#: ``"eq48"``: DUGKS eq. 48 (depth d = penetration_depth + ballistic_range);
#: ``"eq50"``: DUGKS eq. 50 (finite film, factor 0.94 / (1 - exp(-L/d))).
SOURCE_FORMS = ("eq48", "eq50")
#: ``"paper"``: printed prefactors; ``"energy"``: deposits exactly P(1-R).
NORMALISATIONS = ("paper", "energy")

_FOUR_LN2 = 4.0 * math.log(2.0)


def gaussian_time_integral() -> float:
    """Integral over all t of exp(-4 ln2 t^2/ts^2)/ts: sqrt(pi/(4 ln 2)) ~ 1.0645 (dimensionless)."""
    return math.sqrt(math.pi / _FOUR_LN2)


def _erf_difference(a, b):
    """erf(b) - erf(a), accurate in both tails (erfc differences where erf rounds to +-1)."""
    upper_tail = erfc(a) - erfc(b)
    lower_tail = erfc(-b) - erfc(-a)
    return jnp.where(a >= 0.0, upper_tail, jnp.where(b <= 0.0, lower_tail, erf(b) - erf(a)))


@pytree_dataclass
class PulseSource:
    """Gaussian laser pulse absorbed with an exponential depth profile (DUGKS eq. 48 / 50).

    `S(x, t) = P (1 - R) g(t) f(x)` with `g(t) = exp(-4 ln2 (t - t0)^2 / ts^2) / ts`
    (times sqrt(4 ln 2/pi) under the ``"energy"`` normalisation), `ts = t_pump + t_h`,
    and `f(x) = exp(-x/d)/d` (eq. 48, ``"paper"``) or
    `0.94 exp(-x/d) / (d (1 - exp(-L/d)))` (eq. 50, ``"paper"``) or
    `exp(-x/d) / (d (1 - exp(-L/d)))` (``"energy"``), with `d = d_pump + d_ballistic`.

    **Fields:**

    - `incident_fluence`: P, pulse energy per unit area (J/m^2). To give an absorbed
      fluence P(1-R) directly, pass it here with `reflectivity=0`.
    - `reflectivity`: optical reflectivity R (dimensionless, 0 <= R < 1).
    - `pulse_duration`: t_pump, FWHM of the pulse (s).
    - `thermalisation_delay`: t_h, electron thermalisation delay (s); ts = t_pump + t_h.
    - `penetration_depth`: d_pump, optical penetration depth (m).
    - `ballistic_range`: d_ballistic, ballistic electron range (m), 0 for eq. 48.
    - `peak_time`: t0, time of the pulse maximum (s).
    - `film_thickness`: L (m), used by eq. 50 and the ``"energy"`` normalisation
      (``inf``: semi-infinite absorber).
    - `form`: ``"eq48"`` or ``"eq50"`` (static).
    - `normalisation`: ``"paper"`` or ``"energy"`` (static).
    """

    incident_fluence: Any
    pulse_duration: Any
    penetration_depth: Any
    reflectivity: Any = 0.0
    thermalisation_delay: Any = 0.0
    ballistic_range: Any = 0.0
    peak_time: Any = 0.0
    film_thickness: Any = math.inf
    form: str = static_field(default="eq48")
    normalisation: str = static_field(default="paper")

    def validate(self) -> PulseSource:
        """Check the fields on concrete values; raises ValueError naming field and unit."""
        check_choice("form", self.form, SOURCE_FORMS)
        check_choice("normalisation", self.normalisation, NORMALISATIONS)
        check_nonnegative("incident_fluence", self.incident_fluence, "J/m^2")
        check_nonnegative("reflectivity", self.reflectivity, "dimensionless")
        check_finite("reflectivity", self.reflectivity, "dimensionless")
        if is_concrete(self.reflectivity) and float(self.reflectivity) >= 1.0:
            raise ValueError(f"reflectivity must be < 1 (dimensionless), got {self.reflectivity!r}")
        check_positive("pulse_duration", self.pulse_duration, "s")
        if is_concrete(self.pulse_duration) and float(self.pulse_duration) > 1e-6:
            raise ValueError(
                f"pulse_duration = {self.pulse_duration!r} s is longer than 1 us; durations are in "
                "seconds (SI) - did you pass femtoseconds? e.g. 96 fs is 96e-15"
            )
        check_nonnegative("thermalisation_delay", self.thermalisation_delay, "s")
        check_length("penetration_depth", self.penetration_depth, 1e-2)
        check_nonnegative("ballistic_range", self.ballistic_range, "m")
        check_finite("peak_time", self.peak_time, "s")
        check_length("film_thickness", self.film_thickness, 1.0, allow_inf=True)
        if self.form == "eq50" and is_concrete(self.film_thickness) and not math.isfinite(float(self.film_thickness)):
            raise ValueError("form='eq50' needs a finite film_thickness (m)")
        return self

    # -- pieces ---------------------------------------------------------------
    def absorbed_fluence(self):
        """P (1 - R) (J/m^2)."""
        return self.incident_fluence * (1.0 - self.reflectivity)

    def absorption_depth(self):
        """d = d_pump + d_ballistic (m)."""
        return self.penetration_depth + self.ballistic_range

    def effective_duration(self):
        """ts = t_pump + t_h (s)."""
        return self.pulse_duration + self.thermalisation_delay

    def temporal_profile(self, t):
        """g(t) (1/s): the pulse shape at time t (s), including the normalisation choice."""
        ts = self.effective_duration()
        shape = jnp.exp(-_FOUR_LN2 * ((t - self.peak_time) / ts) ** 2) / ts
        if self.normalisation == "energy":
            shape = shape / gaussian_time_integral()
        return shape

    def temporal_integral(self, start, end):
        """Integral of g(t) over [start, end] (s): dimensionless, exact (erf difference)."""
        ts = self.effective_duration()
        scale = math.sqrt(_FOUR_LN2) / ts
        integral = (
            0.5
            * gaussian_time_integral()
            * _erf_difference(scale * (start - self.peak_time), scale * (end - self.peak_time))
        )
        if self.normalisation == "energy":
            integral = integral / gaussian_time_integral()
        return integral

    def temporal_mean(self, start, end):
        """g averaged exactly over [start, end] (1/s); g(start) for an empty interval."""
        duration = end - start
        safe = jnp.where(duration > 0, duration, 1.0)
        return jnp.where(duration > 0, self.temporal_integral(start, end) / safe, self.temporal_profile(start))

    def _depth_prefactor(self):
        """Factor A in f(x) = A exp(-x/d)/d."""
        d = self.absorption_depth()
        # 1 - exp(-L/d) in its cancellation-free form; equals 1 for L = inf.
        film_fraction = -jnp.expm1(-self.film_thickness / d)
        if self.normalisation == "energy":
            return 1.0 / film_fraction
        if self.form == "eq50":
            return 0.94 / film_fraction
        return jnp.ones_like(film_fraction)

    def depth_profile(self, x):
        """f(x) (1/m) at depth x (m) from the heated surface."""
        d = self.absorption_depth()
        return self._depth_prefactor() * jnp.exp(-x / d) / d

    def power_density(self, x, t):
        """S(x, t) (W/m^3) at depth x (m) and time t (s)."""
        return self.absorbed_fluence() * self.temporal_profile(t) * self.depth_profile(x)

    def mean_power_density(self, x, start, end):
        """S at depth x (m) averaged exactly over the time interval [start, end] (s) (W/m^3)."""
        return self.absorbed_fluence() * self.temporal_mean(start, end) * self.depth_profile(x)

    def cell_mean(self, faces, start, end):
        """S averaged exactly over each cell between `faces` (m) and over [start, end] (s) (W/m^3)."""
        return self._cell_depth_average(faces) * self.absorbed_fluence() * self.temporal_mean(start, end)

    def _cell_depth_average(self, faces):
        d = self.absorption_depth()
        left, right = faces[:-1], faces[1:]
        width = right - left
        # int_a^b exp(-x/d)/d dx = exp(-a/d) (1 - exp(-(b-a)/d)), stable for thin cells.
        integral = jnp.exp(-left / d) * (-jnp.expm1(-width / d))
        return self._depth_prefactor() * integral / width

    def cell_average(self, faces, t):
        """S averaged exactly over each cell [faces[i], faces[i+1]] (W/m^3) at time t (s).

        **Arguments:** `faces`: increasing cell-face depths (m), shape (n+1,); `t`: time (s).

        **Returns:** shape (n,) array.
        """
        return self.absorbed_fluence() * self.temporal_profile(t) * self._cell_depth_average(faces)

    def total_energy(self, depth=None):
        """Energy per unit area deposited over all time in [0, depth] (J/m^2).

        **Arguments:** `depth`: absorber thickness (m); defaults to `film_thickness`.
        """
        depth = self.film_thickness if depth is None else depth
        d = self.absorption_depth()
        time_integral = 1.0 if self.normalisation == "energy" else gaussian_time_integral()
        return self.absorbed_fluence() * time_integral * self._depth_prefactor() * (-jnp.expm1(-depth / d))


def step_cell_mean(source, faces, start, end):
    """Cell- and time-averaged source over one step [start, end] (s) between `faces` (m) (W/m^3).

    Exact for sources with `cell_mean` (`PulseSource`); otherwise the trapezoidal mean of
    the cell averages at both ends (second order in the step).
    """
    if hasattr(source, "cell_mean"):
        return source.cell_mean(faces, start, end)
    return 0.5 * (source.cell_average(faces, start) + source.cell_average(faces, end))


def step_mean_power_density(source, x, start, end):
    """Source at depths x (m) averaged over [start, end] (s) (W/m^3).

    Exact for sources with `mean_power_density` (`PulseSource`); otherwise the value at
    the middle of the interval (second order in its length).
    """
    if hasattr(source, "mean_power_density"):
        return source.mean_power_density(x, start, end)
    return source.power_density(x, 0.5 * (start + end))


@pytree_dataclass
class CallableSource:
    """A user-defined source `function(x, t, parameters) -> S (W/m^3)`.

    `function` is static (hashable; changing it recompiles); `parameters` is any
    pytree of leaves it reads (differentiable). Cell averages use 3-point
    Gauss-Legendre quadrature over each cell.

    **Fields:** `function`: callable of depth x (m), time t (s) and `parameters`;
    `parameters`: pytree (SI units).
    """

    parameters: Any
    function: Callable = static_field(default=None)

    def power_density(self, x, t):
        """S(x, t) (W/m^3) at depth x (m), time t (s)."""
        return self.function(x, t, self.parameters)

    def cell_average(self, faces, t):
        """Cell averages over [faces[i], faces[i+1]] (W/m^3), 3-point Gauss-Legendre."""
        left, right = faces[:-1], faces[1:]
        mid, half = 0.5 * (left + right), 0.5 * (right - left)
        offset = math.sqrt(3.0 / 5.0)
        return (
            5.0 * self.power_density(mid - offset * half, t)
            + 8.0 * self.power_density(mid, t)
            + 5.0 * self.power_density(mid + offset * half, t)
        ) / 18.0


@pytree_dataclass
class GratingInitialCondition:
    """Transient-grating initial condition (DUGKS eq. 51-52).

    `Te(x, 0) = Tref + dT sin(2 pi x / L)`, `Tp(x, 0) = Tref` on a periodic domain of
    length L (only the electrons are heated initially).

    **Fields:** `reference_temperature`: Tref (K); `amplitude`: dT (K);
    `period`: grating period L (m).
    """

    reference_temperature: Any
    amplitude: Any
    period: Any

    def electron_temperature(self, x):
        """Te(x, 0) (K) at positions x (m)."""
        return self.reference_temperature + self.amplitude * jnp.sin(2.0 * jnp.pi * x / self.period)

    def phonon_temperature(self, x):
        """Tp(x, 0) = Tref (K) at positions x (m)."""
        return self.reference_temperature * jnp.ones_like(x)

    def cell_average(self, faces):
        """Cell-averaged (Te, Tp) (K) over [faces[i], faces[i+1]] (m): exact average of the sine."""
        k = 2.0 * jnp.pi / self.period
        left, right = faces[:-1], faces[1:]
        mean_sine = (jnp.cos(k * left) - jnp.cos(k * right)) / (k * (right - left))
        electron = self.reference_temperature + self.amplitude * mean_sine
        return electron, self.reference_temperature * jnp.ones_like(electron)
