import numpy as np
import pytest

from cornu import backend
from cornu.backend.common.dtypes import result_type, standardize_dtype


@pytest.mark.parametrize(
    "inputs, expected",
    [
        (("int8", "uint8"), "int16"),
        (("int32", "float16"), "float16"),
        (("float16", "bfloat16"), "float32"),
        (("uint32", "int32"), "int64"),
        (("bool", int), "int32"),
        (("float16", float), "float16"),
        (("int8", int), "int8"),
        ((int, float), "float32"),
        (("int64", "uint64"), "float32"),
        (("float32", "complex64"), "complex64"),
    ],
)
def test_result_type_follows_the_keras_lattice(inputs, expected):
    assert result_type(*inputs) == expected


def test_result_type_matches_jax_promotion_for_every_pair():
    import jax.numpy as jnp

    names = ["bool", "uint8", "int8", "int16", "int32", "float16", "bfloat16", "float32"]
    for a in names:
        for b in names:
            assert result_type(a, b) == jnp.promote_types(a, b).name, (a, b)


@pytest.mark.parametrize("value, expected", [(np.float32, "float32"), ("double", "float64"), (bool, "bool"), (int, "int32")])
def test_standardize_dtype(value, expected):
    if value is int and backend.backend() == "tensorflow":
        expected = "int64"  # Keras's rule on TensorFlow (a Python int tensor is still int32 there)
    assert standardize_dtype(value) == expected


def test_standardize_dtype_rejects_unknown_names():
    with pytest.raises(ValueError, match="Invalid dtype"):
        standardize_dtype("float13")


def test_native_backend_dtypes_standardize():
    x = backend.convert_to_tensor(np.ones(2, dtype="int16"))
    assert standardize_dtype(x.dtype) == "int16"
    assert standardize_dtype(backend.convert_to_tensor(1.5).dtype) == "float32"
    assert standardize_dtype(backend.convert_to_tensor(3).dtype) == "int32"
