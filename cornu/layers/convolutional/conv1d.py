"""``Conv1D``: 1-D (temporal) convolution."""

from cornu.layers.convolutional.base_conv import BaseConv
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Conv1D", "keras.layers.Convolution1D")
class Conv1D(BaseConv):
    """Convolves sequences along their time axis.

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or ``(batch, channels, steps)``
    (``channels_first``); the kernel is ``kernel_size + (in_channels // groups, filters)``.
    ``padding="causal"`` pads on the left only, so ``output[t]`` depends on ``input[:t + 1]``.

    Example:
    >>> layer = cornu.layers.Conv1D(4, 3, padding="causal")
    >>> layer(np.ones((2, 10, 3))).shape
    (2, 10, 4)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=1, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, groups=groups, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


Convolution1D = Conv1D
