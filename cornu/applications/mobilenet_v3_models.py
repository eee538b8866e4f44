"""``keras.applications.MobileNetV3Small`` and ``MobileNetV3Large``.

Keras exports these two builders only at the top of ``keras.applications``; its
``keras.applications.mobilenet_v3`` module holds just ``preprocess_input`` and
``decode_predictions`` (see ``cornu/applications/mobilenet_v3.py``).

Reference: Howard et al., "Searching for MobileNetV3" (https://arxiv.org/abs/1905.02244).

Example:
>>> model = cornu.applications.MobileNetV3Small(input_shape=(32, 32, 3), weights=None,
...                                             include_top=False, pooling="avg")
>>> model.output_shape
(None, 576)
"""

import os
import warnings

from cornu import backend
from cornu import layers
from cornu.applications import imagenet_utils
from cornu.applications.application_inputs import image_input
from cornu.applications.application_inputs import model_inputs
from cornu.applications.mobilenet_v3_blocks import depth
from cornu.applications.mobilenet_v3_blocks import hard_swish
from cornu.applications.mobilenet_v3_blocks import inverted_res_block
from cornu.applications.mobilenet_v3_blocks import relu
from cornu.models.functional import Functional
from cornu.serialization.registry import keras_export

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"

# Keras's MD5 hashes of the published files: (with top, without top).
WEIGHTS_HASHES = {
    "large_224_0.75_float": (
        "765b44a33ad4005b3ac83185abf1d0eb",
        "40af19a13ebea4e2ee0c676887f69a2e",
    ),
    "large_224_1.0_float": (
        "59e551e166be033d707958cf9e29a6a7",
        "07fb09a5933dd0c8eaafa16978110389",
    ),
    "large_minimalistic_224_1.0_float": (
        "675e7b876c45c57e9e63e6d90a36599c",
        "ec5221f64a2f6d1ef965a614bdae7973",
    ),
    "small_224_0.75_float": (
        "cb65d4e5be93758266aa0a7f2c6708b7",
        "ebdb5cc8e0b497cd13a7c275d475c819",
    ),
    "small_224_1.0_float": (
        "8768d4c2e7dee89b9d02b2d03d65d862",
        "d3e8ec802a04aa4fc771ee12a9a9b836",
    ),
    "small_minimalistic_224_1.0_float": (
        "99cd97fb2fcdad2bf028eb838de69e37",
        "cde8136e733e811080d9fcd8a252f7e4",
    ),
}

# Blocks 0..10 of the small network and 0..14 of the large one:
# (expansion, filters at alpha=1, kernel, stride, squeeze-excite, activation), where kernel
# "k", squeeze-excite "se" and activation "act" mean the variant's own (5 / 0.25 / hard-swish,
# or 3 / none / ReLU when minimalistic); the other entries are fixed.
_SMALL_BLOCKS = (
    (1, 16, 3, 2, "se", "relu"),
    (72.0 / 16, 24, 3, 2, None, "relu"),
    (88.0 / 24, 24, 3, 1, None, "relu"),
    (4, 40, "k", 2, "se", "act"),
    (6, 40, "k", 1, "se", "act"),
    (6, 40, "k", 1, "se", "act"),
    (3, 48, "k", 1, "se", "act"),
    (3, 48, "k", 1, "se", "act"),
    (6, 96, "k", 2, "se", "act"),
    (6, 96, "k", 1, "se", "act"),
    (6, 96, "k", 1, "se", "act"),
)
_LARGE_BLOCKS = (
    (1, 16, 3, 1, None, "relu"),
    (4, 24, 3, 2, None, "relu"),
    (3, 24, 3, 1, None, "relu"),
    (3, 40, "k", 2, "se", "relu"),
    (3, 40, "k", 1, "se", "relu"),
    (3, 40, "k", 1, "se", "relu"),
    (6, 80, 3, 2, None, "act"),
    (2.5, 80, 3, 1, None, "act"),
    (2.3, 80, 3, 1, None, "act"),
    (2.3, 80, 3, 1, None, "act"),
    (6, 112, 3, 1, "se", "act"),
    (6, 112, 3, 1, "se", "act"),
    (6, 160, "k", 2, "se", "act"),
    (6, 160, "k", 1, "se", "act"),
    (6, 160, "k", 1, "se", "act"),
)


