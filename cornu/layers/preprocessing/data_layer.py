"""``DataLayer``: the base of preprocessing layers, which run in a model and in a data pipeline.

The math of a preprocessing layer is written once, over ``self.backend``
(``self.backend.numpy.add``, ``self.backend.image.resize``, ...):

- called on backend tensors or symbolic inputs (inside a model, in a compiled
  step), ``self.backend`` is the chosen backend;
- called on NumPy arrays, Python lists, numbers or strings outside a model
  (in a ``PyDataset`` worker, a torch ``DataLoader``, a plain loop),
  ``self.backend`` is NumPy and the outputs are NumPy arrays, so the layer needs
  no accelerator, forks safely, and its results collate anywhere.
"""

import numpy as np
import optree

from cornu import backend
from cornu.backend import namespaces
from cornu.layers.layer import Layer
from cornu.random.seed_generator import SeedGenerator, draw_seed

_FLOAT_KINDS = "fc"


def _is_host_value(value):
    """NumPy arrays, Python scalars, strings and bytes: data that has not reached a backend."""
    return isinstance(value, (np.ndarray, np.generic, int, float, bool, str, bytes)) or value is None


def holds_only_host_data(args, kwargs=None):
    """True when every leaf of the call's inputs is host data (no backend or symbolic tensor)."""
    leaves = optree.tree_leaves((args, kwargs or {}), none_is_leaf=True)
    return bool(leaves) and all(_is_host_value(leaf) for leaf in leaves)


class DataLayer(Layer):
    """A layer whose ``call`` runs on the chosen backend inside a model and on NumPy on host data.

    Subclasses compute through ``self.backend`` (a ``BackendNamespace``) instead of
    ``cornu.ops``, draw randomness with ``self.draw_seed()``, and keep host-only
    state (vocabularies, statistics) as NumPy arrays or backend variables.

    Example:
    >>> class AddOne(DataLayer):
    ...     def call(self, x):
    ...         return self.backend.numpy.add(x, 1)
    >>> AddOne()(np.zeros(2))  # host data in, NumPy out
    array([1., 1.], dtype=float32)
    """

    @property
    def backend(self):
        """The namespace this call computes on: NumPy for host data, else the chosen backend."""
        return namespaces.current_namespace()

    def __call__(self, *args, **kwargs):
        if namespaces.computing_on_numpy() or not holds_only_host_data(args, kwargs):
            return super().__call__(*args, **kwargs)
        with namespaces.compute_on_numpy():
            return super().__call__(*args, **kwargs)

    def _convert_one(self, x):
        if not namespaces.computing_on_numpy():
            return super()._convert_one(x)
        if isinstance(x, dict):
            return {k: self._convert_one(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)) and x and isinstance(x[0], (dict, np.ndarray)):
            return type(x)(self._convert_one(v) for v in x)
        if x is None or isinstance(x, (str, bytes)):
            return x
        array = np.asarray(backend.convert_to_numpy(x) if backend.is_tensor(x) else x)
        if self.autocast and array.dtype.kind in _FLOAT_KINDS and array.dtype != np.dtype(self.compute_dtype):
            array = array.astype(self.compute_dtype)
        elif array.dtype == np.float64:
            array = array.astype(backend.floatx())
        return array

    def draw_seed(self, seed_generator=None):
        """A seed for ``self.backend.random``, drawn from ``seed_generator`` (default
        ``self.seed_generator``)."""
        generator = seed_generator if seed_generator is not None else self.seed_generator
        if self.backend.is_numpy and getattr(type(generator), "next", None) is SeedGenerator.next:
            return _next_host_seed(generator)
        return self.backend.convert_to_tensor(draw_seed(generator))

    def to_backend_output(self, outputs):
        """Converts NumPy outputs (e.g. from string processing that only NumPy can do) to the
        namespace in use: unchanged on NumPy, backend tensors otherwise."""
        if self.backend.is_numpy:
            return outputs
        return optree.tree_map(lambda x: backend.convert_to_tensor(x) if isinstance(x, np.ndarray) else x, outputs)


def _next_host_seed(generator):
    """``generator.next()`` as a NumPy array, with the counter advanced in NumPy: the same seed
    and the same new state, without the backend's per-op dispatch (on JAX it cost more than a
    small augmentation itself, all of it holding the GIL in data-pipeline threads)."""
    state = generator.state
    current = np.array(backend.convert_to_numpy(state.value))
    state.assign(current + np.array([0, 1], current.dtype))
    return current
