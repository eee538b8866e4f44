"""``keras.applications.densenet``: DenseNet121, DenseNet169 and DenseNet201.

Huang et al., "Densely Connected Convolutional Networks" (CVPR 2017). Every layer of a dense
block sees the concatenated feature maps of all the layers before it; transition blocks halve
the channels and the resolution between dense blocks. Layer names, weight order and the
published ImageNet weight files are Keras's.

Example:
>>> model = DenseNet121(weights=None, input_shape=(32, 32, 3), classes=10)
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

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
DENSENET121_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}densenet121_weights_tf_dim_ordering_tf_kernels.h5"
DENSENET121_WEIGHT_PATH_NO_TOP = (
    f"{BASE_WEIGHTS_PATH}densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5")
DENSENET169_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}densenet169_weights_tf_dim_ordering_tf_kernels.h5"
DENSENET169_WEIGHT_PATH_NO_TOP = (
    f"{BASE_WEIGHTS_PATH}densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5")
DENSENET201_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}densenet201_weights_tf_dim_ordering_tf_kernels.h5"
DENSENET201_WEIGHT_PATH_NO_TOP = (
    f"{BASE_WEIGHTS_PATH}densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5")

# Blocks per dense stage -> {include_top: (URL of the published file, its MD5 hash)}.
PUBLISHED_WEIGHTS = {
    (6, 12, 24, 16): {True: (DENSENET121_WEIGHT_PATH, "9d60b8095a5708f2dcce2bca79d332c7"),
                      False: (DENSENET121_WEIGHT_PATH_NO_TOP, "30ee3e1110167f948a6b9946edeeb738")},
    (6, 12, 32, 32): {True: (DENSENET169_WEIGHT_PATH, "d699b8f76981ab1b30698df4c175e90b"),
                      False: (DENSENET169_WEIGHT_PATH_NO_TOP, "b8c4d4c20dd625c148057b9ff1c1176b")},
    (6, 12, 48, 32): {True: (DENSENET201_WEIGHT_PATH, "1ceb130c1ea1b78c3bf6114dbdfd8807"),
                      False: (DENSENET201_WEIGHT_PATH_NO_TOP, "c13680b51ded0fb44dff2d8f86ac8bb1")},
}

_BN_EPSILON = 1.001e-5
_GROWTH_RATE = 32


def _channel_axis():
    return 3 if backend.image_data_format() == "channels_last" else 1


def _batch_norm(name):
    return layers.BatchNormalization(axis=_channel_axis(), epsilon=_BN_EPSILON, name=name)


def dense_block(x, blocks, name):
    """``blocks`` conv blocks in a row, named ``{name}_block1``, ``{name}_block2``, ...

    Example:
    >>> y = dense_block(cornu.Input((8, 8, 64)), 2, name="conv2")
    >>> y.shape  # each block adds 32 channels
    (None, 8, 8, 128)
    """
    for index in range(blocks):
        x = conv_block(x, _GROWTH_RATE, name=f"{name}_block{index + 1}")
    return x


def transition_block(x, reduction, name):
    """Batch norm, ReLU, a 1x1 convolution keeping ``reduction`` of the channels, 2x2 average pool.

    Example:
    >>> transition_block(cornu.Input((8, 8, 128)), 0.5, name="pool2").shape
    (None, 4, 4, 64)
    """
    x = _batch_norm(f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    filters = int(x.shape[_channel_axis()] * reduction)
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def conv_block(x, growth_rate, name):
    """The bottleneck unit of a dense block: ``growth_rate`` new channels concatenated to ``x``.

    Example:
    >>> conv_block(cornu.Input((8, 8, 64)), 32, name="conv2_block1").shape
    (None, 8, 8, 96)
    """
    branch = _batch_norm(f"{name}_0_bn")(x)
    branch = layers.Activation("relu", name=f"{name}_0_relu")(branch)
    branch = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(branch)
    branch = _batch_norm(f"{name}_1_bn")(branch)
    branch = layers.Activation("relu", name=f"{name}_1_relu")(branch)
    branch = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False,
                           name=f"{name}_2_conv")(branch)
    return layers.Concatenate(axis=_channel_axis(), name=f"{name}_concat")([x, branch])


def DenseNet(
    blocks,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet",
):
    """A DenseNet with ``blocks[i]`` conv blocks in its i-th dense stage (not a public Keras name).

    The public builders fix ``blocks``: DenseNet121 ``[6, 12, 24, 16]``, DenseNet169
    ``[6, 12, 32, 32]``, DenseNet201 ``[6, 12, 48, 32]``; ImageNet weights exist only for those.
    Only the ``"channels_last"`` image data format is supported. See ``DenseNet121`` for the
    other arguments.

    Example:
    >>> DenseNet([1, 1, 1, 1], weights=None, input_shape=(32, 32, 3), classes=2).output.shape
    (None, 2)
    """
    if backend.image_data_format() == "channels_first":
        raise ValueError(
            "DenseNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` by editing your local config file at ~/.keras/keras.json"
        )
    check_weights_argument(weights, classes, include_top, "DenseNet")
    if weights == "imagenet" and tuple(blocks) not in PUBLISHED_WEIGHTS:
        raise ValueError(
            "weights_path undefined: ImageNet weights exist only for the blocks of DenseNet121, "
            "DenseNet169 and DenseNet201 ([6, 12, 24, 16], [6, 12, 32, 32], [6, 12, 48, 32]); "
            f"pass `weights=None` or the path of a weights file. Received: blocks={blocks}"
        )
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights,
    )
    img_input = image_input(input_tensor, input_shape)

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _batch_norm("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)

    for stage, stage_blocks in enumerate(blocks[:3]):
        x = dense_block(x, stage_blocks, name=f"conv{stage + 2}")
        x = transition_block(x, 0.5, name=f"pool{stage + 2}")
    x = dense_block(x, blocks[3], name="conv5")

    x = _batch_norm("bn")(x)
    x = layers.Activation("relu", name="relu")(x)

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)

    model = Functional(model_inputs(input_tensor, img_input), x, name=name)

    file_name = file_hash = None
    if weights == "imagenet":
        url, file_hash = PUBLISHED_WEIGHTS[tuple(blocks)][bool(include_top)]
        file_name = url[len(BASE_WEIGHTS_PATH):]
    load_pretrained_weights(model, weights, file_name=file_name, file_hash=file_hash,
                            base_url=BASE_WEIGHTS_PATH)
    return model


_BUILDER_DOC = """

    Args:
        include_top: whether to end with the global average pooling and the ``classes``-way
            ``Dense`` classifier named ``"predictions"``.
        weights: ``None`` (random initialization), ``"imagenet"`` (Keras's published ImageNet
            weights, downloaded once and hash-checked) or the path of a weights file.
        input_tensor: optional symbolic tensor (e.g. from ``cornu.Input``) to build the model on.
        input_shape: optional ``(height, width, channels)``; only with ``include_top=False``
            may it differ from ``(224, 224, 3)``. Height and width must be at least 32.
        pooling: with ``include_top=False``: ``None`` keeps the 4D feature map, ``"avg"`` or
            ``"max"`` pools it globally into a 2D tensor.
        classes: number of classes when ``include_top`` is true and ``weights`` is not
            ``"imagenet"``.
        classifier_activation: activation of the ``"predictions"`` layer (``None`` gives
            logits); only ``None`` or ``"softmax"`` with pretrained weights.
        name: the model's name.

    Returns:
        A ``Functional`` model. Feed it ``densenet.preprocess_input(images)``.
