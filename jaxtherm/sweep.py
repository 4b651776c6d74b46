"""Parameter sweeps: `vmap` over a batch, in chunks, sharded over devices.

One documented way to evaluate any jaxtherm model over many parameter sets:

```python
import jax, jaxtherm as jt
batch = jt.sweep.stack_pytrees([stack_a, stack_b, ...])      # or build leaves with a leading axis
out = jt.sweep.sweep(lambda s: jt.tdtr.phase(jt.tdtr.signal(s, setup, delays)), batch,
                     chunk_size=4096)
```

* **vmap** - the model function `fn(params) -> pytree of arrays` is written for
  one parameter set; `sweep` vectorises it with `jax.vmap` and compiles it once.
* **chunking** - the batch is cut into chunks of `chunk_size` members, each
  evaluated by the same compiled kernel (the last chunk is padded by repeating
  its final member, so no recompilation happens) and copied back to host
  memory; device memory is bounded by one chunk whatever the batch size.
* **sharding** - with several devices (GPUs, or CPU devices forced with
  ``XLA_FLAGS=--xla_force_host_platform_device_count=N``) each chunk is split
  along the batch axis over a one-axis `jax.sharding.Mesh` (``"batch"``) with
  a `NamedSharding`; XLA runs the pieces in parallel and the results are
  gathered. The answers are identical to the unsharded run (same kernel,
  element by element).
* **multi-host** - call `jax.distributed.initialize()` on every host first
  (coordinator address, number of processes, process id; see the JAX
  documentation on multi-process runs); `jax.devices()` then lists the devices
  of all hosts and `sweep(..., devices=jax.devices())` shards across them. Each
  host must call `sweep` with the same batch (SPMD).
* **progress** - a progress bar on stderr, updated between chunks on the host
  (nothing is added to the compiled kernels, so it costs no kernel time);
  ``progress=None`` shows it only on an interactive terminal, ``False`` is quiet.
"""

from __future__ import annotations

import collections
import math
import sys
import time
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from ._validation import check_integer

__all__ = ["sweep", "stack_pytrees", "unstack_pytree", "batch_size", "grid", "ProgressBar"]


