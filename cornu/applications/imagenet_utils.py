"""``keras.applications.imagenet_utils``: ImageNet input preprocessing and prediction decoding,
plus the input-shape checks every application builder shares.

Example:
>>> x = np.full((1, 2, 2, 3), 127.5, "float32")
>>> imagenet_utils.preprocess_input(x, mode="tf")[0, 0, 0]
array([0., 0., 0.], dtype=float32)
"""

import json
import warnings

import numpy as np

from cornu import activations
from cornu import backend
from cornu import ops
from cornu.serialization.registry import keras_export
from cornu.utils.file_download import get_file

CLASS_INDEX = None
CLASS_INDEX_PATH = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
_CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_TORCH_MEAN_RGB = (0.485, 0.456, 0.406)
_TORCH_STD_RGB = (0.229, 0.224, 0.225)

# Docstring pieces the family modules assemble (`PREPROCESS_INPUT_DOC.format(mode=..., ret=...,
# error=...)`), as Keras's families do.
PREPROCESS_INPUT_DOC = """
  Preprocesses a batch of images, as a NumPy array or a backend tensor.

  Example, in front of `applications.MobileNet`:

  ```python
  images = keras.layers.Input([None, None, 3], dtype="uint8")
  x = ops.cast(images, "float32")
  x = keras.applications.mobilenet.preprocess_input(x)
  x = keras.applications.MobileNet()(x)
  model = keras.Model(inputs=[images], outputs=[x])
  ```

  Args:
        x: a float NumPy array or backend tensor, 3D or 4D with 3 color channels, values in
            [0, 255]. A float NumPy array is preprocessed in place (pass `numpy.copy(x)` to
            keep the original); an integer one is first converted to `floatx()`.
        data_format: the layout of `x`, `"channels_first"` or `"channels_last"`; `None` uses
            `keras.backend.image_data_format()`.{mode}
        Defaults to `None`.

  Returns:
      The preprocessed array or tensor, of a floating type.
      {ret}

  Raises:
      {error}
  """

PREPROCESS_INPUT_MODE_DOC = """
    mode: `"caffe"`, `"tf"` or `"torch"`.
      - caffe: RGB to BGR, then each channel minus its ImageNet mean, no scaling.
      - tf: pixels scaled to [-1, 1].
      - torch: pixels scaled to [0, 1], then each channel normalized with the ImageNet
          mean and standard deviation.
      Defaults to `"caffe"`.
  """

PREPROCESS_INPUT_DEFAULT_ERROR_DOC = """
    ValueError: for an unknown `mode` or `data_format`."""

PREPROCESS_INPUT_ERROR_DOC = """
    ValueError: for an unknown `data_format`."""

PREPROCESS_INPUT_RET_DOC_TF = """
      Pixel values are scaled to [-1, 1]."""

PREPROCESS_INPUT_RET_DOC_TORCH = """
      Pixel values are scaled to [0, 1], then each channel is normalized with the ImageNet
      mean and standard deviation."""

PREPROCESS_INPUT_RET_DOC_CAFFE = """
      Images are converted from RGB to BGR, then each channel has its ImageNet mean
      subtracted, without scaling."""


@keras_export("keras.applications.imagenet_utils.preprocess_input")
def preprocess_input(x, data_format=None, mode="caffe"):
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError("Expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode}")
    if data_format is None:
        data_format = backend.image_data_format()
    elif data_format not in ("channels_first", "channels_last"):
        raise ValueError("Expected data_format to be one of `channels_first` or "
                         f"`channels_last`. Received: data_format={data_format}")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


preprocess_input.__doc__ = PREPROCESS_INPUT_DOC.format(
    mode=PREPROCESS_INPUT_MODE_DOC, ret="", error=PREPROCESS_INPUT_DEFAULT_ERROR_DOC
)


