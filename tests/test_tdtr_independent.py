"""TDTR response against an independent method: a finite-volume frequency-domain solve.

The heat equation in the frequency domain, s C T - d/dz(kappa_z dT/dz) + kappa_r k^2 T = 0
with a unit sheet source at the heated plane, is discretised here with a vertex-centred
finite-volume scheme (numpy/scipy only; nothing from `jaxtherm.tdtr._transfer` is used):
nodes on every layer face, lumped control volumes, interface resistances as a series
conductance 1/R between the two face nodes, a geometrically graded substrate truncated
far below the thermal penetration depth. Two grids (h and h/2) are Richardson-extrapolated
(second-order scheme). The radial case integrates the per-wavenumber FV solutions over the
Gaussian spot weight with Gauss-Legendre in k (a different rule from the library's
Gauss-Laguerre one).
"""

import numpy as np
import pytest
import scipy.linalg

import jaxtherm as jt

import helpers

# ITR paper sample W/Al2O3/Ni/quartz (Table 1 at 300 K, Table 3 ITRs).
THICKNESS, HEAT_CAPACITY = list(helpers.THICKNESS), list(helpers.HEAT_CAPACITY)
CONDUCTIVITY, RESISTANCES = list(helpers.CONDUCTIVITY), list(helpers.RESISTANCES)
PUMP_RADIUS, PROBE_RADIUS = 26e-6, 12.5e-6
FREQUENCIES = np.array([200e3, 20.2e6, 1.0e9])


def _itr_stack():
    return helpers.itr_stack()


def _grid(refine):
    """Node positions per layer (list of arrays) for a refinement level."""
    film_cells = [208, 20, 164]  # ~0.5 nm cells in the films at refine = 1
    nodes = []
    for d, n in zip(THICKNESS[:-1], film_cells):
        nodes.append(np.linspace(0.0, d, n * refine + 1))
    # Substrate: graded cells from 0.5 nm up to a depth of ~60 penetration depths at 200 kHz
    # in 1-D (quartz: sqrt(D / omega) = 0.83 um) - far deeper than any response reaches.
    first, growth, depth = 0.5e-9, 1.04, 60e-6
    widths = [first]
    while sum(widths) < depth:
        widths.append(widths[-1] * growth)
    widths = np.array(widths)
    if refine == 2:
        # split every cell into two with the same local grading (smooth refinement)
        r = np.sqrt(growth)
        widths = np.concatenate([[w / (1 + r), w * r / (1 + r)] for w in widths])
    nodes.append(np.concatenate([[0.0], np.cumsum(widths)]))
    return nodes


def _fv_response(s, k2, heat_plane, refine, absorption_depth=None, sensing_depth=None):
    """Temperatures at every plane for a unit flux into `heat_plane` (one wavenumber).

    With `absorption_depth` the unit flux is instead spread as exp(-z/delta) over layer 0 (front
    heating); with `sensing_depth` an extra entry returns the exp(-z/delta)-weighted mean
    temperature of layer 0 (front probing).
    """
    nodes = _grid(refine)
    n_nodes = sum(len(z) for z in nodes)
    diag = np.zeros(n_nodes, complex)
    upper = np.zeros(n_nodes - 1, complex)  # coupling i <-> i+1
    plane_index = [0]
    offset = 0
    for layer, z in enumerate(nodes):
        c, kz = HEAT_CAPACITY[layer], CONDUCTIVITY[layer]
        kr = kz
        dz = np.diff(z)
        volume = np.zeros(len(z))
        volume[:-1] += dz / 2
        volume[1:] += dz / 2
        g = kz / dz
        idx = offset + np.arange(len(z))
        diag[idx] += (s * c + kr * k2) * volume
        diag[idx[:-1]] += g
        diag[idx[1:]] += g
        upper[idx[:-1]] -= g
        if layer < len(RESISTANCES):
            gi = 1.0 / RESISTANCES[layer]
            last = idx[-1]
            diag[last] += gi
            diag[last + 1] += gi
            upper[last] -= gi
            plane_index.append(last)
        offset += len(z)
    rhs = np.zeros(n_nodes, complex)
    top = nodes[0]
    if absorption_depth is None:
        rhs[plane_index[heat_plane]] = 1.0
    else:
        rhs[: len(top)] = _profile_shares(top, absorption_depth)
    banded = np.zeros((3, n_nodes), complex)
    banded[0, 1:] = upper
    banded[1] = diag
    banded[2, :-1] = upper
    temperature = scipy.linalg.solve_banded((1, 1), banded, rhs)
    planes = temperature[plane_index]
    if sensing_depth is not None:
        planes = np.append(planes, _profile_shares(top, sensing_depth) @ temperature[: len(top)])
    return planes


def _profile_shares(z, depth):
    """Exact integrals of exp(-z/delta) / (delta (1 - exp(-d/delta))) over each node's control volume."""
    faces = np.concatenate([[z[0]], 0.5 * (z[1:] + z[:-1]), [z[-1]]])
    cdf = -np.expm1(-faces / depth)
    return np.diff(cdf) / cdf[-1]


