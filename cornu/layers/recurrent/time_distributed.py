"""``TimeDistributed``: applies one layer to every time step of a sequence."""

from cornu import ops
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.core.wrapper import Wrapper
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export

# Layers whose output for one sample never depends on another sample of the batch: for them
# the time axis is folded into the batch axis and the layer runs once instead of once per step
# (same numbers, and a JAX trace that does not grow with the number of steps).
_PER_SAMPLE_LAYER_NAMES = frozenset({
    "Dense", "EinsumDense", "Activation", "Identity", "Flatten",
    "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
})


def _is_per_sample(layer):
    cls = type(layer)
    return cls.__name__ in _PER_SAMPLE_LAYER_NAMES and cls.__module__.startswith("cornu.layers.")


def _swap_batch_and_time(x):
    return ops.transpose(x, axes=[1, 0, *range(2, len(x.shape))])


@keras_export("keras.layers.TimeDistributed")
class TimeDistributed(Wrapper):
    """Applies ``layer`` to every time step (axis 1) of its input, with the same weights.

    The input has shape ``(batch, time, ...)``; ``layer`` sees ``(batch, ...)`` at each step and
    the outputs are stacked back along axis 1. A ``(batch, time)`` mask is passed on to ``layer``
    step by step (when its ``call`` takes a ``mask``) and to the output unchanged.

    Example:
    >>> layer = cornu.layers.TimeDistributed(cornu.layers.Conv2D(8, 3))
    >>> layer(np.ones((2, 5, 16, 16, 3))).shape
    (2, 5, 14, 14, 8)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "`TimeDistributed` wraps a layer: pass a `keras.layers.Layer` instance, e.g. "
                f"`TimeDistributed(Dense(8))`. Received: layer={layer!r}"
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                f"`TimeDistributed` layer '{self.name}' needs inputs with at least 3 dimensions "
                f"(batch, time, ...): give the input a time axis. Received: input_shape={input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        super().build(self._child_input_shape(tuple(input_shape)))

    def compute_output_shape(self, input_shape):
        child_output_shape = self.layer.compute_output_shape(self._child_input_shape(tuple(input_shape)))
        return (child_output_shape[0], input_shape[1], *child_output_shape[1:])

    def compute_output_spec(self, inputs, training=None, mask=None):
        shape = tuple(inputs.shape)
        child_input = KerasTensor(self._child_input_shape(shape), dtype=inputs.dtype)
        child_output = self.layer.compute_output_spec(child_input)
        if not isinstance(child_output, KerasTensor):
            raise ValueError(
                f"`TimeDistributed` layer '{self.name}' needs a wrapped layer with a single output tensor. "
                f"Received: layer {self.layer.name} returning {child_output}"
            )
        out_shape = (child_output.shape[0], shape[1], *child_output.shape[1:])
        return KerasTensor(out_shape, dtype=child_output.dtype)

    def _check_mask(self, inputs, mask):
        mask_shape, input_shape = tuple(mask.shape), tuple(inputs.shape)
        if len(mask_shape) < 2:
            raise ValueError(
                f"The `mask` passed to `TimeDistributed` layer '{self.name}' must be at least 2D "
                f"(batch_size, timesteps). Received: mask.shape={mask_shape}"
            )
        for axis in (0, 1):
            if None not in (input_shape[axis], mask_shape[axis]) and input_shape[axis] != mask_shape[axis]:
                raise ValueError(
                    f"The `mask` passed to `TimeDistributed` layer '{self.name}' must match the first two "
                    f"dimensions (batch_size, timesteps) of the input, {input_shape[:2]}. "
                    f"Received: mask.shape={mask_shape}, inputs.shape={input_shape}"
                )

    def call(self, inputs, training=None, mask=None):
        if len(inputs.shape) < 3:
            raise ValueError(
                f"`TimeDistributed` layer '{self.name}' needs inputs with at least 3 dimensions "
                f"(batch, time, ...). Received: inputs.shape={tuple(inputs.shape)}"
            )
        if mask is not None:
            self._check_mask(inputs, mask)
        child = self.layer
        pass_mask = child._call_has_mask_arg and mask is not None

        kwargs = {"training": training} if child._call_has_training_arg else {}
        batch, steps = inputs.shape[0], inputs.shape[1]
        if _is_per_sample(child) and not pass_mask and None not in tuple(inputs.shape[2:]):
            folded = ops.reshape(inputs, (-1, *inputs.shape[2:]))
            outputs = child.call(folded, **kwargs)
            batch = ops.shape(inputs)[0] if batch is None else batch
            return ops.reshape(outputs, (batch, steps if steps is not None else -1, *outputs.shape[1:]))

        inputs = _swap_batch_and_time(inputs)
        if mask is not None:
            mask = _swap_batch_and_time(mask)

        def step(i):
            step_kwargs = dict(kwargs)
            if pass_mask:
                step_kwargs["mask"] = mask[i]
            return child.call(inputs[i], **step_kwargs)

        if steps is not None:
            outputs = ops.stack([step(i) for i in range(steps)])
        else:
            outputs = ops.vectorized_map(step, ops.arange(ops.shape(inputs)[0]))
        return _swap_batch_and_time(outputs)
