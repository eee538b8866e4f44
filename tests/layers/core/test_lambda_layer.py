import json

import numpy as np
import pytest

import cornu
from cornu import layers, ops
from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object

from tests.helpers.layer_compare import assert_close, assert_same_config, comparable_config, mask_of, to_numpy


def square_plus_one(x):
    return x * x + 1.0


def test_outputs_match_keras_with_arguments(keras_ref):
    x = np.random.rand(3, 4).astype("float32")
    fn = lambda x, scale=1.0: x * scale - 0.5  # noqa: E731
    layer = layers.Lambda(fn, arguments={"scale": 3.0})
    ref = keras_ref.layers.Lambda(fn, arguments={"scale": 3.0})
    assert_close(layer(x), ref(x))
    assert layer.weights == []


def test_mask_and_training_are_forwarded_when_the_function_takes_them():
    seen = {}

    def fn(x, mask=None, training=None):
        seen["mask"], seen["training"] = mask, training
        return x

    layer = layers.Lambda(fn)
    x = ops.convert_to_tensor(np.ones((2, 3), "float32"))
    mask = ops.convert_to_tensor(np.array([[True, False, True], [True, True, False]]))
    layer(x, mask=mask, training=True)
    np.testing.assert_array_equal(to_numpy(seen["mask"]), to_numpy(mask))
    assert seen["training"] is True


def test_output_masks():
    x = ops.convert_to_tensor(np.array([[1.0, 0.0], [0.0, 2.0]], "float32"))
    by_function = layers.Lambda(lambda x: x, mask=lambda inputs, mask: ops.not_equal(inputs, 0))
    np.testing.assert_array_equal(to_numpy(mask_of(by_function(x))), [[True, False], [False, True]])
    fixed = ops.convert_to_tensor(np.array([[True, True], [False, False]]))
    constant = layers.Lambda(lambda x: x * 2, mask=fixed)
    np.testing.assert_array_equal(to_numpy(mask_of(constant(x))), to_numpy(fixed))
    assert layers.Lambda(lambda x: x).supports_masking is False


def test_symbolic_shapes_match_eager():
    x = np.random.rand(2, 3, 4).astype("float32")
    inferred = layers.Lambda(lambda x: ops.sum(x, axis=-1))
    assert inferred(cornu.KerasTensor((None, 3, 4))).shape == (None, 3)
    assert inferred(x).shape == (2, 3)
    assert inferred.compute_output_shape((None, 3, 4)) == (None, 3)
    given = layers.Lambda(lambda x: ops.reshape(x, (-1, 12)), output_shape=(12,))
    assert given(cornu.KerasTensor((None, 3, 4))).shape == (None, 12)
    assert given(x).shape == (2, 12)
    by_function = layers.Lambda(lambda x: x[:, 0], output_shape=lambda s: (s[0], s[2]))
    assert by_function(cornu.KerasTensor((None, 3, 4))).shape == (None, 4)
    assert by_function(x).shape == (2, 4)


def test_symbolic_dtype_is_the_functions_dtype():
    # Keras reports float32 here although the eager output is int32; cornu reports what the call returns.
    layer = layers.Lambda(lambda x: ops.cast(x, "int32"))
    assert layer(cornu.KerasTensor((None, 3))).dtype == "int32"
    assert to_numpy(layer(np.ones((1, 3), "float32"))).dtype == np.int32


def test_lambda_config_matches_keras_byte_for_byte(keras_ref):
    fn = lambda x, k=2.0: x * k  # noqa: E731
    kwargs = {"output_shape": (4,), "arguments": {"k": 3.0}}
    layer, ref = layers.Lambda(fn, **kwargs), keras_ref.layers.Lambda(fn, **kwargs)
    assert_same_config(layer, ref)
    assert layer.get_config()["function"]["class_name"] == "__lambda__"


def test_named_function_config_matches_keras(keras_ref):
    layer, ref = layers.Lambda(square_plus_one), keras_ref.layers.Lambda(square_plus_one)
    assert_same_config(layer, ref)
    assert layer.get_config()["function"]["config"] == "square_plus_one"


def test_bytecode_is_refused_in_safe_mode():
    layer = layers.Lambda(lambda x: x + 1)
    config = json.loads(json.dumps(layer.get_config()))
    with pytest.raises(ValueError, match="safe_mode=False"):
        layers.Lambda.from_config(config)
    with pytest.raises(ValueError, match="arbitrary code"):
        deserialize_keras_object(serialize_keras_object(layer))
    output_shape_only = layers.Lambda(cornu.activations.relu, output_shape=lambda s: s).get_config()
    with pytest.raises(ValueError, match="output_shape"):
        layers.Lambda.from_config(output_shape_only)


def test_bytecode_loads_when_safe_mode_is_off():
    offset = 2.5
    layer = layers.Lambda(lambda x: x + offset, output_shape=lambda s: s, mask=lambda i, m: cornu.ops.greater(i, 1.5))
    # Bytecode sees only builtins and `cornu`/`keras` as globals, hence `cornu.ops` above.
    x = np.array([[1.0, 2.0]], "float32")
    config = json.loads(json.dumps(serialize_keras_object(layer)))
    clone = deserialize_keras_object(config, safe_mode=False)
    assert isinstance(clone, layers.Lambda)
    assert_close(clone(x), to_numpy(layer(x)))
    np.testing.assert_array_equal(to_numpy(mask_of(clone(x))), [[False, True]])
    direct = layers.Lambda.from_config(layer.get_config(), safe_mode=False)
    # (Re-marshalled bytecode may differ in reference flags, so compare behaviour, not bytes.)
    assert set(comparable_config(direct)) == set(comparable_config(layer))
    assert_close(direct(x), to_numpy(layer(x)))
    assert direct.compute_output_shape((None, 2)) == (None, 2)


def test_local_function_is_saved_as_bytecode_and_keras_loads_it(keras_ref):
    def double(x):
        return x * 2.0

    layer = layers.Lambda(double)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["function"]["class_name"] == "__lambda__"
    x = np.random.rand(2, 2).astype("float32")
    ref = keras_ref.layers.Lambda.from_config(config, safe_mode=False)
    assert_close(layer(x), np.asarray(ref(x)))


def test_keras_lambda_config_loads_in_cornu(keras_ref):
    ref = keras_ref.layers.Lambda(lambda x: x - 1.0, output_shape=(3,))
    config = json.loads(json.dumps(ref.get_config()))
    layer = layers.Lambda.from_config(config, safe_mode=False)
    x = np.random.rand(2, 3).astype("float32")
    assert_close(layer(x), np.asarray(ref(x)))
    assert layer.compute_output_shape((None, 3)) == (None, 3)


def test_named_function_round_trip_without_bytecode():
    layer = layers.Lambda(cornu.activations.relu, output_shape=(3,))
    clone = layers.Lambda.from_config(json.loads(json.dumps(layer.get_config())))
    assert clone.function is cornu.activations.relu
    assert clone.compute_output_shape((None, 3)) == (None, 3)


def test_bad_arguments():
    with pytest.raises(ValueError, match="callable"):
        layers.Lambda(3)
    with pytest.raises(ValueError, match="arguments"):
        layers.Lambda(lambda x: x, arguments=[1])
