"""``BaseSpatialReshaping``: what the cropping, zero-padding and upsampling layers share."""

from cornu import backend
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseSpatialReshaping(Layer):
    """A weightless layer acting on the ``rank`` spatial axes of ``(batch, *spatial, channels)``
    inputs, or ``(batch, channels, *spatial)`` with ``data_format="channels_first"``.

    Keras gives ``Cropping1D`` and ``UpSampling1D`` no ``data_format`` (they are always
    channels-last): their bases pass ``with_data_format`` false.

    Example:
    >>> cornu.layers.ZeroPadding2D(1, data_format="channels_first")(np.ones((1, 3, 2, 2))).shape
    (1, 3, 4, 4)
    """

    def __init__(self, rank, data_format, with_data_format=True, /, **kwargs):
        super().__init__(**kwargs)
        self._rank = rank
        self._with_data_format = with_data_format
        if with_data_format:
            self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

    def _per_axis(self, value):
        """A per-axis argument as one entry per spatial axis (1D layers keep their one entry bare)."""
        return (value,) if self._rank == 1 else value

    def _first_spatial_axis(self):
        return 2 if self._with_data_format and self.data_format == "channels_first" else 1

    def _with_data_format_config(self, config):
        """``config`` plus ``data_format`` where the layer has one (after its own arguments, as in Keras)."""
        if self._with_data_format:
            config["data_format"] = self.data_format
        return config
