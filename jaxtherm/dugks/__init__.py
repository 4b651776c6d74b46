"""DUGKS: discrete unified gas kinetic scheme for the coupled electron-phonon BTE.

Gray, isotropic electrons and phonons in 1-D (DUGKS paper sections II-III):
energy-density BTEs with relaxation to local equilibrium, electron-phonon
coupling G and a laser source, solved with the asymptotic-preserving DUGKS on
stacked carrier x ordinate x cell arrays, `lax.scan` in time. The solver
contract is the one of `jaxtherm.ttm`: `Params`, `Config`, `State`, `Solution`,
`simulate(params, config, times)`, `step(params, config, state, dt)`.

```python
import jax, numpy as np
jax.config.update("jax_enable_x64", True)
from jaxtherm import dugks, materials, sources
params = dugks.Params(layers=(dugks.Layer(materials.GOLD, 100e-9),), source=sources.PulseSource(
    incident_fluence=10.0, reflectivity=0.93, pulse_duration=96e-15, penetration_depth=15.3e-9))
config = dugks.Config(cells_per_layer=40)
solution = dugks.simulate(params, config, np.linspace(-0.5e-12, 3e-12, 351))
solution.front_electron_temperature      # K
```

Real samples: a layer may be a `jaxtherm.materials.NonMetal` (phonons only, e.g.
`materials.SAPPHIRE`, `dugks.SILICON`); its electron row is inert. At a metal /
dielectric interface the metal's electrons are reflected (`Config.electron_reflection`)
and phonons cross with the gray diffuse-mismatch transmission or a given one
(`dugks.Interface(phonon_transmission=...)`, a differentiable leaf like the thicknesses):

```python
params = dugks.Params(
    layers=(dugks.Layer(materials.GOLD, 50e-9), dugks.Layer(materials.SAPPHIRE, 200e-9)),
    source=sources.PulseSource(incident_fluence=10.0, reflectivity=0.93, pulse_duration=96e-15,
                               penetration_depth=15.3e-9))
config = dugks.Config(cells_per_layer=(25, 50), boundaries=(("specular", "specular"), ("specular", "isothermal")))
h = dugks.diffusive_interface_conductance(materials.GOLD, materials.SAPPHIRE, n_ordinates=40)  # W/m^2/K, for jt.ttm
```
"""

from .._layers import Geometry as Geometry
from .._layers import Layer as Layer
from ._collision import solve_temperatures as solve_temperatures
from ._fit import fit_coupling_and_delay as fit_coupling_and_delay
from ._fit import model_trace as model_trace
from ._fit import with_coupling as with_coupling
from ._fit import with_delay as with_delay
from ._geometry import Coefficients as Coefficients
from ._geometry import Discretisation as Discretisation
from ._geometry import discretise as discretise
from ._geometry import make_geometry as make_geometry
from ._interface import ELECTRON_REFLECTIONS as ELECTRON_REFLECTIONS
from ._interface import Interface as Interface
from ._interface import diffusive_interface_conductance as diffusive_interface_conductance
from ._interface import transmission as transmission
from ._media import ALUMINIUM as ALUMINIUM
from ._media import SILICON as SILICON
from ._params import BOUNDARY_KINDS as BOUNDARY_KINDS
from ._params import CARRIERS as CARRIERS
from ._params import INITIAL_CONDITIONS as INITIAL_CONDITIONS
from ._params import LIMITERS as LIMITERS
from ._params import WALLS as WALLS
from ._params import Config as Config
from ._params import Params as Params
from ._params import TimeStepping as TimeStepping
from ._params import resolve_time_step as resolve_time_step
from ._params import time_stepping as time_stepping
from ._params import validate as validate
from ._quadrature import QUADRATURES as QUADRATURES
from ._quadrature import ordinates as ordinates
from ._simulate import Solution as Solution
from ._simulate import interpolate_in_time as interpolate_in_time
from ._simulate import probe as probe
from ._simulate import probe_heat_flux as probe_heat_flux
from ._simulate import simulate as simulate
from ._step import State as State
from ._step import centre_fields as centre_fields
from ._step import initial_state as initial_state
from ._step import step as step
