"""The tutorial notebooks run top to bottom (fast setting) and their headline assertions hold.

Each notebook ends with `assert` statements on its key numbers (fit recovers the truth
within its uncertainty, sharded sweep equals vmap, AD sensitivities equal finite
differences, ...); an assertion failure fails the cell and this test.
"""

import pathlib
import sys

import pytest

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")


def _names():
    return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def test_notebooks_are_generated_from_the_builder():
    """The committed notebooks hold exactly the cells that build_notebooks.py writes."""
    import build_notebooks

    assert set(_names()) == set(build_notebooks.NB_ALL)
    for name, cells in build_notebooks.NB_ALL.items():
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert [c.source for c in nb.cells] == [c.source for c in cells], name


@pytest.mark.parametrize("name", _names())
def test_notebook_executes(name, tmp_path, monkeypatch):
    """Execute the notebook in a scratch copy of the folder; every cell (incl. final asserts) must pass."""
    import shutil

    import build_notebooks

    work = tmp_path / "notebooks"
    work.mkdir()
    shutil.copy(NOTEBOOKS / name, work / name)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = build_notebooks.execute(work / name, env_fast=True)
    outputs = "".join(
        o.get("text", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("name") == "stdout"
    )
    assert "OK" in outputs
