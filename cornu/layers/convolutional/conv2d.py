"""``Conv2D``: 2-D (spatial) convolution."""

from cornu.layers.convolutional.base_conv import BaseConv
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Conv2D", "keras.layers.Convolution2D")
class Conv2D(BaseConv):
    """Convolves images over their height and width.

    Inputs are ``(batch, rows, cols, channels)`` (``channels_last``) or ``(batch, channels, rows, cols)``
    (``channels_first``); the kernel is ``kernel_size + (in_channels // groups, filters)``.

    Example:
    >>> layer = cornu.layers.Conv2D(8, 3, strides=2, padding="same")
    >>> layer(np.ones((2, 8, 8, 3))).shape
    (2, 4, 4, 8)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=2, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, groups=groups, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


Convolution2D = Conv2D
