"""``Conv3DTranspose``: 3-D transposed convolution."""

from cornu.layers.convolutional.base_conv_transpose import BaseConvTranspose
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Conv3DTranspose", "keras.layers.Convolution3DTranspose")
class Conv3DTranspose(BaseConvTranspose):
    """Upsamples volumes with a learned transposed convolution over three spatial axes.

    Inputs are ``(batch, d1, d2, d3, channels)`` (``channels_last``) or ``(batch, channels, d1, d2, d3)``
    (``channels_first``); the kernel is ``kernel_size + (filters, in_channels)``.

    Example:
    >>> layer = cornu.layers.Conv3DTranspose(4, 2, strides=2)
    >>> layer(np.ones((1, 3, 3, 3, 2))).shape
    (1, 6, 6, 6, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 output_padding=None, dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(
            rank=3, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            output_padding=output_padding, data_format=data_format, dilation_rate=dilation_rate,
            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs,
        )


Convolution3DTranspose = Conv3DTranspose
