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
* **several processes** - start one process per host (or per GPU) and call
  `jax.distributed.initialize(coordinator_address="HOST:PORT", num_processes=N,
  process_id=i)` in each before any other JAX call (under SLURM the three
  arguments are read from the environment when omitted; on CPUs also set
  ``jax.config.update("jax_cpu_collectives_implementation", "gloo")`` first).
  `jax.devices()` then lists the devices of every process; `sweep(...,
  devices="all")` builds its mesh over all of them, each process computes the
  members that fall on its own devices, and the results are gathered so that
  every process returns the whole batch. Every process must call `sweep` with the
  same batch and chunk size (SPMD).
* **validation** - a concrete batch is checked once on the host before anything
  is compiled: NaN in any leaf is refused naming the member index and the leaf's
  path, and parameter objects that define `validate_batch()` (e.g. `jt.tdtr.Stack`,
  `jt.ttm.Params`) check their physical ranges per member.
* **progress** - a progress bar on stderr, updated between chunks on the host
  (nothing is added to the compiled kernels, so it costs no kernel time);
  ``progress=None`` shows it only on an interactive terminal, ``False`` is quiet.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from ._validation import check_integer, is_concrete
from .progress import ProgressBar

__all__ = ["sweep", "stack_pytrees", "unstack_pytree", "batch_size", "grid", "validate_batch"]


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


def _has_batch_check(node) -> bool:
    return callable(getattr(node, "validate_batch", None)) and not isinstance(node, type)


def validate_batch(batched) -> None:
    """Check a concrete batch of parameter sets on the host; raise naming the bad member.

    NaN in any floating leaf is refused (a NaN parameter can only give NaN output);
    every node of the pytree that defines `validate_batch()` (e.g. a batched
    `jt.tdtr.Stack`) checks its own physical ranges per member. Traced batches
    (inside `jit`) are not checked.

    **Arguments:**

    - `batched`: pytree whose leaves carry a leading batch axis.

    **Raises:** `ValueError` naming the member index and the parameter.
    """
    if not is_concrete(batched):
        return
    nodes = jax.tree_util.tree_leaves(batched, is_leaf=_has_batch_check)
    for node in nodes:
        if _has_batch_check(node):
            node.validate_batch()
    for path, leaf in jax.tree_util.tree_flatten_with_path(batched)[0]:
        values = np.asarray(leaf)
        if not np.issubdtype(values.dtype, np.inexact) or values.ndim == 0:
            continue
        bad = np.isnan(values).reshape(values.shape[0], -1).any(axis=1)
        if bad.any():
            member = int(np.argmax(bad))
            raise ValueError(
                f"batch member {member}: parameter {jax.tree_util.keystr(path) or '(root)'} is NaN "
                f"({int(bad.sum())} of {values.shape[0]} members have NaN there); remove or fix those members"
            )


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
_COMPILED: collections.OrderedDict[tuple, tuple] = collections.OrderedDict()
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
    - `devices`: "all" (every `jax.devices()`, across all processes after
      `jax.distributed.initialize`), None (this process's first device, no
      sharding), or an explicit sequence of devices to shard the batch axis over.
    - `progress`: progress bar on stderr (None = only on a terminal).
    - `label`: progress-bar label.

    **Returns:** the pytree of `fn` outputs with a leading batch axis, as NumPy
    arrays on the host.
    """
    n_total = batch_size(batched_params)
    validate_batch(batched_params)
    devices = _resolve_devices(devices)
    n_devices = len(devices)
    if chunk_size is None:
        chunk_size = n_total
    chunk_size = check_integer("chunk_size", chunk_size, minimum=1)
    chunk_size = min(chunk_size, n_total)
    chunk_size = int(math.ceil(chunk_size / n_devices) * n_devices)

    host_params = jax.tree_util.tree_map(np.asarray, batched_params)
    compiled, sharding = _compiled_for(fn, tuple(devices))

    bar = ProgressBar(n_total, label=label, enabled=progress)
    pieces = []
    try:
        for start in range(0, n_total, chunk_size):
            stop = min(start + chunk_size, n_total)
            rows = slice(start, stop)
            chunk = jax.tree_util.tree_map(lambda leaf, rows=rows: leaf[rows], host_params)
            chunk = _pad_to(chunk, chunk_size)
            out = compiled(_put(chunk, sharding, devices[0]))
            # Copy to host: device memory then holds one chunk at a time.
            out = jax.tree_util.tree_map(lambda leaf, n=stop - start: _to_host(leaf)[:n], out)
            pieces.append(out)
            bar.update(stop - start)
    finally:
        bar.close()
    return jax.tree_util.tree_map(lambda *leaves: np.concatenate(leaves, axis=0), *pieces)


def _resolve_devices(devices) -> list:
    if isinstance(devices, str):
        if devices != "all":
            raise ValueError(f'devices must be "all", None or a sequence of jax devices, got {devices!r}')
        return list(jax.devices())
    if devices is None:
        return [jax.local_devices()[0]]
    devices = list(devices)
    if not devices:
        raise ValueError("devices is an empty sequence; pass None for the default device")
    return devices


def _put(chunk, sharding, device):
    """Place a host chunk: on one device, or as a global array over the mesh.

    `make_array_from_callback` asks each process only for the rows on its own
    devices, so the same code serves one process and several (`jax.distributed`).
    """
    if sharding is None:
        return jax.device_put(chunk, device)
    return jax.tree_util.tree_map(
        lambda leaf: jax.make_array_from_callback(leaf.shape, sharding, lambda index: leaf[index]), chunk
    )


def _to_host(leaf) -> np.ndarray:
    """A result as NumPy on this process; rows held by other processes are gathered first."""
    if getattr(leaf, "is_fully_addressable", True):
        return np.asarray(leaf)
    return np.asarray(multihost_utils.process_allgather(leaf, tiled=True))
