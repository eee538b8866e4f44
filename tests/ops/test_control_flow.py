"""Control-flow and update ops inside a compiled step (``jax.jit``, ``tf.function``) and under
autograd (torch).

Each case is a scalar function of ``x`` with its value and gradient worked out by hand.
On JAX the function and its gradient run under ``jax.jit`` (so predicates, loop
bounds and indices are traced), on TensorFlow under ``tf.function(jit_compile=True)`` with
a ``tf.GradientTape``; on torch the gradient comes from ``backward()``;
NumPy checks the values eagerly.
"""

import numpy as np
import pytest

from cornu import backend, ops

X = np.array([1.0, 2.0, 3.0], "float32")
W = np.array([1.0, -2.0, 3.0, 0.5, 2.0], "float32")
M = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]], "float32")


@ops.custom_gradient
def _triple_gradient(x):
    return x * 1.0, lambda upstream: upstream * 3.0


def _while(x):
    _, v = ops.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2.0), (0, x))
    return ops.sum(v)


# name -> (fn, input, value, gradient or None when the op has no reverse-mode gradient on JAX)
CASES = {
    "cond-true": (lambda x: ops.sum(ops.cond(ops.sum(x) > 0, lambda: x * 2.0, lambda: x * 3.0)), X, 12.0, [2.0, 2.0, 2.0]),
    "cond-false": (lambda x: ops.sum(ops.cond(ops.sum(x) < 0, lambda: x * 2.0, lambda: -x)), X, -6.0, [-1.0, -1.0, -1.0]),
    "switch": (lambda x: ops.sum(ops.switch(ops.cast(ops.sum(x) > 100, "int32"), [lambda v: v * v, lambda v: v], x)), X, 14.0, 2 * X),
    "switch-clamped": (lambda x: ops.sum(ops.switch(ops.cast(ops.sum(x), "int32"), [lambda v: v * v, lambda v: v * 5.0], x)), X, 30.0, [5.0] * 3),
    "while_loop": (_while, X, 48.0, None),
    "fori_loop": (lambda x: ops.sum(ops.fori_loop(0, 3, lambda i, v: v * x, ops.ones_like(x))), X, 36.0, 3 * X**2),
    "scan": (lambda x: ops.scan(lambda c, v: (c * v, c), 1.0, x)[0], X, 6.0, [6.0, 3.0, 2.0]),
    "scan-ys": (lambda x: ops.sum(ops.scan(lambda c, v: (c + v, c + v), 0.0, x)[1]), X, 10.0, [3.0, 2.0, 1.0]),
    "associative_scan": (lambda x: ops.sum(ops.associative_scan(ops.add, x)), X, 10.0, [3.0, 2.0, 1.0]),
    "associative_scan-reverse": (lambda x: ops.sum(ops.associative_scan(ops.add, x, reverse=True) * x), X, 25.0, [7.0, 8.0, 9.0]),
    "map": (lambda x: ops.sum(ops.map(lambda v: v * v, x)), X, 14.0, 2 * X),
    "vectorized_map": (lambda x: ops.sum(ops.vectorized_map(lambda row: ops.sum(row * row), x)), M, float(np.sum(M * M)), 2 * M),
    "custom_gradient": (lambda x: ops.sum(_triple_gradient(x)), X, 6.0, [3.0, 3.0, 3.0]),
    "stop_gradient": (lambda x: ops.sum(x * ops.stop_gradient(x)), X, 14.0, X),
    "slice_update": (lambda x: ops.sum(ops.multiply(ops.slice_update(ops.zeros((5,)), [1], x), W)), X, float(W[1:4] @ X), W[1:4]),
    "scatter": (lambda x: ops.sum(ops.multiply(ops.scatter(np.array([[0], [2], [4]]), x, (5,)), W)), X, float(W[[0, 2, 4]] @ X), W[[0, 2, 4]]),
    "scatter_update": (lambda x: ops.sum(ops.multiply(ops.scatter_update(ops.ones((5,)), np.array([[1], [3]]), x[:2]), W)),
                       X, float(W[0] + W[2] + W[4] + W[1] * 1.0 + W[3] * 2.0), [W[1], W[3], 0.0]),
}


def _value(fn, x):
    if backend.backend() == "jax":
        import jax

        return float(jax.jit(fn)(x))
    if backend.backend() == "tensorflow":
        import tensorflow as tf

        return float(tf.function(fn, jit_compile=True)(tf.constant(x)))
    return float(ops.convert_to_numpy(fn(ops.convert_to_tensor(x))))


