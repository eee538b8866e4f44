"""``Conv3D``: 3-D (volumetric) convolution."""

from cornu.layers.convolutional.base_conv import BaseConv
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Conv3D", "keras.layers.Convolution3D")
class Conv3D(BaseConv):
    """Convolves volumes over their three spatial axes.

    Inputs are ``(batch, d1, d2, d3, channels)`` (``channels_last``) or ``(batch, channels, d1, d2, d3)``
    (``channels_first``); the kernel is ``kernel_size + (in_channels // groups, filters)``.

    Example:
    >>> layer = cornu.layers.Conv3D(4, 3)
    >>> layer(np.ones((1, 5, 5, 5, 2))).shape
    (1, 3, 3, 3, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(
            rank=3, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, groups=groups, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


Convolution3D = Conv3D
