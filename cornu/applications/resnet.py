"""``keras.applications.resnet``: ResNet50, ResNet101 and ResNet152 (He et al., 2015), and
``ResNet``, the builder the v1 and v2 families share.

The builders match Keras 3.15.1 layer for layer (names, order, weights), so the weight files
Keras publishes load unchanged.
"""

from cornu.applications import imagenet_utils
from cornu.applications.application_inputs import image_input, model_inputs
from cornu.applications.pretrained_weights import check_weights_argument, load_pretrained_weights
from cornu.applications.resnet_blocks import (
    BN_EPSILON,
    channel_axis,
    residual_block_v1,
    residual_block_v2,
    stack_residual_blocks_v1,
    stack_residual_blocks_v2,
)
from cornu.backend import image_data_format
from cornu.layers import (
    Activation,
    BatchNormalization,
    Conv2D,
    Dense,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPooling2D,
    ZeroPadding2D,
)
from cornu.models.functional import Functional
from cornu.serialization.registry import keras_export

# The block builders live here too, as in Keras's module.
__all__ = [
    "ResNet",
    "ResNet50",
    "ResNet101",
    "ResNet152",
    "decode_predictions",
    "preprocess_input",
    "residual_block_v1",
    "residual_block_v2",
    "stack_residual_blocks_v1",
    "stack_residual_blocks_v2",
]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"

# (md5 of the file with the classifier, md5 of the "notop" file), as Keras publishes them.
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
    "resnext50": ("67a5b30d522ed92f75a1f16eef299d1a", "62527c363bdd9ec598bed41947b379fc"),
    "resnext101": ("34fb605428fcc7aa4d62f44404c11509", "0f678c91647380debd923963594981b3"),
}

_ARGS_DOC = """

    Args:
        include_top: whether to include the global average pooling and the fully-connected
            classifier at the top.
        weights: `None` (random initialization), `"imagenet"` (pre-trained on ImageNet,
            downloaded from Keras's storage) or the path of a weights file to load.
        input_tensor: optional symbolic tensor (e.g. the output of `keras.Input()`) to build the
            model on.
        input_shape: optional shape tuple, only when `include_top=False` (otherwise it is
            `(224, 224, 3)`, or `(3, 224, 224)` with `"channels_first"`). Exactly 3 channels;
            width and height at least 32, e.g. `(200, 200, 3)`.
        pooling: with `include_top=False`, `None` (output the 4D feature map), `"avg"` or
            `"max"` (global pooling to a 2D tensor).
        classes: number of classes, only when `include_top=True` and no `weights` are given.
        classifier_activation: activation of the "top" layer (a string or callable, `None` for
            logits); with pre-trained weights only `None` or `"softmax"`.
        name: the name of the model.

    Returns:
        A `Model` instance.
"""


