"""``BaseZeroPadding``: the base of ``ZeroPadding1D/2D/3D``, padding the spatial axes with zeros."""

from cornu import ops
from cornu.layers.reshaping.base_spatial_reshaping import BaseSpatialReshaping
from cornu.layers.reshaping.size_arguments import pairs_argument


class BaseZeroPadding(BaseSpatialReshaping):
    """Adds zeros before and after each of the ``rank`` spatial axes.

    As in Keras, ``ZeroPadding1D`` takes an int or one ``(before, after)`` pair; the 2D and 3D
    layers take an int (the same everywhere), one int per axis (symmetric) or a pair per axis.

    Example:
    >>> cornu.layers.ZeroPadding2D((1, 2))(np.ones((1, 2, 2, 3))).shape
    (1, 4, 6, 3)
    """

    def __init__(self, rank, padding, data_format, /, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self.padding = pairs_argument(padding, rank, "padding", f"ZeroPadding{rank}D")

    def _spatial_pairs(self):
        return self._per_axis(self.padding)

    def call(self, inputs):
        no_pad = ((0, 0),)
        if self._first_spatial_axis() == 2:
            pad_width = no_pad + no_pad + self._spatial_pairs()
        else:
            pad_width = no_pad + self._spatial_pairs() + no_pad
        return ops.pad(inputs, pad_width)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first_spatial = self._first_spatial_axis()
        for i, (before, after) in enumerate(self._spatial_pairs()):
            axis = first_spatial + i
            if shape[axis] is not None:
                shape[axis] += before + after
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        return self._with_data_format_config(config)
