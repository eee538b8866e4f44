"""The inverted-residual blocks of EfficientNet (V1) and EfficientNetV2.

Each block is a function ``block(inputs, ..., name=prefix)`` that calls freshly made layers on a
symbolic tensor and returns the block's output; every layer is named ``prefix + role`` (for
example ``block2a_expand_conv``), which is what the published weight files and Keras's models use.

Example:
>>> x = cornu.Input((32, 32, 16))
>>> y = mb_conv(x, activation="swish", drop_rate=0.0, name="block1a_", filters_in=16,
...             filters_out=24, kernel_size=3, strides=2, expand_ratio=6, se_ratio=0.25)
>>> y.shape
(None, 16, 16, 24)
"""

from cornu import backend
from cornu import initializers
from cornu import layers
from cornu.applications import imagenet_utils


def conv_initializer():
    """The kernel initializer of every EfficientNet convolution (He-style, fan-out)."""
    return initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="truncated_normal")


def dense_initializer():
    """The kernel initializer of the EfficientNet classifier."""
    return initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_out", distribution="uniform")


def channel_axis():
    """The channel axis of a 4-D image batch under the current image data format."""
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv_bn(x, filters, kernel_size, name, *, strides=1, padding="same", bn_momentum=0.99,
            activation=None, conv_name="conv", bn_name="bn", activation_name="activation"):
    """Bias-free ``Conv2D`` then ``BatchNormalization``, then optionally an ``Activation``,
    named ``name + conv_name``, ``name + bn_name`` and ``name + activation_name``."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=False,
                      kernel_initializer=conv_initializer(), name=name + conv_name)(x)
    x = layers.BatchNormalization(axis=channel_axis(), momentum=bn_momentum, name=name + bn_name)(x)
    if activation is not None:
        x = layers.Activation(activation, name=name + activation_name)(x)
    return x


def squeeze_excite(x, filters, squeezed_filters, activation, name):
    """Rescales the channels of ``x`` by a gate computed from their global average:
    pool, two 1x1 convolutions (``squeezed_filters``, then ``filters`` with a sigmoid), multiply."""
    gate = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
    gate_shape = (filters, 1, 1) if channel_axis() == 1 else (1, 1, filters)
    gate = layers.Reshape(gate_shape, name=name + "se_reshape")(gate)
    gate = layers.Conv2D(squeezed_filters, 1, padding="same", activation=activation,
                         kernel_initializer=conv_initializer(), name=name + "se_reduce")(gate)
    gate = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                         kernel_initializer=conv_initializer(), name=name + "se_expand")(gate)
    return layers.multiply([x, gate], name=name + "se_excite")


def _residual(x, inputs, drop_rate, name):
    """Adds the block input back, after dropping whole samples of the branch with ``drop_rate``
    (stochastic depth; no ``Dropout`` layer when the rate is 0)."""
    if drop_rate > 0:
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
    return layers.add([x, inputs], name=name + "add")


def mb_conv(inputs, *, activation="swish", drop_rate=0.0, name="", filters_in=32, filters_out=16,
            kernel_size=3, strides=1, expand_ratio=1, se_ratio=0.0, id_skip=True):
    """The EfficientNet (V1) block: 1x1 expansion, depthwise convolution (explicitly zero-padded
    when strided), squeeze-and-excite, 1x1 projection, and a residual when shapes allow."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = conv_bn(x, filters, 1, name, activation=activation, conv_name="expand_conv",
                    bn_name="expand_bn", activation_name="expand_activation")
    padding = "same"
    if strides == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                 name=name + "dwconv_pad")(x)
        padding = "valid"
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding=padding, use_bias=False,
                               depthwise_initializer=conv_initializer(), name=name + "dwconv")(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=name + "bn")(x)
    x = layers.Activation(activation, name=name + "activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(filters_in * se_ratio)), activation, name)
    x = conv_bn(x, filters_out, 1, name, conv_name="project_conv", bn_name="project_bn")
    if id_skip and strides == 1 and filters_in == filters_out:
        x = _residual(x, inputs, drop_rate, name)
    return x


def mb_conv_v2(inputs, *, activation, drop_rate, name, input_filters, output_filters, kernel_size,
               strides, expand_ratio, se_ratio, bn_momentum):
    """The EfficientNetV2 ``MBConv`` block: as the V1 block, but with a "same"-padded depthwise
    convolution named ``dwconv2`` and the given batch-norm momentum."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = conv_bn(x, filters, 1, name, bn_momentum=bn_momentum, activation=activation,
                    conv_name="expand_conv", bn_name="expand_bn", activation_name="expand_activation")
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="same", use_bias=False,
                               depthwise_initializer=conv_initializer(), name=name + "dwconv2")(x)
    x = layers.BatchNormalization(axis=channel_axis(), momentum=bn_momentum, name=name + "bn")(x)
    x = layers.Activation(activation, name=name + "activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name)
    x = conv_bn(x, output_filters, 1, name, bn_momentum=bn_momentum, conv_name="project_conv",
                bn_name="project_bn")
    if strides == 1 and input_filters == output_filters:
        x = _residual(x, inputs, drop_rate, name)
    return x


def fused_mb_conv(inputs, *, activation, drop_rate, name, input_filters, output_filters,
                  kernel_size, strides, expand_ratio, se_ratio, bn_momentum):
    """The EfficientNetV2 ``FusedMBConv`` block: one full convolution does the expansion and the
    spatial mixing; without expansion the projection itself is the spatial convolution and is
    followed by an activation."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = conv_bn(x, filters, kernel_size, name, strides=strides, bn_momentum=bn_momentum,
                    activation=activation, conv_name="expand_conv", bn_name="expand_bn",
                    activation_name="expand_activation")
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name)
    expanded = expand_ratio != 1
    x = conv_bn(x, output_filters, 1 if expanded else kernel_size, name,
                strides=1 if expanded else strides, bn_momentum=bn_momentum,
                activation=None if expanded else activation, conv_name="project_conv",
                bn_name="project_bn", activation_name="project_activation")
    if strides == 1 and input_filters == output_filters:
        x = _residual(x, inputs, drop_rate, name)
    return x


def classifier_top(x, *, include_top, pooling, classes, classifier_activation, weights,
                   dropout_rate, bias_initializer="zeros"):
    """The head of both families: average pooling, dropout and the ``predictions`` layer, or,
    without the top, the optional global ``pooling`` ("avg" or "max")."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation,
                            kernel_initializer=dense_initializer(),
                            bias_initializer=bias_initializer, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x
