"""TensorFlow structured control flow: ``scan``, ``map``, ``associative_scan``, ``switch``,
``vectorized_map``, ``custom_gradient`` and ``compiled`` (re-exported by
``cornu.backend.tensorflow.math``), with ``jax.lax``'s semantics.

Eagerly, loops run as Python loops over the slices (what ``tf.while_loop`` does eagerly anyway).
Inside a ``tf.function`` they build one ``tf.while_loop`` whose trip count may be unknown while
tracing; the structure and dtypes of the per-step outputs come from tracing the step function
once on placeholders.

Example:
>>> carry, ys = scan(lambda c, x: (c + x, c), tf.constant(0.0), tf.constant([1.0, 2.0, 3.0]))
>>> float(carry), ys.numpy()
(6.0, array([0., 1., 3.], dtype=float32))
"""

import builtins
import functools

import numpy as np
import optree
import tensorflow as tf

from cornu.backend.tensorflow.numpy import _t


def _tree_to_tensors(tree):
    return optree.tree_map(_t, tree)


def _check_unroll(unroll):
    if isinstance(unroll, bool):
        return
    if not isinstance(unroll, (int, np.integer)) or unroll < 1:
        raise ValueError(f"`unroll` must be a positive integer or a boolean. Received: unroll={unroll!r}")


