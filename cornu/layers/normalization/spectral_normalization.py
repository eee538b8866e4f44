"""``SpectralNormalization``: divides a layer's kernel by its largest singular value."""

from cornu import backend, initializers, ops
from cornu.layers.core.wrapper import Wrapper
from cornu.layers.input_spec import InputSpec
from cornu.serialization.registry import keras_export


def _l2_normalize(x):
    """``x / ||x||`` over all entries (``x`` stays 0 when it is 0)."""
    inverse_norm = ops.rsqrt(ops.sum(ops.square(x)))
    return x * ops.minimum(inverse_norm, 1.0 / backend.epsilon())


@keras_export("keras.layers.SpectralNormalization")
class SpectralNormalization(Wrapper):
    """Wraps a layer with a ``kernel`` (or ``embeddings``) weight. When called
    with ``training=True``, it estimates the kernel's spectral norm ``sigma``
    by ``power_iterations`` steps of power iteration, continued from the
    non-trainable ``vector_u`` weight, and replaces the kernel by
    ``kernel / sigma`` before calling the layer. At inference the layer runs
    with the kernel as it is.

    Example:
    >>> layer = cornu.layers.SpectralNormalization(cornu.layers.Dense(4))
    >>> y = layer(np.ones((2, 3)), training=True)
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or power_iterations <= 0:
            raise ValueError(
                "`power_iterations` of SpectralNormalization should be an integer greater than zero. "
                f"Received: power_iterations={power_iterations!r}"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(
                f"SpectralNormalization layer '{self.name}' needs a wrapped layer with a `kernel` or `embeddings` "
                f"weight (e.g. Dense, Conv2D, Embedding). Received: layer of type {type(self.layer).__name__}"
            )
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False,
                                        name="vector_u", dtype=self.kernel.dtype)

    def call(self, inputs, training=False):
        if training:
            # An all-zero kernel has no direction to estimate: it and vector_u stay as they are.
            # (A select rather than ops.cond: both branches are cheap and it traces the same everywhere.)
            kernel_is_zero = ops.all(ops.equal(self.kernel.value, 0))
            new_vector_u, new_kernel = self.normalized_weights()
            self.vector_u.assign(ops.where(kernel_is_zero, self.vector_u.value, new_vector_u))
            self.kernel.assign(ops.where(kernel_is_zero, self.kernel.value, new_kernel))
        outputs = self.layer(inputs)
        return ops.cast(outputs, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def normalized_weights(self):
        """Returns ``(vector_u, kernel / sigma)`` after ``power_iterations`` steps of power iteration."""
        weights = ops.reshape(self.kernel.value, (-1, self.kernel_shape[-1]))
        vector_u = self.vector_u.value
        for _ in range(self.power_iterations):
            vector_v = _l2_normalize(ops.matmul(vector_u, ops.transpose(weights)))
            vector_u = _l2_normalize(ops.matmul(vector_v, weights))
        vector_u = ops.stop_gradient(vector_u)
        vector_v = ops.stop_gradient(vector_v)
        sigma = ops.matmul(ops.matmul(vector_v, weights), ops.transpose(vector_u))
        sigma = ops.where(ops.equal(sigma, 0), ops.ones_like(sigma), sigma)  # a zero kernel stays zero, not NaN
        kernel = ops.reshape(ops.divide(self.kernel.value, sigma), self.kernel_shape)
        return ops.cast(vector_u, self.vector_u.dtype), ops.cast(kernel, self.kernel.dtype)

    def get_config(self):
        config = super().get_config()
        config["power_iterations"] = self.power_iterations
        return config