def _channel_shape(ndim, data_format):
    """The broadcast shape of a per-channel constant for an ``ndim``-D image batch."""
    if data_format == "channels_first":
        return (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    return (1,) * (ndim - 1) + (3,)


def _channel_axis(ndim, data_format):
    if data_format == "channels_first":
        return 0 if ndim == 3 else 1
    return -1


def _preprocess_numpy(x, data_format, mode):
    # Float arrays are changed in place (Keras documents it); others become floatx first.
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN_RGB, _TORCH_STD_RGB
    else:
        x = np.flip(x, axis=_channel_axis(x.ndim, data_format))  # RGB -> BGR, a view
        mean, std = _CAFFE_MEAN_BGR, None
    axis = _channel_axis(x.ndim, data_format)
    for channel in range(3):
        index = [slice(None)] * x.ndim
        index[axis] = channel
        index = tuple(index)
        x[index] -= mean[channel]
        if std is not None:
            x[index] /= std[channel]
    return x


def _preprocess_tensor(x, data_format, mode):
    if not (backend.is_tensor(x) or isinstance(x, backend.KerasTensor)):
        x = ops.convert_to_tensor(x)
    ndim = len(x.shape)
    if mode == "tf":
        return ops.subtract(ops.divide(x, 127.5), 1.0)
    if mode == "torch":
        x = ops.divide(x, 255.0)
        mean, std = _TORCH_MEAN_RGB, _TORCH_STD_RGB
    else:
        x = ops.flip(x, axis=_channel_axis(ndim, data_format))
        mean, std = _CAFFE_MEAN_BGR, None
    shape = _channel_shape(ndim, data_format)
    # The constants take the image's dtype (an integer image stays integer in caffe mode).
    x = ops.add(x, ops.reshape(ops.convert_to_tensor(-np.array(mean), dtype=x.dtype), shape))
    if std is not None:
        x = ops.divide(x, ops.reshape(ops.convert_to_tensor(np.array(std), dtype=x.dtype), shape))
    return x


def _class_index():
    global CLASS_INDEX
    if CLASS_INDEX is None:
        path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash=_CLASS_INDEX_HASH)
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


@keras_export("keras.applications.imagenet_utils.decode_predictions")
def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction, best first.

    Args:
        preds: a batch of ImageNet predictions, shape `(samples, 1000)` (array or tensor).
        top: how many classes to return per sample. Defaults to `5`.

    Returns:
        One list per sample of `(class_name, class_description, score)` tuples.

    Raises:
        ValueError: when `preds` is not of shape `(samples, 1000)`.

    Example (downloads the class index once):
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 1.0
    >>> imagenet_utils.decode_predictions(preds, top=1)[0][0][:2]
    ('n01443537', 'goldfish')
    """
    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array "
                         f"of shape (samples, 1000)). Received array with shape: {preds.shape}")
    class_index = _class_index()
    results = []
    for pred in ops.convert_to_numpy(preds):
        best = pred.argsort()[-top:][::-1]
        entries = [tuple(class_index[str(i)]) + (pred[i],) for i in best]
        entries.sort(key=lambda entry: entry[2], reverse=True)
        results.append(entries)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """A builder's input shape: ``input_shape`` checked, or the default one.

    Args:
        input_shape: ``None`` for the default, or the user's 3-tuple.
        default_size: the default image height and width.
        min_size: the smallest height and width the network accepts.
        data_format: ``"channels_first"`` or ``"channels_last"``.
        require_flatten: whether a flattening classifier follows (the shape must be static).
        weights: ``None``, ``"imagenet"`` (3 channels, default size with the top) or a path.

    Returns:
        A 3-tuple, possibly with ``None`` for height and width.

    Example:
    >>> obtain_input_shape(None, 224, 32, "channels_last", require_flatten=False)
    (None, None, 3)
    """
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was "
                          f"passed an input_shape with {channels} input channels.", stacklevel=2)
        if channels_first:
            default_shape = (input_shape[0], default_size, default_size)
        else:
            default_shape = (default_size, default_size, input_shape[-1])
    elif channels_first:
        default_shape = (3, default_size, default_size)
    else:
        default_shape = (default_size, default_size, 3)

    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}.  "
                             f"Received: input_shape={input_shape}")
        return default_shape

    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        spatial = input_shape[1:] if channels_first else input_shape[:2]
        if any(size is not None and size < min_size for size in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)

    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """The ``((top, bottom), (left, right))`` zero padding in front of a strided convolution.

    Example:
    >>> correct_pad(cornu.Input((32, 32, 3)), 3)
    ((0, 1), (0, 1))
    """
    first = 2 if backend.image_data_format() == "channels_first" else 1
    height, width = tuple(inputs.shape)[first:first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if height is None else (1 - height % 2, 1 - width % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    """Refuses a classifier activation other than ``None``/softmax with pretrained weights.

    Example:
    >>> validate_activation("softmax", "imagenet")  # fine
    """
    if weights is None:
        return
    activation = activations.get(classifier_activation)
    if activation not in (activations.get("softmax"), activations.get(None)):
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, with "
                         f"`include_top=True`; Received: classifier_activation={activation}")
