"""``keras.applications.convnext``: ConvNeXt Tiny, Small, Base, Large and XLarge.

Liu et al., "A ConvNet for the 2020s" (CVPR 2022): a ResNet modernised after vision
transformers, with large depthwise kernels, LayerNorm, inverted bottlenecks written as ``Dense``
layers, and a learned per-channel ``LayerScale`` on each residual branch. Input normalisation is
part of the model (``include_preprocessing``): feed pixels in [0, 255]. Layer names, weight
order and the published ImageNet weight files are Keras 3.15.1's.

Example:
>>> model = ConvNeXtTiny(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output.shape
(None, 10)
"""

import numpy as np

from cornu import layers
from cornu.applications import imagenet_utils
from cornu.applications.application_inputs import image_input, model_inputs
from cornu.applications.convnext_layers import LayerScale, StochasticDepth
from cornu.applications.pretrained_weights import check_weights_argument, load_pretrained_weights
from cornu.backend import image_data_format
from cornu.models.functional import Functional
from cornu.models.sequential import Sequential
from cornu.serialization.registry import keras_export

__all__ = ["ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge",
           "LayerScale", "StochasticDepth", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"

# (sha256 of the file with the classifier, sha256 of the "_notop" file), as Keras publishes them.
WEIGHTS_HASHES = {
    "convnext_tiny": (
        "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
        "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1",
    ),
    "convnext_small": (
        "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
        "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab",
    ),
    "convnext_base": (
        "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
        "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45",
    ),
    "convnext_large": (
        "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
        "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd",
    ),
    "convnext_xlarge": (
        "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05",
    ),
}

MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024],
             "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536],
              "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048],
               "default_size": 224},
}

# ImageNet-1k channel statistics, on the [0, 255] pixel scale.
_IMAGENET_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255]
_IMAGENET_VARIANCE = [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2]
_LAYER_NORM_EPSILON = 1e-6


def _convnext_block(x, projection_dim, drop_path_rate, layer_scale_init_value, name):
    """One residual block: 7x7 depthwise conv, LayerNorm, Dense(4C), GELU, Dense(C), scale."""
    branch = layers.Conv2D(projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                           name=f"{name}_depthwise_conv")(x)
    branch = layers.LayerNormalization(epsilon=_LAYER_NORM_EPSILON, name=f"{name}_layernorm")(branch)
    branch = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(branch)
    branch = layers.Activation("gelu", name=f"{name}_gelu")(branch)
    branch = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(branch)
    if layer_scale_init_value is not None:
        branch = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(branch)
    if drop_path_rate:
        last = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
    else:
        last = layers.Activation("linear", name=f"{name}_identity")
    # A plain `+` (an `add` operation in the graph, not an `Add` layer), as in Keras.
    return x + last(branch)


def _downsampling_layers(projection_dims, name):
    """The stem (4x4 patchify conv) then three 2x2 strided downsamplers, each a ``Sequential``."""
    stem = Sequential([
        layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
        layers.LayerNormalization(epsilon=_LAYER_NORM_EPSILON, name=f"{name}_stem_layernorm"),
    ], name=f"{name}_stem")
    blocks = [stem]
    for i in range(3):
        blocks.append(Sequential([
            layers.LayerNormalization(epsilon=_LAYER_NORM_EPSILON,
                                      name=f"{name}_downsampling_layernorm_{i}"),
            layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2,
                          name=f"{name}_downsampling_conv_{i}"),
        ], name=f"{name}_downsampling_block_{i}"))
    return blocks


