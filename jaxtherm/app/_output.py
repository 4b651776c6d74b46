"""Output folders of the application commands: never overwrite earlier results by accident."""

from __future__ import annotations

import os

from matplotlib.figure import Figure


class OutputExistsError(ValueError):
    """The output folder already holds results (or `--out` names a file); pass `force` to replace them."""


def prepare_output_dir(out_dir, outputs=None, *, force: bool = False, create: bool = True) -> str:
    """Check `out_dir` before any work is done, then create it (unless `create` is False).

    **Arguments:**

    - `out_dir`: the output folder.
    - `outputs`: file names the command writes there; if any exists the folder is
      refused. `None`: the folder is refused when it is not empty.
    - `force`: replace earlier results instead of refusing.
    - `create`: create the folder now (False: only check; create it when writing).

    **Returns:** `out_dir` as a string. **Raises:** `OutputExistsError` with a one-line message.
    """
    out_dir = os.fspath(out_dir)
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise OutputExistsError(f"--out {out_dir!r} is an existing file, not a folder; choose a folder name")
    if os.path.isdir(out_dir) and not force:
        existing = (
            sorted(os.listdir(out_dir))
            if outputs is None
            else [n for n in outputs if os.path.exists(os.path.join(out_dir, n))]
        )
        if existing:
            shown = ", ".join(existing[:3]) + (", ..." if len(existing) > 3 else "")
            raise OutputExistsError(
                f"--out {out_dir!r} already holds results ({shown}); choose a new folder or pass --force to replace them"
            )
    if create:
        os.makedirs(out_dir, exist_ok=True)
    return out_dir


def subplots(*args, figsize, **kwargs):
    """`(figure, axes)` like `pyplot.subplots`, on a bare `Figure`: no pyplot, no global backend state."""
    figure = Figure(figsize=figsize)
    return figure, figure.subplots(*args, **kwargs)
