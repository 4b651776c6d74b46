"""jaxtherm: differentiable, GPU-ready solvers for ultrafast thermal transport.

Submodules (explicit re-exports; import as ``import jaxtherm as jt``):

* `jt.tdtr` - frequency-domain multilayer TDTR/FDTR response (ITR paper);
* `jt.ttm` - two-temperature model, semi-implicit (DUGKS paper, App. A);
* `jt.dugks` - DUGKS for the coupled electron-phonon BTE (DUGKS paper);
* `jt.fit` - least squares on pytrees, uncertainties, sensitivities;
* `jt.materials`, `jt.sources`, `jt.reflectance`, `jt.constants` - shared physics;
* `jt.sweep` - batched, chunked and sharded parameter sweeps.

float64 is the tested default; enable it yourself with
``jax.config.update("jax_enable_x64", True)`` (the library never flips it).
"""

__version__ = "0.1.0"

from . import circuit as circuit
from . import constants as constants
from . import dugks as dugks
from . import fit as fit
from . import lab as lab
from . import materials as materials
from . import reflectance as reflectance
from . import sources as sources
from . import sweep as sweep
from . import tdtr as tdtr
from . import ttm as ttm
