"""Where a JAX step's state and batches live under a distribution (``DataParallel``,
``ModelParallel``): the step runner asks ``StepPlacement.for_runner`` once per ``start``.

- State: every variable value is laid out as its layout (``NamedSharding``), and the jitted
  step's ``out_shardings`` keep it there, so no step gathers a sharded variable.
- Batches: each process hands over its rows of the global batch (all of it on one process)
  and the step sees one global array split along the mesh's batch axis
  (``jax.make_array_from_process_local_data``). With ``auto_shard_dataset=True`` (the
  default) the data yields the global batch and each process keeps its own rows; with False
  each process's data already yields only its rows.

Example:
>>> placement = StepPlacement.for_runner(groups)      # None without a distribution
>>> state = placement.place_state(state)
>>> batch = placement.place_batch(batch)
"""

import jax
import numpy as np

from cornu.backend.jax import distribution as engine


class StepPlacement:
    def __init__(self, distribution, groups):
        self.distribution = distribution
        self.shardings = tuple(
            [engine.to_sharding(engine.variable_layout(v, distribution)) for v in group] for group in groups
        )
        for group in groups:
            for v in group:
                engine.check_layout_fits(v._layout, v.shape, f"variable '{v.path}'")
        mesh = distribution.device_mesh
        self._batch_parts = dict(zip(mesh.axis_names, mesh.shape)).get(distribution.batch_dim_name, 1)
        self._data_shardings = {}
        self._local_rows = {}

    @classmethod
    def for_runner(cls, groups):
        distribution = engine.current_distribution()
        return None if distribution is None else cls(distribution, groups)

    @property
    def key(self):
        """What a compiled step depends on (a new distribution compiles anew)."""
        return id(self.distribution)

    def jit_options(self, kind):
        """``jax.jit`` keywords that keep the state laid out (outputs: the compiler decides)."""
        return {"out_shardings": (None, self.shardings)}

    def place_state(self, state):
        return tuple([engine.put(value, s) for value, s in zip(values, shard)]
                     for values, shard in zip(state, self.shardings))

    def place_batch(self, batch):
        return jax.tree_util.tree_map(self._place_leaf, batch)

    def _data_sharding(self, ndim):
        sharding = self._data_shardings.get(ndim)
        if sharding is None:
            layout = self.distribution.get_data_layout((1,) * ndim)
            sharding = self._data_shardings[ndim] = engine.to_sharding(layout)
        return sharding

    def _place_leaf(self, x):
        if not hasattr(x, "shape") or not hasattr(x, "dtype") or getattr(x.dtype, "kind", "f") in "USO":
            return x  # strings stay on the host (text layers read them there)
        if x.ndim == 0:
            return x
        sharding = self._data_sharding(x.ndim)
        if jax.process_count() == 1:
            self._check_divisible(x.shape[0])
            return engine.put(x, sharding)
        if isinstance(x, jax.Array) and not x.is_fully_addressable:
            return engine.put(x, sharding)  # already a global array
        x = np.asarray(x)
        if not self.distribution.auto_shard_dataset:
            # Each process's data already holds only its rows.
            return jax.make_array_from_process_local_data(sharding, x)
        self._check_divisible(x.shape[0])
        start, stop = self._rows(sharding, x.shape)
        return jax.make_array_from_process_local_data(sharding, x[start:stop], x.shape)

    def _rows(self, sharding, global_shape):
        """The rows of a global batch that this process's devices hold."""
        key = (sharding, global_shape)
        rows = self._local_rows.get(key)
        if rows is None:
            starts, stops = [], []
            for index in sharding.addressable_devices_indices_map(global_shape).values():
                first = index[0] if index else slice(None)
                starts.append(first.start or 0)
                stops.append(global_shape[0] if first.stop is None else first.stop)
            rows = self._local_rows[key] = (min(starts), max(stops))
        return rows

    def _check_divisible(self, batch_size):
        if batch_size % self._batch_parts:
            raise ValueError(
                f"A batch of {batch_size} samples cannot be split evenly over the {self._batch_parts} data-parallel "
                f"devices of the mesh axis '{self.distribution.batch_dim_name}': use a batch size that is a multiple "
                f"of {self._batch_parts} (and, for the last batch of an epoch, a number of samples that is a multiple "
                "of the batch size, or `steps_per_epoch`). "
                f"Received: batch_size={batch_size}, data-parallel size={self._batch_parts}"
            )