@keras_export("keras.applications.MobileNetV3Small")
def MobileNetV3Small(
    input_shape=None,
    alpha=1.0,
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name="MobileNetV3Small",
):
    return _build(_SMALL_BLOCKS, 1024, "small", input_shape, alpha, minimalistic, include_top,
                  weights, input_tensor, classes, pooling, dropout_rate,
                  classifier_activation, include_preprocessing, name)


@keras_export("keras.applications.MobileNetV3Large")
def MobileNetV3Large(
    input_shape=None,
    alpha=1.0,
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name="MobileNetV3Large",
):
    return _build(_LARGE_BLOCKS, 1280, "large", input_shape, alpha, minimalistic, include_top,
                  weights, input_tensor, classes, pooling, dropout_rate,
                  classifier_activation, include_preprocessing, name)


_DOCSTRING = """Builds {name}, optionally with ImageNet weights.

    By default the model rescales its input itself (a ``Rescaling`` layer): feed it float
    pixels in [0, 255] (``keras.applications.mobilenet_v3.preprocess_input`` passes them
    through unchanged). With ``include_preprocessing=False`` feed pixels in [-1, 1].

    Args:
        input_shape: the image shape without the batch axis (at least 32x32, 3 channels);
            ``None`` accepts any size. Must agree with ``input_tensor`` if both are given.
        alpha: width multiplier (the paper's depth multiplier). ImageNet weights exist for
            0.75 and 1.0, or 1.0 when ``minimalistic``.
        minimalistic: use 3x3 kernels and ReLU everywhere, without squeeze-and-excitation
            or hard-swish (faster on GPU/DSP).
        include_top: whether to end with the classifier.
        weights: ``None`` (random initialization), ``"imagenet"``, or the path of a weights
            file to load.
        input_tensor: a symbolic tensor (e.g. from ``keras.Input``) to use as the image input.
        classes: number of classes with the top (1000 for ImageNet weights).
        pooling: without the top: ``None`` (4D feature map), ``"avg"`` or ``"max"``.
        dropout_rate: dropout rate before the last convolution of the top.
        classifier_activation: the top's activation; ``None`` gives logits. Only ``None`` or
            ``"softmax"`` with pretrained weights.
        include_preprocessing: whether the model starts with ``Rescaling(1 / 127.5, -1)``.
        name: the model's name.

    Returns:
        A ``Model``.

    Example:
    >>> model = {name}(input_shape=(32, 32, 3), minimalistic=True, classes=10,
    ...                weights=None)
    >>> model.output_shape
    (None, 10)
    """
MobileNetV3Small.__doc__ = _DOCSTRING.format(name="MobileNetV3Small")
MobileNetV3Large.__doc__ = _DOCSTRING.format(name="MobileNetV3Large")


