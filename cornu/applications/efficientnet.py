"""``keras.applications.efficientnet``: EfficientNetB0 to EfficientNetB7.

Tan and Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks" (ICML
2019). One baseline network of inverted-residual blocks with squeeze-and-excite, scaled in width,
depth and input resolution together. The input preprocessing is part of the model (a
``Rescaling`` and a ``Normalization`` layer), so it takes pixels in [0, 255] and
``preprocess_input`` passes its input through. Layer names, weight order and the published
ImageNet weight files are Keras's.

Example:
>>> model = EfficientNetB0(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output.shape
(None, 10)
"""

import math

from cornu import layers
from cornu.applications import imagenet_utils
from cornu.applications.application_inputs import image_input, model_inputs
from cornu.applications.efficientnet_blocks import channel_axis, classifier_top, conv_bn, mb_conv
from cornu.applications.pretrained_weights import check_weights_argument, load_pretrained_weights
from cornu.models.functional import Functional
from cornu.serialization.registry import keras_export

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/"

# Variant -> (hash of the file with the top, hash of the "_notop" file).
WEIGHTS_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}

# The baseline's stages, as (kernel_size, repeats, filters_in, filters_out, expand_ratio, strides);
# every stage uses squeeze-and-excite with ratio 0.25 and identity skips.
_STAGES = (
    (3, 1, 32, 16, 1, 1),
    (3, 2, 16, 24, 6, 2),
    (5, 2, 24, 40, 6, 2),
    (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1),
    (5, 4, 112, 192, 6, 2),
    (3, 1, 192, 320, 6, 1),
)
DEFAULT_BLOCKS_ARGS = [
    {"kernel_size": k, "repeats": r, "filters_in": fi, "filters_out": fo, "expand_ratio": e,
     "id_skip": True, "strides": s, "se_ratio": 0.25}
    for k, r, fi, fo, e, s in _STAGES
]

IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]

# Variant -> (width_coefficient, depth_coefficient, default_size, dropout_rate).
_SCALING = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}


def _round_filters(filters, width_coefficient, divisor):
    """``filters`` scaled by the width coefficient, to a multiple of ``divisor`` (never more
    than 10% below the scaled value)."""
    scaled = filters * width_coefficient
    rounded = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * scaled:
        rounded += divisor
    return int(rounded)


def _round_repeats(repeats, depth_coefficient):
    return int(math.ceil(depth_coefficient * repeats))


def _preprocessing(x, weights):
    """Pixels in [0, 255] to the network's input scale: ``Rescaling(1/255)`` then a
    ``Normalization`` whose statistics come with the weights (mean 0, variance 1 otherwise).

    The published ImageNet files store the squared standard deviation as the variance but were
    trained dividing by the variance itself, so with ``weights="imagenet"`` a third layer divides
    once more by the square root of each stored value.
    """
    x = layers.Rescaling(1.0 / 255.0)(x)
    x = layers.Normalization(axis=channel_axis())(x)
    if weights == "imagenet":
        x = layers.Rescaling([1.0 / math.sqrt(value) for value in IMAGENET_STDDEV_RGB])(x)
    return x


def EfficientNet(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                 drop_connect_rate=0.2, depth_divisor=8, activation="swish", blocks_args="default",
                 name="efficientnet", include_top=True, weights="imagenet", input_tensor=None,
                 input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                 weights_name=None):
    """Builds an EfficientNet with the given scaling; the ``EfficientNetB*`` builders call it.

    Args:
        width_coefficient, depth_coefficient: scale the filters and the block repeats.
        default_size: the input size the published weights expect.
        dropout_rate: dropout before the classifier.
        drop_connect_rate: the stochastic-depth rate of the last block (growing linearly from 0).
        depth_divisor: filters are rounded to multiples of it.
        activation: the activation of every block.
        blocks_args: ``"default"`` or a list of stage dicts (see ``DEFAULT_BLOCKS_ARGS``).
        weights_name: the variant (``"b0"``..``"b7"``) whose ImageNet file ``weights="imagenet"``
            loads.
        The other arguments are those of ``EfficientNetB0``.

    Example:
    >>> EfficientNet(1.0, 1.0, 224, weights=None, input_shape=(32, 32, 3)).name
    'efficientnet'
    """
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS
    check_weights_argument(weights, classes, include_top, name)
    published_file = _published_file(weights, weights_name, include_top)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format=_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)

    def round_filters(filters):
        return _round_filters(filters, width_coefficient, depth_divisor)

    x = _preprocessing(img_input, weights)
    x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = conv_bn(x, round_filters(32), 3, "stem_", strides=2, padding="valid",
                activation=activation)

    total_blocks = float(sum(_round_repeats(args["repeats"], depth_coefficient)
                             for args in blocks_args))
    block_index = 0
    for stage, args in enumerate(blocks_args):
        if args["repeats"] <= 0:
            raise ValueError("The number of repeats in `EfficientNet` must be > 0. "
                             f"Received: repeats={args['repeats']}")
        args = {key: value for key, value in args.items() if key != "repeats"}
        args["filters_in"] = round_filters(args["filters_in"])
        args["filters_out"] = round_filters(args["filters_out"])
        for repeat in range(_round_repeats(blocks_args[stage]["repeats"], depth_coefficient)):
            if repeat > 0:  # only the first block of a stage changes stride and width
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            x = mb_conv(x, activation=activation,
                        drop_rate=drop_connect_rate * block_index / total_blocks,
                        name=f"block{stage + 1}{chr(ord('a') + repeat)}_", **args)
            block_index += 1

    x = conv_bn(x, round_filters(1280), 1, "top_", activation=activation)
    x = classifier_top(x, include_top=include_top, pooling=pooling, classes=classes,
                       classifier_activation=classifier_activation, weights=weights,
                       dropout_rate=dropout_rate)
    model = Functional(model_inputs(input_tensor, img_input), x, name=name)
    load_pretrained_weights(model, weights, **published_file)
    return model


