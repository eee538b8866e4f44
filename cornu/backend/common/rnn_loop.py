"""The recurrent loop shared by the backends, written once against a handful of
array functions (``xp``).

The loop itself (``python_rnn_loop``) is written once against a handful of
array functions, so the torch backend and JAX's ``unroll=True`` reuse it with
their own arrays. ``lstm``/``gru`` have no fused NumPy kernel: they raise
``NotImplementedError`` and the layers run their cells through ``rnn``.

Masking (the same rule on every backend): at a masked step the states keep
their previous values and the output repeats the previous output, or is zero
with ``zero_output_for_mask=True``. Before the first step, the "previous
output" is the cell's first state (the last cell's first state for stacked
cells), as in Keras, when it has the output's shape; otherwise zeros.
"""

import types

import numpy as np
import optree


def _expand_keep(keep, x, xp):
    """``keep`` (batch,) reshaped to broadcast against ``x`` (batch, ...)."""
    return xp.reshape(keep, (keep.shape[0],) + (1,) * (len(x.shape) - 1))


def first_state(states, state_tree):
    """The state that stands for the previous output before the first step (Keras's rule):
    the first state, or the last cell's first state when states are nested per cell."""
    structured = optree.tree_unflatten(state_tree, states)
    if isinstance(structured, (list, tuple)) and structured:
        first = structured[0]
        if isinstance(first, (list, tuple, dict)):
            leaves = optree.tree_leaves(structured[-1])
            return leaves[0] if leaves else None
        return first
    return None


def initial_previous_output(states, state_tree, output_leaves):
    """The output a masked first step repeats: ``first_state`` when it matches the output, else None."""
    candidate = first_state(states, state_tree)
    if (len(output_leaves) == 1 and candidate is not None and tuple(candidate.shape) == tuple(output_leaves[0].shape)
            and candidate.dtype == output_leaves[0].dtype):
        return [candidate]
    return None


def flatten_states(initial_states):
    """Flat state leaves and the tree to rebuild them; a bare tensor counts as a one-state list."""
    if not isinstance(initial_states, (list, tuple, dict)):
        initial_states = [initial_states]
    leaves, tree = optree.tree_flatten(initial_states)
    return leaves, tree


def call_step(step_function, x_t, states, state_tree, constants, n_states):
    """Calls the step with states packed as the cell expects; returns flat outputs and states."""
    packed = optree.tree_unflatten(state_tree, states)
    if isinstance(packed, list):
        packed = tuple(packed)
    output, new_states = step_function(x_t, packed + constants if isinstance(packed, tuple) else packed)
    out_leaves, out_tree = optree.tree_flatten(output)
    new_leaves = optree.tree_leaves(new_states)
    if len(new_leaves) != n_states:
        raise ValueError(
            f"The RNN step function returned {len(new_leaves)} state tensors, but it was given {n_states}: "
            "a cell must return as many new states as it receives. "
            f"Received: new_states with {len(new_leaves)} tensors"
        )
    return out_leaves, out_tree, new_leaves


def python_rnn_loop(xp, step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
                    time_major=False, zero_output_for_mask=False, return_all_outputs=True):
    """The recurrent loop as plain Python; ``xp`` provides unstack/stack/where/zeros_like/reshape/cast.

    Returns ``(last_output, outputs, new_states)`` as ``rnn`` does.
    """
    time_axis = 0 if time_major else 1
    flat_inputs, input_tree = optree.tree_flatten(inputs)
    per_input_steps = [xp.unstack(x, time_axis) for x in flat_inputs]
    steps = len(per_input_steps[0])
    if steps == 0:
        raise ValueError("An RNN needs at least one time step. Received: inputs with 0 time steps")
    keeps = None
    if mask is not None:
        mask = xp.as_bool(mask)
        while len(mask.shape) > 2:
            mask = xp.any_last(mask)
        keeps = xp.unstack(mask, time_axis)
    constants = tuple(constants or ())
    states, state_tree = flatten_states(initial_states)
    n_states = len(states)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs = []
    previous = None
    out_leaves, out_tree = None, None
    for t in order:
        x_t = optree.tree_unflatten(input_tree, [s[t] for s in per_input_steps])
        out_leaves, out_tree, new_states = call_step(step_function, x_t, states, state_tree, constants, n_states)
        if keeps is not None:
            keep = keeps[t]
            if zero_output_for_mask:
                fill = [xp.zeros_like(o) for o in out_leaves]
            else:
                if previous is None:
                    previous = initial_previous_output(states, state_tree, out_leaves)
                    if previous is None:
                        previous = [xp.zeros_like(o) for o in out_leaves]
                fill = previous
            out_leaves = [xp.where(_expand_keep(keep, o, xp), o, f) for o, f in zip(out_leaves, fill)]
            new_states = [xp.where(_expand_keep(keep, n, xp), n, xp.cast_like(s, n)) for n, s in zip(new_states, states)]
            previous = out_leaves
        states = new_states
        if return_all_outputs:
            outputs.append(out_leaves)
    if return_all_outputs:
        stacked = [xp.stack([o[i] for o in outputs], time_axis) for i in range(len(out_leaves))]
    else:
        stacked = [xp.stack([o], time_axis) for o in out_leaves]
    last_output = optree.tree_unflatten(out_tree, out_leaves)
    all_outputs = optree.tree_unflatten(out_tree, stacked)
    new_states = optree.tree_unflatten(state_tree, states)
    return last_output, all_outputs, new_states


NUMPY_ARRAYS = types.SimpleNamespace(
    unstack=lambda x, axis: list(np.moveaxis(np.asarray(x), axis, 0)),
    stack=lambda xs, axis: np.stack(xs, axis=axis),
    where=np.where,
    zeros_like=np.zeros_like,
    reshape=np.reshape,
    as_bool=lambda m: np.asarray(m).astype(bool),
    any_last=lambda m: np.any(m, axis=-1),
    cast_like=lambda s, n: s.astype(n.dtype) if s.dtype != n.dtype else s,
)

