"""``keras.applications.mobilenet_v2``: MobileNetV2, inverted residual blocks with linear
bottlenecks.

Reference: Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks"
(https://arxiv.org/abs/1801.04381).

Example:
>>> model = cornu.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35,
...                                        include_top=False, weights=None)
>>> model.output_shape
(None, 1, 1, 1280)
"""

import os
import warnings

from cornu import backend
from cornu import layers
from cornu.applications import imagenet_utils
from cornu.applications.application_inputs import image_input
from cornu.applications.application_inputs import model_inputs
from cornu.models.functional import Functional
from cornu.serialization.registry import keras_export

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"

PRETRAINED_SIZES = (96, 128, 160, 192, 224)
PRETRAINED_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)

# (filters at alpha=1, stride, expansion) of inverted residual blocks 0..16.
_BLOCKS = (
    (16, 1, 1),
    (24, 2, 6), (24, 1, 6),
    (32, 2, 6), (32, 1, 6), (32, 1, 6),
    (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6),
    (96, 1, 6), (96, 1, 6), (96, 1, 6),
    (160, 2, 6), (160, 1, 6), (160, 1, 6),
    (320, 1, 6),
)


@keras_export("keras.applications.mobilenet_v2.MobileNetV2", "keras.applications.MobileNetV2")
def MobileNetV2(
    input_shape=None,
    alpha=1.0,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name=None,
):
    """Builds MobileNetV2, optionally with ImageNet weights.

    Feed it images prepared by ``keras.applications.mobilenet_v2.preprocess_input`` (pixels
    scaled to [-1, 1]).

    Args:
        input_shape: the image shape without the batch axis (at least 32x32, 3 channels),
            needed with ``include_top`` unless it is the default ``(224, 224, 3)``. ImageNet
            weights exist for square 96, 128, 160, 192 and 224; another size loads the 224 ones.
        alpha: width multiplier: every block's filter count is scaled by it (rounded to
            multiples of 8). ImageNet weights exist for 0.35, 0.50, 0.75, 1.0, 1.3 and 1.4.
        include_top: whether to end with global average pooling and a ``Dense`` classifier.
        weights: ``None`` (random initialization), ``"imagenet"``, or the path of a weights
            file to load.
        input_tensor: a symbolic tensor (e.g. from ``keras.Input``) to use as the image input.
        pooling: without the top: ``None`` (4D feature map), ``"avg"`` or ``"max"``.
        classes: number of classes with the top (1000 for ImageNet weights).
        classifier_activation: the top's activation; ``None`` gives logits. Only ``None`` or
            ``"softmax"`` with pretrained weights.
        name: the model's name; ``None`` gives ``"mobilenetv2_<alpha>_<rows>"``.

    Returns:
        A ``Model``.

    Example:
    >>> base = MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, include_top=False,
    ...                    weights=None, pooling="avg")
    >>> base.output_shape
    (None, 1280)
    """
    if not (weights in {"imagenet", None} or os.path.exists(weights)):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), `imagenet` "
            "(pre-training on ImageNet), or the path to the weights file to be loaded.  "
            f"Received `weights={weights}`"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            'If using `weights="imagenet"` with `include_top` as true, `classes` should be '
            f"1000. Received `classes={classes}`"
        )

    channels_first = backend.image_data_format() == "channels_first"
    if input_shape is not None and input_tensor is not None:
        _check_input_tensor_matches(input_tensor, input_shape, channels_first)
    default_size = _default_size(input_shape, input_tensor, channels_first)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=32,
        data_format=backend.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    rows, cols = (input_shape[1], input_shape[2]) if channels_first else input_shape[:2]

    if weights == "imagenet":
        if alpha not in PRETRAINED_ALPHAS:
            raise ValueError(
                "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, "
                f"`0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`"
            )
        if rows != cols or rows not in PRETRAINED_SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in "
                "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded "
                "as the default.",
                stacklevel=2,
            )

    img_input = image_input(input_tensor, input_shape)
    channel_axis = 1 if channels_first else -1

    x = layers.Conv2D(
        make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
        use_bias=False, name="Conv1",
    )(img_input)
    x = layers.BatchNormalization(
        axis=channel_axis, epsilon=1e-3, momentum=0.999, name="bn_Conv1"
    )(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)

    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(
            x, filters=filters, alpha=alpha, stride=stride, expansion=expansion,
            block_id=block_id,
        )

    # A wider network (alpha > 1) also widens the last convolution; a narrower one keeps 1280.
    last_block_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(
        axis=channel_axis, epsilon=1e-3, momentum=0.999, name="Conv_1_bn"
    )(x)
    x = layers.ReLU(6.0, name="out_relu")(x)

    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)

    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    model = Functional(model_inputs(input_tensor, img_input), x, name=name)

    if weights == "imagenet":
        from cornu.applications.pretrained_weights import load_pretrained_weights

        load_pretrained_weights(
            model, weights, file_name=weights_file_name(alpha, rows, include_top),
            file_hash=None, base_url=BASE_WEIGHT_PATH,
        )
    elif weights is not None:
        model.load_weights(weights)
    return model