def _build(blocks, last_point_ch, model_type, input_shape, alpha, minimalistic, include_top,
           weights, input_tensor, classes, pooling, dropout_rate, classifier_activation,
           include_preprocessing, name):
    """The network shared by both sizes: stem, ``blocks``, last convolutions and top."""
    if not (weights in {"imagenet", None} or os.path.exists(weights)):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), `imagenet` "
            "(pre-training on ImageNet), or the path to the weights file to be loaded.  "
            f"Received weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            'If using `weights="imagenet"` with `include_top` as true, `classes` should be '
            f"1000.  Received classes={classes}"
        )

    channels_first = backend.image_data_format() == "channels_first"
    input_shape = _resolve_input_shape(input_shape, input_tensor, channels_first)
    rows, cols = (input_shape[1], input_shape[2]) if channels_first else input_shape[:2]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(
            f"Input size must be at least 32x32; Received `input_shape={input_shape}`"
        )
    if weights == "imagenet":
        if (not minimalistic and alpha not in [0.75, 1.0]) or (minimalistic and alpha != 1.0):
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for "
                "non minimalistic or `1.0` for minimalistic only."
            )
        if rows != cols or rows != 224:
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not 224. Weights for "
                "input shape (224, 224) will be loaded as the default.",
                stacklevel=3,
            )

    img_input = image_input(input_tensor, input_shape)
    channel_axis = 1 if channels_first else -1
    if minimalistic:
        kernel, activation, se_ratio = 3, relu, None
    else:
        kernel, activation, se_ratio = 5, hard_swish, 0.25

    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="conv")(x)
    x = layers.BatchNormalization(
        axis=channel_axis, epsilon=1e-3, momentum=0.999, name="conv_bn"
    )(x)
    x = activation(x)

    variant = {"k": kernel, "se": se_ratio, "act": activation, "relu": relu}
    for block_id, (expansion, filters, block_kernel, stride, se, act) in enumerate(blocks):
        x = inverted_res_block(
            x, expansion, depth(filters * alpha), variant.get(block_kernel, block_kernel),
            stride, variant.get(se), variant[act], block_id,
        )

    last_conv_ch = depth(x.shape[channel_axis] * 6)
    if alpha > 1.0:
        last_point_ch = depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False,
                      name="conv_1")(x)
    x = layers.BatchNormalization(
        axis=channel_axis, epsilon=1e-3, momentum=0.999, name="conv_1_bn"
    )(x)
    x = activation(x)

    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True,
                          name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)

    model = Functional(model_inputs(input_tensor, img_input), x, name=name)

    if weights == "imagenet":
        from cornu.applications.pretrained_weights import load_pretrained_weights

        file_name, file_hash = weights_file(model_type, minimalistic, alpha, include_top)
        load_pretrained_weights(model, weights, file_name=file_name, file_hash=file_hash,
                                base_url=BASE_WEIGHT_PATH)
    elif weights is not None:
        model.load_weights(weights)
    return model


def weights_file(model_type, minimalistic, alpha, include_top):
    """The published ImageNet weights file and its MD5 hash.

    Example:
    >>> weights_file("small", False, 0.75, include_top=False)[0]
    'weights_mobilenet_v3_small_224_0.75_float_no_top_v2.h5'
    """
    variant = "_minimalistic" if minimalistic else ""
    key = f"{model_type}{variant}_224_{alpha}_float"
    if include_top:
        return f"weights_mobilenet_v3_{key}.h5", WEIGHTS_HASHES[key][0]
    return f"weights_mobilenet_v3_{key}_no_top_v2.h5", WEIGHTS_HASHES[key][1]


def _resolve_input_shape(input_shape, input_tensor, channels_first):
    """Keras's MobileNetV3 input shape: checked against ``input_tensor`` when both are given,
    read from a symbolic ``input_tensor`` when only it is, else any size with 3 channels."""
    if input_shape is not None and input_tensor is not None:
        if not backend.is_keras_tensor(input_tensor):
            raise ValueError("input_tensor specified: ", input_tensor, "is not a keras tensor")
        if channels_first:
            if input_tensor.shape[1] != input_shape[1]:
                raise ValueError(
                    "When backend.image_data_format()=channels_first, input_shape[1] must "
                    f"equal input_tensor.shape[1].  Received input_shape={input_shape}, "
                    f"input_tensor.shape={input_tensor.shape}"
                )
        elif input_tensor.shape[2] != input_shape[1]:
            raise ValueError(
                "input_shape[1] must equal input_tensor.shape[2].  Received "
                f"input_shape={input_shape}, input_tensor.shape={input_tensor.shape}"
            )
    if input_shape is None and input_tensor is not None and backend.is_keras_tensor(
        input_tensor
    ):
        # Keras swaps rows and columns here; the shape only feeds the size checks.
        if channels_first:
            rows, cols = input_tensor.shape[2], input_tensor.shape[3]
            input_shape = (3, cols, rows)
        else:
            rows, cols = input_tensor.shape[1], input_tensor.shape[2]
            input_shape = (cols, rows, 3)
    if input_shape is None and input_tensor is None:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    return input_shape
