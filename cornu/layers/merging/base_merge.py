"""``Merge``: the base of layers that combine a list of tensors into one.

Inputs may differ in rank: lower-rank inputs get new axes after the batch axis
and the shapes broadcast from the right, as in Keras. The output mask is the
logical OR of the input masks when every input has one.
"""

from cornu import backend, ops
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.layer import Layer
from cornu.tree import is_shape


class Merge(Layer):
    """Base class for the merging layers (``Add``, ``Concatenate``, ...).

    Subclasses implement ``_merge_function(inputs, masks)``.

    Example:
    >>> class Diff(Merge):
    ...     def _merge_function(self, inputs, masks):
    ...         return ops.abs(inputs[0] - inputs[1])
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _merge_function(self, inputs, masks):
        raise NotImplementedError

    # ------------------------------------------------------------ shapes
    def _check_shape_list(self, input_shape, what="at least 1 input"):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not all(
                s is None or is_shape(s) for s in input_shape):
            raise ValueError(
                f"A `{type(self).__name__}` layer ('{self.name}') should be called on a list of {what}. "
                f"Received: input_shape={input_shape}"
            )

    def _broadcast_shapes(self, shape1, shape2, input_shape):
        """Broadcasts two shapes (without batch axis) aligned from the right; ``None`` means unknown."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            shape1, shape2 = shape2, shape1
        if not shape2:
            return tuple(shape1)
        output = list(shape1[: len(shape1) - len(shape2)])
        for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
            if i is None or j is None:
                output.append(None)
            elif i == 1 or j == 1:
                output.append(j if i == 1 else i)
            elif i != j:
                raise ValueError(
                    f"Inputs to layer '{self.name}' ({type(self).__name__}) have incompatible shapes: "
                    f"{tuple(shape1)} and {tuple(shape2)} (batch axis excluded) cannot be broadcast together. "
                    f"Received: input_shape={list(input_shape)}"
                )
            else:
                output.append(i)
        return tuple(output)

    def _check_batch_sizes(self, input_shape):
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"Layer '{self.name}' cannot merge tensors with different batch sizes. "
                f"Received tensors with shapes {list(input_shape)}"
            )
        return batch_sizes

    def _elementwise_output_shape(self, input_shape):
        output_shape = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            output_shape = self._broadcast_shapes(output_shape, None if shape is None else tuple(shape[1:]),
                                                  input_shape)
        return output_shape

    def build(self, input_shape):
        self._check_shape_list(input_shape)
        self._check_batch_sizes(input_shape)
        self._elementwise_output_shape(input_shape)
        self._reshape_required = None in input_shape or len({len(s) for s in input_shape}) != 1

    def compute_output_shape(self, input_shape):
        self._check_shape_list(input_shape)
        output_shape = self._elementwise_output_shape(input_shape)
        batch_sizes = self._check_batch_sizes(input_shape)
        batch = next(iter(batch_sizes)) if len(batch_sizes) == 1 else None
        return (batch,) + tuple(output_shape)

    def _output_dtype(self, dtypes):
        # What the eager call returns: float inputs are autocast to the compute dtype first.
        dtypes = [self.compute_dtype if backend.is_float_dtype(d) else d for d in dtypes]
        return backend.result_type(*dtypes)

    def compute_output_spec(self, inputs, mask=None, **kwargs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A `{type(self).__name__}` layer ('{self.name}') should be called on a list of inputs. "
                f"Received: inputs={inputs}"
            )
        shape = self.compute_output_shape([tuple(x.shape) for x in inputs])
        return KerasTensor(shape, dtype=self._output_dtype([x.dtype for x in inputs]))

    # ------------------------------------------------------------- call
    def _input_masks(self, inputs, mask):
        if mask is None:
            return [backend.get_keras_mask(x) for x in inputs]
        if not isinstance(mask, (list, tuple)):
            mask = [mask]
        if len(mask) != len(inputs):
            raise ValueError(
                "The lists `inputs` and `mask` should have the same length. Received: inputs of length "
                f"{len(inputs)}, and mask of length {len(mask)}"
            )
        return list(mask)

    def call(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A `{type(self).__name__}` layer ('{self.name}') should be called on a list of inputs. "
                f"Received: inputs={inputs} (not a list of tensors)"
            )
        masks = self._input_masks(inputs, mask)
        if self._reshape_required:
            # New axes after the batch axis, so shapes line up from the right (masks no longer fit).
            max_ndim = max(len(x.shape) for x in inputs)
            reshaped = []
            for x in inputs:
                for _ in range(max_ndim - len(x.shape)):
                    x = ops.expand_dims(x, axis=1)
                reshaped.append(x)
            return self._merge_function(reshaped, [None] * len(inputs))
        return self._merge_function(list(inputs), masks)

    def _merge_with_masks(self, op_fn, inputs, masks):
        """Folds ``op_fn`` over the inputs; masked-out positions take the other operand's value."""
        output = output_mask = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), ops.shape(x))
            if output is None:
                output, output_mask = x, mask
                continue
            if mask is not None:
                x = ops.where(mask, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            output_mask = ops.logical_or(output_mask, mask) if mask is not None and output_mask is not None else None
            output = op_fn(output, x)
        return output

    def compute_mask(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
        masks = self._input_masks(inputs, mask)
        if any(m is None for m in masks):
            return None
        output_mask = masks[0]
        for m in masks[1:]:
            output_mask = ops.logical_or(output_mask, m)
        return output_mask

    def get_config(self):
        return super().get_config()
