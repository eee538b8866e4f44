"""JAX recurrent loops: ``rnn`` is one ``lax.scan`` over time (a Python loop with
``unroll=True``); ``lstm``/``gru`` are scans whose input projections for every
step are computed up front in one matmul, leaving only ``h @ recurrent_kernel``
inside the loop. Masking follows the rule described in ``cornu.backend.common.rnn_loop``.
"""

import contextlib
import types

import jax
import jax.numpy as jnp
import optree
from jax import lax

from cornu.backend.common.rnn_loop import call_step, first_state, flatten_states, python_rnn_loop
from cornu.backend.common.scopes import StatelessScope, in_stateless_scope
from cornu.backend.jax.core import convert_to_tensor

JAX_ARRAYS = types.SimpleNamespace(
    unstack=lambda x, axis: [lax.index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis])],
    stack=lambda xs, axis: jnp.stack(xs, axis=axis),
    where=jnp.where,
    zeros_like=jnp.zeros_like,
    reshape=jnp.reshape,
    as_bool=lambda m: jnp.asarray(m).astype(bool),
    any_last=lambda m: jnp.any(m, axis=-1),
    cast_like=lambda s, n: s.astype(n.dtype) if s.dtype != n.dtype else s,
)


class _FirstOutputMismatch(Exception):
    """Raised while tracing when the first state cannot stand for the previous output."""

    def __init__(self, specs):
        super().__init__("previous output placeholder mismatch")
        self.specs = specs


def _keep_like(keep, x):
    return jnp.reshape(keep, (keep.shape[0],) + (1,) * (x.ndim - 1))


def _scan(step_function, flat_inputs, input_tree, states, state_tree, keeps, constants, zero_output_for_mask,
          previous):
    n_states = len(states)

    def body(carry, xs):
        states, prev = carry
        x_leaves, keep = xs
        x_t = optree.tree_unflatten(input_tree, x_leaves)
        out_leaves, out_tree, new_states = call_step(step_function, x_t, list(states), state_tree, constants,
                                                     n_states)
        body.out_tree = out_tree
        new_states = [n.astype(s.dtype) if n.dtype != s.dtype else n for n, s in zip(new_states, states)]
        if keep is None:
            return (new_states, prev), out_leaves
        if not zero_output_for_mask:
            if len(prev) != len(out_leaves) or any(
                    p.shape != o.shape or p.dtype != o.dtype for p, o in zip(prev, out_leaves)):
                raise _FirstOutputMismatch([jax.ShapeDtypeStruct(o.shape, o.dtype) for o in out_leaves])
            fill = prev
        else:
            fill = [jnp.zeros_like(o) for o in out_leaves]
        out_leaves = [jnp.where(_keep_like(keep, o), o, f) for o, f in zip(out_leaves, fill)]
        new_states = [jnp.where(_keep_like(keep, n), n, s) for n, s in zip(new_states, states)]
        return (new_states, out_leaves if not zero_output_for_mask else prev), out_leaves

    scope = contextlib.nullcontext() if in_stateless_scope() else StatelessScope()
    with scope:
        (final_states, _), outputs = lax.scan(body, (list(states), previous), (flat_inputs, keeps))
    return final_states, outputs, body.out_tree


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False,
        input_length=None, time_major=False, zero_output_for_mask=False, return_all_outputs=True):
    """Runs ``step_function(input_t, states) -> (output_t, new_states)`` over the time axis.

    Returns ``(last_output, outputs, new_states)``; ``outputs`` has every step's
    output (in processing order, so reversed with ``go_backwards``) or, with
    ``return_all_outputs=False``, only the last one (time length 1).

    Example:
    >>> last, outputs, states = rnn(lambda x, s: (x + s[0], [x + s[0]]), jnp.ones((2, 3, 4)), [jnp.zeros((2, 4))])
    """
    if unroll:
        return python_rnn_loop(JAX_ARRAYS, step_function, inputs, initial_states, go_backwards=go_backwards,
                               mask=mask, constants=constants, time_major=time_major,
                               zero_output_for_mask=zero_output_for_mask, return_all_outputs=return_all_outputs)
    flat_inputs, input_tree = optree.tree_flatten(inputs)
    if not time_major:
        flat_inputs = [jnp.swapaxes(x, 0, 1) for x in flat_inputs]
    if go_backwards:
        flat_inputs = [jnp.flip(x, 0) for x in flat_inputs]
    keeps = None
    if mask is not None:
        keeps = jnp.asarray(mask).astype(bool)
        while keeps.ndim > 2:
            keeps = jnp.any(keeps, axis=-1)
        if not time_major:
            keeps = jnp.swapaxes(keeps, 0, 1)
        if go_backwards:
            keeps = jnp.flip(keeps, 0)
    states, state_tree = flatten_states(initial_states)
    constants = tuple(constants or ())
    previous = None
    if keeps is not None and not zero_output_for_mask:
        # Probe the output's shape with the first state as the placeholder; fall back to zeros.
        candidate = first_state(states, state_tree)
        previous = [candidate] if candidate is not None else []
    try:
        final_states, outputs, out_tree = _scan(step_function, flat_inputs, input_tree, states, state_tree, keeps,
                                                constants, zero_output_for_mask, previous)
    except _FirstOutputMismatch as mismatch:
        previous = [jnp.zeros(s.shape, s.dtype) for s in mismatch.specs]
        final_states, outputs, out_tree = _scan(step_function, flat_inputs, input_tree, states, state_tree, keeps,
                                                constants, zero_output_for_mask, previous)
    last = [o[-1] for o in outputs]
    if return_all_outputs:
        outputs = [o if time_major else jnp.swapaxes(o, 0, 1) for o in outputs]
    else:
        outputs = [jnp.expand_dims(o, 0 if time_major else 1) for o in last]
    return (optree.tree_unflatten(out_tree, last), optree.tree_unflatten(out_tree, outputs),
            optree.tree_unflatten(state_tree, final_states))


