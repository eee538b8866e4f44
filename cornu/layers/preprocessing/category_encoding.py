"""``CategoryEncoding``: integer category ids to one-hot, multi-hot or count vectors."""

from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.serialization.registry import keras_export

_MODES = ("one_hot", "multi_hot", "count")


@keras_export("keras.layers.CategoryEncoding")
class CategoryEncoding(DataLayer):
    """Encodes integer ids in ``[0, num_tokens)`` as vectors of length ``num_tokens``.

    ``"one_hot"`` gives one vector per id (a trailing axis of size 1 is replaced), and
    ``"multi_hot"`` (also ``"binary"``) and ``"count"`` one vector per sample, marking or counting
    the ids it holds (``count_weights`` weighs each id in ``"count"`` mode).

    Example:
    >>> cornu.layers.CategoryEncoding(num_tokens=4, output_mode="count")([[0, 1, 1], [3, 3, 2]])
    # [[1, 2, 0, 0], [0, 0, 1, 2]]
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in _MODES:
            raise ValueError(f"`output_mode` must be one of {_MODES}. Received: output_mode={output_mode!r}")
        if num_tokens is None:
            raise ValueError(
                "`num_tokens` must be set to use this layer. If the number of tokens is not known "
                "beforehand, map the values to ids first (e.g. with a lookup)."
            )
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, int) or num_tokens < 1:
            raise ValueError(f"`num_tokens` must be an integer >= 1. Received: num_tokens={num_tokens!r}")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.autocast = False  # ids stay integers
        self.built = True

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is only used when `output_mode` is 'count'. "
                    f"Received: output_mode={self.output_mode!r} and count_weights={count_weights!r}"
                )
        ns = self.backend
        if count_weights is not None:
            count_weights = ns.convert_to_tensor(count_weights, dtype=self.compute_dtype)
        inputs = ns.convert_to_tensor(inputs)
        if len(inputs.shape) == 0:
            inputs = ns.numpy.expand_dims(inputs, -1)
        if self.sparse:
            raise ValueError(f"Sparse outputs are not supported by cornu. Pass sparse=False. Received: sparse={self.sparse}")
        if self.output_mode == "multi_hot":
            encoded = ns.nn.one_hot(inputs, self.num_tokens, dtype=self.dtype)
            return ns.numpy.max(encoded, axis=-2 if len(inputs.shape) > 1 else 0)
        if self.output_mode == "one_hot":
            if len(inputs.shape) > 1 and inputs.shape[-1] == 1:
                inputs = ns.numpy.squeeze(inputs, -1)
            return ns.nn.one_hot(inputs, self.num_tokens, dtype=self.dtype, sparse=self.sparse)
        dtype = count_weights.dtype if count_weights is not None else self.dtype
        encoded = ns.nn.one_hot(inputs, self.num_tokens, dtype=dtype, sparse=self.sparse)
        if count_weights is not None:
            encoded = ns.numpy.multiply(encoded, ns.numpy.expand_dims(count_weights, -1))
        return ns.numpy.sum(encoded, axis=1 if len(inputs.shape) > 1 else 0)

    def compute_output_shape(self, input_shape):
        if len(input_shape) == 0:  # a scalar is one id: (1, n) one-hot, (n,) otherwise, as `call` gives
            return (1, self.num_tokens) if self.output_mode == "one_hot" else (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return tuple(input_shape) + (self.num_tokens,)
        return tuple(input_shape[:-1]) + (self.num_tokens,)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config
