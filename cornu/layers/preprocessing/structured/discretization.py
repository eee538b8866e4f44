"""``Discretization``: numbers to bin ids by bin boundaries, given or learned as quantiles."""

import numpy as np

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.layers.preprocessing.structured import quantile_summary
from cornu.layers.preprocessing.structured.encoding import OUTPUT_MODES, encode_ids, encoded_shape
from cornu.serialization.registry import keras_export


def _batches_of(data, steps):
    """The batches of ``adapt`` data: one array, or an iterable (PyDataset, tf.data, generator)."""
    from cornu.utils.py_dataset import PyDataset

    if isinstance(data, np.ndarray) or backend.is_tensor(data) or not hasattr(data, "__iter__"):
        if steps is not None and isinstance(data, np.ndarray):
            raise ValueError(f"`steps` is not supported with array inputs. Received: steps={steps}")
        return [data]
    if isinstance(data, PyDataset):
        dataset = data
        data = (dataset[i] for i in range(len(dataset)))
    batches = (batch[0] if isinstance(batch, tuple) else batch for batch in data)
    if steps is None:
        return batches
    return (batch for _, batch in zip(range(steps), batches))


@keras_export("keras.layers.Discretization")
class Discretization(DataLayer):
    """Buckets numbers into bins: bin ``i`` holds ``bin_boundaries[i - 1] <= x < bin_boundaries[i]``.

    Give the boundaries, or ``num_bins`` and call ``adapt`` to place them at approximate quantiles
    of the data (the same boundaries as Keras's ``adapt``). The bucketing is backend math, so the
    layer also runs inside a compiled model.

    Args:
        bin_boundaries: sorted boundaries (``n`` boundaries make ``n + 1`` bins), or None.
        num_bins: the number of bins that ``adapt`` makes.
        epsilon: the error tolerance of the quantile summary (smaller: more exact, slower).
        output_mode: ``"int"`` (bin ids), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: must be False (cornu has no sparse tensors).

    Example:
    >>> layer = cornu.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    >>> layer(np.array([[-1.5, 1.0, 3.4, 0.5]]))
    array([[0, 2, 3, 1]], dtype=int32)
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 dtype=None, name=None):
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise ValueError("`sparse=True` is not supported: cornu has no sparse tensors. Pass sparse=False. "
                             f"Received: sparse={sparse} and output_mode={output_mode}")
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"The `output_mode` argument of Discretization must be one of {OUTPUT_MODES}. "
                             f"Received: output_mode={output_mode}")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. "
                             f"Received: `num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`. "
                             "Received: num_bins=None and bin_boundaries=None")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if bin_boundaries else quantile_summary.empty_summary()
        self.built = True

    @property
    def input_dtype(self):
        return backend.floatx()

    @property
    def output_dtype(self):
        return self.compute_dtype if self.output_mode != "int" else "int32"

    def adapt(self, data, steps=None):
        """Places ``num_bins - 1`` boundaries at approximate quantiles of ``data``: an array, a
        tensor, a ``PyDataset``, a ``tf.data.Dataset`` or any iterable of batches (``steps``: how
        many batches to read)."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized with "
                             "`bin_boundaries`, use `num_bins` instead.")
        self.reset_state()
        for batch in _batches_of(data, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        """Adds a batch of values to the quantile summary."""
        values = np.asarray(backend.convert_to_numpy(data) if backend.is_tensor(data) else data).astype("float32")
        batch_summary = quantile_summary.summarize(values, self.epsilon)
        self.summary = quantile_summary.merge(batch_summary, self.summary, self.epsilon)

    def finalize_state(self):
        """Sets ``bin_boundaries`` from the summary."""
        if self.num_bins is not None:
            self.bin_boundaries = quantile_summary.bin_boundaries(self.summary, self.num_bins).tolist()

    def reset_state(self):
        if self.num_bins is not None:
            self.summary = quantile_summary.empty_summary()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at construction time or "
                             "call `adapt(dataset)` before you can start using the `Discretization` layer.")
        ns = self.backend
        boundaries = ns.convert_to_tensor(np.asarray(self.bin_boundaries, dtype="float32"))
        ids = ns.numpy.digitize(inputs, boundaries)
        return encode_ids(ns, ids, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype)

    def _depth(self):
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self._depth())

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.output_dtype)

    def save_own_variables(self, store):
        return

    def load_own_variables(self, store):
        if len(store) == 1:  # files of older Keras versions kept the summary as a variable
            self.summary = np.asarray(store["0"])

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            # An adapted layer has both; the constructor takes one, so the boundaries go on after.
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config)
