"""``Concatenate``: joins a list of tensors along one axis."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Concatenate")
class Concatenate(Merge):
    """Concatenates a list of tensors along ``axis``; all other dimensions must match.

    Example:
    >>> cornu.layers.Concatenate(axis=-1)([np.ones((2, 3)), np.zeros((2, 4))]).shape
    (2, 7)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"`axis` must be an integer. Received: axis={axis!r}")
        self.axis = axis

    def _check_shapes(self, input_shape):
        self._check_shape_list(input_shape)
        shapes = [tuple(s) for s in input_shape if s is not None]
        if not shapes:
            return
        error = (
            f"A `Concatenate` layer ('{self.name}') requires inputs with matching shapes except for the "
            f"concatenation axis {self.axis}. Received: input_shape={list(input_shape)}"
        )
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(error)
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Invalid `axis` for the inputs of Concatenate layer '{self.name}' (rank {rank}). "
                f"Received: axis={self.axis}"
            )
        concat_axis = self.axis % rank
        for i in range(rank):
            if i == concat_axis:
                continue
            sizes = {s[i] for s in shapes} - {None}
            if len(sizes) > 1:
                raise ValueError(error)

    def build(self, input_shape):
        self._check_shapes(input_shape)

    def _merge_function(self, inputs, masks):
        return ops.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        self._check_shapes(input_shape)
        output_shape = list(input_shape[0])
        for shape in input_shape[1:]:
            if output_shape[self.axis] is None or shape[self.axis] is None:
                output_shape[self.axis] = None
                break
            output_shape[self.axis] += shape[self.axis]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
        masks = self._input_masks(inputs, mask)
        if all(m is None for m in masks):
            return None
        full_masks = []
        for x, m in zip(inputs, masks):
            if m is None:
                full_masks.append(ops.ones_like(x, dtype="bool"))
            elif len(m.shape) < len(x.shape):
                full_masks.append(ops.logical_or(ops.expand_dims(m, axis=-1), ops.zeros_like(x, dtype="bool")))
            else:
                full_masks.append(ops.cast(m, "bool"))
        return ops.any(ops.concatenate(full_masks, axis=self.axis), axis=-1, keepdims=False)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


@keras_export("keras.layers.concatenate")
def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of :class:`Concatenate`: ``concatenate([x1, x2], axis=-1)``.

    Example:
    >>> y = cornu.layers.concatenate([np.ones((2, 3)), np.ones((2, 2))])  # shape (2, 5)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