def _fv_extrapolated(s, k2, heat_plane, **profiles):
    coarse = _fv_response(s, k2, heat_plane, 1, **profiles)
    fine = _fv_response(s, k2, heat_plane, 2, **profiles)
    return fine + (fine - coarse) / 3.0, np.abs(fine - coarse)


def _fv_spot(frequency, heat_plane, one_dimensional):
    s = 2j * np.pi * frequency
    if one_dimensional:
        return _fv_extrapolated(s, 0.0, heat_plane)
    width2 = PUMP_RADIUS**2 + PROBE_RADIUS**2
    u, w = np.polynomial.legendre.leggauss(48)
    u = 3.2 * (u + 1.0)  # u = k sqrt(width2 / 8) in [0, 6.4]; exp(-u^2) < 2e-18 beyond
    w = 3.2 * w
    k = u * np.sqrt(8.0 / width2)
    total = 0.0
    spread = 0.0
    for ki, wi in zip(k, w):
        value, diff = _fv_extrapolated(s, ki**2, heat_plane)
        # dk = sqrt(8 / width2) du; (1 / 2 pi) exp(-k^2 width2 / 8) k dk (SPEC §4)
        weight = wi * np.exp(-(ki**2) * width2 / 8.0) * ki * np.sqrt(8.0 / width2) / (2 * np.pi)
        total = total + weight * value
        spread = spread + weight * diff
    return total, spread


@pytest.mark.parametrize("one_dimensional", [True, False], ids=["1d", "gaussian"])
def test_response_matches_finite_volume(one_dimensional):
    """The impedance-form response equals an independent finite-volume solve to 1e-5 for
    W/Al2O3/Ni/quartz heated and probed at front/front, front/rear (FR), rear/front (RF)
    and rear/rear, at 200 kHz, 20.2 MHz and 1 GHz, in 1-D and with Gaussian spots."""
    stack = _itr_stack()
    rear = 3
    worst = 0.0
    for heat_name, heat_plane in (("front", 0), ("rear", rear)):
        fv = [_fv_spot(f, heat_plane, one_dimensional) for f in FREQUENCIES]
        for probe_name, probe_plane in (("front", 0), ("rear", rear)):
            setup = jt.tdtr.Setup(
                200e3,
                20e6,
                PUMP_RADIUS,
                PROBE_RADIUS,
                heat_at=heat_name,
                probe_at=probe_name,
                one_dimensional=one_dimensional,
            )
            model = np.asarray(jt.tdtr.response(stack, setup, FREQUENCIES))
            reference = np.array([value[probe_plane] for value, _ in fv])
            richardson_change = np.array([spread[probe_plane] for _, spread in fv])
            # the FV reference itself must be converged well below the tolerance
            assert np.all(richardson_change / np.abs(reference) < 1e-3)
            error = np.abs(model / reference - 1.0)
            worst = max(worst, error.max())
            assert np.all(error < 1e-5), (heat_name, probe_name, error)
    assert worst < 1e-5


def test_depth_profiles_match_finite_volume():
    """Exponential absorption (15 nm) and sensing (10 nm) profiles in the W top layer: the library's
    sheet-quadrature equals a finite-volume solve with the volumetric source exp(-z/delta) and the
    exp(-z/delta)-weighted mean temperature, to 1e-5 at 200 kHz, 20.2 MHz and 1 GHz (1-D), for the
    profile read at the front and a sheet read at the rear (FR). Reciprocity holds with profiles:
    absorbing over 15 nm at the front and reading the rear sheet equals heating the rear sheet and
    sensing over 15 nm at the front."""
    stack = _itr_stack()
    setup = jt.tdtr.Setup(
        200e3,
        20e6,
        heat_at="front",
        probe_at="front",
        one_dimensional=True,
        absorption_depth=15e-9,
        sensing_depth=10e-9,
    )
    both = np.asarray(jt.tdtr.response(stack, setup, FREQUENCIES))
    fr = np.asarray(jt.tdtr.response(stack, setup.replace(probe_at="rear", sensing_depth=None), FREQUENCIES))
    for f, model_both, model_fr in zip(FREQUENCIES, both, fr):
        values, spread = _fv_extrapolated(2j * np.pi * f, 0.0, 0, absorption_depth=15e-9, sensing_depth=10e-9)
        assert np.all(spread / np.abs(values) < 1e-3)
        assert abs(model_both / values[-1] - 1) < 1e-5, (f, model_both, values[-1])
        assert abs(model_fr / values[3] - 1) < 1e-5, (f, model_fr, values[3])
    rf = np.asarray(
        jt.tdtr.response(stack, setup.replace(heat_at="rear", absorption_depth=None, sensing_depth=15e-9), FREQUENCIES)
    )
    np.testing.assert_allclose(rf, fr, rtol=1e-12)