def _scan_length(xs_leaves, length):
    """The number of steps: an int where known, else a scalar int32 tensor."""
    if not xs_leaves:
        if length is None:
            raise ValueError("scan needs `xs` to loop over or a `length`. Received: xs=None, length=None")
        return int(length)
    firsts = [x.shape[0] if x.shape.rank else None for x in xs_leaves]
    if builtins.any(x.shape.rank == 0 for x in xs_leaves):
        raise ValueError("scan loops over the leading axis of every `xs` leaf; scalars have none. Received: a scalar in xs")
    static = {n for n in firsts if n is not None}
    if len(static) > 1 or (length is not None and static and int(length) not in static):
        raise ValueError(
            "scan needs every `xs` leaf (and `length`, if given) to have the same leading size. "
            f"Received: leading sizes {firsts}, length={length}"
        )
    if length is not None:
        return int(length)
    if static:
        return static.pop()
    return tf.shape(xs_leaves[0])[0]


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops ``carry, y = f(carry, x)`` over the leading axis of ``xs`` (or ``length`` times
    with ``x = None``); returns the last carry and the stacked ``y``s. ``reverse`` walks from
    the end (``ys`` keep the order of ``xs``). ``unroll`` is accepted for JAX compatibility;
    TensorFlow runs the loop one step per iteration."""
    if not callable(f):
        raise TypeError(f"`f` must be callable. Received: f={f!r}")
    _check_unroll(unroll)
    xs_leaves, xs_tree = optree.tree_flatten(xs)
    xs_leaves = [_t(x) for x in xs_leaves]
    n = _scan_length(xs_leaves, length)
    init_leaves, carry_tree = optree.tree_flatten(init)
    init_leaves = [_t(c) for c in init_leaves]

    def step(carry_leaves, x_leaves):
        carry = optree.tree_unflatten(carry_tree, carry_leaves)
        x = None if xs is None else optree.tree_unflatten(xs_tree, x_leaves)
        new_carry, y = f(carry, x)
        new_leaves, new_tree = optree.tree_flatten(new_carry)
        if new_tree != carry_tree:
            raise ValueError(
                "scan's `f` must return a carry with the structure of `init`. "
                f"Received: init structure {carry_tree}, returned carry structure {new_tree}"
            )
        y_leaves, y_tree = optree.tree_flatten(y)
        return [_t(c) for c in new_leaves], [_t(v) for v in y_leaves], y_tree

    if tf.executing_eagerly() and isinstance(n, int) and n > 0:
        return _eager_scan(step, init_leaves, xs_leaves, n, reverse, carry_tree)
    return _graph_scan(step, init_leaves, xs_leaves, n, reverse, carry_tree)


def _eager_scan(step, carry, xs_leaves, n, reverse, carry_tree):
    ys, y_tree = [None] * n, None
    for i in reversed(range(n)) if reverse else range(n):
        carry, ys[i], y_tree = step(carry, [x[i] for x in xs_leaves])
    stacked = [tf.stack([row[j] for row in ys]) for j in range(len(ys[0]))]
    return optree.tree_unflatten(carry_tree, carry), optree.tree_unflatten(y_tree, stacked)


def _trace_step(step, carry, xs_leaves):
    """Traces ``step`` once on placeholders: (carry specs, y specs, y structure)."""
    found = {}

    def traced(carry_leaves, x_leaves):
        new_carry, ys, found["y_tree"] = step(list(carry_leaves), list(x_leaves))
        return new_carry, ys

    carry_specs = [tf.TensorSpec(c.shape, c.dtype) for c in carry]
    x_specs = [tf.TensorSpec(x.shape[1:], x.dtype) for x in xs_leaves]
    concrete = tf.function(traced, autograph=False).get_concrete_function(carry_specs, x_specs)
    new_carry, ys = concrete.structured_outputs
    as_spec = lambda t: tf.TensorSpec(t.shape, t.dtype)  # noqa: E731
    return [as_spec(c) for c in new_carry], [as_spec(y) for y in ys], found["y_tree"]


def _common_shape(a, b):
    """The most specific shape compatible with both ``a`` and ``b``."""
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return tf.TensorShape(None)
    return tf.TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


def _graph_scan(step, carry, xs_leaves, n, reverse, carry_tree):
    carry_specs, y_specs, y_tree = _trace_step(step, carry, xs_leaves)
    # A carry whose dtype the step changes (a Python-number init meeting a half-float x, say)
    # starts in the step's dtype, as JAX promotes weakly typed carries.
    carry = [c if c.dtype == s.dtype else tf.cast(c, s.dtype) for c, s in zip(carry, carry_specs)]
    carry_shapes = [_common_shape(c.shape, s.shape) for c, s in zip(carry, carry_specs)]
    static_n = n if isinstance(n, int) else None
    ys = [
        tf.TensorArray(s.dtype, size=n, dynamic_size=False, element_shape=s.shape, infer_shape=False)
        for s in y_specs
    ]

    def body(i, carry, ys):
        index = n - 1 - i if reverse else i
        new_carry, y_leaves, _ = step(list(carry), [tf.gather(x, index) for x in xs_leaves])
        ys = [array.write(index, v) for array, v in zip(ys, y_leaves)]
        return i + 1, new_carry, ys

    _, carry, ys = tf.while_loop(
        lambda i, *_: i < n,
        body,
        (tf.constant(0), carry, ys),
        shape_invariants=(tf.TensorShape([]), carry_shapes, [tf.TensorShape(None)] * len(ys)),
        maximum_iterations=static_n,
    )
    stacked = []
    for array, spec in zip(ys, y_specs):
        value = array.stack()
        value.set_shape(tf.TensorShape([static_n]).concatenate(spec.shape))
        stacked.append(value)
    return optree.tree_unflatten(carry_tree, list(carry)), optree.tree_unflatten(y_tree, stacked)


def map(f, xs):
    """``f`` applied to each slice of ``xs`` (a tensor or structure) along its leading axis,
    the results stacked."""
    return scan(lambda carry, x: (carry, f(x)), (), xs)[1]


def compiled(fn, static_argnames=()):
    """``fn`` itself: eager TensorFlow runs it op by op (the JAX backend compiles it once);
    inside a ``tf.function`` it is traced with the rest."""
    return fn


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of ``elems`` (a tensor or structure) along ``axis`` with the associative
    ``f``: ``[a, f(a, b), f(f(a, b), c), ...]``; with ``reverse``,
    ``[..., f(f(z, y), x), f(z, y), z]``. ``f`` is applied to whole blocks of elements (log2(n)
    doubling steps, as in a Hillis-Steele scan), so it must work elementwise along ``axis``."""
    if not callable(f):
        raise TypeError(f"`f` must be callable. Received: f={f!r}")
    leaves, tree = optree.tree_flatten(elems)
    leaves = [_t(v) for v in leaves]
    rank = leaves[0].shape.rank
    axis = axis % rank
    if reverse:
        leaves = [tf.reverse(v, [axis]) for v in leaves]
    sizes = {v.shape[axis] for v in leaves}
    if len(sizes) > 1:
        raise ValueError(f"associative_scan needs every leaf to have the same size along `axis`. Received: sizes {sizes}")

    def take(v, start, stop):
        return v[(builtins.slice(None),) * axis + (builtins.slice(start, stop),)]

    def double(offset, leaves, n):
        # Each element absorbs the partial result `offset` places before it.
        combined = optree.tree_leaves(
            f(
                optree.tree_unflatten(tree, [take(v, 0, n - offset) for v in leaves]),
                optree.tree_unflatten(tree, [take(v, offset, None) for v in leaves]),
            )
        )
        return [tf.concat([take(v, 0, offset), c], axis=axis) for v, c in zip(leaves, combined)]

    n = leaves[0].shape[axis]
    if n is not None:
        offset = 1
        while offset < n:
            leaves = double(offset, leaves, n)
            offset *= 2
    else:
        n = tf.shape(leaves[0])[axis]
        shapes = [v.shape for v in leaves]

        def body(offset, leaves):
            new = double(offset, list(leaves), n)
            for v, shape in zip(new, shapes):
                v.set_shape(shape)
            return offset * 2, new

        _, leaves = tf.while_loop(lambda offset, _: offset < n, body, (tf.constant(1), leaves))
    if reverse:
        leaves = [tf.reverse(v, [axis]) for v in leaves]
    return optree.tree_unflatten(tree, list(leaves))


