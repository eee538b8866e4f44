"""nn, math, linalg, core, einops and image ops against outputs recorded from the real Keras.

``tests/fixtures/ops/keras_references.npz`` holds what Keras 3 on JAX returns for every case of
``tests/helpers/ops/reference_cases.py`` (regenerate with ``tests/helpers/ops/make_keras_references.py``).
Values must match within a tolerance set by the result dtype, and result dtypes must be equal.
"""

import json
import zlib

import numpy as np
import pytest

from cornu import backend, ops

from tests.helpers.ops import compiled, reference_cases
from tests.helpers.requirements import fixture_path

with open(fixture_path("ops", "keras_references.json")) as f:
    META = json.load(f)
VALUES = np.load(fixture_path("ops", "keras_references.npz"))

TOLERANCE = {"float16": 2e-2, "bfloat16": 8e-2, "float32": 2e-5, "complex64": 2e-5, "float64": 1e-9}
# Keras results cornu deliberately does not reproduce (a case id, or "id|dtype").
DIFFERENT_ON_PURPOSE = {
    # Keras (every backend) takes tau = (sum of the cumulative sums over the support - 1) / k,
    # which is not a projection onto the simplex once the support has two or more entries;
    # cornu uses (cumsum[k - 1] - 1) / k (see test_nn_math_linalg_ops.py::test_activations).
    "sparsemax",
    # Keras mixes raw NumPy bfloat16 inputs with NumPy arithmetic and ends up in float32.
    "batch_normalization|bfloat16",
}


def dtypes_to_run(case):
    """Every recorded dtype on torch and numpy. On JAX (one compile per case and dtype)
    float32, plus for half of the cases (by a stable hash) one other dtype picked by the
    hash, so that the JAX run still meets every dtype."""
    if backend.backend() != "jax" or len(case.dtypes) <= 1:
        return case.dtypes
    main = ["float32"] if "float32" in case.dtypes else [case.dtypes[0]]
    key = zlib.crc32(case.id.encode())
    if key % 2:
        return main
    others = [d for d in case.dtypes if d not in main]
    return main + [others[(key // 2) % len(others)]]


def flatten(out):
    if isinstance(out, (tuple, list)):
        return [leaf for o in out for leaf in flatten(o)]
    return [out]


@pytest.mark.parametrize("case", reference_cases.CASES, ids=lambda c: c.id)
def test_matches_keras(case):
    for dtype in dtypes_to_run(case):
        key = f"{case.id}|{dtype}"
        meta = META.get(key)
        if meta is None:
            pytest.fail(f"{key} has no Keras reference: run tests/helpers/ops/make_keras_references.py")
        if "error" in meta or key in DIFFERENT_ON_PURPOSE or case.id in DIFFERENT_ON_PURPOSE:
            continue
        args, kwargs = case.inputs(dtype)
        out = compiled.call(lambda *a, **k: case.fn(ops, *a, **k), args, kwargs)
        leaves = flatten(out)
        assert len(leaves) == len(meta["dtypes"]), f"{key}: {len(leaves)} outputs, Keras gives {len(meta['dtypes'])}"
        for i, (leaf, keras_dtype) in enumerate(zip(leaves, meta["dtypes"])):
            where = f"{key} output {i}"
            assert backend.standardize_dtype(leaf.dtype) == keras_dtype, f"{where}: dtype {backend.standardize_dtype(leaf.dtype)}, Keras gives {keras_dtype}"
            expected = VALUES[f"{key}|{i}"]
            actual = np.asarray(ops.convert_to_numpy(leaf)).astype(np.complex128 if expected.dtype.kind == "c" else np.float64)
            assert actual.shape == expected.shape, f"{where}: shape {actual.shape}, Keras gives {expected.shape}"
            tol = max(case.tol or 0.0, TOLERANCE.get(keras_dtype, 0.0))
            np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol, equal_nan=True, err_msg=where)
