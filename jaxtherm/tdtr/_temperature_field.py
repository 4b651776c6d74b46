r"""Temperature field ΔT(r, z) inside the stack, and the steady heating of the probed spot.

A Gaussian pump (1/e^2 radius w0, `Setup.pump_radius`) absorbed as a sheet at the heated plane,
modulated at frequency f (f = 0: steady state), gives at radius r and depth z, per absorbed watt,

    ΔT(r, z) = (1 / 2 pi) int_0^inf g(k, i 2 pi f; z) exp(-k^2 w0^2 / 8) J0(k r) k dk,

with g(k, s; z) the per-wavenumber temperature at depth z per unit flux: the layer holding z is
split there into two parts with no resistance between them, and the plane-to-plane response of
`_transfer.plane_response` is read at the new internal plane (exact per wavenumber, the same
transfer solution as the lock-in signals). The k integral uses k = k_b sinh(tau) with Gauss-Legendre
nodes in tau (k_b: the wavenumber below which the slowest-diffusing layer's q^2 is set by i omega C,
floored at 1e-4 / w0), so the rule is graded near k = 0 at any frequency; J0 is the trapezoidal sum
of its integral (1/pi) int_0^pi cos(x sin theta) d theta (exact to rounding for the node count used).

Checks in the tests: on a half space, T(r, 0) = P e^{-r^2/w0^2} I0(r^2/w0^2) / (sqrt(2 pi) kappa w0)
(so P / (sqrt(2 pi) kappa w0) at the centre) and T(0, z) = P erfcx(sqrt(2) z / w0) /
(sqrt(2 pi) kappa w0) -> P / (2 pi kappa z) for z >> w0; across an interface T jumps by R times the
flux and the flux -kappa dT/dz is continuous.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .._validation import as_concrete_array, check_finite, check_integer, check_nonnegative
from ._checks import check_setup, check_single_stack, check_steady_state, planes
from ._hankel import legendre_rule
from ._layer import StackArrays
from ._params import validate_stack
from ._sstr import steady_state_response
from ._transfer import plane_response

__all__ = ["steady_state_heating", "temperature_field"]

# Gaussian weight exp(-k^2 w0^2 / 8) < exp(-40) beyond k_max = sqrt(320) / w0.
_X_MAX = 40.0
_K_FLOOR = 1e-4


def _split_arrays(arrays, layer: int, depth):
    """The layer properties with `layer` split at `depth` (m) below its top face (no resistance between)."""

    def doubled(values):
        return jnp.concatenate([values[:layer], values[layer : layer + 1], values[layer:]])

    thickness = arrays.thickness
    parts = jnp.stack([depth, thickness[layer] - depth])
    resistances = arrays.resistances
    return StackArrays(
        thickness=jnp.concatenate([thickness[:layer], parts, thickness[layer + 1 :]]),
        heat_capacity=doubled(arrays.heat_capacity),
        conductivity=doubled(arrays.conductivity),
        conductivity_inplane=doubled(arrays.conductivity_inplane),
        resistances=jnp.concatenate([resistances[:layer], jnp.zeros(1, resistances.dtype), resistances[layer:]]),
    )


def _bessel_j0(x, n_terms: int):
    """J0(x) = (1/pi) int_0^pi cos(x sin theta) d theta by the midpoint rule (spectrally accurate)."""
    theta = np.pi * (np.arange(n_terms) + 0.5) / n_terms
    return jnp.mean(jnp.cos(x[..., None] * np.sin(theta)), axis=-1)


@functools.partial(
    jax.jit, static_argnames=("layer", "heat_plane", "pump_radius", "n_wavenumbers", "n_bessel", "one_dimensional")
)
def _field(arrays, depths, layer, heat_plane, pump_radius, n_wavenumbers, n_bessel, one_dimensional, radii, s):
    heat = heat_plane if heat_plane <= layer else heat_plane + 1
    if one_dimensional:
        k = jnp.zeros(1)
        weights = jnp.ones(1)
    else:
        k_max = math.sqrt(8.0 * _X_MAX) / pump_radius
        diffusion = jnp.sqrt(jnp.abs(s) * jnp.max(arrays.heat_capacity / arrays.conductivity_inplane))
        k_b = jax.lax.stop_gradient(jnp.maximum(diffusion, _K_FLOOR / pump_radius))
        nodes, node_weights = legendre_rule(n_wavenumbers)
        tau_max = jnp.arcsinh(k_max / k_b)
        k = k_b * jnp.sinh(tau_max * nodes)
        dk = k_b * jnp.cosh(tau_max * nodes) * tau_max * node_weights
        weights = dk * k * jnp.exp(-((k * pump_radius) ** 2) / 8.0) / (2.0 * np.pi)

    def at_depth(depth):
        g = plane_response(_split_arrays(arrays, layer, depth), k**2, s, heat, layer + 1)
        return g * weights

    weighted = jax.vmap(at_depth)(depths)  # (depths, k)
    if one_dimensional:
        return jnp.broadcast_to(weighted, (depths.shape[0], radii.shape[0]))
    bessel = _bessel_j0(k[:, None] * radii[None, :], n_bessel)  # (k, radii)
    return weighted @ bessel.astype(weighted.dtype)


def _locate(stack, depths):
    """Static layer index of each depth below the top face, and the depth inside that layer."""
    thickness = np.array([as_concrete_array("thickness", layer.thickness, "m") for layer in stack.layers], dtype=object)
    if any(t is None for t in thickness):
        raise ValueError(
            "depths below the top face need concrete layer thicknesses (m); inside jit/grad with respect to a "
            "thickness, pass layer=i and depths measured from the top face of layers[i]"
        )
    bottoms = np.cumsum(np.array(thickness, dtype=float))
    tops = np.concatenate([[0.0], bottoms[:-1]])
    index = np.searchsorted(bottoms, depths, side="left")
    if np.any(index >= len(bottoms)):
        raise ValueError(
            f"depths {depths[index >= len(bottoms)][:3]} m lie below the stack (total thickness {bottoms[-1]:g} m)"
        )
    return index, depths - tops[index]


def temperature_field(stack, setup, radii, depths, *, frequency=0.0, layer=None, n_wavenumbers: int = 160):
    """Temperature rise ΔT(r, z) per absorbed watt of a Gaussian pump (complex, K W^-1).

    **Arguments:**

    - `stack`: the sample (`Stack` of one-temperature `Layer`s).
    - `setup`: gives the pump radius w0 (m, `pump_radius`) and the heated plane (`heat_at`);
      with `one_dimensional=True` the field is per W m^-2 (K m^2 W^-1) and independent of r.
    - `radii`: radial distances r (m) from the pump axis, 1-D (points, not probe-weighted). Traced
      radii are resolved up to r = 6 w0 (the J0 sum is sized from concrete radii otherwise).
    - `depths`: depths z (m), 1-D: below the top face of the stack (a depth on an interface is read
      on its upper side), or, with `layer=i`, below the top face of `layers[i]` (0 is that face,
      below `resistances[i - 1]`; the thickness is its bottom face). `layer=i` allows traced
      thicknesses and depths (e.g. d ΔT / dz by `jax.grad`).
    - `frequency`: modulation frequency f (Hz) of the pump; 0 (default) for the steady state, which
      needs a semi-infinite last layer (a heat sink) and Gaussian spots.
    - `n_wavenumbers`: Gauss-Legendre nodes of the k integral (measured on the half-space closed
      forms, steady, r <= 3 w0, z <= 100 w0: 1e-14 relative with 160, 3e-6 with 64).

    **Returns:** complex array of shape `(len(depths), len(radii))`. The real part at f = 0 times
    the absorbed power (W) is the steady temperature rise (K).
    """
    check_setup(setup)
    validate_stack(stack)
    check_single_stack(stack)
    check_integer("n_wavenumbers", n_wavenumbers, minimum=8)
    check_nonnegative("frequency", frequency, "Hz")
    check_steady_state(stack, setup, frequency)
    radii_host = as_concrete_array("radii", radii, "m")
    if radii_host is not None:
        check_nonnegative("radii", radii_host, "m")
    check_finite("depths", depths, "m")
    if np.ndim(radii) != 1 or np.ndim(depths) != 1:
        raise ValueError(f"radii and depths (m) must be 1-D arrays, got shapes {np.shape(radii)}, {np.shape(depths)}")
    if setup.absorption_depth is not None:
        raise ValueError(
            "temperature_field models the pump as a sheet source at the heated plane; absorption_depth (m) "
            "must be None (split a thin absorbing top layer off the stack to resolve the near field instead)"
        )
    heat_plane, _ = planes(stack, setup)
    if setup.one_dimensional:
        pump_radius, n_bessel = None, 0
    else:
        pump_radius = float(setup.pump_radius)
        x_max = (
            math.sqrt(8.0 * _X_MAX) / pump_radius * (np.max(radii_host) if radii_host is not None else 6 * pump_radius)
        )
        n_bessel = int(math.ceil(0.5 * x_max + 5.0 * x_max ** (1.0 / 3.0) + 16))
    arrays = stack.arrays()
    if not isinstance(arrays, StackArrays):
        raise TypeError("temperature_field needs a stack of one-temperature Layer's (no TwoChannelLayer)")
    radii = jnp.asarray(radii, dtype=float)
    s = 2j * np.pi * jnp.asarray(frequency, dtype=float)
    call = functools.partial(
        _field,
        heat_plane=heat_plane,
        pump_radius=pump_radius,
        n_wavenumbers=n_wavenumbers,
        n_bessel=n_bessel,
        one_dimensional=setup.one_dimensional,
        radii=radii,
        s=s,
    )
    if layer is not None:
        check_integer("layer", layer, minimum=0)
        if layer >= stack.n_layers:
            raise ValueError(f"layer = {layer} is outside the stack ({stack.n_layers} layers)")
        return call(arrays, jnp.asarray(depths, dtype=float), layer=layer)
    depths_host = as_concrete_array("depths", depths, "m")
    if depths_host is None:
        raise ValueError("traced depths (m) need layer=i (depths measured from the top face of layers[i])")
    check_nonnegative("depths", depths_host, "m")
    index, local = _locate(stack, depths_host)
    out = jnp.zeros((depths_host.size, radii.shape[0]), dtype=complex)
    for i in np.unique(index):
        rows = np.nonzero(index == i)[0]
        out = out.at[rows].set(call(arrays, jnp.asarray(local[rows]), layer=int(i)))
    return out


def steady_state_heating(stack, setup, average_power, **kwargs):
    """Steady temperature rise of the probed spot under the average absorbed pump power (K).

    **Arguments:**

    - `stack`, `setup`: as in `steady_state_response` (Gaussian spots, semi-infinite substrate).
    - `average_power`: average absorbed pump power P_avg (W): the pulse train's and the modulation's
      mean; the modulated and pulsed signals ride on this DC rise.
    - `**kwargs`: passed to `jaxtherm.tdtr.response`.

    **Returns:** P_avg H(0) (K), the probe-weighted steady rise; the rise at the pump's centre on
    the surface is `P_avg * temperature_field(stack, setup, [0.0], [0.0]).real`.
    """
    check_nonnegative("average_power", average_power, "W")
    return average_power * steady_state_response(stack, setup, **kwargs)
