"""``UpSampling2D``: enlarges images by integer factors."""

from cornu import ops
from cornu.layers.reshaping.base_up_sampling import BaseUpSampling
from cornu.serialization.registry import keras_export

_INTERPOLATIONS = ("bicubic", "bilinear", "lanczos3", "lanczos5", "nearest")


@keras_export("keras.layers.UpSampling2D")
class UpSampling2D(BaseUpSampling):
    """Scales rows by ``size[0]`` and columns by ``size[1]``.

    ``interpolation="nearest"`` repeats rows and columns; the other methods
    (``"bilinear"``, ``"bicubic"``, ``"lanczos3"``, ``"lanczos5"``) resize
    with ``ops.image.resize``.

    Example:
    >>> cornu.layers.UpSampling2D(size=(2, 3))(np.ones((1, 2, 2, 5))).shape
    (1, 4, 6, 5)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(2, size, data_format, **kwargs)
        if not isinstance(interpolation, str) or interpolation.lower() not in _INTERPOLATIONS:
            raise ValueError(
                f"UpSampling2D: `interpolation` must be one of {_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        self.interpolation = interpolation.lower()

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        channels_first = self.data_format == "channels_first"
        x = ops.transpose(inputs, (0, 2, 3, 1)) if channels_first else inputs
        new_size = (x.shape[1] * self.size[0], x.shape[2] * self.size[1])
        x = ops.image.resize(x, new_size, interpolation=self.interpolation, data_format="channels_last")
        return ops.transpose(x, (0, 3, 1, 2)) if channels_first else x

    def get_config(self):
        config = super().get_config()
        config["interpolation"] = self.interpolation
        return config