def weights_file_name(alpha, rows, include_top):
    """The published ImageNet weights file for a width and input size.

    Example:
    >>> weights_file_name(0.35, 96, include_top=False)
    'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5'
    """
    suffix = "" if include_top else "_no_top"
    return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{suffix}.h5"


def make_divisible(v, divisor, min_value=None):
    """``v`` rounded to the nearest multiple of ``divisor`` (at least ``min_value``, default
    ``divisor``), never more than 10% below ``v``.

    Example:
    >>> make_divisible(32 * 0.35, 8)
    16
    """
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * v:
        rounded += divisor
    return rounded


def _check_input_tensor_matches(input_tensor, input_shape, channels_first):
    """Keras's check of an ``input_tensor`` given together with ``input_shape``.

    Keras compares one spatial size only (its second axis against ``input_shape[1]`` in
    channels-first, its third in channels-last); kept as it is for the same errors.
    """
    if not backend.is_keras_tensor(input_tensor):
        raise ValueError(
            f"input_tensor is not a Keras tensor; Received `input_tensor={input_tensor}`"
        )
    if channels_first:
        if input_tensor.shape[1] != input_shape[1]:
            raise ValueError(
                "input_shape[1] must equal shape(input_tensor)[1] when `image_data_format` is "
                f"`channels_first`; Received `input_tensor.shape={input_tensor.shape}`, "
                f"`input_shape={input_shape}`"
            )
    elif input_tensor.shape[2] != input_shape[1]:
        raise ValueError(
            "input_tensor.shape[2] must equal input_shape[1]; Received "
            f"`input_tensor.shape={input_tensor.shape}`, `input_shape={input_shape}`"
        )


def _default_size(input_shape, input_tensor, channels_first):
    """The size whose weights to prefer: the requested square size if published, else 224."""
    if input_shape is not None:
        rows, cols = (input_shape[1], input_shape[2]) if channels_first else input_shape[:2]
    elif input_tensor is not None and backend.is_keras_tensor(input_tensor):
        first = 2 if channels_first else 1
        rows, cols = tuple(input_tensor.shape)[first:first + 2]
    else:
        return 224
    return rows if rows == cols and rows in PRETRAINED_SIZES else 224


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """Expand (1x1), depthwise 3x3, project (1x1, linear), with a residual ``Add`` when the
    shape is kept. Block 0 has no expansion and is named ``expanded_conv_*``."""
    channel_axis = 1 if backend.image_data_format() == "channels_first" else -1
    in_channels = inputs.shape[channel_axis]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    if block_id:
        prefix = f"block_{block_id}_"
        x = layers.Conv2D(
            expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
            activation=None, name=f"{prefix}expand",
        )(x)
        x = layers.BatchNormalization(
            axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}expand_BN"
        )(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"

    if stride == 2:
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad"
        )(x)
    x = layers.DepthwiseConv2D(
        kernel_size=3, strides=stride, activation=None, use_bias=False,
        padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise",
    )(x)
    x = layers.BatchNormalization(
        axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}depthwise_BN"
    )(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)

    x = layers.Conv2D(
        pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
        name=f"{prefix}project",
    )(x)
    x = layers.BatchNormalization(
        axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}project_BN"
    )(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


@keras_export("keras.applications.mobilenet_v2.preprocess_input")
def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


@keras_export("keras.applications.mobilenet_v2.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


preprocess_input.__doc__ = imagenet_utils.PREPROCESS_INPUT_DOC.format(
    mode="",
    ret=imagenet_utils.PREPROCESS_INPUT_RET_DOC_TF,
    error=imagenet_utils.PREPROCESS_INPUT_ERROR_DOC,
)
decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
