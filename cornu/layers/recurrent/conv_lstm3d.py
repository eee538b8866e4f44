"""``ConvLSTM3D``: a convolutional LSTM over sequences of 3D feature maps."""

from cornu.layers.recurrent.conv_lstm import ConvLSTM
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.ConvLSTM3D")
class ConvLSTM3D(ConvLSTM):
    """An LSTM whose input and recurrent transformations are 3D convolutions.

    Inputs: ``(batch, time, dim1, dim2, dim3, channels)`` (``channels_last``, the default) or
    ``(batch, time, channels, dim1, dim2, dim3)``. Output: the last hidden feature map, every step's
    with ``return_sequences=True``, plus the final ``[h, c]`` with ``return_state=True``.
    The recurrent convolution always uses ``padding="same"`` and unit strides; ``padding``,
    ``strides`` and ``dilation_rate`` apply to the input convolution.

    Example:
    >>> layer = cornu.layers.ConvLSTM3D(4, 3, padding="same", return_sequences=True)
    >>> layer(np.ones((2, 5, 4, 4, 4, 3))).shape
    (2, 5, 4, 4, 4, 4)
    """

    _rank = 3
