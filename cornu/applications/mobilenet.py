"""``keras.applications.mobilenet``: MobileNet (v1), depthwise-separable convolutions with a
width multiplier ``alpha`` and a resolution (depth) multiplier.

Reference: Howard et al., "MobileNets: Efficient Convolutional Neural Networks for Mobile
Vision Applications" (https://arxiv.org/abs/1704.04861).

Example:
>>> model = cornu.applications.MobileNet(input_shape=(32, 32, 3), alpha=0.25, weights=None,
...                                      include_top=False)
>>> model.output_shape
(None, 1, 1, 256)
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

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"

# Input sizes (square) with published ImageNet weights, and the widths they exist for.
PRETRAINED_SIZES = (128, 160, 192, 224)
PRETRAINED_ALPHAS = (0.25, 0.50, 0.75, 1.0)
_ALPHA_FILE_TEXT = {1.0: "1_0", 0.75: "7_5", 0.50: "5_0"}

# (pointwise filters at alpha=1, stride) of depthwise-separable blocks 1..13.
_BLOCKS = (
    (64, 1),
    (128, 2), (128, 1),
    (256, 2), (256, 1),
    (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
    (1024, 2), (1024, 1),
)


@keras_export("keras.applications.mobilenet.MobileNet", "keras.applications.MobileNet")
def MobileNet(
    input_shape=None,
    alpha=1.0,
    depth_multiplier=1,
    dropout=1e-3,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name=None,
):
    """Builds MobileNet, optionally with ImageNet weights.

    Feed it images prepared by ``keras.applications.mobilenet.preprocess_input`` (pixels
    scaled to [-1, 1]).

    Args:
        input_shape: the image shape without the batch axis, only when ``include_top`` is
            False (with the top it must be ``(224, 224, 3)`` or another published square size
            for ImageNet weights). At least 32x32 with 3 channels. Ignored when
            ``input_tensor`` is given.
        alpha: width multiplier: every layer's filter count is scaled by it. ImageNet weights
            exist for 0.25, 0.50, 0.75 and 1.0.
        depth_multiplier: channels each depthwise convolution makes per input channel (must be
            1 for ImageNet weights).
        dropout: dropout rate before the classifier.
        include_top: whether to end with the 1x1-convolution classifier.
        weights: ``None`` (random initialization), ``"imagenet"``, or the path of a weights
            file to load.
        input_tensor: a symbolic tensor (e.g. from ``keras.Input``) to use as the image input.
        pooling: without the top: ``None`` (4D feature map), ``"avg"`` or ``"max"`` (global
            pooling to a 2D tensor).
        classes: number of classes with the top (1000 for ImageNet weights).
        classifier_activation: the top's activation, a name or callable; ``None`` gives
            logits. Only ``None`` or ``"softmax"`` with pretrained weights.
        name: the model's name; ``None`` gives ``"mobilenet_<alpha>_<rows>"``.

    Returns:
        A ``Model``.

    Example:
    >>> model = MobileNet(input_shape=(32, 32, 3), alpha=0.5, classes=10, weights=None,
    ...                   include_top=True)
    >>> model.output_shape
    (None, 10)
    """
    if not (weights in {"imagenet", None} or os.path.exists(weights)):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), 'imagenet' "
            "(pre-training on ImageNet), or the path to the weights file to be loaded. "
            f"Received weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
            f"Received classes={classes}"
        )

    channels_first = backend.image_data_format() == "channels_first"
    default_size = _default_size(input_shape, channels_first)
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
        if depth_multiplier != 1:
            raise ValueError(
                "If imagenet weights are being loaded, depth multiplier must be 1.  "
                f"Received depth_multiplier={depth_multiplier}"
            )
        if alpha not in PRETRAINED_ALPHAS:
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, "
                f"`0.75` or `1.0` only.  Received alpha={alpha}"
            )
        if rows != cols or rows not in PRETRAINED_SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in "
                "[128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as "
                "the default.",
                stacklevel=2,
            )

    img_input = image_input(input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_conv_block(
            x, filters, alpha, depth_multiplier, strides=(stride, stride), block_id=block_id
        )

    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)

    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    model = Functional(model_inputs(input_tensor, img_input), x, name=name)

    if weights == "imagenet":
        file_name = weights_file_name(alpha, rows, include_top)
        _load_weights(model, weights, file_name=file_name, file_hash=None)
    elif weights is not None:
        model.load_weights(weights)
    return model


def weights_file_name(alpha, rows, include_top):
    """The published ImageNet weights file for a width and input size.

    Example:
    >>> weights_file_name(0.25, 128, include_top=False)
    'mobilenet_2_5_128_tf_no_top.h5'
    """
    alpha_text = _ALPHA_FILE_TEXT.get(alpha, "2_5")
    suffix = "" if include_top else "_no_top"
    return f"mobilenet_{alpha_text}_{rows}_tf{suffix}.h5"


def _default_size(input_shape, channels_first):
    """224, or the requested size when it is square and one with published weights."""
    if input_shape is None:
        return 224
    rows, cols = (input_shape[1], input_shape[2]) if channels_first else input_shape[:2]
    return rows if rows == cols and rows in PRETRAINED_SIZES else 224


def _load_weights(model, weights, file_name, file_hash):
    from cornu.applications.pretrained_weights import load_pretrained_weights

    load_pretrained_weights(
        model, weights, file_name=file_name, file_hash=file_hash, base_url=BASE_WEIGHT_PATH
    )


def _channel_axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    """The stem: convolution, batch normalization, ReLU6 (layers ``conv1*``)."""
    x = layers.Conv2D(
        int(filters * alpha), kernel, padding="same", use_bias=False, strides=strides,
        name="conv1",
    )(inputs)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(inputs, pointwise_conv_filters, alpha, depth_multiplier=1,
                          strides=(1, 1), block_id=1):
    """Depthwise 3x3 then pointwise 1x1 convolution, each with batch norm and ReLU6.

    A strided block pads bottom/right by one and convolves ``"valid"``, as the published
    weights were trained.
    """
    channel_axis = _channel_axis()
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D(
        (3, 3),
        padding="same" if strides == (1, 1) else "valid",
        depth_multiplier=depth_multiplier,
        strides=strides,
        use_bias=False,
        name=f"conv_dw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(
        int(pointwise_conv_filters * alpha), (1, 1), padding="same", use_bias=False,
        strides=(1, 1), name=f"conv_pw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


@keras_export("keras.applications.mobilenet.preprocess_input")
def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


@keras_export("keras.applications.mobilenet.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


preprocess_input.__doc__ = imagenet_utils.PREPROCESS_INPUT_DOC.format(
    mode="",
    ret=imagenet_utils.PREPROCESS_INPUT_RET_DOC_TF,
    error=imagenet_utils.PREPROCESS_INPUT_ERROR_DOC,
)
decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
