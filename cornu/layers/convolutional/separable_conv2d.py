"""``SeparableConv2D``: 2-D depthwise-separable convolution."""

from cornu.layers.convolutional.base_separable_conv import BaseSeparableConv
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.SeparableConv2D", "keras.layers.SeparableConvolution2D")
class SeparableConv2D(BaseSeparableConv):
    """Filters each channel of an image on its own, then mixes channels with a 1x1 convolution.

    Inputs are ``(batch, rows, cols, channels)`` (``channels_last``) or ``(batch, channels, rows, cols)``
    (``channels_first``).

    Example:
    >>> layer = cornu.layers.SeparableConv2D(4, 3, depth_multiplier=2)
    >>> layer(np.ones((2, 6, 6, 3))).shape
    (2, 4, 4, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=2, depth_multiplier=depth_multiplier, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            use_bias=use_bias, depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer, pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint, pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


SeparableConvolution2D = SeparableConv2D
