"""``RMSNormalization``: scales each example by the inverse of its root mean square."""

from cornu import backend, ops
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RMSNormalization")
class RMSNormalization(Layer):
    """``x / sqrt(mean(x**2, axis) + epsilon) * scale``, with ``scale`` a weight
    of the shape of the normalized axes (initialized to ones). Computed in at
    least float32.

    Example:
    >>> layer = cornu.layers.RMSNormalization()
    >>> y = layer(np.random.rand(2, 4))
    >>> layer.scale.shape
    (4,)
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        if not (isinstance(axis, int) or (isinstance(axis, (list, tuple)) and all(isinstance(a, int) for a in axis))) \
                or isinstance(axis, bool):
            raise TypeError(
                "Invalid value for `axis` argument of RMSNormalization: expected an int or a list/tuple of ints. "
                f"Received: axis={axis!r}"
            )
        self.axis = axis
        self.epsilon = epsilon

    def _check_axes(self, input_shape):
        axes = self.axis if isinstance(self.axis, (list, tuple)) else [self.axis]
        for axis in axes:
            if not -len(input_shape) <= axis < len(input_shape):
                raise ValueError(
                    f"Axis {axis} of RMSNormalization layer '{self.name}' is out of bounds for input shape "
                    f"{tuple(input_shape)}. Received: axis={self.axis}"
                )

    def build(self, input_shape):
        self._check_axes(input_shape)
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[a] for a in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        if any(d is None for d in shape):
            raise ValueError(
                f"The normalized axes {self.axis} of the input to RMSNormalization layer '{self.name}' must have "
                f"known sizes. Received: input_shape={tuple(input_shape)}"
            )
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")

    def call(self, x):
        input_dtype = backend.standardize_dtype(x.dtype)
        compute_dtype = backend.result_type(input_dtype, "float32")
        x = ops.cast(x, compute_dtype)
        rank = len(x.shape)
        positive = [a % rank for a in self.axis]
        axes = sorted(positive)
        # Lay the scale along its axes, so that any axes (not only trailing ones) broadcast.
        scale = ops.cast(self.scale, compute_dtype)
        order = sorted(range(len(positive)), key=positive.__getitem__)
        if order != list(range(len(positive))):
            scale = ops.transpose(scale, order)
        scale_shape = [1] * rank
        for a in axes:
            scale_shape[a] = x.shape[a]
        scale = ops.reshape(scale, scale_shape)
        outputs = ops.rms_normalization(x, scale=scale, axis=axes, epsilon=self.epsilon)
        return ops.cast(outputs, input_dtype)

    def compute_output_shape(self, input_shape):
        self._check_axes(input_shape)
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
