"""Generic shape inference: run a function on stand-ins for its KerasTensors.

Each backend supplies ``run_on_standins(fn, tensors, fill)``, which calls
``fn`` with concrete-shaped stand-ins (``None`` dims replaced by ``fill``)
without real work: ``jax.eval_shape``, torch ``meta`` tensors, or small NumPy
zeros. Unknown dims are found by running twice with two different sizes and
marking every output dim that differs as ``None``.
"""

import optree

from cornu.backend.common import scopes
from cornu.backend.common.keras_tensor import KerasTensor

_FILL_A, _FILL_B = 83, 89


def _is_keras_tensor(x):
    return isinstance(x, KerasTensor)


def compute_output_spec(run_on_standins, fn, *args, **kwargs):
    return compute_output_spec_with_fills(run_on_standins, (_FILL_A, _FILL_B), fn, *args, **kwargs)


def compute_output_spec_with_fills(run_on_standins, fills, fn, *args, **kwargs):
    """``compute_output_spec`` with the two sizes that stand in for unknown dims: a backend
    whose stand-ins are real arrays (NumPy) passes small ones, so that inferring a shape
    costs little memory and time."""
    leaves, treedef = optree.tree_flatten((args, kwargs), none_is_leaf=True)
    positions = [i for i, leaf in enumerate(leaves) if isinstance(leaf, KerasTensor)]
    specs = [leaves[i] for i in positions]
    has_unknown = any(d is None for spec in specs for d in spec.shape)

    def call_with(tensors):
        filled = list(leaves)
        for i, t in zip(positions, tensors):
            filled[i] = t
        a, k = optree.tree_unflatten(treedef, filled)
        return fn(*a, **k)

    with scopes.StatelessScope(), scopes.SymbolicScope():
        first = run_on_standins(call_with, specs, fills[0])
        if not has_unknown:
            return first
        second = run_on_standins(call_with, specs, fills[1])
    return optree.tree_map(_merge, first, second, none_is_leaf=True)


def _merge(a, b):
    if not isinstance(a, KerasTensor):
        return a
    if len(a.shape) != len(b.shape):
        raise ValueError(f"Shape inference gave outputs of different ranks: {a.shape} vs {b.shape}.")
    shape = tuple(da if da == db else None for da, db in zip(a.shape, b.shape))
    return KerasTensor(shape, dtype=a.dtype)
