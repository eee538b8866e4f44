"""The VGG builder shared by VGG16 and VGG19 (Simonyan & Zisserman, 2014): five blocks of 3x3
"same" ReLU convolutions, each block closed by a 2x2 max pooling, then (with ``include_top``)
two 4096-unit dense layers and the classifier.

Layer names (``block1_conv1`` ... ``fc1``, ``fc2``, ``predictions``) match Keras's, since the
published weight files are matched to layers by name and in order.
"""

from cornu.applications import imagenet_utils
from cornu.applications.application_inputs import image_input, model_inputs
from cornu.applications.pretrained_weights import check_weights_argument, load_pretrained_weights
from cornu.backend import image_data_format
from cornu.layers import Conv2D, Dense, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D
from cornu.models.functional import Functional

BLOCK_FILTERS = (64, 128, 256, 512, 512)
WEIGHTS_BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"

ARGS_DOC = """

    Args:
        include_top: whether to include the 3 fully-connected layers at the top.
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


def build_vgg(
    convs_per_block,
    weights_name,
    weights_hashes,
    include_top,
    weights,
    input_tensor,
    input_shape,
    pooling,
    classes,
    classifier_activation,
    name,
):
    """Builds a VGG with ``convs_per_block[i]`` convolutions in block ``i + 1``.

    Args:
        convs_per_block: five convolution counts, e.g. ``(2, 2, 3, 3, 3)`` for VGG16.
        weights_name: ``"vgg16"`` or ``"vgg19"``: the folder and prefix of the published files.
        weights_hashes: ``(md5 with top, md5 without top)`` of those files.
        (the other arguments as for ``VGG16``)

    Example:
    >>> model = build_vgg((1, 1, 1, 1, 1), "vgg_tiny", (None, None), False, None, None,
    ...                   (32, 32, 3), "avg", 1000, "softmax", "vgg_tiny")
    >>> model.output_shape
    (None, 512)
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

    x = img_input
    for block, (filters, convs) in enumerate(zip(BLOCK_FILTERS, convs_per_block), start=1):
        for conv in range(1, convs + 1):
            x = Conv2D(
                filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{conv}"
            )(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)

    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(4096, activation="relu", name="fc1")(x)
        x = Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = GlobalMaxPooling2D()(x)

    model = Functional(model_inputs(input_tensor, img_input), x, name=name)

    if weights == "imagenet":
        suffix, file_hash = ("", weights_hashes[0]) if include_top else ("_notop", weights_hashes[1])
        load_pretrained_weights(
            model,
            weights,
            file_name=f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5",
            file_hash=file_hash,
            base_url=f"{WEIGHTS_BASE_URL}{weights_name}/",
        )
    elif weights is not None:
        model.load_weights(weights)
    return model