def _gradient(fn, x, xla=True):
    if backend.backend() == "jax":
        import jax

        return np.asarray(jax.jit(jax.grad(fn))(x))
    if backend.backend() == "tensorflow":
        import tensorflow as tf

        @tf.function(jit_compile=xla)
        def gradient(v):
            with tf.GradientTape() as tape:
                tape.watch(v)
                out = fn(v)
            return tape.gradient(out, v)

        return gradient(tf.constant(x)).numpy()
    import torch

    t = torch.tensor(x, requires_grad=True)
    out = fn(t)
    assert out.requires_grad, "the result is cut off from autograd"
    out.backward()
    return t.grad.numpy()


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_inside_compiled_step(name):
    fn, x, value, _ = CASES[name]
    np.testing.assert_allclose(_value(fn, x), value, rtol=1e-6, err_msg=name)


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_inside_compiled_step(name):
    fn, x, _, gradient = CASES[name]
    if gradient is None:
        if backend.backend() == "jax":
            pytest.skip("jax.lax.while_loop has no reverse-mode gradient (use fori_loop or scan)")
        gradient = [8.0, 8.0, 8.0]  # v doubled three times
        # XLA differentiates only loops of a static trip count (as JAX): TF's graph mode does the rest.
        np.testing.assert_allclose(_gradient(fn, x, xla=False), gradient, rtol=1e-6, err_msg=name)
        return
    np.testing.assert_allclose(_gradient(fn, x), gradient, rtol=1e-6, err_msg=name)


@pytest.mark.requires_trainable_backend
def test_loops_with_traced_bounds_and_carries_of_structures():
    def fn(x):
        n = ops.cast(ops.sum(x) > 0, "int32") + 2  # 3, traced under jit
        out = ops.fori_loop(0, n, lambda i, v: v + ops.cast(i, "float32") * x, ops.zeros_like(x))
        carry, _ = ops.scan(lambda c, v: ((c[0] + v, c[1] * 2.0), None), (0.0, 1.0), x)
        return ops.sum(out) + carry[0] + carry[1]

    # sum over i in 0..2 of i * x = 3 x; scan: sum(x) and 2 ** 3
    np.testing.assert_allclose(_value(fn, X), 3 * 6.0 + 6.0 + 8.0, rtol=1e-6)


@pytest.mark.requires_trainable_backend
def test_jvp_gives_the_directional_derivative():
    def fn(x):
        return ops.jvp(lambda v: ops.sin(v) * v, (x,), (ops.ones_like(x),))

    out, tangent = (ops.convert_to_numpy(t) for t in (_run(fn, X)))
    np.testing.assert_allclose(out, np.sin(X) * X, rtol=1e-6)
    np.testing.assert_allclose(tangent, np.cos(X) * X + np.sin(X), rtol=1e-6)
    x = ops.convert_to_tensor(X)
    out, tangent, aux = ops.jvp(lambda v: (v * 2.0, v + 1.0), (x,), (x,), has_aux=True)
    np.testing.assert_allclose(ops.convert_to_numpy(tangent), 2 * X)
    np.testing.assert_allclose(ops.convert_to_numpy(aux), X + 1.0)


def _run(fn, x):
    if backend.backend() == "jax":
        import jax

        return jax.jit(fn)(x)
    if backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)(tf.constant(x))
    return fn(ops.convert_to_tensor(x))


def test_conversion_helpers():
    t = ops.convert_to_tensor(X)
    assert ops.is_tensor(t) and not ops.is_tensor([1.0, 2.0])
    assert ops.dtype(t) == "float32" and tuple(ops.shape(t)) == (3,)
    assert ops.dtype(ops.convert_to_tensor([1, 2])) == "int32"
    assert ops.dtype(ops.convert_to_tensor(X, dtype="float16")) == "float16"
    np.testing.assert_array_equal(ops.convert_to_numpy(t), X)
    assert ops.shape(backend.KerasTensor((None, 4))) == (None, 4)


def test_convert_to_numpy_of_a_list_of_model_outputs():
    # A model with a list of outputs gives tensors that may require gradients (torch).
    import cornu

    inputs = cornu.Input((3,))
    model = cornu.Model(inputs, [cornu.layers.Dense(2)(inputs), cornu.layers.Dense(2)(inputs)])
    outputs = model(np.ones((4, 3), "float32"))
    arrays = ops.convert_to_numpy(outputs)
    assert arrays.shape == (2, 4, 2)
    np.testing.assert_array_equal(arrays[0], ops.convert_to_numpy(outputs[0]))
