"""Measurement helpers for the lab's day: beam sizes, transducer thickness, scan averaging.

* `fit_knife_edge`, `KnifeEdgeModel`, `knife_edge_power`, `KnifeEdgeParams`: Gaussian-beam
  1/e^2 intensity radius (the `jaxtherm.tdtr.Setup` definition) from a knife-edge scan;
  `fwhm_from_radius`, `radius_from_fwhm`.
* `find_echo`, `transducer_thickness`, `EchoModel`, `EchoParams`,
  `LONGITUDINAL_SOUND_SPEEDS`: picosecond acoustics - the round-trip echo time in the
  early-delay data and the metal transducer thickness d = v_L t_echo / 2.
* `read_lab_file`, `LabTrace`: lab files whose header lines carry f_mod, f_rep, spot radii,
  t0 and the delay-stage convention, with lock-in V_in/V_out/ratio/detector columns (SI out).
* `average_scans`: repeat scans on a common delay grid with per-point standard errors and
  an optional whole-scan outlier rule.

Every model is a callable of a parameter pytree and plugs into `jaxtherm.fit.fit_traces`
and `jaxtherm.fit.log_sensitivity` like the TDTR models.
"""

from ._acoustics import LONGITUDINAL_SOUND_SPEEDS as LONGITUDINAL_SOUND_SPEEDS
from ._acoustics import EchoConfig as EchoConfig
from ._acoustics import EchoFit as EchoFit
from ._acoustics import EchoModel as EchoModel
from ._acoustics import EchoNotFoundError as EchoNotFoundError
from ._acoustics import EchoParams as EchoParams
from ._acoustics import SoundSpeed as SoundSpeed
from ._acoustics import ThicknessResult as ThicknessResult
from ._acoustics import echo_signal as echo_signal
from ._acoustics import find_echo as find_echo
from ._acoustics import transducer_thickness as transducer_thickness
from ._average import AveragedScan as AveragedScan
from ._average import average_scans as average_scans
from ._knife_edge import FWHM_PER_RADIUS as FWHM_PER_RADIUS
from ._knife_edge import KnifeEdgeConfig as KnifeEdgeConfig
from ._knife_edge import KnifeEdgeModel as KnifeEdgeModel
from ._knife_edge import KnifeEdgeParams as KnifeEdgeParams
from ._knife_edge import KnifeEdgeResult as KnifeEdgeResult
from ._knife_edge import fit_knife_edge as fit_knife_edge
from ._knife_edge import fwhm_from_radius as fwhm_from_radius
from ._knife_edge import knife_edge_power as knife_edge_power
from ._knife_edge import radius_from_fwhm as radius_from_fwhm
from ._readers import COLUMN_ALIASES as COLUMN_ALIASES
from ._readers import LabTrace as LabTrace
from ._readers import read_lab_file as read_lab_file
