"""``UpSampling3D``: repeats volumes along their three spatial axes."""

from cornu import backend, ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping.size_arguments import int_tuple
from cornu.saving.registry import keras_export


@keras_export("keras.layers.UpSampling3D")
class UpSampling3D(Layer):
    """Repeats the three spatial axes ``size[0]``, ``size[1]`` and ``size[2]`` times.

    Example:
    >>> cornu.layers.UpSampling3D(size=2)(np.ones((1, 1, 2, 1, 3))).shape
    (1, 2, 4, 2, 3)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.size = int_tuple(size, 3, "size", "UpSampling3D")
        self.input_spec = InputSpec(ndim=5)
        self.built = True

    def call(self, inputs):
        first_spatial = 2 if self.data_format == "channels_first" else 1
        x = inputs
        for i, factor in enumerate(self.size):
            x = ops.repeat(x, factor, axis=first_spatial + i)
        return x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first_spatial = 2 if self.data_format == "channels_first" else 1
        for i, factor in enumerate(self.size):
            axis = first_spatial + i
            shape[axis] = shape[axis] * factor if shape[axis] is not None else None
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config
