"""``keras.applications.nasnet``: NASNetMobile and NASNetLarge.

Zoph et al., "Learning Transferable Architectures for Scalable Image Recognition" (CVPR 2018):
normal and reduction cells found by architecture search, stacked as "NASNet-A (N @ P)" (N
normal cells per stage, P filters before the classifier). Layer names, weight order and the
published ImageNet weight files are Keras 3.15.1's; inputs go through
:func:`preprocess_input` (pixels scaled to [-1, 1]).

Example:
>>> model = NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output.shape
(None, 10)
"""

from cornu import layers
from cornu.applications import imagenet_utils
from cornu.applications.application_inputs import image_input, model_inputs
from cornu.applications.nasnet_cells import normal_a_cell, reduction_a_cell
from cornu.applications.pretrained_weights import check_weights_argument, load_pretrained_weights
from cornu.backend import image_data_format
from cornu.models.functional import Functional
from cornu.serialization.registry import keras_export
from cornu.utils.file_download import get_file

__all__ = ["NASNetMobile", "NASNetLarge", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
NASNET_MOBILE_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}NASNet-mobile.h5"
NASNET_MOBILE_WEIGHT_PATH_NO_TOP = f"{BASE_WEIGHTS_PATH}NASNet-mobile-no-top.h5"
NASNET_LARGE_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}NASNet-large.h5"
NASNET_LARGE_WEIGHT_PATH_NO_TOP = f"{BASE_WEIGHTS_PATH}NASNet-large-no-top.h5"

# default_size -> {include_top: (cached file name, download URL, md5)}, as Keras publishes them.
# The cached name differs from the URL's, so each entry gives the URL's directory as base.
_PUBLISHED_WEIGHTS = {
    224: {True: ("nasnet_mobile.h5", NASNET_MOBILE_WEIGHT_PATH, "020fb642bf7360b370c678b08e0adf61"),
          False: ("nasnet_mobile_no_top.h5", NASNET_MOBILE_WEIGHT_PATH_NO_TOP,
                  "1ed92395b5b598bdda52abe5c0dbfd63")},
    331: {True: ("nasnet_large.h5", NASNET_LARGE_WEIGHT_PATH, "11577c9a518f0070763c2b964a382f17"),
          False: ("nasnet_large_no_top.h5", NASNET_LARGE_WEIGHT_PATH_NO_TOP,
                  "d81d89dc07e6e56530c4e77faddd61b5")},
}


def _check_arguments(input_shape, weights, include_top, classes, name):
    if image_data_format() == "channels_first":
        raise ValueError(
            "NASNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` with `keras.config.set_image_data_format('channels_last')` or in "
            "~/.keras/keras.json. Received: image_data_format='channels_first'")
    check_weights_argument(weights, classes, include_top, name)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(
            "When specifying the input shape of a NASNet and loading `ImageNet` weights, the "
            f"input_shape argument must be static (no None entries). Got: `input_shape={input_shape}`.")


