"""Physical constants (SI), CODATA 2018 exact/recommended values."""

#: Boltzmann constant (J/K), exact in SI 2019 (CODATA 2018).
BOLTZMANN = 1.380649e-23
#: Elementary charge (C), exact (CODATA 2018); 1 eV in J.
ELECTRON_VOLT = 1.602176634e-19
#: Speed of light in vacuum (m/s), exact.
SPEED_OF_LIGHT = 299792458.0
#: Reduced Planck constant (J s), CODATA 2018 (exact via h).
HBAR = 1.054571817e-34
#: Full solid angle (sr): energy densities per steradian of an isotropic distribution are U / (4 pi).
FOUR_PI = 4.0 * 3.141592653589793
