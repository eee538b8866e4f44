"""``Dot``: per-sample dot products between two tensors."""

import math

from cornu import backend, ops
from cornu.layers.merging.base_merge import Merge
from cornu.serialization.registry import keras_export


def _l2_normalize(x, axis):
    norm = ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
    return x / ops.maximum(norm, backend.epsilon())


def _batch_dot(x, y, axes):
    """Contracts ``x`` axis ``axes[0]`` with ``y`` axis ``axes[1]``, sample by sample.

    The result has ``x``'s remaining axes, then ``y``'s (without its batch axis);
    a rank-1 result becomes ``(batch, 1)``.
    """
    x = ops.moveaxis(x, axes[0], -1)  # (batch, *x_rest, k)
    y = ops.moveaxis(y, axes[1], 1)  # (batch, k, *y_rest)
    x_rest, y_rest = tuple(x.shape[1:-1]), tuple(y.shape[2:])
    depth = x.shape[-1]
    x = ops.reshape(x, (-1, math.prod(x_rest), depth))
    y = ops.reshape(y, (-1, depth, math.prod(y_rest)))
    output = ops.reshape(ops.matmul(x, y), (-1,) + x_rest + y_rest)
    if len(output.shape) == 1:
        output = ops.expand_dims(output, -1)
    return output


@keras_export("keras.layers.Dot")
class Dot(Merge):
    """Dot product of two tensors along ``axes``, for each sample of the batch.

    ``axes`` is an int (the same axis of both inputs) or a pair
    ``(axis_of_x, axis_of_y)``; the batch axis cannot be contracted. With
    ``normalize=True`` both inputs are L2-normalized along those axes first, so
    the result is the cosine similarity.

    Example:
    >>> x, y = np.random.rand(2, 3, 4), np.random.rand(2, 5, 4)
    >>> cornu.layers.Dot(axes=(2, 2))([x, y]).shape
    (2, 3, 5)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int) or isinstance(axes, bool):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Invalid type for argument `axes`: it should be a list or an int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError(f"Invalid format for argument `axes`: it should contain two elements. Received: axes={axes}")
            if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
                raise ValueError(
                    f"Invalid format for argument `axes`: list elements should be integers. Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize

    def _resolve_axes(self, ndim1, ndim2):
        raw = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        axes = []
        for axis, ndim in zip(raw, (ndim1, ndim2)):
            if not -ndim <= axis < ndim:
                raise ValueError(
                    f"Invalid `axes` for inputs of rank {ndim1} and {ndim2} in Dot layer '{self.name}'. "
                    f"Received: axes={self.axes}"
                )
            axes.append(axis % ndim)
        if 0 in axes:
            raise ValueError(
                f"Dot layer '{self.name}' cannot contract the batch axis (axis 0). Choose axes >= 1. "
                f"Received: axes={self.axes}"
            )
        return axes

    def _check_two(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError(
                f"A `Dot` layer ('{self.name}') should be called on a list of 2 inputs. Received: input_shape={input_shape}"
            )
        self._check_shape_list(input_shape, what="2 inputs")

    def build(self, input_shape):
        self._check_two(input_shape)
        shape1, shape2 = input_shape
        if shape1 is None or shape2 is None:
            return
        for shape in (shape1, shape2):
            if len(shape) < 2:
                raise ValueError(
                    f"Dot layer '{self.name}' needs inputs of rank >= 2 (a batch axis and a feature axis). "
                    f"Received: input_shape={list(input_shape)}"
                )
        self._check_batch_sizes(input_shape)
        a1, a2 = self._resolve_axes(len(shape1), len(shape2))
        if shape1[a1] is not None and shape2[a2] is not None and shape1[a1] != shape2[a2]:
            raise ValueError(
                f"Incompatible input shapes for Dot layer '{self.name}': axis values {shape1[a1]} (at axis {a1}) != "
                f"{shape2[a2]} (at axis {a2}). Full input shapes: {tuple(shape1)}, {tuple(shape2)}"
            )

    def _merge_function(self, inputs, masks):
        if len(inputs) != 2:
            raise ValueError(f"A `Dot` layer ('{self.name}') should be called on exactly 2 inputs. Received: {len(inputs)} inputs")
        x1, x2 = inputs
        axes = self._resolve_axes(len(x1.shape), len(x2.shape))
        if self.normalize:
            x1 = _l2_normalize(x1, axes[0])
            x2 = _l2_normalize(x2, axes[1])
        return _batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        self._check_two(input_shape)
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        a1, a2 = self._resolve_axes(len(shape1), len(shape2))
        shape1.pop(a1)
        shape2.pop(a2)
        shape2.pop(0)
        output_shape = shape1 + shape2
        if len(output_shape) == 1:
            output_shape.append(1)
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


@keras_export("keras.layers.dot")
def dot(inputs, axes=-1, **kwargs):
    """Functional form of :class:`Dot`: ``dot([x1, x2], axes=1)``.

    Example:
    >>> y = cornu.layers.dot([np.ones((2, 3)), np.ones((2, 3))], axes=1)  # shape (2, 1)
    """
    return Dot(axes=axes, **kwargs)(inputs)
