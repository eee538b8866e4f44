"""``keras.applications.inception_v3``: InceptionV3.

Szegedy et al., "Rethinking the Inception Architecture for Computer Vision" (CVPR 2016). A
convolutional stem, then eleven "mixed" modules whose parallel branches (1x1, factorized 5x5
or 7x7, stacked 3x3, pooling) are concatenated. Layer names, weight order and the published
ImageNet weight files are Keras's.

Example:
>>> model = InceptionV3(weights=None, input_shape=(75, 75, 3), classes=10)
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

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
WEIGHTS_PATH = f"{BASE_WEIGHTS_PATH}inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = (
    f"{BASE_WEIGHTS_PATH}inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5")
# include_top -> (URL of the published file, its MD5 hash).
PUBLISHED_WEIGHTS = {
    True: (WEIGHTS_PATH, "9a0d58056eeedaa3f26cb7ebd46da564"),
    False: (WEIGHTS_PATH_NO_TOP, "bcbd6486424b2319ff4ef7d526e38f63"),
}


def _channel_axis():
    return 1 if backend.image_data_format() == "channels_first" else 3


def _same_size_average_pool(x):
    return layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)


def _concat(branches, name=None):
    return layers.concatenate(branches, axis=_channel_axis(), name=name)


@keras_export("keras.applications.inception_v3.InceptionV3", "keras.applications.InceptionV3")
def InceptionV3(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="inception_v3",
):
    """Instantiates the Inception v3 architecture.

    Args:
        include_top: whether to end with the global average pooling and the ``classes``-way
            ``Dense`` classifier named ``"predictions"``.
        weights: ``None`` (random initialization), ``"imagenet"`` (Keras's published ImageNet
            weights, downloaded once and hash-checked) or the path of a weights file.
        input_tensor: optional symbolic tensor (e.g. from ``cornu.Input``) to build the model on.
        input_shape: optional shape; only with ``include_top=False`` may it differ from
            ``(299, 299, 3)`` (``(3, 299, 299)`` channels first). Height and width must be at
            least 75. Ignored when ``input_tensor`` is given.
        pooling: with ``include_top=False``: ``None`` keeps the 4D feature map, ``"avg"`` or
            ``"max"`` pools it globally into a 2D tensor.
        classes: number of classes when ``include_top`` is true and ``weights`` is not
            ``"imagenet"``.
        classifier_activation: activation of the ``"predictions"`` layer (``None`` gives
            logits); only ``None`` or ``"softmax"`` with pretrained weights.
        name: the model's name.

    Returns:
        A ``Functional`` model. Feed it ``inception_v3.preprocess_input(images)`` (pixels
        scaled to [-1, 1]).

    Example:
    >>> features = InceptionV3(weights=None, include_top=False, pooling="avg")
    >>> features.output.shape
    (None, 2048)
    """
    check_weights_argument(weights, classes, include_top, "InceptionV3")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights,
    )
    img_input = image_input(input_tensor, input_shape)

    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)

    # 35x35 grid (at 299x299 input): mixed0..mixed2.
    for index, pool_filters in enumerate((32, 64, 64)):
        x = _module_35x35(x, pool_filters, name=f"mixed{index}")
    x = _reduction_to_17x17(x)
    # 17x17 grid: mixed4..mixed7, whose factorized 7x7 branches widen from 128 to 192 filters.
    for index, filters_7x7 in enumerate((128, 160, 160, 192)):
        x = _module_17x17(x, filters_7x7, name=f"mixed{index + 4}")
    x = _reduction_to_8x8(x)
    # 8x8 grid: mixed9 and mixed10.
    for index in range(2):
        x = _module_8x8(x, index)

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


def _module_35x35(x, pool_filters, name):
    branch1x1 = conv2d_bn(x, 64, 1, 1)
    branch5x5 = conv2d_bn(x, 48, 1, 1)
    branch5x5 = conv2d_bn(branch5x5, 64, 5, 5)
    branch3x3dbl = conv2d_bn(x, 64, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch_pool = conv2d_bn(_same_size_average_pool(x), pool_filters, 1, 1)
    return _concat([branch1x1, branch5x5, branch3x3dbl, branch_pool], name=name)


def _reduction_to_17x17(x):
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = conv2d_bn(x, 64, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    return _concat([branch3x3, branch3x3dbl, branch_pool], name="mixed3")


def _module_17x17(x, filters_7x7, name):
    branch1x1 = conv2d_bn(x, 192, 1, 1)
    branch7x7 = conv2d_bn(x, filters_7x7, 1, 1)
    branch7x7 = conv2d_bn(branch7x7, filters_7x7, 1, 7)
    branch7x7 = conv2d_bn(branch7x7, 192, 7, 1)
    branch7x7dbl = conv2d_bn(x, filters_7x7, 1, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, filters_7x7, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, filters_7x7, 1, 7)
    branch7x7dbl = conv2d_bn(branch7x7dbl, filters_7x7, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7)
    branch_pool = conv2d_bn(_same_size_average_pool(x), 192, 1, 1)
    return _concat([branch1x1, branch7x7, branch7x7dbl, branch_pool], name=name)


def _reduction_to_8x8(x):
    branch3x3 = conv2d_bn(x, 192, 1, 1)
    branch3x3 = conv2d_bn(branch3x3, 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    return _concat([branch3x3, branch7x7x3, branch_pool], name="mixed8")


def _module_8x8(x, index):
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3 = _concat([conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)],
                        name=f"mixed9_{index}")
    branch3x3dbl = conv2d_bn(x, 448, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 384, 3, 3)
    branch3x3dbl = _concat([conv2d_bn(branch3x3dbl, 384, 1, 3),
                            conv2d_bn(branch3x3dbl, 384, 3, 1)])
    branch_pool = conv2d_bn(_same_size_average_pool(x), 192, 1, 1)
    return _concat([branch1x1, branch3x3, branch3x3dbl, branch_pool], name=f"mixed{9 + index}")


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """A bias-free ``num_row`` x ``num_col`` convolution, batch norm without scale, then ReLU.

    With ``name``, the layers are ``{name}_conv``, ``{name}_bn`` and ``{name}``; otherwise they
    get automatic names.

    Example:
    >>> conv2d_bn(cornu.Input((35, 35, 64)), 96, 3, 3).shape
    (None, 35, 35, 96)
    """
    conv_name = None if name is None else f"{name}_conv"
    bn_name = None if name is None else f"{name}_bn"
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=conv_name)(x)
    x = layers.BatchNormalization(axis=_channel_axis(), scale=False, name=bn_name)(x)
    return layers.Activation("relu", name=name)(x)


@keras_export("keras.applications.inception_v3.preprocess_input")
def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


@keras_export("keras.applications.inception_v3.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


preprocess_input.__doc__ = imagenet_utils.PREPROCESS_INPUT_DOC.format(
    mode="", ret=imagenet_utils.PREPROCESS_INPUT_RET_DOC_TF,
    error=imagenet_utils.PREPROCESS_INPUT_ERROR_DOC,
)
decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
