"""``keras.applications.resnet_v2``: ResNet50V2, ResNet101V2 and ResNet152V2, the
pre-activation ResNets (He et al., 2016), built by ``resnet.ResNet`` with ``preact=True``.
"""

from cornu.applications import imagenet_utils
from cornu.applications.resnet import _ARGS_DOC, ResNet, stack_residual_blocks_v2
from cornu.serialization.registry import keras_export


def _v2_stages(blocks_per_stage):
    """``stack_fn`` for a v2 ResNet with these block counts in its four stages; the last stage
    does not downsample."""

    def stack_fn(x):
        x = stack_residual_blocks_v2(x, 64, blocks_per_stage[0], name="conv2")
        x = stack_residual_blocks_v2(x, 128, blocks_per_stage[1], name="conv3")
        x = stack_residual_blocks_v2(x, 256, blocks_per_stage[2], name="conv4")
        return stack_residual_blocks_v2(x, 512, blocks_per_stage[3], stride1=1, name="conv5")

    return stack_fn


def _build_v2(blocks_per_stage, weights_name, name, **kwargs):
    return ResNet(
        _v2_stages(blocks_per_stage),
        preact=True,
        use_bias=True,
        name=name,
        weights_name=weights_name,
        **kwargs,
    )


@keras_export("keras.applications.ResNet50V2", "keras.applications.resnet_v2.ResNet50V2")
def ResNet50V2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet50v2",
):
    """Instantiates the ResNet50V2 architecture (stages of 3, 4, 6 and 3 pre-activation blocks).

    Reference: [Identity Mappings in Deep Residual Networks](https://arxiv.org/abs/1603.05027)
    (ECCV 2016). Inputs should go through `keras.applications.resnet_v2.preprocess_input`
    (scales pixels to [-1, 1]).

    Example:
    >>> model = keras.applications.ResNet50V2(weights=None, input_shape=(32, 32, 3),
    ...                                       include_top=False, pooling="max")
    >>> model.output_shape
    (None, 2048)
    """
    return _build_v2(
        (3, 4, 6, 3),
        "resnet50v2",
        name,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


@keras_export("keras.applications.ResNet101V2", "keras.applications.resnet_v2.ResNet101V2")
def ResNet101V2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet101v2",
):
    """Instantiates the ResNet101V2 architecture (stages of 3, 4, 23 and 3 pre-activation
    blocks).

    Reference: [Identity Mappings in Deep Residual Networks](https://arxiv.org/abs/1603.05027)
    (ECCV 2016). Inputs should go through `keras.applications.resnet_v2.preprocess_input`.

    Example:
    >>> model = keras.applications.ResNet101V2(weights=None, classes=10)
    >>> model.output_shape
    (None, 10)
    """
    return _build_v2(
        (3, 4, 23, 3),
        "resnet101v2",
        name,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


@keras_export("keras.applications.ResNet152V2", "keras.applications.resnet_v2.ResNet152V2")
def ResNet152V2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet152v2",
):
    """Instantiates the ResNet152V2 architecture (stages of 3, 8, 36 and 3 pre-activation
    blocks).

    Reference: [Identity Mappings in Deep Residual Networks](https://arxiv.org/abs/1603.05027)
    (ECCV 2016). Inputs should go through `keras.applications.resnet_v2.preprocess_input`.

    Example:
    >>> model = keras.applications.ResNet152V2(weights=None, classes=10)
    >>> model.output_shape
    (None, 10)
    """
    return _build_v2(
        (3, 8, 36, 3),
        "resnet152v2",
        name,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


for _builder in (ResNet50V2, ResNet101V2, ResNet152V2):
    _builder.__doc__ += _ARGS_DOC


@keras_export("keras.applications.resnet_v2.preprocess_input")
def preprocess_input(x, data_format=None):
    """Preprocesses a batch of RGB images (0-255) for ResNetV2: scales pixels to [-1, 1]
    ("tf" mode), keeping RGB order.

    Args:
        x: a NumPy array or backend tensor of images, 3D or 4D, 3 colour channels.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.

    Returns:
        The preprocessed images, as a float array or tensor.

    Example:
    >>> preprocess_input(np.array([[0.0, 127.5, 255.0]]))
    array([[-1.,  0.,  1.]])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


@keras_export("keras.applications.resnet_v2.decode_predictions")
def decode_predictions(preds, top=5):
    """Decodes ImageNet predictions into the ``top`` classes of each sample, as
    ``(class_id, class_name, score)`` tuples.

    Example:
    >>> decode_predictions(np.eye(1000)[[1]], top=1)
    [[('n01443537', 'goldfish', 1.0)]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
