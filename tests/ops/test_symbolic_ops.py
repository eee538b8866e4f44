"""Ops called on symbolic ``KerasTensor`` inputs give the eager result's shape and dtype.

Runs the cases of ``op_cases.py`` once with fully known shapes (shapes must match
exactly) and once with the first dimension of the first input unknown (``None``
there, every other dimension must match).
"""

import numpy as np
import pytest

from cornu import backend, ops

from tests.helpers.ops import compiled, op_cases

# Ops whose output shape depends on the values, not only the input shapes.
VALUE_DEPENDENT = {"unique", "nonzero", "bincount", "histogram", "where[nonzero]", "argpartition"}
# Ops that need a particular (known) size along the first axis.
NEEDS_KNOWN_FIRST_DIM = {
    "split", "split[indices]", "array_split", "vsplit", "hsplit", "dsplit", "rot90", "rot90[axes]", "diag", "diag[2d]",
    "diagflat", "cross", "cross[axis]", "correlate[valid]", "correlate[same]", "correlate[full]", "correlate[short]",
    "trapezoid[x]", "slogdet", "take[flat]", "unravel_index", "meshgrid", "meshgrid[xy]", "searchsorted",
    "searchsorted[left]", "select", "isin", "digitize", "vander", "vander[increasing]", "trace", "tril", "triu",
    "corrcoef", "kron", "outer", "take_along_axis", "take_along_axis[bcast]", "squeeze", "squeeze[axis]",
    "expand_dims[tuple]", "transpose[default]", "linspace[arrays]", "quantile", "broadcast_to", "vdot",
    "tensordot[pairs]", "matmul[vector]",
}
CASES = [
    c for c in op_cases.CASES
    if op_cases.runs_on(c, backend.backend())
    and c.id not in VALUE_DEPENDENT and c.op not in VALUE_DEPENDENT and c.op not in ("size", "ndim", "vectorize")
]


def _symbolic(args, unknown_first):
    # The first input's leading dimension becomes None, and so does that of every
    # input sharing its size (e.g. weights shaped like `x`).
    sizes = [a.shape[0] for a in args if isinstance(a, np.ndarray) and a.ndim >= 1]
    out = []
    for a in args:
        if isinstance(a, np.ndarray) and a.ndim >= 1:
            shape = list(a.shape)
            if unknown_first and shape[0] == sizes[0]:
                shape[0] = None
            out.append(backend.KerasTensor(tuple(shape), dtype=backend.standardize_dtype(a.dtype)))
        else:
            out.append(a)
    return out


def _specs(out):
    if isinstance(out, (list, tuple)):
        return [_specs(o) for o in out]
    return (tuple(out.shape), backend.standardize_dtype(out.dtype))


def _compare(symbolic, eager, where, unknown):
    if isinstance(eager, list):
        assert isinstance(symbolic, list) and len(symbolic) == len(eager), f"{where}: {symbolic} vs {eager}"
        for s, e in zip(symbolic, eager):
            _compare(s, e, where, unknown)
        return
    (s_shape, s_dtype), (e_shape, e_dtype) = symbolic, eager
    assert s_dtype == e_dtype, f"{where}: symbolic dtype {s_dtype}, eager {e_dtype}"
    assert len(s_shape) == len(e_shape), f"{where}: symbolic shape {s_shape}, eager {e_shape}"
    for s, e in zip(s_shape, e_shape):
        assert s == e or (unknown and s is None), f"{where}: symbolic shape {s_shape}, eager {e_shape}"


@pytest.mark.parametrize("unknown_first", [False, True], ids=["known", "none-dim"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_symbolic_shape_matches_eager(case, unknown_first):
    if unknown_first and case.id in NEEDS_KNOWN_FIRST_DIM | {c for c in NEEDS_KNOWN_FIRST_DIM if c == case.op}:
        pytest.skip("needs a known first dimension")
    dtype = "float32" if "float32" in case.dtypes else case.dtypes[0]
    args, kwargs = case.inputs(dtype)
    sym_args = _symbolic(args, unknown_first)
    if not any(isinstance(a, backend.KerasTensor) for a in sym_args):
        pytest.skip("no tensor inputs")
    fn = getattr(ops, case.op)
    symbolic = fn(*sym_args, **kwargs)
    eager = compiled.shapes(fn, args, kwargs)
    _compare(_specs(symbolic), _specs(eager), f"{case.id} ({'None dim' if unknown_first else 'known shape'})", unknown_first)


CORNERS = np.array([[0, 0], [5, 0], [5, 5], [0, 5]], "float32")


@pytest.mark.parametrize(
    "name, make",
    [
        ("conv", lambda x: ops.conv(x, np.ones((3, 3, 3, 4), "float32"), padding="same")),
        ("max_pool", lambda x: ops.max_pool(x, 2)),
        ("average_pool", lambda x: ops.average_pool(x, 2, padding="same")),
        ("softmax", lambda x: ops.softmax(x)),
        ("logsumexp", lambda x: ops.logsumexp(x, axis=-1)),
        ("top_k", lambda x: ops.top_k(x, 2)),
        ("norm", lambda x: ops.norm(x, axis=-1)),
        ("erf", lambda x: ops.erf(x)),
        ("slice", lambda x: ops.slice(x, [0, 1, 1, 0], [1, 2, 2, 3])),
        ("unstack", lambda x: ops.unstack(x, axis=-1)),
        ("resize", lambda x: ops.image.resize(x, (4, 4))),
        ("extract_patches", lambda x: ops.image.extract_patches(x, 2)),
        ("conv_transpose", lambda x: ops.conv_transpose(x, np.ones((3, 3, 5, 3), "float32"), 2, "same")),
        ("adaptive_average_pool", lambda x: ops.adaptive_average_pool(x, (4, 2))),
        ("adaptive_max_pool", lambda x: ops.adaptive_max_pool(x, 3)),
        ("unfold", lambda x: ops.unfold(x, 2, stride=2)),
        ("fold", lambda x: ops.fold(ops.reshape(x, (-1, 12, 9)), (6, 6), 2, stride=2)),
        ("rearrange", lambda x: ops.rearrange(x, "b (h h2) w c -> b h (w h2 c)", h2=2)),
        ("stft", lambda x: ops.stft(ops.reshape(x, (-1, 108)), 16, 8, 16)),
        ("ctc_decode", lambda x: ops.ctc_decode(ops.reshape(x, (-1, 18, 6)), ops.cast(ops.sum(x[:, :, 0, 0] * 0.0 + 3.0, axis=1), "int32"), "beam_search", 4, 2)),
        ("ssim", lambda x: ops.image.ssim(x, x * 0.5, filter_size=3)),
        ("perspective_transform", lambda x: ops.image.perspective_transform(x, CORNERS, CORNERS * 0.8 + 0.5)),
        ("elastic_transform", lambda x: ops.image.elastic_transform(x, sigma=1.0, seed=3)),
    ],
)
def test_symbolic_nn_ops_with_unknown_batch(name, make):
    eager = compiled.shapes(make, (np.random.rand(2, 6, 6, 3).astype("float32"),), {})
    symbolic = make(backend.KerasTensor((None, 6, 6, 3)))
    _compare(_specs(symbolic), _specs(eager), name, unknown=True)
