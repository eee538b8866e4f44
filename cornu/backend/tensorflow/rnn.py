"""TensorFlow recurrent loops.

``rnn`` is a ``tf.while_loop`` over time inside a traced function (``tf.function``, the
training step, shape inference), collecting outputs in ``TensorArray``s; eagerly (where a
``tf.while_loop`` is a Python loop anyway) and with ``unroll=True`` it is the shared Python
loop of ``cornu.backend.common.rnn_loop`` on TF tensors. The first time step runs before the
loop: its outputs give the ``TensorArray``s their dtype and shape (the step runs exactly once
per time step). Masking follows the rule described in ``cornu.backend.common.rnn_loop``.

``lstm``/``gru`` have no fused kernel here: Keras's TensorFlow backend fuses only with cuDNN
on a GPU, which this backend does not drive. They raise ``NotImplementedError``, as the NumPy
backend's do, and the layers run their cells through ``rnn``.
"""

import types

import optree
import tensorflow as tf

from cornu.backend.common.rnn_loop import call_step, flatten_states, initial_previous_output, python_rnn_loop


def _reshape(x, shape):
    # The shared loop reshapes with static dims, which may be None in a traced step.
    return tf.reshape(x, [-1 if dim is None else dim for dim in shape])


TF_ARRAYS = types.SimpleNamespace(
    unstack=lambda x, axis: tf.unstack(x, axis=axis),
    stack=lambda xs, axis: tf.stack(xs, axis=axis),
    where=tf.where,
    zeros_like=tf.zeros_like,
    reshape=_reshape,
    as_bool=lambda m: tf.cast(m, tf.bool),
    any_last=lambda m: tf.reduce_any(m, axis=-1),
    cast_like=lambda s, n: tf.cast(s, n.dtype) if s.dtype != n.dtype else s,
)


def _swap_batch_and_time(x):
    perm = [1, 0] + list(range(2, len(x.shape)))
    return tf.transpose(x, perm)


def _keep_like(keep, x):
    """``keep`` (batch,) reshaped to broadcast against ``x`` (batch, ...)."""
    return tf.reshape(keep, [-1] + [1] * (len(x.shape) - 1))


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False,
        input_length=None, time_major=False, zero_output_for_mask=False, return_all_outputs=True):
    """Runs ``step_function(input_t, states) -> (output_t, new_states)`` over the time axis.

    Returns ``(last_output, outputs, new_states)``; ``outputs`` has every step's
    output (in processing order, so reversed with ``go_backwards``) or, with
    ``return_all_outputs=False``, only the last one (time length 1).

    Example:
    >>> last, outputs, states = rnn(lambda x, s: (x + s[0], [x + s[0]]), tf.ones((2, 3, 4)), [tf.zeros((2, 4))])
    """
    inputs = optree.tree_map(tf.convert_to_tensor, inputs)
    if unroll or tf.executing_eagerly():
        if unroll and optree.tree_leaves(inputs)[0].shape[0 if time_major else 1] is None:
            raise ValueError(
                "Unrolling an RNN needs a fixed number of time steps: give the input a static time "
                "dimension, or pass unroll=False. "
                f"Received: inputs with shape {optree.tree_leaves(inputs)[0].shape}"
            )
        return python_rnn_loop(TF_ARRAYS, step_function, inputs, initial_states, go_backwards=go_backwards,
                               mask=mask, constants=constants, time_major=time_major,
                               zero_output_for_mask=zero_output_for_mask, return_all_outputs=return_all_outputs)
    return _while_loop_rnn(step_function, inputs, initial_states, go_backwards, mask, constants, time_major,
                           zero_output_for_mask, return_all_outputs)


