"""``RNN``: runs any recurrent cell over the time axis of a sequence.

A cell is a layer (or any object) with ``call(inputs, states, training=None)``
returning ``(output, new_states)`` and a ``state_size`` (an int, or one entry
per state); optionally ``output_size`` and ``get_initial_state(batch_size)``.
The loop itself is the backend's (``backend.rnn.rnn``: a ``lax.scan`` on JAX, a
Python loop on torch and NumPy); ``LSTM`` and ``GRU`` first try the backend's
fused kernels through ``inner_loop``.
"""

import optree

from cornu import backend, ops
from cornu.layers.layer import Layer
from cornu.layers.recurrent.dropout_rnn_cell import DropoutRNNCell
from cornu.layers.recurrent.stacked_rnn_cells import StackedRNNCells, cell_output_size, check_cell
from cornu.serialization.registry import keras_export


def _is_nested(x):
    return isinstance(x, (list, tuple, dict))


@keras_export("keras.layers.RNN")
class RNN(Layer):
    """Runs a recurrent ``cell`` (or a list of cells, stacked) over a sequence.

    Args:
        cell: a cell instance, or a list of cells (wrapped in ``StackedRNNCells``).
        return_sequences: return every step's output ``(batch, timesteps, units)``
            instead of the last one ``(batch, units)``.
        return_state: also return the final states: ``[output, *states]``.
        go_backwards: read the sequence from the end; the returned sequence is
            in processing order (reversed).
        stateful: keep the final states of each batch as the initial states of
            the next (needs a fixed batch size); ``reset_state()`` zeroes them.
        unroll: run the loop as straight-line code (short, fixed-length sequences).
        zero_output_for_mask: masked steps output zeros instead of repeating the
            previous output.

    Call arguments: ``sequences`` (batch, timesteps, ...), ``initial_state``
    (a tensor or list of tensors), ``mask`` (batch, timesteps) booleans, True
    = use the step, and ``training``.

    Example:
    >>> class MinimalCell(cornu.layers.Layer):
    ...     def __init__(self, units, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.units, self.state_size = units, units
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1] + self.units, self.units))
    ...     def call(self, inputs, states):
    ...         h = cornu.ops.tanh(cornu.ops.concatenate([inputs, states[0]], -1) @ self.w)
    ...         return h, [h]
    >>> cornu.layers.RNN(MinimalCell(4), return_sequences=True)(np.ones((2, 5, 3))).shape
    (2, 5, 4)
    """

    # State variables of a stateful RNN are not weights (Keras neither saves nor counts them).
    _untracked_attrs = ("states",)

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        check_cell(cell, type(self).__name__)
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = None
        self.states = None
        self._expected_batch_size = None
        state_size = getattr(cell, "state_size", None)
        if state_size is None or not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "The cell's `state_size` must be an integer or a list/tuple of integers (one per state). "
                f"Received: state_size={state_size!r}"
            )
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, length = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for size in self.state_size:
            if isinstance(size, int):
                states_shape.append((batch_size, size))
            else:
                states_shape.append([(batch_size, s) for s in size])
        output_size = cell_output_size(self.cell) if getattr(self.cell, "output_size", None) is not None \
            else self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError(
                f"The output size of the cell of RNN layer '{self.name}' must be an integer: give the cell an "
                f"integer `output_size`. Received: output_size={output_size!r}"
            )
        output_shape = (batch_size, length, output_size) if self.return_sequences else (batch_size, output_size)
        if self.return_state:
            return (output_shape, *states_shape)
        return output_shape

    def compute_mask(self, _, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    # ------------------------------------------------------------------ state
    def build(self, sequences_shape, initial_state_shape=None):
        step_input_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_input_shape)
            self.cell.built = True
        if self.stateful:
            if self.states is not None:
                self.reset_state()
                return
            if sequences_shape[0] is None:
                raise ValueError(
                    f"A stateful RNN ('{self.name}') needs a fixed batch size: pass `batch_size=` to `Input` (or "
                    f"`batch_input_shape`). Received: sequences.shape={tuple(sequences_shape)}"
                )
            self._create_state_variables(sequences_shape[0])

    def _create_state_variables(self, batch_size):
        with backend.name_scope(self.name, caller=self):
            self.states = optree.tree_map(
                lambda value: backend.Variable(value, trainable=False, dtype=self.variable_dtype, name="rnn_state"),
                self.get_initial_state(batch_size),
            )
        self._expected_batch_size = batch_size

    def get_initial_state(self, batch_size):
        """The states a sequence starts from: the cell's ``get_initial_state``, else zeros."""
        get_initial_state = getattr(self.cell, "get_initial_state", None)
        if get_initial_state is None:
            return [ops.zeros((batch_size, d), dtype=self.cell.compute_dtype) for d in self.state_size]
        states = get_initial_state(batch_size=batch_size)
        return list(states) if _is_nested(states) else [states]

    def reset_state(self):
        """Zeroes the states of a stateful RNN."""
        if self.states is not None:
            for variable in optree.tree_leaves(self.states):
                variable.assign(ops.zeros_like(variable.value))

    def reset_states(self):
        """Alias of ``reset_state()``."""
        self.reset_state()

    # ------------------------------------------------------------------ call
    def __call__(self, *args, **kwargs):
        if args:
            self._check_inputs(args[0])
        outputs = super().__call__(*args, **kwargs)
        if self.return_state and isinstance(outputs, (list, tuple)):
            self._set_output_masks(outputs, args, kwargs)
        return outputs

    def _check_inputs(self, inputs):
        """Fails early, symbolic inputs included, on a rank the layer cannot take or an unrollable length."""
        shape = getattr(inputs, "shape", None)
        if shape is None:
            return
        if self.unroll and len(shape) > 1 and shape[1] is None:
            self._unknown_length_error(shape)
        specs = self.input_spec if isinstance(self.input_spec, (list, tuple)) else [self.input_spec]
        expected = specs[0].ndim if specs and specs[0] is not None else None
        rank = len(shape)
        if expected is not None and rank != expected:
            what = f"ndim={expected}" + (" (batch_size, timesteps, features)" if expected == 3 else "")
        elif expected is None and rank < 3:
            what = "ndim>=3 (batch_size, timesteps, ...)"
        else:
            return
        raise ValueError(
            f'Input 0 of layer "{self.name}" ({type(self).__name__}) is incompatible with the layer: expected '
            f"{what}, found ndim={rank}. Pass a batch of sequences. Received: inputs.shape={tuple(shape)}"
        )

    def _unknown_length_error(self, shape):
        raise ValueError(
            f"RNN layer '{self.name}' cannot unroll a sequence of unknown length: give `Input` a fixed number of "
            "time steps (`shape=(timesteps, features)`) or pass `unroll=False`. "
            f"Received: sequences.shape={tuple(shape)}"
        )

    def _set_output_masks(self, outputs, args, kwargs):
        """With ``return_state``, the output keeps the sequence mask (if returning sequences), the states none."""
        mask = kwargs.get("mask")
        if mask is None and args:
            mask = backend.get_keras_mask(args[0])
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        backend.set_keras_mask(outputs[0], mask if self.return_sequences else None)
        for state in outputs[1:]:
            for leaf in optree.tree_leaves(state):
                backend.set_keras_mask(leaf, None)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if self.unroll and sequences.shape[1] is None:
            self._unknown_length_error(sequences.shape)
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        # Shape inference runs on stand-in batches: the state variables stay out of it.
        use_state_variables = self.stateful and self.states is not None and not backend.in_symbolic_scope()
        if initial_state is None:
            if use_state_variables:
                # A copy: on torch the variables are updated in place after the loop.
                initial_state = optree.tree_map(lambda v: ops.copy(v.value), self.states)
            else:
                initial_state = self.get_initial_state(batch_size=ops.shape(sequences)[0])
        if use_state_variables and sequences.shape[0] is not None and sequences.shape[0] != self._expected_batch_size:
            raise ValueError(
                f"The batch size of the sequences given to stateful RNN '{self.name}' must be the batch size it "
                f"was built with ({self._expected_batch_size}). Received: sequences.shape={tuple(sequences.shape)}"
            )
        initial_state = list(initial_state) if _is_nested(initial_state) else [initial_state]
        self._check_state_count(initial_state)
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        initial_state = optree.tree_map(lambda x: ops.convert_to_tensor(x, dtype=dtype), initial_state)
        if training:
            self._prepare_dropout_masks(self.cell, sequences[:, 0], initial_state)
        try:
            last_output, outputs, states = self.inner_loop(sequences, initial_state, mask, training=training)
        finally:
            self._clear_dropout_masks(self.cell)
        last_output = ops.cast(last_output, self.compute_dtype)
        outputs = ops.cast(outputs, self.compute_dtype)
        states = optree.tree_map(lambda x: ops.cast(x, self.compute_dtype), states)
        if use_state_variables:
            for variable, value in zip(optree.tree_leaves(self.states), optree.tree_leaves(states)):
                variable.assign(value)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return output, *states
        return output

    def _check_state_count(self, initial_state):
        known = all(isinstance(s, (list, tuple)) or (isinstance(s, int) and s > 0) for s in self.state_size)
        if known and len(initial_state) != len(self.state_size):
            raise ValueError(
                f"RNN layer '{self.name}' has {len(self.state_size)} state(s) (state_size={self.state_size}), but "
                f"`initial_state` has {len(initial_state)}: pass one tensor per state. "
                f"Received: initial_state shapes={[tuple(getattr(s, 'shape', ())) for s in initial_state]}"
            )

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Runs the cell over the sequence; returns ``(last_output, outputs, final_states)``."""
        cell = self.cell
        call = cell.__call__ if callable(cell) else cell.call
        cell_kwargs = {"training": training} if isinstance(cell, Layer) and cell._call_has_training_arg else {}

        def step(inputs, states):
            output, new_states = call(inputs, states, **cell_kwargs)
            return output, (new_states if _is_nested(new_states) else [new_states])

        return backend.rnn.rnn(step, sequences, initial_state, go_backwards=self.go_backwards, mask=mask,
                               unroll=self.unroll, input_length=sequences.shape[1],
                               zero_output_for_mask=self.zero_output_for_mask,
                               return_all_outputs=self.return_sequences)

    # --------------------------------------------------------------- dropout
    def _prepare_dropout_masks(self, cell, step_input, state):
        """Draws every dropout mask before the loop, so the loop body holds no random state."""
        if isinstance(cell, DropoutRNNCell):
            cell.get_dropout_mask(step_input)
            cell.get_recurrent_dropout_mask(state[0] if isinstance(state, (list, tuple)) else state)
        if isinstance(cell, StackedRNNCells):
            for inner, inner_state in zip(cell.cells, state):
                self._prepare_dropout_masks(inner, step_input, inner_state)
                step_input = self._next_cell_input(inner, step_input, inner_state)

    @staticmethod
    def _next_cell_input(cell, step_input, state):
        size = cell_output_size(cell)
        if isinstance(size, int):
            return ops.zeros((ops.shape(step_input)[0], size), dtype=step_input.dtype)
        state = list(state) if _is_nested(state) else [state]
        call = cell.__call__ if callable(cell) else cell.call
        return call(step_input, state)[0]

    def _clear_dropout_masks(self, cell):
        if isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
        if isinstance(cell, StackedRNNCells):
            for inner in cell.cells:
                self._clear_dropout_masks(inner)

    # ---------------------------------------------------------------- config
    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = super().get_config()
        config.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_keras_object(self.cell),
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("cell"), dict):
            from cornu.serialization.keras_objects import deserialize_keras_object

            config["cell"] = deserialize_keras_object(config["cell"], custom_objects=custom_objects)
        return super().from_config(config)
