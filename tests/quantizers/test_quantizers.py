"""``cornu.quantizers``: the functions and classes against NumPy references and the real Keras 3.15.1."""

import inspect
import json

import numpy as np
import pytest

import cornu
from cornu import ops, quantizers

RNG = np.random.RandomState(7)


def _np(x):
    return ops.convert_to_numpy(x)


def _json(config):
    """A config as it is written to a file (tuples become lists)."""
    return json.loads(json.dumps(config))


def _reference_abs_max(x, axis, high=127, low=-127, eps=1e-7):
    scale = (high / (np.max(np.abs(x), axis=axis, keepdims=True) + np.float32(eps))).astype(x.dtype)
    return np.clip(np.round(x * scale), low, high).astype("int8"), scale


@pytest.mark.parametrize("to_numpy", [False, True])
@pytest.mark.parametrize("axis", [0, -1, (0, 2)])
def test_abs_max_quantize_matches_numpy_reference(axis, to_numpy):
    x = RNG.randn(3, 4, 5).astype("float32")
    q, scale = quantizers.abs_max_quantize(ops.convert_to_tensor(x), axis, to_numpy=to_numpy)
    expected_q, expected_scale = _reference_abs_max(x, axis)
    assert ops.dtype(q) == "int8" and ops.dtype(scale) == "float32"
    np.testing.assert_allclose(_np(scale), expected_scale, rtol=1e-6)
    # Rounding of a value within float error of .5 may differ by one step.
    assert np.abs(_np(q).astype(int) - expected_q.astype(int)).max() <= 1
    np.testing.assert_allclose(_np(q) / _np(scale), x, atol=np.abs(x).max() / 127)


def test_abs_max_quantize_matches_keras(keras_ref):
    x = RNG.randn(6, 5).astype("float32")
    for axis in (0, -1):
        for to_numpy in (False, True):
            q, scale = quantizers.abs_max_quantize(ops.convert_to_tensor(x), axis, to_numpy=to_numpy)
            kq, kscale = keras_ref.quantizers.abs_max_quantize(x, axis, to_numpy=to_numpy)
            np.testing.assert_array_equal(_np(q), np.asarray(kq))
            np.testing.assert_allclose(_np(scale), np.asarray(kscale), rtol=1e-6)


def test_abs_max_quantizer_call_and_config(keras_ref):
    x = RNG.randn(4, 3).astype("float32")
    quantizer = quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100))
    q, scale = quantizer(ops.convert_to_tensor(x))
    kq, kscale = keras_ref.quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100))(x)
    np.testing.assert_array_equal(_np(q), np.asarray(kq))
    np.testing.assert_allclose(_np(scale), np.asarray(kscale), rtol=1e-6)
    assert quantizer.get_config() == keras_ref.quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100)).get_config()
    # Default axis: the last one.
    q, _ = quantizers.AbsMaxQuantizer()(ops.convert_to_tensor(x))
    np.testing.assert_array_equal(_np(q), _reference_abs_max(x, -1)[0])
    with pytest.raises(ValueError, match="value_range"):
        quantizers.AbsMaxQuantizer(value_range=(-200, 127))


def test_pack_and_unpack_int4_match_keras(keras_ref):
    values = RNG.randint(-8, 8, size=(5, 3)).astype("int8")
    for axis in (0, 1, -1):
        packed, shape, length = quantizers.pack_int4(ops.convert_to_tensor(values), axis=axis)
        kpacked, kshape, klength = keras_ref.quantizers.pack_int4(values, axis=axis)
        np.testing.assert_array_equal(_np(packed), np.asarray(kpacked))
        assert (shape, length) == (tuple(kshape), klength)
        np.testing.assert_array_equal(_np(quantizers.unpack_int4(packed, length, axis=axis)), values)
    unsigned = RNG.randint(0, 16, size=(4, 2)).astype("uint8")
    packed, _, length = quantizers.pack_int4(ops.convert_to_tensor(unsigned), dtype="uint8")
    np.testing.assert_array_equal(_np(quantizers.unpack_int4(packed, length, dtype="uint8")), unsigned)
    with pytest.raises(TypeError):
        quantizers.pack_int4(ops.convert_to_tensor(values.astype("int32")))


def test_float8_helpers_match_keras(keras_ref):
    x = RNG.randn(7).astype("float32") * 3
    history = RNG.rand(5).astype("float32")
    np.testing.assert_allclose(
        _np(quantizers.compute_float8_amax_history(ops.convert_to_tensor(x), ops.convert_to_tensor(history))),
        np.asarray(keras_ref.quantizers.compute_float8_amax_history(x, history)), rtol=1e-6)
    for amax in (np.float32(2.5), np.float32(0.0), np.float32(np.inf)):
        np.testing.assert_allclose(
            _np(quantizers.compute_float8_scale(amax, np.float32(0.5), np.float32(448.0), margin=1)),
            np.asarray(keras_ref.quantizers.compute_float8_scale(amax, np.float32(0.5), np.float32(448.0), margin=1)),
            rtol=1e-6)
    np.testing.assert_allclose(
        _np(quantizers.quantize_and_dequantize(ops.convert_to_tensor(x), np.float32(0.01), "float8_e4m3fn",
                                               "float32")),
        np.asarray(keras_ref.quantizers.quantize_and_dequantize(x, np.float32(0.01), "float8_e4m3fn", "float32")),
        rtol=1e-6)


