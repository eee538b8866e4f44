"""``Bidirectional``: runs a recurrent layer forwards and backwards and merges the two results."""

from cornu import backend, ops
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)
_SHARED_ATTRIBUTES = ("stateful", "return_sequences", "return_state")


def _copy_layer(layer, name, **overrides):
    """A fresh layer built from ``layer``'s config (no weights shared), renamed to ``name``."""
    from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object

    config = serialize_keras_object(layer)
    config["config"].update(overrides, name=name)
    # The classes in hand (the layer's, its cell's...) resolve even when they are not registered.
    known = {type(inner).__name__: type(inner) for inner in layer._flatten_layers()}
    return deserialize_keras_object(config, custom_objects=known)


def _merge(merge_mode, y, y_rev):
    if merge_mode == "concat":
        return ops.concatenate([y, y_rev], axis=-1)
    if merge_mode == "sum":
        return y + y_rev
    if merge_mode == "ave":
        return (y + y_rev) / 2
    if merge_mode == "mul":
        return y * y_rev
    return (y, y_rev)


@keras_export("keras.layers.Bidirectional")
class Bidirectional(Layer):
    """Runs a copy of ``layer`` forwards and another backwards over the sequence, then merges them.

    ``layer`` is an RNN layer (``LSTM``, ``GRU``, ``SimpleRNN``, ``RNN``, ``ConvLSTM2D``...) or
    any sequence layer with ``go_backwards``, ``return_sequences``, ``return_state`` and
    ``stateful`` attributes and a config. Two new layers are made from its config, so its own
    weights are not reused. ``merge_mode`` is ``"concat"`` (the default), ``"sum"``, ``"mul"``,
    ``"ave"`` or ``None`` (return both outputs as a tuple). With ``return_state``, the forward
    states come first, then the backward states; an ``initial_state`` list is split the same way.

    Example:
    >>> layer = cornu.layers.Bidirectional(cornu.layers.LSTM(8, return_sequences=True))
    >>> layer(np.ones((2, 5, 3))).shape
    (2, 5, 16)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "`Bidirectional` wraps a recurrent layer: pass a `keras.layers.Layer` instance such as "
                f"`LSTM(8)`. Received: layer={layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` must be a `keras.layers.Layer` instance (or None to copy `layer`). "
                f"Received: backward_layer={backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                'Invalid merge mode. Use one of "sum", "mul", "ave", "concat" or None. '
                f"Received: merge_mode={merge_mode!r}"
            )
        super().__init__(**kwargs)
        self.forward_layer = _copy_layer(layer, "forward_" + layer.name.removeprefix("forward_"))
        if backward_layer is None:
            backward_layer = _copy_layer(layer, "backward_" + layer.name.removeprefix("backward_"), go_backwards=True)
        self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for direction in (self.forward_layer, self.backward_layer):
            # Returned sequences are merged step by step, so masked steps must be zeros in both.
            if getattr(direction, "zero_output_for_mask", None) is not None:
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "The forward and backward layers of `Bidirectional` must have different `go_backwards` values. "
                f"Received: forward_layer.go_backwards={forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}"
            )
        for attribute in _SHARED_ATTRIBUTES:
            forward_value, backward_value = getattr(forward, attribute), getattr(backward, attribute)
            if forward_value != backward_value:
                raise ValueError(
                    "The forward and backward layers of `Bidirectional` must have the same value for "
                    f'attribute "{attribute}". Received: {forward_value} for the forward layer and '
                    f"{backward_value} for the backward layer"
                )

    # ----------------------------------------------------------------- build
    def build(self, sequences_shape, initial_state_shape=None):
        if not self.forward_layer.built:
            self.forward_layer.build(sequences_shape)
        if not self.backward_layer.built:
            self.backward_layer.build(sequences_shape)
        if self._initial_weights:
            half = len(self._initial_weights) // 2
            self.forward_layer.set_weights(self._initial_weights[:half])
            self.backward_layer.set_weights(self._initial_weights[half:])
            self._initial_weights = None

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shapes = ()
        if self.return_state:
            output_shape, state_shapes = output_shape[0], tuple(output_shape[1:])
        output_shape = tuple(output_shape)
        if self.merge_mode == "concat":
            last = output_shape[-1]
            output_shape = output_shape[:-1] + (None if last is None else 2 * last,)
        outputs = (output_shape, output_shape) if self.merge_mode is None else (output_shape,)
        if self.return_state:
            return outputs + state_shapes + state_shapes
        return outputs if self.merge_mode is None else output_shape

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        try:
            outputs = super().compute_output_spec(sequences)
        except NotImplementedError:
            # The wrapped layer has no `compute_output_shape`: trace the call instead.
            outputs = backend.compute_output_spec(self.call, sequences, initial_state=initial_state, mask=mask,
                                                  training=False)
        if self.return_state and self.return_sequences and mask is not None:
            # Only the merged output(s) carry the mask, never the states (see `compute_mask`).
            for output in outputs[: 2 if self.merge_mode is None else 1]:
                output._keras_mask = mask
        return outputs

    # ------------------------------------------------------------------ call
    def _split_initial_state(self, initial_state):
        if initial_state is None:
            return None, None
        if not isinstance(initial_state, (list, tuple)) or len(initial_state) % 2:
            raise ValueError(
                f"`Bidirectional` layer '{self.name}' needs `initial_state` as a list with the forward layer's "
                "states followed by the backward layer's (an even number of tensors). "
                f"Received: initial_state of type {type(initial_state).__name__}"
                + (f" with {len(initial_state)} elements" if isinstance(initial_state, (list, tuple)) else "")
            )
        half = len(initial_state) // 2
        return list(initial_state[:half]), list(initial_state[half:])

    def call(self, sequences, initial_state=None, mask=None, training=None):
        forward_state, backward_state = self._split_initial_state(initial_state)
        kwargs = {}
        if self.forward_layer._call_has_training_arg:
            kwargs["training"] = training
        if self.forward_layer._call_has_mask_arg:
            kwargs["mask"] = mask
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y = ops.cast(y, self.compute_dtype)
        y_rev = ops.cast(y_rev, self.compute_dtype)
        if self.return_sequences:
            # The backward layer returns its steps last-to-first; put them back in time order.
            y_rev = ops.flip(y_rev, axis=1)
        output = _merge(self.merge_mode, y, y_rev)
        if not self.return_state:
            return output
        outputs = output if self.merge_mode is None else (output,)
        if self.return_sequences and mask is not None:
            for tensor in outputs:
                backend.set_keras_mask(tensor, mask)
        for state in states:
            backend.set_keras_mask(state, None)
        return outputs + states

    def compute_mask(self, _, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_state:
            # The outputs are tagged in `call`: a mask returned here would also land on the states.
            return None
        return mask if self.return_sequences else None

    # ----------------------------------------------------------------- state
    @property
    def states(self):
        forward_states, backward_states = self.forward_layer.states, self.backward_layer.states
        if forward_states and backward_states:
            return tuple(forward_states) + tuple(backward_states)
        return None

    def reset_state(self):
        """Zeroes the states of both directions (``stateful=True`` only)."""
        if not self.stateful:
            raise AttributeError(
                f"`reset_state()` needs a stateful layer, but Bidirectional layer '{self.name}' wraps a layer "
                "with `stateful=False`."
            )
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        """Alias of :meth:`reset_state`."""
        self.reset_state()

    # ---------------------------------------------------------------- config
    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = super().get_config()
        config.update({
            "merge_mode": self.merge_mode,
            "layer": serialize_keras_object(self.forward_layer),
            "backward_layer": serialize_keras_object(self.backward_layer),
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        config = dict(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        backward_config = config.pop("backward_layer", None)
        if backward_config is not None:
            config["backward_layer"] = deserialize_keras_object(backward_config, custom_objects=custom_objects)
        return super().from_config(config)