def _check_imagenet_variant(weights_name, depths, projection_dims, name):
    expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
    if depths != expected["depths"] or projection_dims != expected["projection_dims"]:
        raise ValueError(
            f"Architecture configuration does not match {weights_name} variant. When using "
            "pre-trained weights, the model architecture must match the pre-trained configuration "
            f"exactly. Expected depths: {expected['depths']}, got: {depths}. Expected "
            f"projection_dims: {expected['projection_dims']}, got: {projection_dims}.")
    if weights_name not in name:
        raise ValueError(
            f'Model name "{name}" does not match weights variant "{weights_name}". When using '
            "imagenet weights, the model name must contain the weights variant (e.g., "
            f'"{weights_name}"), because it names the weights file. Received: name={name!r}')


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6,
             default_size=224, name="convnext", include_preprocessing=True, include_top=True,
             weights=None, input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", weights_name=None):
    """Builds a ConvNeXt of any depth and width (the public variants call it).

    Args:
        depths: blocks per stage (4 stages).
        projection_dims: channels per stage.
        drop_path_rate: the last block's stochastic depth rate (rates grow linearly from 0).
        layer_scale_init_value: initial LayerScale value; ``None`` leaves LayerScale out.
        default_size: the default input height and width.
        name: the model name (with ``weights="imagenet"`` it names the weights file).
        weights_name: the published variant (``"convnext_tiny"``...) for ``weights="imagenet"``.
        The other arguments are those of :func:`ConvNeXtTiny`.

    Example:
    >>> model = ConvNeXt([1, 1, 1, 1], [8, 16, 32, 64], weights=None, input_shape=(32, 32, 3))
    """
    if image_data_format() == "channels_first":
        raise ValueError(
            "ConvNeXt does not support the `channels_first` image data format. Switch to "
            "`channels_last` with `keras.config.set_image_data_format('channels_last')` or in "
            "~/.keras/keras.json. Received: image_data_format='channels_first'")
    check_weights_argument(weights, classes, include_top, name)

    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format=image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    inputs = model_inputs(input_tensor, img_input)
    if isinstance(inputs, list):
        inputs = inputs[0]
    x = img_input

    if include_preprocessing and input_shape[-1] == 3:
        x = layers.Normalization(mean=_IMAGENET_MEAN, variance=_IMAGENET_VARIANCE,
                                 name=f"{name}_prestem_normalization")(x)

    downsampling = _downsampling_layers(projection_dims, name)
    drop_rates = [float(rate) for rate in np.linspace(0.0, drop_path_rate, sum(depths))]
    first_block = 0
    for stage, depth in enumerate(depths):
        x = downsampling[stage](x)
        for j in range(depth):
            x = _convnext_block(x, projection_dims[stage], drop_rates[first_block + j],
                                layer_scale_init_value, name=f"{name}_stage_{stage}_block_{j}")
        first_block += depth

    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=_LAYER_NORM_EPSILON, name=f"{name}_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = layers.LayerNormalization(epsilon=_LAYER_NORM_EPSILON)(x)

    model = Functional(inputs, x, name=name)
    file_name = file_hash = None
    if weights == "imagenet":
        _check_imagenet_variant(weights_name, depths, projection_dims, name)
        # The published file is named after the model: "convnext_tiny.h5", "..._notop.h5".
        file_name = name + (".h5" if include_top else "_notop.h5")
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
    load_pretrained_weights(model, weights, file_name=file_name, file_hash=file_hash,
                            base_url=BASE_WEIGHTS_PATH)
    return model


def _variant(size, include_top, include_preprocessing, weights, input_tensor, input_shape,
             pooling, classes, classifier_activation, name):
    config = MODEL_CONFIGS[size]
    return ConvNeXt(
        weights_name=f"convnext_{size}", depths=config["depths"],
        projection_dims=config["projection_dims"], drop_path_rate=0.0,
        layer_scale_init_value=1e-6, default_size=config["default_size"], name=name,
        include_top=include_top, include_preprocessing=include_preprocessing, weights=weights,
        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
        classifier_activation=classifier_activation)


_ARGS_DOC = """
    Args:
        include_top: whether to include the classification head (global average pooling,
            LayerNorm, Dense). Defaults to `True`.
        include_preprocessing: whether the model normalises its [0, 255] input with the
            ImageNet mean and variance (a `Normalization` layer). Keep `True` with
            `weights="imagenet"`.
        weights: `None` (random initialization), `"imagenet"` (ImageNet-1k weights, downloaded
            once from Keras's storage), or the path of a weights file.
        input_tensor: optional symbolic tensor (e.g. `keras.Input(...)`) to build the model on.
        input_shape: optional `(height, width, channels)`, at least 32x32; only when
            `include_top=False` with `weights="imagenet"`.
        pooling: with `include_top=False`, `None` (4D feature map), `"avg"` or `"max"`.
        classes: number of classes of the head (1000 with `weights="imagenet"`).
        classifier_activation: activation of the head (`None` for logits); only `None` or
            `"softmax"` with pretrained weights.
        name: the model name.

    Returns:
        A `Functional` model.
"""


