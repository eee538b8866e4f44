"""``keras.applications.xception``: Xception.

Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions" (CVPR 2017). An
entry flow of strided separable-convolution blocks with 1x1 convolution shortcuts, a middle
flow of eight residual blocks at 728 channels, and an exit flow. Layer names, weight order and
the published ImageNet weight files are Keras's.

Example:
>>> model = Xception(weights=None, input_shape=(71, 71, 3), classes=10)
>>> model.output.shape
(None, 10)
"""

from cornu import backend
from cornu import layers
from cornu.applications import imagenet_utils
from cornu.applications.application_inputs import image_input, model_inputs
from cornu.applications.pretrained_weights import check_weights_argument, load_pretrained_weights
from cornu.models.functional import Functional
from cornu.serialization.registry import keras_export

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
WEIGHTS_PATH = f"{BASE_WEIGHTS_PATH}xception_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = f"{BASE_WEIGHTS_PATH}xception_weights_tf_dim_ordering_tf_kernels_notop.h5"
# include_top -> (URL of the published file, its MD5 hash).
PUBLISHED_WEIGHTS = {
    True: (WEIGHTS_PATH, "0a58e3b7378bc2990ea3b43d5981f1f6"),
    False: (WEIGHTS_PATH_NO_TOP, "b0042744bf5b25fce3cb969f33bebb97"),
}


def _channel_axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _batch_norm(x, name=None):
    return layers.BatchNormalization(axis=_channel_axis(), name=name)(x)


def _separable_conv_bn(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return _batch_norm(x, name=f"{name}_bn")


def _strided_shortcut(x, filters):
    shortcut = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return _batch_norm(shortcut)


def _downsampling_block(x, filters, block, relu_first=True):
    """Two separable convolutions and a strided max pool, plus a strided 1x1 shortcut."""
    first_filters, second_filters = filters
    residual = _strided_shortcut(x, second_filters)
    if relu_first:
        x = layers.Activation("relu", name=f"{block}_sepconv1_act")(x)
    x = _separable_conv_bn(x, first_filters, f"{block}_sepconv1")
    x = layers.Activation("relu", name=f"{block}_sepconv2_act")(x)
    x = _separable_conv_bn(x, second_filters, f"{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"{block}_pool")(x)
    return layers.add([x, residual])


def _middle_flow_block(x, block):
    residual = x
    for conv_index in (1, 2, 3):
        x = layers.Activation("relu", name=f"{block}_sepconv{conv_index}_act")(x)
        x = _separable_conv_bn(x, 728, f"{block}_sepconv{conv_index}")
    return layers.add([x, residual])


@keras_export("keras.applications.xception.Xception", "keras.applications.Xception")
def Xception(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="xception",
):
    """Instantiates the Xception architecture.

    Args:
        include_top: whether to end with the global average pooling and the ``classes``-way
            ``Dense`` classifier named ``"predictions"``.
        weights: ``None`` (random initialization), ``"imagenet"`` (Keras's published ImageNet
            weights, downloaded once and hash-checked) or the path of a weights file.
        input_tensor: optional symbolic tensor (e.g. from ``cornu.Input``) to build the model on.
        input_shape: optional shape; only with ``include_top=False`` may it differ from
            ``(299, 299, 3)`` (``(3, 299, 299)`` channels first). Height and width must be at
            least 71.
        pooling: with ``include_top=False``: ``None`` keeps the 4D feature map, ``"avg"`` or
            ``"max"`` pools it globally into a 2D tensor.
        classes: number of classes when ``include_top`` is true and ``weights`` is not
            ``"imagenet"``.
        classifier_activation: activation of the ``"predictions"`` layer (``None`` gives
            logits); only ``None`` or ``"softmax"`` with pretrained weights.
        name: the model's name.

    Returns:
        A ``Functional`` model. Feed it ``xception.preprocess_input(images)`` (pixels scaled
        to [-1, 1]).

    Example:
    >>> features = Xception(weights=None, include_top=False, pooling="avg")
    >>> features.output.shape
    (None, 2048)
    """
    check_weights_argument(weights, classes, include_top, "Xception")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights,
    )
    img_input = image_input(input_tensor, input_shape)

    # Entry flow.
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = _batch_norm(x, name="block1_conv1_bn")
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = _batch_norm(x, name="block1_conv2_bn")
    x = layers.Activation("relu", name="block1_conv2_act")(x)

    x = _downsampling_block(x, (128, 128), "block2", relu_first=False)
    x = _downsampling_block(x, (256, 256), "block3")
    x = _downsampling_block(x, (728, 728), "block4")

    # Middle flow.
    for index in range(8):
        x = _middle_flow_block(x, f"block{index + 5}")

    # Exit flow.
    x = _downsampling_block(x, (728, 1024), "block13")
    x = _separable_conv_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _separable_conv_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)

    model = Functional(model_inputs(input_tensor, img_input), x, name=name)

    file_name = file_hash = None
    if weights == "imagenet":
        url, file_hash = PUBLISHED_WEIGHTS[bool(include_top)]
        file_name = url[len(BASE_WEIGHTS_PATH):]
    load_pretrained_weights(model, weights, file_name=file_name, file_hash=file_hash,
                            base_url=BASE_WEIGHTS_PATH)
    return model


@keras_export("keras.applications.xception.preprocess_input")
def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


@keras_export("keras.applications.xception.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


preprocess_input.__doc__ = imagenet_utils.PREPROCESS_INPUT_DOC.format(
    mode="", ret=imagenet_utils.PREPROCESS_INPUT_RET_DOC_TF,
    error=imagenet_utils.PREPROCESS_INPUT_ERROR_DOC,
)
decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