def ResNet(
    stack_fn,
    preact,
    use_bias,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet",
    weights_name=None,
):
    """Builds a ResNet (v1 when ``preact=False``, v2 when ``preact=True``) around ``stack_fn``,
    the function that adds the residual stages.

    Args:
        stack_fn: ``stack_fn(x) -> x``, adds the residual stages to the stem's output.
        preact: True for pre-activation (ResNetV2): no batch norm after the stem, a final
            ``post_bn``/``post_relu`` instead.
        use_bias: whether the stem convolution has a bias.
        weights_name: the key of ``WEIGHTS_HASHES`` for ``weights="imagenet"``.
        (the other arguments as for ``ResNet50``)

    Example:
    >>> stages = lambda x: stack_residual_blocks_v1(x, 16, 2, stride1=1, name="conv2")
    >>> model = ResNet(stages, False, True, weights=None, input_shape=(32, 32, 3),
    ...                include_top=False, pooling="avg")
    >>> model.output_shape
    (None, 64)
    """
    check_weights_argument(weights, classes, include_top, name)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=224,
        min_size=32,
        data_format=image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    img_input = image_input(input_tensor, input_shape)
    bn_axis = channel_axis()

    x = ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = BatchNormalization(axis=bn_axis, epsilon=BN_EPSILON, name="conv1_bn")(x)
        x = Activation("relu", name="conv1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = MaxPooling2D(3, strides=2, name="pool1_pool")(x)

    x = stack_fn(x)

    if preact:
        x = BatchNormalization(axis=bn_axis, epsilon=BN_EPSILON, name="post_bn")(x)
        x = Activation("relu", name="post_relu")(x)

    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = GlobalMaxPooling2D(name="max_pool")(x)

    model = Functional(model_inputs(input_tensor, img_input), x, name=name)

    if weights == "imagenet" and weights_name in WEIGHTS_HASHES:
        suffix, hash_index = ("", 0) if include_top else ("_notop", 1)
        load_pretrained_weights(
            model,
            weights,
            file_name=f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5",
            file_hash=WEIGHTS_HASHES[weights_name][hash_index],
            base_url=BASE_WEIGHTS_PATH,
        )
    elif weights is not None:
        model.load_weights(weights)
    return model


def _v1_stages(blocks_per_stage):
    """``stack_fn`` for a v1 ResNet with these block counts in its four stages."""

    def stack_fn(x):
        x = stack_residual_blocks_v1(x, 64, blocks_per_stage[0], stride1=1, name="conv2")
        x = stack_residual_blocks_v1(x, 128, blocks_per_stage[1], name="conv3")
        x = stack_residual_blocks_v1(x, 256, blocks_per_stage[2], name="conv4")
        return stack_residual_blocks_v1(x, 512, blocks_per_stage[3], name="conv5")

    return stack_fn


def _build_v1(blocks_per_stage, weights_name, name, **kwargs):
    return ResNet(
        _v1_stages(blocks_per_stage),
        preact=False,
        use_bias=True,
        name=name,
        weights_name=weights_name,
        **kwargs,
    )


@keras_export(
    "keras.applications.resnet50.ResNet50",
    "keras.applications.resnet.ResNet50",
    "keras.applications.ResNet50",
)
def ResNet50(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet50",
):
    """Instantiates the ResNet50 architecture (stages of 3, 4, 6 and 3 bottleneck blocks).

    Reference: [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)
    (CVPR 2015). Inputs should go through `keras.applications.resnet.preprocess_input`
    (RGB -> BGR, zero-centred per channel on ImageNet, not scaled).

    Example:
    >>> model = keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3),
    ...                                     include_top=False, pooling="avg")
    >>> model.output_shape
    (None, 2048)
    """
    return _build_v1(
        (3, 4, 6, 3),
        "resnet50",
        name,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


@keras_export("keras.applications.resnet.ResNet101", "keras.applications.ResNet101")
def ResNet101(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet101",
):
    """Instantiates the ResNet101 architecture (stages of 3, 4, 23 and 3 bottleneck blocks).

    Reference: [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)
    (CVPR 2015). Inputs should go through `keras.applications.resnet.preprocess_input`.

    Example:
    >>> model = keras.applications.ResNet101(weights=None, classes=10)
    >>> model.output_shape
    (None, 10)
    """
    return _build_v1(
        (3, 4, 23, 3),
        "resnet101",
        name,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


@keras_export("keras.applications.resnet.ResNet152", "keras.applications.ResNet152")
def ResNet152(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet152",
):
    """Instantiates the ResNet152 architecture (stages of 3, 8, 36 and 3 bottleneck blocks).

    Reference: [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)
    (CVPR 2015). Inputs should go through `keras.applications.resnet.preprocess_input`.

    Example:
    >>> model = keras.applications.ResNet152(weights=None, classes=10)
    >>> model.output_shape
    (None, 10)
    """
    return _build_v1(
        (3, 8, 36, 3),
        "resnet152",
        name,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


for _builder in (ResNet50, ResNet101, ResNet152):
    _builder.__doc__ += _ARGS_DOC


@keras_export(
    "keras.applications.resnet50.preprocess_input",
    "keras.applications.resnet.preprocess_input",
)
def preprocess_input(x, data_format=None):
    """Preprocesses a batch of RGB images (0-255) for ResNet v1: converts them to BGR and
    subtracts the ImageNet mean of each channel, without scaling ("caffe" mode).

    Args:
        x: a NumPy array or backend tensor of images, 3D or 4D, 3 colour channels.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.

    Returns:
        The preprocessed images, as a float array or tensor.

    Example:
    >>> preprocess_input(np.full((1, 2, 2, 3), 128.0))[0, 0, 0]
    array([24.061, 11.221, 4.32 ])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


@keras_export(
    "keras.applications.resnet50.decode_predictions",
    "keras.applications.resnet.decode_predictions",
)
def decode_predictions(preds, top=5):
    """Decodes ImageNet predictions into the ``top`` classes of each sample, as
    ``(class_id, class_name, score)`` tuples.

    Example:
    >>> decode_predictions(np.eye(1000)[[1]], top=1)
    [[('n01443537', 'goldfish', 1.0)]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
