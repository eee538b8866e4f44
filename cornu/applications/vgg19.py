"""``keras.applications.vgg19``: the 19-layer VGG network, its preprocessing and decoding."""

from cornu.applications import imagenet_utils
from cornu.applications.vgg_builder import ARGS_DOC, build_vgg
from cornu.serialization.registry import keras_export

WEIGHTS_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/"
    "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5"
)
WEIGHTS_PATH_NO_TOP = (
    "https://storage.googleapis.com/tensorflow/keras-applications/"
    "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
)
# md5 of the file with the classifier, and of the "notop" file.
WEIGHTS_HASHES = ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6")


@keras_export("keras.applications.vgg19.VGG19", "keras.applications.VGG19")
def VGG19(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="vgg19",
):
    """Instantiates the VGG19 model (blocks of 2, 2, 4, 4 and 4 convolutions).

    Reference: [Very Deep Convolutional Networks for Large-Scale Image Recognition](
    https://arxiv.org/abs/1409.1556) (ICLR 2015). The default input size is 224x224. Inputs
    should go through `keras.applications.vgg19.preprocess_input` (RGB -> BGR, zero-centred per
    channel on ImageNet, not scaled).

    Example:
    >>> model = keras.applications.VGG19(weights=None, input_shape=(32, 32, 3),
    ...                                  include_top=False, pooling="avg")
    >>> model.output_shape
    (None, 512)
    """
    return build_vgg(
        (2, 2, 4, 4, 4),
        "vgg19",
        WEIGHTS_HASHES,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        name=name,
    )


VGG19.__doc__ += ARGS_DOC


@keras_export("keras.applications.vgg19.preprocess_input")
def preprocess_input(x, data_format=None):
    """Preprocesses a batch of RGB images (0-255) for VGG19: converts them to BGR and subtracts
    the ImageNet mean of each channel, without scaling ("caffe" mode).

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


@keras_export("keras.applications.vgg19.decode_predictions")
def decode_predictions(preds, top=5):
    """Decodes ImageNet predictions into the ``top`` classes of each sample, as
    ``(class_id, class_name, score)`` tuples.

    Example:
    >>> decode_predictions(np.eye(1000)[[1]], top=1)
    [[('n01443537', 'goldfish', 1.0)]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
