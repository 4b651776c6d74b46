"""DUGKS: discrete unified gas kinetic scheme for the coupled electron-phonon BTE.

Gray, isotropic electrons and phonons in 1-D (DUGKS paper sections II-III, SPEC
section 2): energy-density BTEs with relaxation to local equilibrium, electron-
phonon coupling G and a laser source, solved with the asymptotic-preserving
DUGKS on stacked carrier x ordinate x cell arrays, `lax.scan` in time.

```python
import jax
jax.config.update("jax_enable_x64", True)
from jaxtherm import dugks, materials, sources
params = dugks.Params(layers=(materials.GOLD,), source=sources.PulseSource(
    incident_fluence=10.0, reflectivity=0.93, pulse_duration=96e-15, penetration_depth=15.3e-9))
config = dugks.make_config(100e-9, 40, t_start=-0.5e-12, t_end=3e-12, n_outputs=350)
solution = dugks.simulate(params, config)
solution.front_electron_temperature      # K
```
"""

from .interface import transmission as transmission
from .params import BOUNDARY_KINDS as BOUNDARY_KINDS
from .params import CARRIERS as CARRIERS
from .params import INITIAL_CONDITIONS as INITIAL_CONDITIONS
from .params import LIMITERS as LIMITERS
from .params import WALLS as WALLS
from .params import Config as Config
from .params import Params as Params
from .params import make_config as make_config
from .params import resolve_time_step as resolve_time_step
from .params import validate as validate
from .params import with_coupling as with_coupling
from .quadrature import QUADRATURES as QUADRATURES
from .quadrature import ordinates as ordinates
from .simulate import Solution as Solution
from .simulate import interpolate_in_time as interpolate_in_time
from .simulate import probe as probe
from .simulate import probe_heat_flux as probe_heat_flux
from .simulate import simulate as simulate
from .step import State as State
from .step import initial_state as initial_state
from .step import solve_temperatures as solve_temperatures
from .step import step as step
from .fit import film_average as film_average
from .fit import fit_coupling_and_delay as fit_coupling_and_delay
from .fit import model_trace as model_trace
from .fit import reflectance_trace as reflectance_trace
from .fit import with_delay as with_delay
