"""``UpSampling2D``: enlarges images by integer factors."""

from cornu import backend, ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping.size_arguments import int_tuple
from cornu.saving.registry import keras_export

_INTERPOLATIONS = ("bicubic", "bilinear", "lanczos3", "lanczos5", "nearest")


@keras_export("keras.layers.UpSampling2D")
class UpSampling2D(Layer):
    """Scales rows by ``size[0]`` and columns by ``size[1]``.

    ``interpolation="nearest"`` repeats rows and columns; the other methods
    (``"bilinear"``, ``"bicubic"``, ``"lanczos3"``, ``"lanczos5"``) resize
    with ``ops.image.resize``.

    Example:
    >>> cornu.layers.UpSampling2D(size=(2, 3))(np.ones((1, 2, 2, 5))).shape
    (1, 4, 6, 5)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.size = int_tuple(size, 2, "size", "UpSampling2D")
        if not isinstance(interpolation, str) or interpolation.lower() not in _INTERPOLATIONS:
            raise ValueError(
                f"UpSampling2D: `interpolation` must be one of {_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        self.interpolation = interpolation.lower()
        self.input_spec = InputSpec(ndim=4)
        self.built = True

    def call(self, inputs):
        channels_first = self.data_format == "channels_first"
        x = ops.transpose(inputs, (0, 2, 3, 1)) if channels_first else inputs
        if self.interpolation == "nearest":
            x = ops.repeat(ops.repeat(x, self.size[0], axis=1), self.size[1], axis=2)
        else:
            new_size = (x.shape[1] * self.size[0], x.shape[2] * self.size[1])
            x = ops.image.resize(x, new_size, interpolation=self.interpolation, data_format="channels_last")
        return ops.transpose(x, (0, 3, 1, 2)) if channels_first else x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first_spatial = 2 if self.data_format == "channels_first" else 1
        for i, factor in enumerate(self.size):
            axis = first_spatial + i
            shape[axis] = shape[axis] * factor if shape[axis] is not None else None
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format, "interpolation": self.interpolation})
        return config
