"""``ConvLSTM2D``: a convolutional LSTM over sequences of 2D feature maps."""

from cornu.layers.recurrent.conv_lstm import ConvLSTM
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.ConvLSTM2D")
class ConvLSTM2D(ConvLSTM):
    """An LSTM whose input and recurrent transformations are 2D convolutions.

    Inputs: ``(batch, time, rows, cols, channels)`` (``channels_last``, the default) or
    ``(batch, time, channels, rows, cols)``. Output: the last hidden feature map, every step's
    with ``return_sequences=True``, plus the final ``[h, c]`` with ``return_state=True``.
    The recurrent convolution always uses ``padding="same"`` and unit strides; ``padding``,
    ``strides`` and ``dilation_rate`` apply to the input convolution.

    Example:
    >>> layer = cornu.layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
    >>> layer(np.ones((2, 5, 8, 8, 3))).shape
    (2, 5, 8, 8, 4)
    """

    _rank = 2
