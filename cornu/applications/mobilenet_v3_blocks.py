"""The building blocks of MobileNetV3: channel rounding, activations made of layers,
squeeze-and-excitation, and the inverted residual block, with Keras's layer names.

Example:
>>> x = cornu.Input((32, 32, 16))
>>> inverted_res_block(x, 4, 24, 3, 2, None, relu, block_id=1).shape
(None, 16, 16, 24)
"""

from cornu import backend
from cornu import layers
from cornu.applications import imagenet_utils


def depth(v, divisor=8, min_value=None):
    """``v`` rounded to the nearest multiple of ``divisor`` (at least ``min_value``, default
    ``divisor``), never more than 10% below ``v``.

    Example:
    >>> depth(16 * 0.75)
    16
    """
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * v:
        rounded += divisor
    return rounded


def relu(x):
    """A fresh (auto-named) ``ReLU`` layer applied to ``x``.

    Example:
    >>> relu(cornu.Input((4,))).shape
    (None, 4)
    """
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``, built from ops and a ``ReLU(6.0)`` layer as the published graph is.

    Example:
    >>> hard_sigmoid(cornu.Input((4,))).shape
    (None, 4)
    """
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    """A fresh ``Activation("hard_swish")`` layer applied to ``x``.

    Example:
    >>> hard_swish(cornu.Input((4,))).shape
    (None, 4)
    """
    return layers.Activation("hard_swish")(x)


def _channel_axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def se_block(inputs, filters, se_ratio, prefix):
    """Squeeze-and-excitation: global pooling, a bottleneck of two 1x1 convolutions, and a
    hard-sigmoid gate multiplied into ``inputs``.

    Example:
    >>> x = cornu.Input((8, 8, 16))
    >>> se_block(x, 16, 0.25, "block_").shape
    (None, 8, 8, 16)
    """
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(
        inputs
    )
    x = layers.Conv2D(
        depth(filters * se_ratio), kernel_size=1, padding="same",
        name=f"{prefix}squeeze_excite_conv",
    )(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1"
    )(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation,
                       block_id):
    """Expand (1x1, skipped in block 0), depthwise ``kernel_size``, optional
    squeeze-and-excitation, linear projection (1x1), and a residual ``Add`` when the shape
    is kept. Layers are named ``expanded_conv_<block_id>_*`` (``expanded_conv_*`` in block 0).

    Example:
    >>> x = cornu.Input((16, 16, 16))
    >>> inverted_res_block(x, 3, 16, 5, 1, 0.25, hard_swish, block_id=4).shape
    (None, 16, 16, 16)
    """
    channel_axis = _channel_axis()
    shortcut = x
    infilters = x.shape[channel_axis]
    prefix = "expanded_conv_"
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(
            depth(infilters * expansion), kernel_size=1, padding="same", use_bias=False,
            name=f"{prefix}expand",
        )(x)
        x = layers.BatchNormalization(
            axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}expand_bn"
        )(x)
        x = activation(x)

    if stride == 2:
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad"
        )(x)
    x = layers.DepthwiseConv2D(
        kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
        use_bias=False, name=f"{prefix}depthwise",
    )(x)
    x = layers.BatchNormalization(
        axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}depthwise_bn"
    )(x)
    x = activation(x)

    if se_ratio:
        x = se_block(x, depth(infilters * expansion), se_ratio, prefix)

    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project"
    )(x)
    x = layers.BatchNormalization(
        axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}project_bn"
    )(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x
