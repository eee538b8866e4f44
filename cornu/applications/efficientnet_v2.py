"""``keras.applications.efficientnet_v2``: EfficientNetV2B0 to B3, S, M and L.

Tan and Le, "EfficientNetV2: Smaller Models and Faster Training" (ICML 2021). Early stages use
fused inverted-residual blocks (one full convolution instead of expansion plus depthwise), later
ones the squeeze-and-excite ``MBConv`` blocks of EfficientNet. With ``include_preprocessing``
(the default) the model takes pixels in [0, 255]. Layer names, weight order and the published
ImageNet weight files are Keras's.

Example:
>>> model = EfficientNetV2B0(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output.shape
(None, 10)
"""

import math

from cornu import initializers
from cornu import layers
from cornu.applications import imagenet_utils
from cornu.applications.application_inputs import image_input, model_inputs
from cornu.applications.efficientnet_blocks import channel_axis, classifier_top, conv_bn
from cornu.applications.efficientnet_blocks import fused_mb_conv, mb_conv_v2
from cornu.applications.pretrained_weights import check_weights_argument, load_pretrained_weights
from cornu.models.functional import Functional
from cornu.serialization.registry import keras_export

BASE_WEIGHTS_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/")

# Variant -> (hash of the file with the top, hash of the "_notop" file).
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}

_FUSED, _MBCONV = 1, 0

# Stages as (conv_type, repeats, input_filters, output_filters, expand_ratio, se_ratio, strides);
# every kernel is 3x3. B0 to B3 share one table and differ by their scaling coefficients.
_STAGES = {
    "b": (
        (_FUSED, 1, 32, 16, 1, 0, 1),
        (_FUSED, 2, 16, 32, 4, 0, 2),
        (_FUSED, 2, 32, 48, 4, 0, 2),
        (_MBCONV, 3, 48, 96, 4, 0.25, 2),
        (_MBCONV, 5, 96, 112, 6, 0.25, 1),
        (_MBCONV, 8, 112, 192, 6, 0.25, 2),
    ),
    "s": (
        (_FUSED, 2, 24, 24, 1, 0, 1),
        (_FUSED, 4, 24, 48, 4, 0, 2),
        (_FUSED, 4, 48, 64, 4, 0, 2),
        (_MBCONV, 6, 64, 128, 4, 0.25, 2),
        (_MBCONV, 9, 128, 160, 6, 0.25, 1),
        (_MBCONV, 15, 160, 256, 6, 0.25, 2),
    ),
    "m": (
        (_FUSED, 3, 24, 24, 1, 0, 1),
        (_FUSED, 5, 24, 48, 4, 0, 2),
        (_FUSED, 5, 48, 80, 4, 0, 2),
        (_MBCONV, 7, 80, 160, 4, 0.25, 2),
        (_MBCONV, 14, 160, 176, 6, 0.25, 1),
        (_MBCONV, 18, 176, 304, 6, 0.25, 2),
        (_MBCONV, 5, 304, 512, 6, 0.25, 1),
    ),
    "l": (
        (_FUSED, 4, 32, 32, 1, 0, 1),
        (_FUSED, 7, 32, 64, 4, 0, 2),
        (_FUSED, 7, 64, 96, 4, 0, 2),
        (_MBCONV, 10, 96, 192, 4, 0.25, 2),
        (_MBCONV, 19, 192, 224, 6, 0.25, 1),
        (_MBCONV, 25, 224, 384, 6, 0.25, 2),
        (_MBCONV, 7, 384, 640, 6, 0.25, 1),
    ),
}


def _blocks_args(table):
    return [
        {"kernel_size": 3, "num_repeat": r, "input_filters": fi, "output_filters": fo,
         "expand_ratio": e, "se_ratio": se, "strides": s, "conv_type": conv}
        for conv, r, fi, fo, e, se, s in _STAGES[table]
    ]


# Default model name -> (width_coefficient, depth_coefficient, default_size, stage table,
# weights key). The B variants also keep EfficientNet's ImageNet mean/std preprocessing.
_VARIANTS = {
    "efficientnetv2-b0": (1.0, 1.0, 224, "b", "b0"),
    "efficientnetv2-b1": (1.0, 1.1, 240, "b", "b1"),
    "efficientnetv2-b2": (1.1, 1.2, 260, "b", "b2"),
    "efficientnetv2-b3": (1.2, 1.4, 300, "b", "b3"),
    "efficientnetv2-s": (1.0, 1.0, 384, "s", "-s"),
    "efficientnetv2-m": (1.0, 1.0, 480, "m", "-m"),
    "efficientnetv2-l": (1.0, 1.0, 480, "l", "-l"),
}

