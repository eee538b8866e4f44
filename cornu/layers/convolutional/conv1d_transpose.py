"""``Conv1DTranspose``: 1-D transposed convolution."""

from cornu.layers.convolutional.base_conv_transpose import BaseConvTranspose
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Conv1DTranspose", "keras.layers.Convolution1DTranspose")
class Conv1DTranspose(BaseConvTranspose):
    """Upsamples sequences with a learned transposed convolution along the time axis.

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or ``(batch, channels, steps)``
    (``channels_first``); the kernel is ``kernel_size + (filters, in_channels)``.

    Example:
    >>> layer = cornu.layers.Conv1DTranspose(4, 3, strides=2)
    >>> layer(np.ones((2, 5, 3))).shape
    (2, 11, 4)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=1, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            output_padding=output_padding, data_format=data_format, dilation_rate=dilation_rate,
            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs,
        )


Convolution1DTranspose = Conv1DTranspose
