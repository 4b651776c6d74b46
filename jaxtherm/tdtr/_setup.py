"""`Setup`: the static (hashable) description of a TDTR/FDTR measurement."""

from __future__ import annotations

import dataclasses
import math

from .._validation import check_choice, check_integer, check_length, check_positive

__all__ = ["Setup", "resolve_plane"]

_PLANE_NAMES = ("front", "rear")
_SHAPES = ("gaussian", "tophat")
_DEFAULT_SIDEBANDS = {"split": 32, "sidebands": 2000}


@dataclasses.dataclass(frozen=True)
class Setup:
    """Static measurement configuration (hashable; passed to `jit` as a static argument).

    **Arguments:**

    - `modulation_frequency`: pump modulation frequency f_mod (Hz).
    - `repetition_rate`: laser repetition rate f_rep (Hz); the pulse period is 1/f_rep.
    - `pump_radius`, `probe_radius`: 1/e^2 intensity radii w0, w1 (m) of Gaussian beams, or the
      disc radius R of a top-hat beam. Ignored (may be `None`) when `one_dimensional=True`. To
      differentiate, fit or vmap them, pass a `Beams` (`beams=` of `signal` etc.) instead.
    - `pump_shape`, `probe_shape`: `"gaussian"` (default; Hankel weight exp(-k^2 w^2 / 8)) or
      `"tophat"` (uniform disc of radius R; weight 2 J1(k R) / (k R)). At most one beam may be a
      top-hat (the product of two disc transforms decays too slowly for the radial rule).
    - `heat_at`, `probe_at`: plane that absorbs the pump / is read by the probe:
      `"front"` (plane 0, the top face), `"rear"` (the plane above the last layer,
      i.e. the bottom face of the last film, on the upper side of the last resistance:
      the metal/substrate plane reached through a transparent substrate), or an
      integer plane index j (0 = top face; j >= 1 = bottom face of `layers[j-1]`).
    - `delay_stage`: `"probe"` (default: the probe is delayed) or `"pump"` (the pump is
      delayed, which multiplies the lock-in signal by exp(i omega_mod t)).
    - `one_dimensional`: `True` for the 1-D response per unit absorbed flux (k = 0).
    - `method`: `"split"` (default; full-period accurate at a cost independent of the
      smallest delay, see `jaxtherm.tdtr._lockin`) or `"sidebands"` (the textbook sideband sum
      with `n_sidebands` on each side under a smooth window: it blurs the signal over
      ~1 / (n_sidebands 2 pi f_rep) after each pulse; its measured error is stated in
      `jaxtherm.tdtr._lockin`).
    - `n_sidebands`: sidebands M on each side of the sum (`None`: 32 for `"split"`,
      2000 for `"sidebands"`).
    - `n_hankel`: Gauss-Legendre nodes of the radial (Hankel) integral, in the sinh-mapped
      variable of `jaxtherm.tdtr._hankel`.
    - `n_hankel_panels`: panels of 8 Gauss-Legendre nodes that the rule for oscillating kernels
      (a top-hat beam, or a `Beams.offset`) adds beyond the graded start (see
      `jaxtherm.tdtr._beam_rule`); unused for coaxial Gaussian beams.
    - `min_delay`: smallest |delay| modulo the period that `"split"` resolves (s).
    - `window_order`, `window_rate`: order p and rate lambda / f_rep of the time window
      w(t) = 1 - (1 - exp(-lambda t))^p that separates the singular early-time part
      (see `jaxtherm.tdtr._lockin`).
    - `contour_nodes`: nodes per decade of time of the inverse-Laplace contours.
    - `absorption_depth`: optional optical absorption depth delta_pump (m) of an exponential
      pump profile exp(-z/delta) inside the heated layer (layer 0 for `heat_at` = front,
      measured down from the top face; the layer above the plane otherwise, measured up from
      its bottom face). `None`: all heat absorbed in the plane (the usual sheet source).
    - `sensing_depth`: optional optical sensing depth delta_probe (m) of the probe, likewise.
    - `n_depth`: nodes of the depth-profile quadrature (each profile becomes `n_depth` sheets
      carrying equal shares of the absorbed/sensed weight; the response is then exact for
      times >> delta^2 / D, the diffusion time across the optical depth).

    The defaults aim at 1e-5 in the ratio over the whole period down to 0.1 ps. For speed,
    when delays start at ~100 ps and 1e-6 is enough: `min_delay=5e-11, window_order=6,
    n_sidebands=12, n_hankel=16, contour_nodes=24` (4x fewer evaluations of the per-wavenumber
    response; `benchmarks/bench_tdtr.py` checks this setting against a tight reference).
    """

    modulation_frequency: float
    repetition_rate: float
    pump_radius: float | None = None
    probe_radius: float | None = None
    pump_shape: str = "gaussian"
    probe_shape: str = "gaussian"
    heat_at: str | int = "front"
    probe_at: str | int = "front"
    delay_stage: str = "probe"
    one_dimensional: bool = False
    method: str = "split"
    n_sidebands: int | None = None
    n_hankel: int = 32
    n_hankel_panels: int = 24
    min_delay: float = 1e-13
    window_order: int = 4
    window_rate: float = 4.0
    contour_nodes: int = 32
    absorption_depth: float | None = None
    sensing_depth: float | None = None
    n_depth: int = 8

    def __post_init__(self):
        check_positive("modulation_frequency", self.modulation_frequency, "Hz")
        check_positive("repetition_rate", self.repetition_rate, "Hz")
        object.__setattr__(self, "modulation_frequency", float(self.modulation_frequency))
        object.__setattr__(self, "repetition_rate", float(self.repetition_rate))
        if self.modulation_frequency >= self.repetition_rate:
            raise ValueError(
                f"modulation_frequency = {self.modulation_frequency!r} Hz must be below repetition_rate = "
                f"{self.repetition_rate!r} Hz"
            )
        ratio = self.modulation_frequency / self.repetition_rate
        if abs(ratio * 2 - round(ratio * 2)) < 1e-12:
            raise ValueError("modulation_frequency must not be a multiple of repetition_rate/2 (Hz)")
        object.__setattr__(self, "one_dimensional", bool(self.one_dimensional))
        if not self.one_dimensional:
            for name in ("pump_radius", "probe_radius"):
                value = getattr(self, name)
                if value is None:
                    raise ValueError(f"{name} (m) is required unless one_dimensional=True")
                check_length(name, value, 1e-2, "m")
                object.__setattr__(self, name, float(value))
        for name in ("heat_at", "probe_at"):
            value = getattr(self, name)
            if isinstance(value, str):
                check_choice(name, value, _PLANE_NAMES)
            else:
                check_integer(name, value, minimum=0)
        check_choice("delay_stage", self.delay_stage, ("probe", "pump"))
        check_choice("pump_shape", self.pump_shape, _SHAPES)
        check_choice("probe_shape", self.probe_shape, _SHAPES)
        if self.pump_shape == "tophat" and self.probe_shape == "tophat":
            raise ValueError(
                "pump_shape and probe_shape cannot both be 'tophat': the product of two disc transforms decays "
                "like (k R)^-3 and the radial integral would need thousands of nodes; make one beam 'gaussian'"
            )
        check_integer("n_hankel_panels", self.n_hankel_panels, minimum=1)
        check_choice("method", self.method, ("split", "sidebands"))
        if self.n_sidebands is None:
            object.__setattr__(self, "n_sidebands", _DEFAULT_SIDEBANDS[self.method])
        check_integer("n_sidebands", self.n_sidebands, minimum=1)
        check_integer("n_hankel", self.n_hankel, minimum=2)
        check_integer("window_order", self.window_order, minimum=1)
        check_integer("contour_nodes", self.contour_nodes, minimum=4)
        check_positive("min_delay", self.min_delay, "s")
        check_integer("n_depth", self.n_depth, minimum=1)
        for name in ("absorption_depth", "sensing_depth"):
            value = getattr(self, name)
            if value is not None:
                check_length(name, value, 1e-3, "m")
                object.__setattr__(self, name, float(value))
        check_positive("window_rate", self.window_rate, "dimensionless (lambda / f_rep)")
        pulses = math.ceil(math.log(self.window_order / 1e-13) / self.window_rate)
        if pulses > 10:
            raise ValueError(
                f"window_rate = {self.window_rate!r} (lambda / f_rep) keeps {pulses} pulses in the time-domain part; "
                f"use window_rate >= {math.log(self.window_order / 1e-13) / 10:.2f} (at most 10 pulses)"
            )
        if self.min_delay >= 0.5 / self.repetition_rate:
            raise ValueError(f"min_delay = {self.min_delay!r} s must be far below the pulse period")

    @property
    def period(self) -> float:
        """Pulse period 1/f_rep (s)."""
        return 1.0 / self.repetition_rate

    @property
    def beam_radius_squared(self) -> float:
        """w0^2 + w1^2 (m^2), the width of the Gaussian weight exp(-k^2 (w0^2 + w1^2) / 8)."""
        return float(self.pump_radius) ** 2 + float(self.probe_radius) ** 2

    def replace(self, **changes) -> Setup:
        """A new `Setup` with fields replaced (e.g. `setup.replace(heat_at="rear")`).

        Changing `method` without giving `n_sidebands` resets a default `n_sidebands` to the new
        method's default (32 for `"split"`, 2000 for `"sidebands"`); an explicit value is kept.
        """
        method = changes.get("method", self.method)
        if (
            method != self.method
            and "n_sidebands" not in changes
            and self.n_sidebands == _DEFAULT_SIDEBANDS[self.method]
        ):
            changes["n_sidebands"] = None
        return dataclasses.replace(self, **changes)


def resolve_plane(name: str, value, n_layers: int, last_is_infinite: bool | None) -> int:
    """Plane index for `heat_at`/`probe_at` (`"front"`, `"rear"` or an int) on a given stack.

    `last_is_infinite=None` means unknown (traced thickness): only the existence of
    plane `n_layers` (the back face of a finite last layer) then goes unchecked.
    """
    if value == "front":
        return 0
    if value == "rear":
        if n_layers >= 2:
            return n_layers - 1
        if last_is_infinite:
            raise ValueError(
                f"{name}='rear' needs a film above the substrate; a single semi-infinite layer has only the front plane"
            )
        return 1
    index = int(value)
    planes = n_layers if last_is_infinite else n_layers + 1
    if not 0 <= index < planes:
        raise ValueError(
            f"{name} = {index} is outside the stack: planes 0..{planes - 1} exist for {n_layers} layer(s) "
            f"({'semi-infinite' if last_is_infinite else 'finite'} last layer)"
        )
    return index