DEFAULT_BLOCKS_ARGS = {name: _blocks_args(spec[3]) for name, spec in _VARIANTS.items()}

_IMAGENET_MEAN_RGB = [0.485, 0.456, 0.406]
_IMAGENET_VARIANCE_RGB = [0.229**2, 0.224**2, 0.225**2]


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """``filters`` scaled by the width coefficient, to the nearest multiple of ``depth_divisor``
    and at least ``min_depth`` (``depth_divisor`` when ``min_depth`` is falsy)."""
    scaled = filters * width_coefficient
    rounded = int(scaled + depth_divisor / 2) // depth_divisor * depth_divisor
    return int(max(min_depth or depth_divisor, rounded))


def round_repeats(repeats, depth_coefficient):
    """``repeats`` scaled by the depth coefficient, rounded up."""
    return int(math.ceil(depth_coefficient * repeats))


def _preprocessing(x, input_shape, imagenet_statistics):
    """Pixels in [0, 255] to the network's input scale: the B variants (3 channels) scale to
    [0, 1] and normalize with the ImageNet mean and variance, the others scale to [-1, 1]."""
    channels = input_shape[channel_axis() - 1]
    if imagenet_statistics and channels == 3:
        x = layers.Rescaling(scale=1.0 / 255)(x)
        return layers.Normalization(mean=_IMAGENET_MEAN_RGB, variance=_IMAGENET_VARIANCE_RGB,
                                    axis=channel_axis())(x)
    return layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                   drop_connect_rate=0.2, depth_divisor=8, min_depth=8, bn_momentum=0.9,
                   activation="swish", blocks_args="default", name="efficientnetv2",
                   include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   include_preprocessing=True, weights_name=None, variant=None):
    """Builds an EfficientNetV2 with the given scaling; the ``EfficientNetV2*`` builders call it.

    Args:
        width_coefficient, depth_coefficient: scale the filters and the block repeats.
        default_size: the input size the published weights expect.
        dropout_rate: dropout before the classifier.
        drop_connect_rate: the stochastic-depth rate, growing linearly over the blocks.
        depth_divisor, min_depth: filters are rounded to multiples of ``depth_divisor``, at least
            ``min_depth``.
        bn_momentum: momentum of every ``BatchNormalization``.
        activation: the activation of every block.
        blocks_args: a list of stage dicts (see ``DEFAULT_BLOCKS_ARGS``), or ``"default"``: the
            stages of ``variant`` (a default model name such as ``"efficientnetv2-s"``; ``name``
            when ``variant`` is not given).
        weights_name: the key of the ImageNet file ``weights="imagenet"`` loads (``"b0"``..
            ``"b3"``, ``"-s"``, ``"-m"``, ``"-l"``).
        The other arguments are those of ``EfficientNetV2B0``.

    Example:
    >>> EfficientNetV2(1.0, 1.0, 224, name="efficientnetv2-b0", weights=None).count_params()
    7200312
    """
    variant = variant or name
    if blocks_args == "default":
        if variant not in DEFAULT_BLOCKS_ARGS:
            raise ValueError("`blocks_args='default'` needs a known variant, one of "
                             f"{sorted(DEFAULT_BLOCKS_ARGS)}. Received: name={variant}")
        blocks_args = DEFAULT_BLOCKS_ARGS[variant]
    check_weights_argument(weights, classes, include_top, name)
    published_file = _published_file(weights, weights_name, include_top)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format="channels_first" if channel_axis() == 1 else "channels_last",
        require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)

    def scaled_filters(filters):
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = img_input
    if include_preprocessing:
        x = _preprocessing(x, input_shape, variant.split("-")[-1].startswith("b"))
    x = conv_bn(x, scaled_filters(blocks_args[0]["input_filters"]), 3, "stem_", strides=2,
                bn_momentum=bn_momentum, activation=activation)

    # Keras spreads the stochastic depth over the unscaled repeat count.
    total_blocks = float(sum(args["num_repeat"] for args in blocks_args))
    block_index = 0
    for stage, stage_args in enumerate(blocks_args):
        if stage_args["num_repeat"] <= 0:
            raise ValueError("The number of repeats in `EfficientNetV2` must be > 0. "
                             f"Received: num_repeat={stage_args['num_repeat']}")
        args = {key: value for key, value in stage_args.items()
                if key not in ("num_repeat", "conv_type")}
        args["input_filters"] = scaled_filters(args["input_filters"])
        args["output_filters"] = scaled_filters(args["output_filters"])
        block = fused_mb_conv if stage_args["conv_type"] == _FUSED else mb_conv_v2
        for repeat in range(round_repeats(stage_args["num_repeat"], depth_coefficient)):
            if repeat > 0:  # only the first block of a stage changes stride and width
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(x, activation=activation, bn_momentum=bn_momentum,
                      drop_rate=drop_connect_rate * block_index / total_blocks,
                      name=f"block{stage + 1}{chr(ord('a') + repeat)}_", **args)
            block_index += 1

    x = conv_bn(x, scaled_filters(1280), 1, "top_", bn_momentum=bn_momentum,
                activation=activation)
    x = classifier_top(x, include_top=include_top, pooling=pooling, classes=classes,
                       classifier_activation=classifier_activation, weights=weights,
                       dropout_rate=dropout_rate, bias_initializer=initializers.Constant(0.0))
    model = Functional(model_inputs(input_tensor, img_input), x, name=name)
    load_pretrained_weights(model, weights, **published_file)
    return model