def _data_format():
    return "channels_first" if channel_axis() == 1 else "channels_last"


def _published_file(weights, variant, include_top):
    """Where ``weights="imagenet"`` comes from: the file named after the variant's default model
    name (so a model given another ``name`` still finds it), its hash and its URL."""
    if weights != "imagenet":
        return {"file_name": None, "file_hash": None, "base_url": BASE_WEIGHTS_PATH}
    if variant not in WEIGHTS_HASHES:
        raise ValueError("ImageNet weights are published for the variants "
                         f"{sorted(WEIGHTS_HASHES)} only; pass one as `weights_name`, or "
                         f"`weights=None`. Received: weights_name={variant}")
    top_hash, notop_hash = WEIGHTS_HASHES[variant]
    suffix = ".h5" if include_top else "_notop.h5"
    return {"file_name": f"efficientnet{variant}{suffix}",
            "file_hash": top_hash if include_top else notop_hash, "base_url": BASE_WEIGHTS_PATH}


def _variant(variant, name, include_top, weights, input_tensor, input_shape, pooling, classes,
             classifier_activation):
    width, depth, size, dropout = _SCALING[variant]
    return EfficientNet(width, depth, size, dropout, name=name, include_top=include_top,
                        weights=weights, input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, weights_name=variant)


_DOC = """Builds {builder}, EfficientNet scaled for {size}x{size} inputs.

Reference: Tan and Le, [EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks](
https://arxiv.org/abs/1905.11946) (ICML 2019).

The input preprocessing is part of the model (`Rescaling` and `Normalization` layers): feed it
float pixels in [0, 255]; `keras.applications.efficientnet.preprocess_input` returns its input.

Args:
    include_top: whether to end with the 1000-way (or `classes`-way) classifier. Defaults to `True`.
    weights: `None` (random initialization), `"imagenet"` (Keras's published ImageNet weights,
        downloaded once and cached) or the path of a weights file. Defaults to `"imagenet"`.
    input_tensor: optional symbolic tensor (for example from `keras.Input`) to build the model on.
    input_shape: optional `(height, width, 3)` (channels first: `(3, height, width)`); only with
        `include_top=False` may it differ from `({size}, {size}, 3)`. Sides of at least 32.
    pooling: with `include_top=False`, `None` (4-D feature maps), `"avg"` or `"max"` (global
        pooling to a 2-D output). Defaults to `None`.
    classes: number of classes of the classifier (1000 with ImageNet weights). Defaults to `1000`.
    classifier_activation: activation of the classifier (`None` returns logits); with pretrained
        weights only `None` or `"softmax"`. Defaults to `"softmax"`.
    name: the model's name. Defaults to `"{default_name}"`.

Returns:
    A `Functional` model.

Example:
>>> model = keras.applications.{builder}(weights=None, input_shape=(64, 64, 3), classes=5)
>>> model.output.shape
(None, 5)
"""


@keras_export("keras.applications.EfficientNetB0", "keras.applications.efficientnet.EfficientNetB0")
def EfficientNetB0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb0"):
    return _variant("b0", name, include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation)


@keras_export("keras.applications.EfficientNetB1", "keras.applications.efficientnet.EfficientNetB1")
def EfficientNetB1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb1"):
    return _variant("b1", name, include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation)


@keras_export("keras.applications.EfficientNetB2", "keras.applications.efficientnet.EfficientNetB2")
def EfficientNetB2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb2"):
    return _variant("b2", name, include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation)


@keras_export("keras.applications.EfficientNetB3", "keras.applications.efficientnet.EfficientNetB3")
def EfficientNetB3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb3"):
    return _variant("b3", name, include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation)


@keras_export("keras.applications.EfficientNetB4", "keras.applications.efficientnet.EfficientNetB4")
def EfficientNetB4(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb4"):
    return _variant("b4", name, include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation)


@keras_export("keras.applications.EfficientNetB5", "keras.applications.efficientnet.EfficientNetB5")
def EfficientNetB5(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb5"):
    return _variant("b5", name, include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation)


@keras_export("keras.applications.EfficientNetB6", "keras.applications.efficientnet.EfficientNetB6")
def EfficientNetB6(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb6"):
    return _variant("b6", name, include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation)


@keras_export("keras.applications.EfficientNetB7", "keras.applications.efficientnet.EfficientNetB7")
def EfficientNetB7(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb7"):
    return _variant("b7", name, include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation)


for _builder, _variant_key in ((EfficientNetB0, "b0"), (EfficientNetB1, "b1"),
                               (EfficientNetB2, "b2"), (EfficientNetB3, "b3"),
                               (EfficientNetB4, "b4"), (EfficientNetB5, "b5"),
                               (EfficientNetB6, "b6"), (EfficientNetB7, "b7")):
    _builder.__doc__ = _DOC.format(builder=_builder.__name__, size=_SCALING[_variant_key][2],
                                   default_name=f"efficientnet{_variant_key}")
del _builder, _variant_key


@keras_export("keras.applications.efficientnet.preprocess_input")
def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: EfficientNet models preprocess their input themselves (they
    take pixels in [0, 255]). Kept so code written for other applications runs as it is.

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


@keras_export("keras.applications.efficientnet.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
