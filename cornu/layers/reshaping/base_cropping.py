"""``BaseCropping``: the base of ``Cropping1D/2D/3D``, trimming the spatial axes."""

from cornu.layers.reshaping.base_spatial_reshaping import BaseSpatialReshaping
from cornu.layers.reshaping.size_arguments import pairs_argument


class BaseCropping(BaseSpatialReshaping):
    """Removes ``(before, after)`` entries from each of the ``rank`` spatial axes.

    As in Keras, ``Cropping1D`` takes one ``(start, end)`` pair and always reads
    ``(batch, steps, features)``; the 2D and 3D layers take an int (the same everywhere),
    one int per axis (symmetric) or a pair per axis, and a ``data_format``.

    Example:
    >>> cornu.layers.Cropping2D(cropping=((1, 0), (2, 2)))(np.ones((1, 4, 6, 3))).shape
    (1, 3, 2, 3)
    """

    def __init__(self, rank, cropping, data_format, /, **kwargs):
        super().__init__(rank, data_format, rank > 1, **kwargs)
        self.cropping = pairs_argument(cropping, rank, "cropping", f"Cropping{rank}D")

    def _spatial_pairs(self):
        return self._per_axis(self.cropping)

    def _too_much_cropping(self, shape):
        return ValueError(
            f"Values in `cropping` of Cropping{self._rank}D layer '{self.name}' should be smaller than the "
            f"corresponding spatial dimension of the input. Received: input_shape={tuple(shape)}, "
            f"cropping={self.cropping}"
        )

    def _cropped_sizes(self, shape):
        first = self._first_spatial_axis()
        sizes = []
        for i, (before, after) in enumerate(self._spatial_pairs()):
            size = shape[first + i]
            if size is not None and before + after >= size:
                raise self._too_much_cropping(shape)
            sizes.append(size - before - after if size is not None else None)
        return sizes

    def call(self, inputs):
        self._cropped_sizes(inputs.shape)
        spatial = tuple(slice(before, -after if after else None) for before, after in self._spatial_pairs())
        if self._first_spatial_axis() == 2:
            return inputs[(slice(None), slice(None)) + spatial]
        return inputs[(slice(None),) + spatial + (slice(None),)]

    def compute_output_shape(self, input_shape):
        first = self._first_spatial_axis()
        shape = list(input_shape)
        shape[first:first + self._rank] = self._cropped_sizes(input_shape)
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return self._with_data_format_config(config)