def test_serialize_deserialize_get_round_trip_with_keras(keras_ref):
    quantizer = quantizers.AbsMaxQuantizer(axis=(0,), value_range=(-50, 50))
    config = quantizers.serialize(quantizer)
    assert _json(config) == _json(keras_ref.quantizers.serialize(
        keras_ref.quantizers.AbsMaxQuantizer(axis=(0,), value_range=(-50, 50))))
    restored = quantizers.deserialize(config)
    assert isinstance(restored, quantizers.AbsMaxQuantizer) and restored.axis == (0,)
    assert tuple(restored.value_range) == (-50, 50)
    assert isinstance(quantizers.get("abs_max_quantizer"), quantizers.AbsMaxQuantizer)
    assert quantizers.get("AbsMaxQuantizer", value_range=(-8, 7)).value_range == (-8, 7)
    assert quantizers.get(None) is None
    int8 = quantizers.Int8QuantizationConfig()
    config = quantizers.serialize(int8)
    assert _json(config) == _json(keras_ref.quantizers.serialize(keras_ref.quantizers.Int8QuantizationConfig()))
    restored = quantizers.deserialize(config)
    assert restored.mode == "int8" and isinstance(restored.activation_quantizer, quantizers.AbsMaxQuantizer)
    weight_only = quantizers.deserialize(quantizers.serialize(quantizers.Int8QuantizationConfig(
        activation_quantizer=None)))
    assert weight_only.activation_quantizer is None


MISSING = {
    "Int4QuantizationConfig": lambda: quantizers.Int4QuantizationConfig(),
    "Float8QuantizationConfig": lambda: quantizers.Float8QuantizationConfig(),
    "GPTQConfig": lambda: quantizers.GPTQConfig(None, None),
    "AWQConfig": lambda: quantizers.AWQConfig(None, None),
    "abs_max_quantize_grouped_with_zero_point": lambda: quantizers.abs_max_quantize_grouped_with_zero_point(
        np.ones((4, 2), "float32"), 2),
    "fake_quant_with_min_max_vars": lambda: quantizers.fake_quant_with_min_max_vars(np.ones(2), 0.0, 1.0),
    "QuantizedFloat8DTypePolicy": lambda: cornu.dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32"),
    "Int4DTypePolicy": lambda: cornu.dtype_policies.Int4DTypePolicy("int4/128", "float32"),
    "GPTQDTypePolicy": lambda: cornu.dtype_policies.GPTQDTypePolicy("gptq/4/128", "float32"),
    "AWQDTypePolicy": lambda: cornu.dtype_policies.AWQDTypePolicy("awq/4/128", "float32"),
    "DTypePolicyMap": lambda: cornu.dtype_policies.DTypePolicyMap(),
}


@pytest.mark.parametrize("name", sorted(MISSING))
def test_missing_features_raise_not_implemented_naming_the_feature(name):
    with pytest.raises(NotImplementedError, match="not implemented in cornu yet; see the README"):
        MISSING[name]()


@pytest.mark.parametrize("namespace", ["quantizers", "dtype_policies"])
def test_every_keras_name_exists_with_keras_signature(keras_ref, namespace):
    ours, theirs = getattr(cornu, namespace), getattr(keras_ref, namespace)
    names = [n for n in dir(theirs) if not n.startswith("_")]
    assert names
    for name in names:
        assert hasattr(ours, name), name
        theirs_obj, ours_obj = getattr(theirs, name), getattr(ours, name)
        if inspect.ismodule(theirs_obj):
            continue
        expected = [(p.name, p.kind, p.default) for p in inspect.signature(theirs_obj).parameters.values()]
        got = [(p.name, p.kind, p.default) for p in inspect.signature(ours_obj).parameters.values()]
        assert got == expected, name
    assert cornu.Quantizer is quantizers.Quantizer


def test_quantized_dtype_policies_match_keras(keras_ref):
    policy = cornu.dtype_policies.get("int8_from_float32")
    keras_policy = keras_ref.dtype_policies.get("int8_from_float32")
    assert type(policy).__name__ == "QuantizedDTypePolicy"
    assert (policy.name, policy.quantization_mode, policy.compute_dtype, policy.variable_dtype) == (
        keras_policy.name, keras_policy.quantization_mode, keras_policy.compute_dtype, keras_policy.variable_dtype)
    assert cornu.dtype_policies.serialize(policy) == keras_ref.dtype_policies.serialize(keras_policy)
    assert cornu.dtype_policies.get(keras_ref.dtype_policies.serialize(keras_policy)) == policy
    mixed = cornu.dtype_policies.get("int8_from_mixed_bfloat16")
    assert (mixed.compute_dtype, mixed.variable_dtype) == ("bfloat16", "float32")
    assert cornu.dtype_policies.get("float32").quantization_mode is None
    assert policy != cornu.dtype_policies.get("float32")
    with pytest.raises(ValueError, match="float16"):
        cornu.dtype_policies.QuantizedDTypePolicy("int8", "float16")
    with pytest.raises(ValueError, match="Invalid quantization mode"):
        cornu.dtype_policies.QuantizedDTypePolicy("int3", "float32")
    with pytest.raises(NotImplementedError, match="int4 quantization is not implemented in cornu yet"):
        cornu.dtype_policies.get("int4_from_float32")