def _while_loop_rnn(step_function, inputs, initial_states, go_backwards, mask, constants, time_major,
                    zero_output_for_mask, return_all_outputs):
    flat_inputs, input_tree = optree.tree_flatten(inputs)
    if not time_major:
        flat_inputs = [_swap_batch_and_time(x) for x in flat_inputs]
    if go_backwards:
        flat_inputs = [tf.reverse(x, [0]) for x in flat_inputs]
    keeps = None
    if mask is not None:
        keeps = tf.cast(mask, tf.bool)
        while len(keeps.shape) > 2:
            keeps = tf.reduce_any(keeps, axis=-1)
        if not time_major:
            keeps = tf.transpose(keeps)
        if go_backwards:
            keeps = tf.reverse(keeps, [0])
    constants = tuple(constants or ())
    states, state_tree = flatten_states(initial_states)
    states = [tf.convert_to_tensor(s) for s in states]
    n_states = len(states)
    steps = tf.shape(flat_inputs[0])[0]
    # Time steps are read from TensorArrays: the gradient of a read writes one step's slot,
    # where the gradient of slicing ``x[t]`` would build a zero tensor of the whole sequence
    # at every step (quadratic in the length).
    input_arrays = [tf.TensorArray(x.dtype, size=steps, element_shape=x.shape[1:]).unstack(x) for x in flat_inputs]

    def one_step(t, states, previous):
        x_t = optree.tree_unflatten(input_tree, [array.read(t) for array in input_arrays])
        out_leaves, out_tree, new_states = call_step(step_function, x_t, states, state_tree, constants, n_states)
        new_states = [tf.cast(n, s.dtype) if n.dtype != s.dtype else n for n, s in zip(new_states, states)]
        if keeps is not None:
            keep = keeps[t]
            if zero_output_for_mask:
                fill = [tf.zeros_like(o) for o in out_leaves]
            else:
                if previous is None:  # the first step: Keras's placeholder for the previous output
                    previous = initial_previous_output(states, state_tree, out_leaves)
                fill = previous if previous is not None else [tf.zeros_like(o) for o in out_leaves]
            out_leaves = [tf.where(_keep_like(keep, o), o, tf.cast(f, o.dtype)) for o, f in zip(out_leaves, fill)]
            new_states = [tf.where(_keep_like(keep, n), n, s) for n, s in zip(new_states, states)]
        return out_leaves, out_tree, new_states

    # The first step runs before the loop: its outputs set the loop's dtypes and shapes.
    first, out_tree, states = one_step(0, states, None)
    arrays = []
    if return_all_outputs:
        arrays = [tf.TensorArray(o.dtype, size=steps, element_shape=o.shape).write(0, o) for o in first]

    def body(t, states, last, arrays):
        out, _, new_states = one_step(t, states, last)
        out = [tf.cast(o, l.dtype) for o, l in zip(out, last)]
        if return_all_outputs:
            arrays = [array.write(t, o) for array, o in zip(arrays, out)]
        return t + 1, new_states, out, arrays

    _, states, last, arrays = tf.while_loop(lambda t, *_: t < steps, body, (tf.constant(1), states, first, arrays))
    if return_all_outputs:
        outputs = [array.stack() for array in arrays]
        outputs = outputs if time_major else [_swap_batch_and_time(o) for o in outputs]
    else:
        outputs = [tf.expand_dims(o, 0 if time_major else 1) for o in last]
    return (optree.tree_unflatten(out_tree, last), optree.tree_unflatten(out_tree, outputs),
            optree.tree_unflatten(state_tree, states))


def lstm(inputs, initial_state_h, initial_state_c, mask, kernel, recurrent_kernel, bias, activation,
         recurrent_activation, return_sequences=False, go_backwards=False, unroll=False, zero_output_for_mask=False):
    """No fused LSTM on this backend (Keras fuses only with cuDNN on a GPU): the layer runs its
    cell through ``rnn``."""
    raise NotImplementedError("The TensorFlow backend has no fused LSTM kernel.")


def gru(inputs, initial_state, mask, kernel, recurrent_kernel, bias, activation, recurrent_activation,
        return_sequences=False, go_backwards=False, unroll=False, reset_after=True, zero_output_for_mask=False):
    """No fused GRU on this backend (Keras fuses only with cuDNN on a GPU): the layer runs its
    cell through ``rnn``."""
    raise NotImplementedError("The TensorFlow backend has no fused GRU kernel.")