def switch(index, branches, *operands):
    """``branches[index](*operands)`` with ``index`` clamped to ``[0, len(branches) - 1]``;
    inside a ``tf.function`` the index may be a tensor (``tf.switch_case``)."""
    index = tf.clip_by_value(tf.cast(_t(index), tf.int32), 0, len(branches) - 1)
    operands = _tree_to_tensors(operands)
    if tf.executing_eagerly():
        return branches[int(index)](*operands)
    return tf.switch_case(index, [lambda branch=branch: branch(*operands) for branch in branches])


def vectorized_map(function, elements):
    """``function`` applied to each slice of ``elements`` along the leading axis, vectorised
    by ``tf.vectorized_map``; functions it cannot vectorise run as a loop (:func:`map`)."""
    elements = _tree_to_tensors(elements)
    try:
        return tf.vectorized_map(function, elements)
    except (TypeError, ValueError, NotImplementedError, tf.errors.OperatorNotAllowedInGraphError):
        return map(function, elements)


def custom_gradient(f):
    """``f`` returns ``(output, grad_fn)``; gradients of the decorated function are
    ``grad_fn(upstream)`` (one gradient per tensor argument), as in Keras. Gradients to
    variables ``f`` reads on its own are not propagated (as on JAX and torch). Keyword
    arguments reach ``f`` as they are and get no gradient."""

    def with_gradient(fn):
        @tf.custom_gradient
        def call(*args):
            output, grad_fn = fn(*args)

            def gradient(*upstream, variables=None):
                grads = grad_fn(upstream[0] if len(upstream) == 1 else upstream)
                grads = tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)
                if variables:
                    return grads, [None] * len(variables)
                return grads

            return output, gradient

        return call

    positional_only = with_gradient(f)

    def wrapped(*args, **kwargs):
        # TensorFlow takes keyword arguments only eagerly: bind them first.
        call = with_gradient(functools.partial(f, **kwargs)) if kwargs else positional_only
        return call(*[_t(a) for a in args])

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = getattr(f, "__doc__", None)
    return wrapped