"""



@keras_export("keras.applications.densenet.DenseNet121", "keras.applications.DenseNet121")
def DenseNet121(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet121",
):
    """Instantiates DenseNet121 (dense stages of 6, 12, 24 and 16 blocks).

    Example:
    >>> model = DenseNet121(weights=None, input_shape=(32, 32, 3), classes=10)
    """
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name=name)


@keras_export("keras.applications.densenet.DenseNet169", "keras.applications.DenseNet169")
def DenseNet169(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet169",
):
    """Instantiates DenseNet169 (dense stages of 6, 12, 32 and 32 blocks).

    Example:
    >>> model = DenseNet169(weights=None, include_top=False, pooling="avg")
    """
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name=name)


@keras_export("keras.applications.densenet.DenseNet201", "keras.applications.DenseNet201")
def DenseNet201(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet201",
):
    """Instantiates DenseNet201 (dense stages of 6, 12, 48 and 32 blocks).

    Example:
    >>> model = DenseNet201(weights=None)
    """
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name=name)


for _builder in (DenseNet121, DenseNet169, DenseNet201):
    _builder.__doc__ += _BUILDER_DOC
del _builder


@keras_export("keras.applications.densenet.preprocess_input")
def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


@keras_export("keras.applications.densenet.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


preprocess_input.__doc__ = imagenet_utils.PREPROCESS_INPUT_DOC.format(
    mode="", ret=imagenet_utils.PREPROCESS_INPUT_RET_DOC_TORCH,
    error=imagenet_utils.PREPROCESS_INPUT_ERROR_DOC,
)
decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