class ProgressBar:
    """A minimal text progress bar on a stream (stderr by default).

    **Arguments:**

    - `total`: number of work units (e.g. parameter sets).
    - `label`: text in front of the bar.
    - `enabled`: True/False, or None to show only when the stream is a terminal.
    - `stream`: file-like object to write to.
    """

    def __init__(self, total: int, label: str = "sweep", enabled: bool | None = None, stream=None):
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.done = 0
        self.start = time.perf_counter()

    def update(self, n: int) -> None:
        """Advance by `n` units and redraw."""
        self.done = min(self.done + n, self.total)
        if not self.enabled:
            return
        fraction = self.done / self.total
        width = 30
        filled = int(round(width * fraction))
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed > 0 else float("nan")
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done}/{self.total} ({rate:,.0f}/s)"
        )
        self.stream.flush()

    def close(self) -> None:
        """Finish the line."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def stack_pytrees(items: Sequence[Any]):
    """Stack a list of pytrees of identical structure into one batched pytree.

    **Arguments:**

    - `items`: parameter sets (e.g. `jt.tdtr.Stack` objects) with the same structure
      and leaf shapes.

    **Returns:** one pytree whose leaves carry a new leading batch axis.
    """
    if len(items) == 0:
        raise ValueError("stack_pytrees needs at least one item")
    structure = jax.tree_util.tree_structure(items[0])
    for index, item in enumerate(items[1:], start=1):
        if jax.tree_util.tree_structure(item) != structure:
            raise ValueError(
                f"stack_pytrees: item {index} has a different structure from item 0 "
                f"({jax.tree_util.tree_structure(item)} vs {structure})"
            )
    return jax.tree_util.tree_map(lambda *leaves: jnp.stack([jnp.asarray(x) for x in leaves]), *items)


def unstack_pytree(batched) -> list:
    """Inverse of `stack_pytrees`: a list of pytrees, one per batch member."""
    n = batch_size(batched)
    return [jax.tree_util.tree_map(lambda leaf, i=i: leaf[i], batched) for i in range(n)]


def batch_size(batched) -> int:
    """Common leading-axis length of every leaf of `batched`; error if they differ."""
    leaves = jax.tree_util.tree_leaves(batched)
    if not leaves:
        raise ValueError("the batched parameters have no array leaves")
    sizes = {np.shape(leaf)[0] if np.ndim(leaf) else None for leaf in leaves}
    if None in sizes:
        raise ValueError("every leaf of the batched parameters needs a leading batch axis (found a scalar)")
    if len(sizes) != 1:
        raise ValueError(f"the batched parameters' leaves have different leading sizes {sorted(sizes)}")
    return sizes.pop()


def grid(**axes) -> dict[str, np.ndarray]:
    """Cartesian product of named 1-D value arrays, flattened (row-major, first name slowest).

    `grid(resistance=r_values, effusivity=e_values)` returns a dict of equal-length
    1-D arrays covering every combination; reshape results with
    ``(len(r_values), len(e_values))``.
    """
    if not axes:
        raise ValueError("grid needs at least one named axis")
    names = list(axes)
    arrays = [np.asarray(axes[name], dtype=float).ravel() for name in names]
    mesh = np.meshgrid(*arrays, indexing="ij")
    return {name: m.ravel() for name, m in zip(names, mesh)}


def _pad_to(batched, n_rows: int):
    """Pad the leading axis to `n_rows` by repeating the last member (keeps values valid)."""

    def pad(leaf):
        missing = n_rows - leaf.shape[0]
        if missing == 0:
            return leaf
        tail = np.repeat(leaf[-1:], missing, axis=0)
        return np.concatenate([leaf, tail], axis=0)

    return jax.tree_util.tree_map(pad, batched)


# (fn, devices) -> (jitted vmap of fn, sharding or None), most recent last. A fresh
# `jax.jit(jax.vmap(fn))` per call would be a new function to JAX's cache, so every sweep of
# the same model would retrace and recompile. The jitted function holds `fn` (and its
# compiled executables), so the cache is a small LRU with strong references rather than a
# weak mapping, which its own values would keep alive forever.
_COMPILED: "collections.OrderedDict[tuple, tuple]" = collections.OrderedDict()
_COMPILED_MAX = 16


def _compiled_for(fn, devices: tuple):
    key = (fn, devices)
    try:
        _COMPILED.move_to_end(key)
        return _COMPILED[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable callable: no reuse
        key = None
    vmapped = jax.vmap(fn)
    if len(devices) > 1:
        mesh = Mesh(np.array(devices), ("batch",))
        sharding = NamedSharding(mesh, PartitionSpec("batch"))
        entry = (jax.jit(vmapped, in_shardings=sharding, out_shardings=sharding), sharding)
    else:
        entry = (jax.jit(vmapped), None)
    if key is not None:
        _COMPILED[key] = entry
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return entry


def sweep(
    fn: Callable[[Any], Any],
    batched_params,
    *,
    chunk_size: int | None = None,
    devices: Sequence[jax.Device] | str | None = "all",
    progress: bool | None = None,
    label: str = "sweep",
):
    """Evaluate `fn` over every member of a batch of parameter sets.

    **Arguments:**

    - `fn`: pure JAX function of ONE parameter set, `fn(params) -> pytree of arrays`.
    - `batched_params`: pytree whose leaves have a common leading batch axis
      (see `stack_pytrees`, `grid`).
    - `chunk_size`: members evaluated per compiled call (bounds device memory);
      None = the whole batch at once. Rounded up to a multiple of the device count.
    - `devices`: "all" (every `jax.devices()`), None (default device only, no
      sharding), or an explicit sequence of devices to shard the batch axis over.
    - `progress`: progress bar on stderr (None = only on a terminal).
    - `label`: progress-bar label.

    **Returns:** the pytree of `fn` outputs with a leading batch axis, as NumPy
    arrays on the host.
    """
    n_total = batch_size(batched_params)
    if devices == "all":
        devices = jax.devices()
    elif devices is None:
        devices = [jax.devices()[0]]
    devices = list(devices)
    n_devices = len(devices)
    if chunk_size is None:
        chunk_size = n_total
    chunk_size = check_integer("chunk_size", chunk_size, minimum=1)
    chunk_size = min(chunk_size, n_total)
    chunk_size = int(math.ceil(chunk_size / n_devices) * n_devices)

    host_params = jax.tree_util.tree_map(np.asarray, batched_params)
    compiled, sharding = _compiled_for(fn, tuple(devices))
    target = sharding if sharding is not None else devices[0]

    def put(chunk):
        return jax.device_put(chunk, target)

    bar = ProgressBar(n_total, label=label, enabled=progress)
    pieces = []
    try:
        for start in range(0, n_total, chunk_size):
            stop = min(start + chunk_size, n_total)
            chunk = jax.tree_util.tree_map(lambda leaf: leaf[start:stop], host_params)
            chunk = _pad_to(chunk, chunk_size)
            out = compiled(put(chunk))
            # Copy to host: device memory then holds one chunk at a time.
            out = jax.tree_util.tree_map(lambda leaf: np.asarray(leaf)[: stop - start], out)
            pieces.append(out)
            bar.update(stop - start)
    finally:
        bar.close()
    return jax.tree_util.tree_map(lambda *leaves: np.concatenate(leaves, axis=0), *pieces)
