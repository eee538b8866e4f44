"""``cornu.ops.numpy`` against NumPy (values) and the real Keras (result dtypes).

Every case of ``op_cases.py`` runs for each of its input dtypes on the active
backend. Values must match the NumPy reference within a tolerance set by the
result dtype; the result dtype must equal the one Keras 3 gives on JAX,
recorded in ``tests/fixtures/ops/keras_dtypes.json`` (regenerate with
``tests/helpers/ops/make_keras_dtypes.py``).
"""

import json
import zlib

import numpy as np
import pytest

from cornu import backend, ops

from tests.helpers.ops import op_cases
from tests.helpers.requirements import fixture_path

with open(fixture_path("ops", "keras_dtypes.json")) as f:
    KERAS_DTYPES = json.load(f)

TOLERANCE = {"float16": 2e-2, "bfloat16": 8e-2, "float32": 2e-5, "float64": 1e-9}


def expected_dtype(dtype):
    # Keras on torch accumulates small unsigned integers in int32 (torch has no uint32 kernels).
    if backend.backend() == "torch" and dtype == "uint32":
        return "int32"
    return dtype


def result_dtypes(out):
    if isinstance(out, (tuple, list)):
        return [result_dtypes(o) for o in out]
    return backend.standardize_dtype(out.dtype)


def check_dtypes(actual, expected, where):
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{where}: {actual} vs Keras {expected}"
        for a, e in zip(actual, expected):
            check_dtypes(a, e, where)
        return
    assert actual == expected_dtype(expected), f"{where}: result dtype {actual}, Keras gives {expected}"


def check_values(actual, expected, dtype_name, tol, where):
    if isinstance(expected, (tuple, list)):
        assert isinstance(actual, (tuple, list)) and len(actual) == len(expected), f"{where}: structure differs"
        for a, e in zip(actual, expected):
            check_values(a, e, dtype_name, tol, where)
        return
    actual = np.asarray(ops.convert_to_numpy(actual))
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, f"{where}: shape {actual.shape}, NumPy gives {expected.shape}"
    if expected.dtype == bool or actual.dtype == bool:
        np.testing.assert_array_equal(actual.astype(bool), expected.astype(bool), err_msg=where)
        return
    rtol = tol or TOLERANCE.get(actual.dtype.name, 0)
    if actual.dtype.name == "bfloat16":
        rtol = tol or TOLERANCE["bfloat16"]
    np.testing.assert_allclose(
        actual.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=rtol, equal_nan=True, err_msg=where
    )


def dtypes_to_run(case):
    """Every input dtype on torch and numpy. On JAX, whose dtypes are ``jax.numpy``'s own
    (the reference Keras follows), every case runs in float32 (or its first dtype) and, for
    half of the ops (by a stable hash), the first case adds one more dtype, also picked by
    the hash, so that the JAX run still meets every dtype of the table."""
    if backend.backend() != "jax" or len(case.dtypes) <= 1:
        return case.dtypes
    main = ["float32"] if "float32" in case.dtypes else [case.dtypes[0]]
    key = zlib.crc32(case.op.encode())
    if op_cases.PRIMARY[case.op] != case.id or key % 2:
        return main
    others = [d for d in case.dtypes if d not in main]
    return main + [others[(key // 2) % len(others)]]


@pytest.mark.parametrize("case", [c for c in op_cases.CASES if op_cases.runs_on(c, backend.backend())], ids=lambda c: c.id)
def test_op_matches_numpy_and_keras_dtype(case):
    fn = getattr(ops, case.op)
    for dtype in dtypes_to_run(case):
        args, kwargs = case.inputs(dtype)
        where = f"{case.id} on {dtype} inputs"
        out = fn(*args, **kwargs)
        keras_dtype = KERAS_DTYPES.get(f"{case.id}|{dtype}")
        if isinstance(keras_dtype, str) and keras_dtype.startswith("error"):
            keras_dtype = None
        if keras_dtype is not None and not isinstance(out, (int, float)):
            check_dtypes(result_dtypes(out), keras_dtype, where)
        with np.errstate(all="ignore"):
            expected = case.ref(*args, **kwargs)
        check_values(out, expected, dtype, case.tol, where)


def test_argpartition_partitions():
    x = np.array([[5.0, 1.0, 4.0, 2.0, 3.0], [0.0, -1.0, 7.0, 3.0, 2.0]], "float32")
    idx = ops.convert_to_numpy(ops.argpartition(x, 2, axis=1))
    assert idx.dtype == np.int32
    picked = np.take_along_axis(x, idx, axis=1)
    kth = np.sort(x, axis=1)[:, 2:3]
    assert np.all(picked[:, :2] <= kth) and np.all(picked[:, 2:3] == kth) and np.all(picked[:, 3:] >= kth)


def test_unique_with_size_pads_and_truncates():
    x = np.array([3, 1, 3, 2], "int32")
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.unique(x, size=5, fill_value=-1)), [1, 2, 3, -1, -1])
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.unique(x, size=2)), [1, 2])


def test_vectorize_maps_over_leading_axes():
    double = ops.vectorize(lambda a: a * 2)
    np.testing.assert_allclose(ops.convert_to_numpy(double(np.array([1.0, 2.0], "float32"))), [2.0, 4.0])
    row_sum = ops.vectorize(lambda a: ops.sum(a), signature="(n)->()")
    np.testing.assert_allclose(ops.convert_to_numpy(row_sum(np.ones((3, 4), "float32"))), [4.0, 4.0, 4.0])


def test_ops_accept_variables():
    v = backend.Variable(np.array([[1.0, -2.0], [3.0, 4.0]], "float32"))
    np.testing.assert_allclose(ops.convert_to_numpy(ops.add(v, 1.0)), [[2.0, -1.0], [4.0, 5.0]])
    np.testing.assert_allclose(ops.convert_to_numpy(ops.matmul(v, v)), np.array([[-5.0, -10.0], [15.0, 10.0]]))
    np.testing.assert_allclose(ops.convert_to_numpy(ops.sum(v, axis=0)), [4.0, 2.0])
    np.testing.assert_allclose(ops.convert_to_numpy(ops.sin(v)), np.sin([[1.0, -2.0], [3.0, 4.0]]), rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(ops.concatenate([v, v])).shape, (4, 2))
    np.testing.assert_allclose(ops.convert_to_numpy(ops.where(ops.greater(v, 0), v, 0.0)), [[1.0, 0.0], [3.0, 4.0]])
    assert backend.standardize_dtype(ops.add(v, 1).dtype) == "float32"


def test_python_scalars_are_weak():
    x = np.ones((2,), "float16")
    assert backend.standardize_dtype(ops.add(x, 2.5).dtype) == "float16"
    assert backend.standardize_dtype(ops.multiply(np.ones((2,), "int8"), 3).dtype) == "int8"
    assert backend.standardize_dtype(ops.add(1, 2).dtype) == "int32"
    assert backend.standardize_dtype(ops.add(1.0, 2).dtype) == backend.floatx()
