"""The cells NASNet-A stacks (Zoph et al., 2018, Fig. 4): the normal cell, the reduction cell,
and the two pieces they share (a doubled relu/separable-conv/batch-norm block, and the
adjustment that makes the previous cell's output match the current one).

Every cell takes ``(x, p)``, the outputs of the two previous cells, and returns
``(new_x, x)``. Layer names, name scopes (they prefix the weights' paths) and the order layers
are created in are Keras 3.15.1's, so the automatic names (``activation_12``...) agree too.

Example:
>>> x = cornu.Input((32, 32, 16))
>>> x, p = normal_a_cell(x, None, 8, block_id="0")
>>> x.shape  # six branches of 8 filters
(None, 32, 32, 48)
"""

from cornu import layers
from cornu.applications import imagenet_utils
from cornu.backend import image_data_format, name_scope


def _channel_dim():
    return 1 if image_data_format() == "channels_first" else -1


def _batch_norm(name):
    return layers.BatchNormalization(axis=_channel_dim(), momentum=0.9997, epsilon=1e-3, name=name)


def _conv_1x1(filters, name):
    return layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False, name=name,
                         kernel_initializer="he_normal")


def separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Two rounds of relu, separable convolution, batch norm; the first may be strided."""
    with name_scope(f"separable_conv_block_{block_id}"):
        x = layers.Activation("relu")(ip)
        if strides == (2, 2):
            x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                     name=f"separable_conv_1_pad_{block_id}")(x)
            first_padding = "valid"
        else:
            first_padding = "same"
        x = layers.SeparableConv2D(filters, kernel_size, strides=strides,
                                   name=f"separable_conv_1_{block_id}", padding=first_padding,
                                   use_bias=False)(x)
        x = _batch_norm(f"separable_conv_1_bn_{block_id}")(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{block_id}",
                                   padding="same", use_bias=False)(x)
        x = _batch_norm(f"separable_conv_2_bn_{block_id}")(x)
    return x


def _halve_previous(p, filters, block_id):
    """Brings ``p`` to half its size: two 1x1 convolutions on the even and the odd pixel grids."""
    with name_scope(f"adjust_reduction_block_{block_id}"):
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                     name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False,
                           name=f"adjust_conv_1_{block_id}", kernel_initializer="he_normal")(p1)
        # Shift by one pixel (pad bottom/right, crop top/left) to sample the other grid.
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                     name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False,
                           name=f"adjust_conv_2_{block_id}", kernel_initializer="he_normal")(p2)
        p = layers.concatenate([p1, p2], axis=_channel_dim())
        p = _batch_norm(f"adjust_bn_{block_id}")(p)
    return p


def _project_previous(p, filters, block_id):
    """Changes the number of channels of ``p`` with a 1x1 convolution."""
    with name_scope(f"adjust_projection_block_{block_id}"):
        p = layers.Activation("relu")(p)
        p = _conv_1x1(filters, f"adjust_conv_projection_{block_id}")(p)
        p = _batch_norm(f"adjust_bn_{block_id}")(p)
    return p


def adjust_block(p, ip, filters, block_id=None):
    """Makes the previous path ``p`` match ``ip``'s spatial size and ``filters`` channels."""
    img_dim = 2 if image_data_format() == "channels_first" else -2
    with name_scope("adjust_block"):
        if p is None:
            p = ip
        elif p.shape[img_dim] != ip.shape[img_dim]:
            p = _halve_previous(p, filters, block_id)
        elif p.shape[_channel_dim()] != filters:
            p = _project_previous(p, filters, block_id)
    return p


def _squeeze_input(ip, filters, kind, block_id):
    """relu, 1x1 convolution and batch norm on the cell input (``kind`` is normal/reduction)."""
    h = layers.Activation("relu")(ip)
    h = _conv_1x1(filters, f"{kind}_conv_1_{block_id}")(h)
    return _batch_norm(f"{kind}_bn_1_{block_id}")(h)


def _same_avg_pool(name):
    return layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=name)


def normal_a_cell(ip, p, filters, block_id=None):
    """The NASNet-A normal cell: five pairwise-combined branches, concatenated with ``p``."""
    with name_scope(f"normal_A_block_{block_id}"):
        p = adjust_block(p, ip, filters, block_id)
        h = _squeeze_input(ip, filters, "normal", block_id)

        with name_scope("block_1"):
            x1_1 = separable_conv_block(h, filters, kernel_size=(5, 5),
                                        block_id=f"normal_left1_{block_id}")
            x1_2 = separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")
            x1 = layers.add([x1_1, x1_2], name=f"normal_add_1_{block_id}")
        with name_scope("block_2"):
            x2_1 = separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
            x2_2 = separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")
            x2 = layers.add([x2_1, x2_2], name=f"normal_add_2_{block_id}")
        with name_scope("block_3"):
            x3 = _same_avg_pool(f"normal_left3_{block_id}")(h)
            x3 = layers.add([x3, p], name=f"normal_add_3_{block_id}")
        with name_scope("block_4"):
            x4_1 = _same_avg_pool(f"normal_left4_{block_id}")(p)
            x4_2 = _same_avg_pool(f"normal_right4_{block_id}")(p)
            x4 = layers.add([x4_1, x4_2], name=f"normal_add_4_{block_id}")
        with name_scope("block_5"):
            x5 = separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
            x5 = layers.add([x5, h], name=f"normal_add_5_{block_id}")

        x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=_channel_dim(),
                               name=f"normal_concat_{block_id}")
    return x, ip


def reduction_a_cell(ip, p, filters, block_id=None):
    """The NASNet-A reduction cell: halves the spatial size, four branches concatenated."""
    with name_scope(f"reduction_A_block_{block_id}"):
        p = adjust_block(p, ip, filters, block_id)
        h = _squeeze_input(ip, filters, "reduction", block_id)
        h3 = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(h, 3),
                                  name=f"reduction_pad_1_{block_id}")(h)

        with name_scope("block_1"):
            x1_1 = separable_conv_block(h, filters, (5, 5), strides=(2, 2),
                                        block_id=f"reduction_left1_{block_id}")
            x1_2 = separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                        block_id=f"reduction_right1_{block_id}")
            x1 = layers.add([x1_1, x1_2], name=f"reduction_add_1_{block_id}")
        with name_scope("block_2"):
            x2_1 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                       name=f"reduction_left2_{block_id}")(h3)
            x2_2 = separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                        block_id=f"reduction_right2_{block_id}")
            x2 = layers.add([x2_1, x2_2], name=f"reduction_add_2_{block_id}")
        with name_scope("block_3"):
            x3_1 = layers.AveragePooling2D((3, 3), strides=(2, 2), padding="valid",
                                           name=f"reduction_left3_{block_id}")(h3)
            x3_2 = separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                                        block_id=f"reduction_right3_{block_id}")
            x3 = layers.add([x3_1, x3_2], name=f"reduction_add3_{block_id}")
        with name_scope("block_4"):
            x4 = _same_avg_pool(f"reduction_left4_{block_id}")(x1)
            x4 = layers.add([x2, x4])
        with name_scope("block_5"):
            # Keras names this block "reduction_left4" too (it is the fifth): kept for the weights.
            x5_1 = separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
            x5_2 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                       name=f"reduction_right5_{block_id}")(h3)
            x5 = layers.add([x5_1, x5_2], name=f"reduction_add4_{block_id}")

        x = layers.concatenate([x2, x3, x4, x5], axis=_channel_dim(),
                               name=f"reduction_concat_{block_id}")
    return x, ip
