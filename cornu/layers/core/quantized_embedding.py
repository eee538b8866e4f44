"""Int8 ``Embedding``: an int8 table with one scale per row (``embeddings_scale``, shape ``(input_dim,)``).

A looked-up row is ``int8_row / scale[index]``. Keras scales rows rather than
columns because vocabularies are usually larger than the embedding size, which
keeps the quantization error lower; cornu stores the same layout.
"""

from cornu import backend, ops
from cornu.layers.core.quantizable import QuantizableLayer
from cornu.quantizers.quantization_config import QuantizationConfig
from cornu.quantizers.quantizers import AbsMaxQuantizer


class EmbeddingInt8(QuantizableLayer):
    """The int8 quantization of ``Embedding`` (a mixin of Embedding).

    Example:
    >>> layer = cornu.layers.Embedding(100, 8)
    >>> layer.build()
    >>> layer.quantize("int8")
    >>> layer.embeddings_scale.shape
    (100,)
    """

    _int8_mixin = True
    _float_variable_names = ("_embeddings",)
    _int8_variable_names = ("_embeddings", "embeddings_scale")

    def _int8_build(self, embeddings_shape, config=None):
        self._embeddings = self.add_weight(name="embeddings", shape=tuple(embeddings_shape), initializer="zeros",
                                           dtype="int8", trainable=False)
        self.embeddings_scale = self.add_weight(name="embeddings_scale", shape=(embeddings_shape[0],),
                                                initializer="ones", trainable=False)

    def _quantize_int8(self, config):
        quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=-1))
        table_shape = tuple(self._embeddings.shape)
        int8_table, scale = quantizer(self._embeddings, to_numpy=True)
        del self._embeddings
        self._int8_build(table_shape, config)
        self._embeddings.assign(int8_table)
        self.embeddings_scale.assign(ops.squeeze(scale, axis=-1))

    def _int8_call(self, inputs):
        if backend.standardize_dtype(inputs.dtype) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        scale = ops.expand_dims(ops.take(self.embeddings_scale, inputs, axis=0), axis=-1)
        rows = ops.take(self._embeddings, inputs, axis=0)
        return ops.divide(ops.cast(rows, self.compute_dtype), scale)
