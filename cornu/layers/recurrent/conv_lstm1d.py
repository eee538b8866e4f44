"""``ConvLSTM1D``: a convolutional LSTM over sequences of 1D feature maps."""

from cornu.layers.recurrent.conv_lstm import ConvLSTM
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.ConvLSTM1D")
class ConvLSTM1D(ConvLSTM):
    """An LSTM whose input and recurrent transformations are 1D convolutions.

    Inputs: ``(batch, time, steps, channels)`` (``channels_last``, the default) or
    ``(batch, time, channels, steps)``. Output: the last hidden feature map, every step's
    with ``return_sequences=True``, plus the final ``[h, c]`` with ``return_state=True``.
    The recurrent convolution always uses ``padding="same"`` and unit strides; ``padding``,
    ``strides`` and ``dilation_rate`` apply to the input convolution.

    Example:
    >>> layer = cornu.layers.ConvLSTM1D(4, 3, padding="same", return_sequences=True)
    >>> layer(np.ones((2, 5, 8, 3))).shape
    (2, 5, 8, 4)
    """

    _rank = 1
