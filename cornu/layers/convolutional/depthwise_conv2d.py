"""``DepthwiseConv2D``: 2-D depthwise convolution."""

from cornu.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.DepthwiseConv2D")
class DepthwiseConv2D(BaseDepthwiseConv):
    """Convolves each channel of an image with ``depth_multiplier`` filters of its own.

    Inputs are ``(batch, rows, cols, channels)`` (``channels_last``) or ``(batch, channels, rows, cols)``
    (``channels_first``); outputs have ``channels * depth_multiplier`` channels.

    Example:
    >>> layer = cornu.layers.DepthwiseConv2D(3, depth_multiplier=2)
    >>> layer(np.ones((2, 6, 6, 3))).shape
    (2, 4, 4, 6)
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=2, depth_multiplier=depth_multiplier, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            depthwise_initializer=depthwise_initializer, bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )
