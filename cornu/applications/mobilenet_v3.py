"""``keras.applications.mobilenet_v3``: the input and output helpers of MobileNetV3.

As in Keras, the builders themselves are exported only as ``keras.applications.MobileNetV3Small``
and ``keras.applications.MobileNetV3Large`` (they live in ``mobilenet_v3_models.py``).

Example:
>>> x = np.array([[[[0.0, 127.5, 255.0]]]], "float32")
>>> mobilenet_v3.preprocess_input(x) is x
True
"""

from cornu.applications import imagenet_utils
from cornu.serialization.registry import keras_export


@keras_export("keras.applications.mobilenet_v3.preprocess_input")
def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: MobileNetV3 models rescale their input themselves (their
    ``Rescaling`` layer, see ``include_preprocessing``). Kept for API consistency.

    Args:
        x: a float NumPy array or backend tensor of pixels in [0, 255].
        data_format: ignored; accepted for consistency with the other families.

    Returns:
        ``x``, unchanged.

    Example:
    >>> preprocess_input(np.zeros((1, 32, 32, 3))).shape
    (1, 32, 32, 3)
    """
    return x


@keras_export("keras.applications.mobilenet_v3.decode_predictions")
def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
