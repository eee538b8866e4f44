"""``Cropping3D``: trims the spatial axes."""

from cornu import backend
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping.size_arguments import int_pairs
from cornu.saving.registry import keras_export


@keras_export("keras.layers.Cropping3D")
class Cropping3D(Layer):
    """Removes ``cropping[i] = (before, after)`` entries from spatial axis ``i``.

    ``cropping`` is an int (the same everywhere), one int per axis
    (symmetric), or ``(before, after)`` pairs per axis.

    Example:
    >>> cornu.layers.Cropping3D(cropping=1)(np.ones((1, 4, 4, 4, 2))).shape
    (1, 2, 2, 2, 2)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.cropping = int_pairs(cropping, 3, "cropping", "Cropping3D")
        self.input_spec = InputSpec(ndim=5)
        self.built = True

    def _first_spatial_axis(self):
        return 2 if self.data_format == "channels_first" else 1

    def _cropped_sizes(self, shape):
        first = self._first_spatial_axis()
        sizes = []
        for i, (before, after) in enumerate(self.cropping):
            size = shape[first + i]
            if size is not None and before + after >= size:
                raise ValueError(
                    f"Values in `cropping` of Cropping3D layer '{self.name}' should be smaller than the "
                    f"corresponding spatial dimension of the input. Received: input_shape={tuple(shape)}, "
                    f"cropping={self.cropping}"
                )
            sizes.append(size - before - after if size is not None else None)
        return sizes

    def call(self, inputs):
        self._cropped_sizes(inputs.shape)
        spatial = tuple(slice(before, -after if after else None) for before, after in self.cropping)
        if self.data_format == "channels_first":
            return inputs[(slice(None), slice(None)) + spatial]
        return inputs[(slice(None),) + spatial + (slice(None),)]

    def compute_output_shape(self, input_shape):
        first = self._first_spatial_axis()
        shape = list(input_shape)
        shape[first:first + 3] = self._cropped_sizes(input_shape)
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config