def _activation_fn(fn):
    return fn if fn is not None else (lambda x: x)


def _time_major_projection(inputs, kernel, bias, go_backwards):
    if go_backwards:
        inputs = jnp.flip(inputs, 1)
    projected = jnp.matmul(inputs, kernel)
    if bias is not None:
        projected = projected + bias
    return jnp.swapaxes(projected, 0, 1)


def _finish(last, ys, return_sequences):
    if return_sequences:
        return jnp.swapaxes(ys, 0, 1)
    return last[:, None, :]


def lstm(inputs, initial_state_h, initial_state_c, mask, kernel, recurrent_kernel, bias, activation,
         recurrent_activation, return_sequences=False, go_backwards=False, unroll=False, zero_output_for_mask=False):
    """An LSTM over (batch, time, features) with Keras's weights (gates i, f, c, o).

    Raises ``NotImplementedError`` for masks and ``unroll=True`` (the layer then runs its cell).
    Returns ``(last_output, outputs, [h, c])``.
    """
    if mask is not None or unroll:
        raise NotImplementedError("The JAX fused LSTM handles neither masks nor unroll=True.")
    kernel, recurrent_kernel = convert_to_tensor(kernel), convert_to_tensor(recurrent_kernel)
    bias = convert_to_tensor(bias) if bias is not None else None
    act, rec_act = _activation_fn(activation), _activation_fn(recurrent_activation)
    inputs = convert_to_tensor(inputs)
    # On CPU the input projection is cheaper step by step inside the scan (measured: 60.7 vs
    # 82.8 ms for LSTM(128), seq 100, batch 64); accelerators prefer one large matmul up front.
    project_in_step = jax.default_backend() == "cpu"
    if project_in_step:
        xs = jnp.swapaxes(jnp.flip(inputs, 1) if go_backwards else inputs, 0, 1)
    else:
        xs = _time_major_projection(inputs, kernel, bias, go_backwards)

    def step(carry, x_t):
        h, c = carry
        z_x = x_t
        if project_in_step:
            z_x = jnp.matmul(x_t, kernel)
            if bias is not None:
                z_x = z_x + bias
        z = z_x + jnp.matmul(h, recurrent_kernel)
        z_i, z_f, z_c, z_o = jnp.split(z, 4, axis=-1)
        c = rec_act(z_f) * c + rec_act(z_i) * act(z_c)
        h = rec_act(z_o) * act(c)
        return (h, c), h

    (h, c), ys = lax.scan(step, (convert_to_tensor(initial_state_h), convert_to_tensor(initial_state_c)), xs)
    return h, _finish(h, ys, return_sequences), [h, c]


def gru(inputs, initial_state, mask, kernel, recurrent_kernel, bias, activation, recurrent_activation,
        return_sequences=False, go_backwards=False, unroll=False, reset_after=True, zero_output_for_mask=False):
    """A GRU over (batch, time, features) with Keras's weights (gates z, r, h; both ``reset_after`` forms).

    Raises ``NotImplementedError`` for masks and ``unroll=True`` (the layer then runs its cell).
    Returns ``(last_output, outputs, [h])``.
    """
    if mask is not None or unroll:
        raise NotImplementedError("The JAX fused GRU handles neither masks nor unroll=True.")
    kernel, recurrent_kernel = convert_to_tensor(kernel), convert_to_tensor(recurrent_kernel)
    bias = convert_to_tensor(bias) if bias is not None else None
    units = recurrent_kernel.shape[0]
    input_bias, recurrent_bias = None, None
    if bias is not None:
        input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, None)
    act, rec_act = _activation_fn(activation), _activation_fn(recurrent_activation)
    projected = _time_major_projection(convert_to_tensor(inputs), kernel, input_bias, go_backwards)

    def step(h, x):
        x_z, x_r, x_h = jnp.split(x, 3, axis=-1)
        if reset_after:
            inner = jnp.matmul(h, recurrent_kernel)
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
            z = rec_act(x_z + inner[:, :units])
            r = rec_act(x_r + inner[:, units:2 * units])
            hh = act(x_h + r * inner[:, 2 * units:])
        else:
            inner = jnp.matmul(h, recurrent_kernel[:, :2 * units])
            z = rec_act(x_z + inner[:, :units])
            r = rec_act(x_r + inner[:, units:])
            hh = act(x_h + jnp.matmul(r * h, recurrent_kernel[:, 2 * units:]))
        h = z * h + (1 - z) * hh
        return h, h

    h, ys = lax.scan(step, convert_to_tensor(initial_state), projected)
    return h, _finish(h, ys, return_sequences), [h]
