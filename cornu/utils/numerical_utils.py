"""Small numerical helpers on labels and vectors: one-hot encoding, normalization."""

import numpy as np

from cornu import backend
from cornu.serialization.registry import keras_export


def _is_backend_array(x):
    # NumPy arrays take the NumPy path on every backend (on the numpy backend
    # they also count as backend tensors), so results do not depend on the backend.
    return backend.is_tensor(x) and not isinstance(x, (np.ndarray, np.generic))


@keras_export("keras.utils.to_categorical")
def to_categorical(x, num_classes=None):
    """One-hot encodes integer class labels.

    A trailing axis of size 1 is squeezed first, so labels of shape ``(n, 1)``
    give ``(n, num_classes)``. NumPy (or list) input gives a float64 NumPy
    array; a backend tensor gives a float32 backend tensor.

    Args:
        x: integer labels, from 0 to ``num_classes - 1``.
        num_classes: number of classes; ``max(x) + 1`` when None.

    Example:
    >>> cornu.utils.to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    if _is_backend_array(x):
        shape = tuple(backend.shape(x))
        if len(shape) > 1 and shape[-1] == 1:
            x = backend.numpy.reshape(x, shape[:-1])
        if not num_classes:
            num_classes = int(backend.convert_to_numpy(backend.numpy.max(x))) + 1
        return backend.nn.one_hot(x, num_classes)
    x = np.array(x, dtype="int64")
    shape = x.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if not num_classes:
        num_classes = int(np.max(x)) + 1
    if x.size and (x.min() < 0 or x.max() >= num_classes):
        raise ValueError(
            f"Every label must be in [0, num_classes) = [0, {num_classes}). "
            "Pass a larger `num_classes` or fix the labels. "
            f"Received: labels from {x.min()} to {x.max()}, num_classes={num_classes}"
        )
    categorical = np.zeros((x.shape[0], num_classes))
    categorical[np.arange(x.shape[0]), x] = 1
    return categorical.reshape(shape + (num_classes,))


@keras_export("keras.utils.normalize")
def normalize(x, axis=-1, order=2):
    """Scales ``x`` so its ``order``-norm along ``axis`` is 1.

    For NumPy input, slices whose norm is 0 are left unchanged. Backend
    tensors go through ``cornu.ops.normalize``.

    Args:
        x: array to normalize.
        axis: axis along which to compute the norm.
        order: order of the norm (2 for the L2 norm).

    Example:
    >>> cornu.utils.normalize(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        axis = axis or -1
        return x / np.expand_dims(norm, axis)
    from cornu import ops

    if hasattr(ops, "normalize"):
        return ops.normalize(x, axis=axis, order=order)
    return _normalize_tensor(x, axis, order)


def _normalize_tensor(x, axis, order):
    # Used until cornu.ops provides `normalize`; same result as Keras's op.
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = backend.convert_to_tensor(x)
    if len(x.shape) == 0:
        x = backend.numpy.expand_dims(x, 0)
    magnitude = backend.numpy.abs(x)
    norm = backend.numpy.power(
        backend.numpy.sum(backend.numpy.power(magnitude, order), axis=axis, keepdims=True), 1.0 / order
    )
    return backend.numpy.divide(x, backend.numpy.maximum(norm, backend.epsilon()))