def _document(builder, label):
    builder.__doc__ = (
        f"Instantiates the {label} architecture (Liu et al., \"A ConvNet for the 2020s\", 2022).\n\n"
        "    Input preprocessing is built in: feed float or uint8 pixels in [0, 255].\n"
        + _ARGS_DOC
        + f"\n    Example:\n    >>> model = {label}(weights=None, input_shape=(32, 32, 3), "
        "classes=10)\n")
    return builder


@keras_export("keras.applications.convnext.ConvNeXtTiny", "keras.applications.ConvNeXtTiny")
def ConvNeXtTiny(include_top=True, include_preprocessing=True, weights="imagenet",
                 input_tensor=None, input_shape=None, pooling=None, classes=1000,
                 classifier_activation="softmax", name="convnext_tiny"):
    return _variant("tiny", include_top, include_preprocessing, weights, input_tensor,
                    input_shape, pooling, classes, classifier_activation, name)


@keras_export("keras.applications.convnext.ConvNeXtSmall", "keras.applications.ConvNeXtSmall")
def ConvNeXtSmall(include_top=True, include_preprocessing=True, weights="imagenet",
                  input_tensor=None, input_shape=None, pooling=None, classes=1000,
                  classifier_activation="softmax", name="convnext_small"):
    return _variant("small", include_top, include_preprocessing, weights, input_tensor,
                    input_shape, pooling, classes, classifier_activation, name)


@keras_export("keras.applications.convnext.ConvNeXtBase", "keras.applications.ConvNeXtBase")
def ConvNeXtBase(include_top=True, include_preprocessing=True, weights="imagenet",
                 input_tensor=None, input_shape=None, pooling=None, classes=1000,
                 classifier_activation="softmax", name="convnext_base"):
    return _variant("base", include_top, include_preprocessing, weights, input_tensor,
                    input_shape, pooling, classes, classifier_activation, name)


@keras_export("keras.applications.convnext.ConvNeXtLarge", "keras.applications.ConvNeXtLarge")
def ConvNeXtLarge(include_top=True, include_preprocessing=True, weights="imagenet",
                  input_tensor=None, input_shape=None, pooling=None, classes=1000,
                  classifier_activation="softmax", name="convnext_large"):
    return _variant("large", include_top, include_preprocessing, weights, input_tensor,
                    input_shape, pooling, classes, classifier_activation, name)


@keras_export("keras.applications.convnext.ConvNeXtXLarge", "keras.applications.ConvNeXtXLarge")
def ConvNeXtXLarge(include_top=True, include_preprocessing=True, weights="imagenet",
                   input_tensor=None, input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", name="convnext_xlarge"):
    return _variant("xlarge", include_top, include_preprocessing, weights, input_tensor,
                    input_shape, pooling, classes, classifier_activation, name)


for _builder, _label in ((ConvNeXtTiny, "ConvNeXtTiny"), (ConvNeXtSmall, "ConvNeXtSmall"),
                         (ConvNeXtBase, "ConvNeXtBase"), (ConvNeXtLarge, "ConvNeXtLarge"),
                         (ConvNeXtXLarge, "ConvNeXtXLarge")):
    _document(_builder, _label)


@keras_export("keras.applications.convnext.preprocess_input")
def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: ConvNeXt models normalise their input themselves.

    Kept so code written for older Keras versions, which called it, still runs.

    Args:
        x: a float array or tensor of pixels in [0, 255].
        data_format: ignored (accepted for the common signature).

    Returns:
        ``x`` itself.

    Example:
    >>> preprocess_input(np.zeros((1, 32, 32, 3))).shape
    (1, 32, 32, 3)
    """
    return x


@keras_export("keras.applications.convnext.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
