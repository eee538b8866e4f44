"""Runs an op call as one compiled program on JAX (eager elsewhere).

Eager JAX compiles every primitive of a composite op on first use; compiling the
whole call with ``jax.jit`` costs one compile per case, which keeps the op tests
fast, and checks that the ops trace under ``jit``. Only array arguments are traced:
Python scalars, strings and shapes stay static, so weak-scalar promotion is the
same as in an eager call. Ops whose output shape depends on values (``unique``,
``nonzero``, ...) cannot be traced and run eagerly.
"""

import numpy as np
import optree

from cornu import backend


def call(fn, args, kwargs):
    """``fn(*args, **kwargs)``, compiled as a whole on JAX."""
    return _on_jax(fn, args, kwargs, "jit")


def shapes(fn, args, kwargs):
    """The shapes and dtypes ``fn(*args, **kwargs)`` gives. On JAX, ``jax.eval_shape``
    gives exactly those of the eager call without compiling anything."""
    return _on_jax(fn, args, kwargs, "eval_shape")


def _on_jax(fn, args, kwargs, transform):
    if backend.backend() != "jax":
        return fn(*args, **kwargs)
    import jax

    leaves, treedef = optree.tree_flatten((args, kwargs), none_is_leaf=True)
    traced = [i for i, leaf in enumerate(leaves) if isinstance(leaf, np.ndarray)]

    def program(arrays):
        filled = list(leaves)
        for i, a in zip(traced, arrays):
            filled[i] = a
        a, k = optree.tree_unflatten(treedef, filled)
        return fn(*a, **k)

    try:
        arrays = [leaves[i] for i in traced]
        return jax.jit(program)(arrays) if transform == "jit" else jax.eval_shape(program, arrays)
    except (jax.errors.ConcretizationTypeError, jax.errors.NonConcreteBooleanIndexError,
            jax.errors.TracerArrayConversionError, jax.errors.TracerIntegerConversionError):
        return fn(*args, **kwargs)
