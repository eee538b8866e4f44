"""Gradient helpers for the ops tests: the backend's autodiff and central finite differences.

The autodiff call is the backend's own (``jax.grad`` / ``torch.autograd`` / ``tf.GradientTape``
inside a ``tf.function``), picked by
``cornu.backend.backend()``; that is fine inside tests. On JAX the gradient and the
function are compiled with ``jax.jit`` (one compile each instead of one per primitive),
which also checks that the ops work inside a compiled step.
"""

import numpy as np

from cornu import backend, ops


def autodiff(fn, x):
    """d fn(x) / dx for a scalar-valued ``fn``, as a NumPy array."""
    if backend.backend() == "jax":
        import jax

        return np.asarray(jax.jit(jax.grad(fn))(x))
    if backend.backend() == "tensorflow":
        import tensorflow as tf

        @tf.function
        def gradient(v):
            with tf.GradientTape() as tape:
                tape.watch(v)
                out = fn(v)
            return tape.gradient(out, v)

        return gradient(tf.constant(x)).numpy()
    import torch

    t = torch.tensor(x, requires_grad=True)
    fn(t).backward()
    return t.grad.numpy()


def finite_differences(fn, x, eps=1e-2):
    """Central differences of a scalar-valued ``fn`` at ``x`` (float32 evaluations)."""
    fn = _compiled(fn)
    x = x.astype(np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        f_plus = float(ops.convert_to_numpy(fn(plus.astype("float32"))))
        f_minus = float(ops.convert_to_numpy(fn(minus.astype("float32"))))
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def check_gradient(fn, x, directions=3, eps=1e-2, tol=3e-2, name=""):
    """Checks ``autodiff(fn, x)`` along a few random unit directions ``v``: the directional
    derivative ``<grad, v>`` must match ``(fn(x + eps v) - fn(x - eps v)) / (2 eps)``.

    Two evaluations per direction instead of two per element keep this cheap.
    """
    grad = autodiff(fn, x).astype(np.float64)
    fn = _compiled(fn)
    assert np.all(np.isfinite(grad)), f"{name}: non-finite gradient"
    rng = np.random.default_rng(0)
    scale = 1.0 + float(np.linalg.norm(grad))
    for _ in range(directions):
        v = rng.normal(size=x.shape)
        v /= np.linalg.norm(v)
        f_plus = float(ops.convert_to_numpy(fn((x + eps * v).astype("float32"))))
        f_minus = float(ops.convert_to_numpy(fn((x - eps * v).astype("float32"))))
        numeric = (f_plus - f_minus) / (2 * eps)
        analytic = float(np.sum(grad * v))
        assert abs(numeric - analytic) <= tol * scale, f"{name}: <grad, v> = {analytic}, finite differences give {numeric}"


def _compiled(fn):
    if backend.backend() != "jax":
        return fn
    import jax

    return jax.jit(fn)
