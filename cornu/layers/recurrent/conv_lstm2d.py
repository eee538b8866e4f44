"""``ConvLSTM2D``: a convolutional LSTM over sequences of 2D feature maps."""

from cornu.layers.recurrent.conv_lstm import ConvLSTM
from cornu.saving.registry import keras_export


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

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        super().__init__(
            rank=2, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, return_sequences=return_sequences,
            return_state=return_state, go_backwards=go_backwards, stateful=stateful, **kwargs,
        )
