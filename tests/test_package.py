"""Package-level behaviour: no global JAX configuration at import, public surface, CLI."""

import subprocess
import sys


def test_import_does_not_flip_global_jax_config():
    """Importing jaxtherm (and every solver) leaves jax_enable_x64 as the user set it (off by default)."""
    code = "import jax, jaxtherm\nfrom jaxtherm import tdtr, ttm, dugks, fit, sweep\nprint(jax.config.jax_enable_x64)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_public_modules_are_reexported():
    """`import jaxtherm as jt` exposes every model and shared module explicitly."""
    import jaxtherm as jt

    for name in ("tdtr", "ttm", "dugks", "fit", "sweep", "materials", "sources", "reflectance", "circuit", "constants"):
        assert hasattr(jt, name), name
    assert callable(jt.tdtr.signal) and callable(jt.ttm.simulate) and callable(jt.dugks.simulate)


def test_cli_lists_reproductions_and_rejects_unknown_case(tmp_path):
    """`jaxtherm reproduce list` names every paper figure; an unknown case exits 2 with a clear message."""
    listing = subprocess.run(
        [sys.executable, "-m", "jaxtherm.app.cli", "reproduce", "list"], capture_output=True, text=True, timeout=300
    )
    assert listing.returncode == 0, listing.stderr
    for case in [f"dugks-fig{i}" for i in (2, 3, 4, 5, 6, 7, 8, 10, 11, 12)] + ["itr-fig5"]:
        assert case in listing.stdout, case
    bad = subprocess.run(
        [sys.executable, "-m", "jaxtherm.app.cli", "reproduce", "dugks-fig99", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2
    assert "unknown reproduction case" in bad.stderr