def _published_file(weights, weights_name, include_top):
    """Where ``weights="imagenet"`` comes from: the file named after the variant's default model
    name (so a model given another ``name`` still finds it), its hash and its URL."""
    if weights != "imagenet":
        return {"file_name": None, "file_hash": None, "base_url": BASE_WEIGHTS_PATH}
    if weights_name not in WEIGHTS_HASHES:
        raise ValueError("ImageNet weights are published for the variants "
                         f"{sorted(WEIGHTS_HASHES)} only; pass one as `weights_name`, or "
                         f"`weights=None`. Received: weights_name={weights_name}")
    top_hash, notop_hash = WEIGHTS_HASHES[weights_name]
    stem = "efficientnetv2" + (weights_name if weights_name.startswith("-") else f"-{weights_name}")
    suffix = ".h5" if include_top else "_notop.h5"
    return {"file_name": stem + suffix, "file_hash": top_hash if include_top else notop_hash,
            "base_url": BASE_WEIGHTS_PATH}


def _variant(variant, name, include_top, weights, input_tensor, input_shape, pooling, classes,
             classifier_activation, include_preprocessing):
    width, depth, size, _, weights_key = _VARIANTS[variant]
    return EfficientNetV2(width, depth, size, name=name, include_top=include_top, weights=weights,
                          input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
                          classes=classes, classifier_activation=classifier_activation,
                          include_preprocessing=include_preprocessing, weights_name=weights_key,
                          variant=variant)


_DOC = """Builds {builder}, EfficientNetV2 for {size}x{size} inputs.

Reference: Tan and Le, [EfficientNetV2: Smaller Models and Faster Training](
https://arxiv.org/abs/2104.00298) (ICML 2021).

With `include_preprocessing=True` the input preprocessing is part of the model: feed it float
pixels in [0, 255]; `keras.applications.efficientnet_v2.preprocess_input` returns its input.

Args:
    include_top: whether to end with the 1000-way (or `classes`-way) classifier. Defaults to `True`.
    weights: `None` (random initialization), `"imagenet"` (Keras's published ImageNet weights,
        downloaded once and cached) or the path of a weights file. Defaults to `"imagenet"`.
    input_tensor: optional symbolic tensor (for example from `keras.Input`) to build the model on.
    input_shape: optional `(height, width, channels)` (channels first: `(channels, height,
        width)`); only with `include_top=False` may it differ from `({size}, {size}, 3)`. Sides
        of at least 32.
    pooling: with `include_top=False`, `None` (4-D feature maps), `"avg"` or `"max"` (global
        pooling to a 2-D output). Defaults to `None`.
    classes: number of classes of the classifier (1000 with ImageNet weights). Defaults to `1000`.
    classifier_activation: activation of the classifier (`None` returns logits); with pretrained
        weights only `None` or `"softmax"`. Defaults to `"softmax"`.
    include_preprocessing: whether the model starts with its preprocessing layers ({preprocessing}).
        Defaults to `True`.
    name: the model's name. Defaults to `"{default_name}"`.

Returns:
    A `Functional` model.

Example:
>>> model = keras.applications.{builder}(weights=None, input_shape=(64, 64, 3), classes=5)
>>> model.output.shape
(None, 5)
"""


