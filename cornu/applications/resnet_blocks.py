"""The residual blocks of ResNet (v1, post-activation) and ResNetV2 (pre-activation), and the
stacks that chain them.

Layer names follow Keras's ``keras.applications.resnet`` exactly (``conv2_block1_1_conv`` ...),
because the published weight files are matched to layers by name and in order.
"""

from cornu.backend import image_data_format
from cornu.layers import Activation, Add, BatchNormalization, Conv2D, MaxPooling2D, ZeroPadding2D

# The epsilon of every BatchNormalization in Keras's ResNets (ported from the Caffe models).
BN_EPSILON = 1.001e-5


def channel_axis():
    """The axis of channels in a 4D image batch for the current ``image_data_format``.

    Example:
    >>> channel_axis()
    3
    """
    return 3 if image_data_format() == "channels_last" else 1


def _batch_norm(name):
    return BatchNormalization(axis=channel_axis(), epsilon=BN_EPSILON, name=name)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A ResNet v1 bottleneck block: 1x1 -> kxk -> 1x1 (x4 filters) convolutions, each followed
    by batch norm, added to the shortcut, then ReLU.

    Args:
        x: input tensor.
        filters: filters of the bottleneck layers (the block outputs ``4 * filters``).
        kernel_size: kernel size of the middle convolution.
        stride: stride of the first convolution (and of the projection shortcut).
        conv_shortcut: project the shortcut with a 1x1 convolution if True, else identity.
        name: prefix of the block's layer names.

    Example:
    >>> x = cornu.Input((8, 8, 64))
    >>> residual_block_v1(x, 16, name="conv2_block1").shape
    (None, 8, 8, 64)
    """
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _batch_norm(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x

    x = Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = Activation("relu", name=f"{name}_1_relu")(x)

    x = Conv2D(filters, kernel_size, padding="SAME", name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = Activation("relu", name=f"{name}_2_relu")(x)

    x = Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _batch_norm(f"{name}_3_bn")(x)

    x = Add(name=f"{name}_add")([shortcut, x])
    return Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """``blocks`` v1 blocks: the first projects the shortcut and strides by ``stride1``, the
    others keep an identity shortcut.

    Example:
    >>> x = cornu.Input((8, 8, 64))
    >>> stack_residual_blocks_v1(x, 32, 2, name="conv3").shape
    (None, 4, 4, 128)
    """
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for index in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{index}")
    return x


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """A ResNetV2 bottleneck block: batch norm and ReLU first ("pre-activation"), then
    1x1 -> kxk (strided) -> 1x1 (x4 filters) convolutions, added to the shortcut.

    Args:
        x: input tensor.
        filters: filters of the bottleneck layers (the block outputs ``4 * filters``).
        kernel_size: kernel size of the middle convolution.
        stride: stride of the middle convolution; an identity shortcut is subsampled by a
            1x1 max pooling of the same stride.
        conv_shortcut: project the (pre-activated) shortcut with a 1x1 convolution if True.
        name: prefix of the block's layer names.

    Example:
    >>> x = cornu.Input((8, 8, 64))
    >>> residual_block_v2(x, 16, stride=2, name="conv2_block3").shape
    (None, 4, 4, 64)
    """
    preact = _batch_norm(f"{name}_preact_bn")(x)
    preact = Activation("relu", name=f"{name}_preact_relu")(preact)

    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    elif stride > 1:
        # Unnamed, as in Keras: its auto-generated name ("max_pooling2d_N") carries no weights.
        shortcut = MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x

    x = Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = Activation("relu", name=f"{name}_1_relu")(x)

    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = Activation("relu", name=f"{name}_2_relu")(x)

    x = Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """``blocks`` v2 blocks: the first projects the shortcut, the last strides by ``stride1``
    (ResNetV2 downsamples at the end of a stage, not the start).

    Example:
    >>> x = cornu.Input((8, 8, 64))
    >>> stack_residual_blocks_v2(x, 32, 2, name="conv3").shape
    (None, 4, 4, 128)
    """
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for index in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{index}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")
