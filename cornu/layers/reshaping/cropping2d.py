"""``Cropping2D``: trims the spatial axes."""

from cornu import backend
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping.size_arguments import int_pairs
from cornu.saving.registry import keras_export


@keras_export("keras.layers.Cropping2D")
class Cropping2D(Layer):
    """Removes ``cropping[i] = (before, after)`` entries from spatial axis ``i``.

    ``cropping`` is an int (the same everywhere), one int per axis
    (symmetric), or ``(before, after)`` pairs per axis.

    Example:
    >>> cornu.layers.Cropping2D(cropping=((1, 0), (2, 2)))(np.ones((1, 4, 6, 3))).shape
    (1, 3, 2, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.cropping = int_pairs(cropping, 2, "cropping", "Cropping2D")
        self.input_spec = InputSpec(ndim=4)
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
                    f"Values in `cropping` of Cropping2D layer '{self.name}' should be smaller than the "
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
        shape[first:first + 2] = self._cropped_sizes(input_shape)
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config