@keras_export("keras.applications.EfficientNetV2B0",
              "keras.applications.efficientnet_v2.EfficientNetV2B0")
def EfficientNetV2B0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                     pooling=None, classes=1000, classifier_activation="softmax",
                     include_preprocessing=True, name="efficientnetv2-b0"):
    return _variant("efficientnetv2-b0", name, include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, include_preprocessing)


@keras_export("keras.applications.EfficientNetV2B1",
              "keras.applications.efficientnet_v2.EfficientNetV2B1")
def EfficientNetV2B1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                     pooling=None, classes=1000, classifier_activation="softmax",
                     include_preprocessing=True, name="efficientnetv2-b1"):
    return _variant("efficientnetv2-b1", name, include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, include_preprocessing)


@keras_export("keras.applications.EfficientNetV2B2",
              "keras.applications.efficientnet_v2.EfficientNetV2B2")
def EfficientNetV2B2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                     pooling=None, classes=1000, classifier_activation="softmax",
                     include_preprocessing=True, name="efficientnetv2-b2"):
    return _variant("efficientnetv2-b2", name, include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, include_preprocessing)


@keras_export("keras.applications.EfficientNetV2B3",
              "keras.applications.efficientnet_v2.EfficientNetV2B3")
def EfficientNetV2B3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                     pooling=None, classes=1000, classifier_activation="softmax",
                     include_preprocessing=True, name="efficientnetv2-b3"):
    return _variant("efficientnetv2-b3", name, include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, include_preprocessing)


@keras_export("keras.applications.EfficientNetV2S",
              "keras.applications.efficientnet_v2.EfficientNetV2S")
def EfficientNetV2S(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                    pooling=None, classes=1000, classifier_activation="softmax",
                    include_preprocessing=True, name="efficientnetv2-s"):
    return _variant("efficientnetv2-s", name, include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, include_preprocessing)


@keras_export("keras.applications.EfficientNetV2M",
              "keras.applications.efficientnet_v2.EfficientNetV2M")
def EfficientNetV2M(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                    pooling=None, classes=1000, classifier_activation="softmax",
                    include_preprocessing=True, name="efficientnetv2-m"):
    return _variant("efficientnetv2-m", name, include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, include_preprocessing)


@keras_export("keras.applications.EfficientNetV2L",
              "keras.applications.efficientnet_v2.EfficientNetV2L")
def EfficientNetV2L(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                    pooling=None, classes=1000, classifier_activation="softmax",
                    include_preprocessing=True, name="efficientnetv2-l"):
    return _variant("efficientnetv2-l", name, include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, include_preprocessing)


for _builder in (EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2, EfficientNetV2B3,
                 EfficientNetV2S, EfficientNetV2M, EfficientNetV2L):
    _default_name = "efficientnetv2-" + _builder.__name__[len("EfficientNetV2"):].lower()
    _builder.__doc__ = _DOC.format(
        builder=_builder.__name__, size=_VARIANTS[_default_name][2], default_name=_default_name,
        preprocessing="`Rescaling` to [0, 1] and ImageNet `Normalization`"
        if _default_name[-2] == "b" else "`Rescaling` to [-1, 1]")
del _builder, _default_name


@keras_export("keras.applications.efficientnet_v2.preprocess_input")
def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: EfficientNetV2 models preprocess their input themselves (unless
    built with ``include_preprocessing=False``). Kept so code written for other applications runs
    as it is.

    Args:
        x: a float NumPy array or tensor.
        data_format: ignored (the layout of ``x``; ``None`` means
            ``keras.backend.image_data_format()``).

    Returns:
        ``x`` itself.

    Example:
    >>> x = np.zeros((1, 32, 32, 3))
    >>> preprocess_input(x) is x
    True
    """
    return x


@keras_export("keras.applications.efficientnet_v2.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
