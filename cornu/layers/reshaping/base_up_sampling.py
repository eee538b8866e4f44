"""``BaseUpSampling``: the base of ``UpSampling1D/2D/3D``, repeating entries along the spatial axes."""

from cornu import ops
from cornu.layers.reshaping.base_spatial_reshaping import BaseSpatialReshaping
from cornu.layers.reshaping.size_arguments import int_tuple


def _check_int_size(size):
    if not isinstance(size, int) or isinstance(size, bool):
        raise TypeError(
            f"UpSampling1D: expected an integer value for `size`. Received: size={size!r} of type {type(size)}"
        )
    if size <= 0:
        raise ValueError(f"UpSampling1D: argument `size` should be a positive integer. Received: size={size}")


class BaseUpSampling(BaseSpatialReshaping):
    """Repeats every entry of spatial axis ``i`` ``size[i]`` times (nearest-neighbour upsampling).

    As in Keras, ``UpSampling1D`` takes one int and always reads ``(batch, steps, features)``;
    the 2D and 3D layers take an int or one int per axis, and a ``data_format``.

    Example:
    >>> cornu.layers.UpSampling3D(size=2)(np.ones((1, 1, 2, 1, 3))).shape
    (1, 2, 4, 2, 3)
    """

    def __init__(self, rank, size, data_format, /, **kwargs):
        super().__init__(rank, data_format, rank > 1, **kwargs)
        if rank == 1:
            _check_int_size(size)
            self.size = size
        else:
            self.size = int_tuple(size, rank, "size", f"UpSampling{rank}D")

    def _factors(self):
        return self._per_axis(self.size)

    def call(self, inputs):
        first_spatial = self._first_spatial_axis()
        x = inputs
        for i, factor in enumerate(self._factors()):
            x = ops.repeat(x, factor, axis=first_spatial + i)
        return x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first_spatial = self._first_spatial_axis()
        for i, factor in enumerate(self._factors()):
            axis = first_spatial + i
            shape[axis] = shape[axis] * factor if shape[axis] is not None else None
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return self._with_data_format_config(config)