def _load_weights(model, weights, default_size, include_top):
    if weights != "imagenet":
        load_pretrained_weights(model, weights, file_name=None, file_hash=None, base_url=None)
        return
    if default_size not in _PUBLISHED_WEIGHTS:
        raise ValueError("ImageNet weights can only be loaded with NASNetLarge or NASNetMobile "
                         f"(default sizes 331 and 224). Received: default_size={default_size}")
    file_name, url, file_hash = _PUBLISHED_WEIGHTS[default_size][include_top]
    # Keras caches these files under another name than the URL's ("nasnet_mobile.h5" for
    # "NASNet-mobile.h5"), which `load_pretrained_weights` (base_url + file_name) cannot express.
    path = get_file(file_name, url, cache_subdir="models", file_hash=file_hash)
    model.load_weights(path)


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
           skip_reduction=True, filter_multiplier=2, include_top=True, weights="imagenet",
           input_tensor=None, pooling=None, classes=1000, default_size=None,
           classifier_activation="softmax", name="NASNet"):
    """Builds a NASNet-A (``num_blocks`` @ ``penultimate_filters``); the public variants call it.

    Args:
        penultimate_filters: filters before the classifier; a multiple of
            ``24 * filter_multiplier ** 2``.
        num_blocks: normal cells per stage (3 stages).
        stem_block_filters: filters of the first convolution.
        skip_reduction: whether a stage's first normal cell skips the reduction cell's output.
        filter_multiplier: how much wider each stage is than the previous one.
        default_size: the default input size (224: mobile weights, 331: large weights).
        The other arguments are those of :func:`NASNetLarge`.

    Example:
    >>> model = NASNet(input_shape=(32, 32, 3), penultimate_filters=96, num_blocks=1,
    ...                weights=None, classes=10)
    """
    _check_arguments(input_shape, weights, include_top, classes, name)
    if default_size is None:
        default_size = 331
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format=image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)

    if penultimate_filters % (24 * (filter_multiplier ** 2)) != 0:
        raise ValueError(
            "For NASNet-A models, the `penultimate_filters` must be a multiple of "
            f"24 * (`filter_multiplier` ** 2). Current value: {penultimate_filters}")

    channel_dim = 1 if image_data_format() == "channels_first" else -1
    filters = penultimate_filters // 24

    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False,
                      name="stem_conv1", kernel_initializer="he_normal")(img_input)
    x = layers.BatchNormalization(axis=channel_dim, momentum=0.9997, epsilon=1e-3,
                                  name="stem_bn1")(x)

    p = None
    x, p = reduction_a_cell(x, p, filters // (filter_multiplier ** 2), block_id="stem_1")
    x, p = reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for stage in range(3):
        stage_filters = filters * filter_multiplier ** stage
        if stage > 0:
            x, reduced_p = reduction_a_cell(x, p, stage_filters,
                                            block_id=f"reduce_{stage * num_blocks}")
            p = p if skip_reduction else reduced_p
        # Normal cells are numbered 0..N-1, then N+1..2N, then 2N+1..3N (reduce_N, reduce_2N between).
        first_id = 0 if stage == 0 else stage * num_blocks + 1
        for i in range(num_blocks):
            x, p = normal_a_cell(x, p, stage_filters, block_id=f"{first_id + i}")

    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)

    model = Functional(model_inputs(input_tensor, img_input), x, name=name)
    _load_weights(model, weights, default_size, include_top)
    return model


_ARGS_DOC = """
    Args:
        input_shape: optional `(height, width, 3)`, at least 32x32; with `include_top=True` and
            `weights="imagenet"` it must be `({size}, {size}, 3)`.
        include_top: whether to include the classifier (global average pooling and Dense).
        weights: `None` (random initialization), `"imagenet"` (ImageNet weights, downloaded once
            from Keras's storage), or the path of a weights file.
        input_tensor: optional symbolic tensor (e.g. `keras.Input(...)`) to build the model on.
        pooling: with `include_top=False`, `None` (4D feature map), `"avg"` or `"max"`.
        classes: number of classes of the classifier (1000 with `weights="imagenet"`).
        classifier_activation: activation of the classifier (`None` for logits); only `None` or
            `"softmax"` with pretrained weights.
        name: the model name.

    Returns:
        A `Functional` model. Feed it images passed through
        `keras.applications.nasnet.preprocess_input`.
"""


@keras_export("keras.applications.nasnet.NASNetMobile", "keras.applications.NASNetMobile")
def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                 pooling=None, classes=1000, classifier_activation="softmax",
                 name="nasnet_mobile"):
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=224, classifier_activation=classifier_activation, name=name)


@keras_export("keras.applications.nasnet.NASNetLarge", "keras.applications.NASNetLarge")
def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="nasnet_large"):
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=331, classifier_activation=classifier_activation, name=name)


NASNetMobile.__doc__ = (
    "Instantiates NASNet-A Mobile (4 @ 1056), Zoph et al. 2018; default input 224x224.\n"
    + _ARGS_DOC.format(size=224)
    + "\n    Example:\n    >>> model = NASNetMobile(weights=None, input_shape=(32, 32, 3), "
    "classes=10)\n")
NASNetLarge.__doc__ = (
    "Instantiates NASNet-A Large (6 @ 4032), Zoph et al. 2018; default input 331x331.\n"
    + _ARGS_DOC.format(size=331)
    + "\n    Example:\n    >>> model = NASNetLarge(weights=None, input_shape=(64, 64, 3), "
    "include_top=False)\n")


@keras_export("keras.applications.nasnet.preprocess_input")
def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


@keras_export("keras.applications.nasnet.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


preprocess_input.__doc__ = imagenet_utils.PREPROCESS_INPUT_DOC.format(
    mode="", ret=imagenet_utils.PREPROCESS_INPUT_RET_DOC_TF,
    error=imagenet_utils.PREPROCESS_INPUT_ERROR_DOC)
decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
