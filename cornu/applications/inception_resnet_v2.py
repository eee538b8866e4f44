"""``keras.applications.inception_resnet_v2``: InceptionResNetV2.

Szegedy et al., "Inception-v4, Inception-ResNet and the Impact of Residual Connections on
Learning" (AAAI 2017). Inception branches whose concatenation, projected back by a 1x1
convolution and scaled down, is added to the block's input. Layer names, weight order and the
published ImageNet weight files are Keras's.

Example:
>>> model = InceptionResNetV2(weights=None, input_shape=(75, 75, 3), classes=10)
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

BASE_WEIGHT_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/")
# include_top -> (URL of the published file, its MD5 hash).
PUBLISHED_WEIGHTS = {
    True: (f"{BASE_WEIGHT_URL}inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
           "e693bd0210a403b3192acc6073ad2e96"),
    False: (f"{BASE_WEIGHT_URL}inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "d19885ff4a710c122648d3b5c3b684e4"),
}


def _channel_axis():
    return 1 if backend.image_data_format() == "channels_first" else 3


@keras_export(
    "keras.applications.inception_resnet_v2.InceptionResNetV2",
    "keras.applications.InceptionResNetV2",
)
def InceptionResNetV2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="inception_resnet_v2",
):
    """Instantiates the Inception-ResNet v2 architecture.

    Args:
        include_top: whether to end with the global average pooling and the ``classes``-way
            ``Dense`` classifier named ``"predictions"``.
        weights: ``None`` (random initialization), ``"imagenet"`` (Keras's published ImageNet
            weights, downloaded once and hash-checked) or the path of a weights file.
        input_tensor: optional symbolic tensor (e.g. from ``cornu.Input``) to build the model on.
        input_shape: optional shape; only with ``include_top=False`` may it differ from
            ``(299, 299, 3)`` (``(3, 299, 299)`` channels first). Height and width must be at
            least 75.
        pooling: with ``include_top=False``: ``None`` keeps the 4D feature map, ``"avg"`` or
            ``"max"`` pools it globally into a 2D tensor.
        classes: number of classes when ``include_top`` is true and ``weights`` is not
            ``"imagenet"``.
        classifier_activation: activation of the ``"predictions"`` layer (``None`` gives
            logits); only ``None`` or ``"softmax"`` with pretrained weights.
        name: the model's name.

    Returns:
        A ``Functional`` model. Feed it ``inception_resnet_v2.preprocess_input(images)``
        (pixels scaled to [-1, 1]).

    Example:
    >>> features = InceptionResNetV2(weights=None, include_top=False, pooling="max")
    >>> features.output.shape
    (None, 1536)
    """
    check_weights_argument(weights, classes, include_top, "InceptionResNetV2")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights,
    )
    img_input = image_input(input_tensor, input_shape)

    # Stem (35x35x192 at 299x299 input).
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)

    # Mixed 5b, an Inception-A block (35x35x320).
    branch_0 = conv2d_bn(x, 96, 1)
    branch_1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    branch_2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    branch_pool = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    branch_pool = conv2d_bn(branch_pool, 64, 1)
    x = layers.Concatenate(axis=_channel_axis(), name="mixed_5b")(
        [branch_0, branch_1, branch_2, branch_pool])

    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)

    # Mixed 6a, Reduction-A (17x17x1088).
    branch_0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2,
                         padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=_channel_axis(), name="mixed_6a")([branch_0, branch_1, branch_pool])

    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)

    # Mixed 7a, Reduction-B (8x8x2080).
    branch_0 = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    branch_2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2,
                         padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=_channel_axis(), name="mixed_7a")(
        [branch_0, branch_1, branch_2, branch_pool])

    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)

    x = conv2d_bn(x, 1536, 1, name="conv_7b")  # 8x8x1536

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
        file_name = url[len(BASE_WEIGHT_URL):]
    load_pretrained_weights(model, weights, file_name=file_name, file_hash=file_hash,
                            base_url=BASE_WEIGHT_URL)
    return model


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu",
              use_bias=False, name=None):
    """A convolution, then (without bias) a scale-free batch norm, then ``activation``.

    With ``name``, the layers are ``{name}``, ``{name}_bn`` and ``{name}_ac``; otherwise they
    get automatic names.

    Example:
    >>> conv2d_bn(cornu.Input((35, 35, 320)), 32, 1).shape
    (None, 35, 35, 32)
    """
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias,
                      name=name)(x)
    if not use_bias:
        bn_name = None if name is None else f"{name}_bn"
        x = layers.BatchNormalization(axis=_channel_axis(), scale=False, name=bn_name)(x)
    if activation is not None:
        ac_name = None if name is None else f"{name}_ac"
        x = layers.Activation(activation, name=ac_name)(x)
    return x


@keras_export("keras.src.applications.inception_resnet_v2.CustomScaleLayer")
class CustomScaleLayer(layers.Layer):
    """Adds the residual scaled by ``scale`` to the shortcut: ``inputs[0] + inputs[1] * scale``.

    Registered under Keras's own module path, so ``.keras`` files holding it load in Keras and
    in cornu alike.

    Example:
    >>> CustomScaleLayer(0.5)([np.ones((1, 2)), np.ones((1, 2))])  # [[1.5, 1.5]]
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale})
        return config

    def call(self, inputs):
        shortcut, residual = inputs
        return shortcut + residual * self.scale


_RESIDUAL_BRANCHES = {
    # block type -> branches, each a list of (filters, kernel_size) convolutions in a row.
    "block35": [[(32, 1)], [(32, 1), (32, 3)], [(32, 1), (48, 3), (64, 3)]],
    "block17": [[(192, 1)], [(128, 1), (160, [1, 7]), (192, [7, 1])]],
    "block8": [[(192, 1)], [(192, 1), (224, [1, 3]), (256, [3, 1])]],
}


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """One Inception-ResNet block: ``activation(x + scale * residual(x))``.

    ``block_type`` is ``"block35"`` (Inception-ResNet-A), ``"block17"`` (-B) or ``"block8"``
    (-C); its named layers are ``{block_type}_{block_idx}_mixed``, ``..._conv`` and ``..._ac``.

    Example:
    >>> y = inception_resnet_block(cornu.Input((8, 8, 2080)), 0.2, "block8", 1)
    >>> y.shape
    (None, 8, 8, 2080)
    """
    if block_type not in _RESIDUAL_BRANCHES:
        raise ValueError(
            'Unknown Inception-ResNet block type. Expects "block35", "block17" or "block8", '
            f"but got: {block_type}"
        )
    branches = []
    for convolutions in _RESIDUAL_BRANCHES[block_type]:
        branch = x
        for filters, kernel_size in convolutions:
            branch = conv2d_bn(branch, filters, kernel_size)
        branches.append(branch)

    block_name = f"{block_type}_{block_idx}"
    channel_axis = _channel_axis()
    mixed = layers.Concatenate(axis=channel_axis, name=f"{block_name}_mixed")(branches)
    up = conv2d_bn(mixed, x.shape[channel_axis], 1, activation=None, use_bias=True,
                   name=f"{block_name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


@keras_export("keras.applications.inception_resnet_v2.preprocess_input")
def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


@keras_export("keras.applications.inception_resnet_v2.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


preprocess_input.__doc__ = imagenet_utils.PREPROCESS_INPUT_DOC.format(
    mode="", ret=imagenet_utils.PREPROCESS_INPUT_RET_DOC_TF,
    error=imagenet_utils.PREPROCESS_INPUT_ERROR_DOC,
)
decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
