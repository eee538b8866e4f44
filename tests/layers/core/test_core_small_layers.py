"""EinsumDense, Masking and Wrapper, side by side with Keras."""

import json

import numpy as np
import pytest

import cornu

from tests.helpers.layer_compare import assert_close, comparable_config, mask_of, to_numpy
from tests.helpers.small_layers import CLASSES, check_against_keras, make_pair

EINSUM_CASES = [
    ("ab,bc->ac", 4, None, (2, 3)),
    ("ab,bc->ac", 4, "c", (2, 3)),
    ("abc,cd->abd", (None, 5), "d", (2, 3, 4)),
    ("abc,cd->abd", (3, 5), "bd", (2, 3, 4)),
    ("abc,cde->abde", (3, 2, 5), "be", (2, 3, 4)),
    ("abcd,cde->abe", (3, 5), "e", (2, 3, 2, 4)),
    ("...b,bc->...c", 5, "c", (2, 3, 4)),
    ("...b,bc->...c", 5, None, (2, 4)),
    ("ab...,bc->ac...", (5,), "c", (2, 4, 3)),
    ("ab...,bc->ac...", (5,), "c", (2, 4, 3, 2)),
]


@pytest.mark.parametrize("equation, output_shape, bias_axes, input_shape", EINSUM_CASES, ids=lambda v: str(v))
def test_einsum_dense_matches_keras(keras_ref, equation, output_shape, bias_axes, input_shape):
    kwargs = {"equation": equation, "output_shape": output_shape, "bias_axes": bias_axes}
    check_against_keras(keras_ref, "EinsumDense", input_shape, kwargs)


def test_einsum_dense_activation_and_config_options(keras_ref):
    kwargs = {"equation": "abc,cd->abd", "output_shape": (None, 3), "bias_axes": "d", "activation": "relu",
              "kernel_initializer": "he_normal", "bias_initializer": "ones", "kernel_regularizer": "l2",
              "bias_regularizer": "l2", "kernel_constraint": "max_norm", "bias_constraint": "non_neg",
              "activity_regularizer": "l2"}
    layer, ref = check_against_keras(keras_ref, "EinsumDense", (2, 3, 4), kwargs)
    assert len(layer.losses) == len(ref.losses)


def test_einsum_dense_tells_the_initializer_its_fan_axes():
    # "ab,bcd->acd": fan_in is b=2 (limit sqrt(3/2) = 1.22), not the 100 the plain last-two-axes rule gives.
    init = cornu.initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=1)
    layer = CLASSES["EinsumDense"]("ab,bcd->acd", (40, 40), kernel_initializer=init)
    layer.build((None, 2))
    kernel = to_numpy(layer.kernel)
    assert 1.0 < np.abs(kernel).max() <= np.sqrt(1.5) + 1e-6
    assert layer.get_config()["kernel_initializer"]["config"]["input_axes"] is None  # the config is untouched


@pytest.mark.parametrize("kwargs, input_shape, match", [
    ({"equation": "ab,bc", "output_shape": 3}, None, "Invalid einsum equation"),
    ({"equation": "ab,bc->ac", "output_shape": "3"}, None, "output_shape"),
    ({"equation": "abc,cd->abd", "output_shape": (4, 5)}, (2, 3, 4), "do not match at shared dimension 'b'"),
    ({"equation": "ab,bc->ad", "output_shape": 3}, (2, 4), "dimension 'd' was specified in the output"),
    ({"equation": "ab,bce->ac", "output_shape": 3}, (2, 4), "kernel dimension 'e'"),
    ({"equation": "ab,bc->ac", "output_shape": 3, "bias_axes": "x"}, (2, 4), "bias dimension 'x'"),
    ({"equation": "abc,cd->abd", "output_shape": (None, 5)}, (2, 4), "number of axes"),
])
def test_einsum_dense_bad_arguments(kwargs, input_shape, match):
    with pytest.raises(ValueError, match=match):
        layer = CLASSES["EinsumDense"](**kwargs)
        layer.build(input_shape)


def test_einsum_dense_refuses_lora_and_quantization():
    with pytest.raises(NotImplementedError, match="LoRA"):
        CLASSES["EinsumDense"]("ab,bc->ac", 3, lora_rank=2)


# ------------------------------------------------------------------ Masking
@pytest.mark.parametrize("mask_value", [0.0, 1.5])
def test_masking_matches_keras(keras_ref, mask_value):
    x = np.random.normal(size=(2, 4, 3)).astype("float32")
    x[0, 1] = mask_value
    x[1, 3] = mask_value
    x[1, 0, 0] = mask_value  # one feature equal to mask_value does not mask the step
    layer, ref = check_against_keras(keras_ref, "Masking", x.shape, {"mask_value": mask_value}, x=x)
    out, expected = layer(x), ref(x)
    np.testing.assert_array_equal(to_numpy(mask_of(out)), np.asarray(expected._keras_mask))
    np.testing.assert_array_equal(to_numpy(mask_of(out)), [[True, False, True, True], [True, True, True, False]])
    assert np.all(to_numpy(out)[0, 1] == 0)


def test_masking_mask_flows_to_the_next_layers_symbolically():
    inputs = cornu.Input(shape=(4, 3))
    masked = CLASSES["Masking"]()(inputs)
    activated = CLASSES["ReLU"]()(masked)
    assert tuple(masked._keras_mask.shape) == (None, 4)
    assert tuple(activated._keras_mask.shape) == (None, 4)
    model = cornu.Model(inputs, activated)
    x = np.ones((2, 4, 3), "float32")
    x[1, 2] = 0.0
    np.testing.assert_array_equal(to_numpy(model(x)), np.where(x > 0, 1.0, 0.0))


def test_masking_with_an_array_mask_value_round_trips():
    layer = CLASSES["Masking"](mask_value=np.array([1.0, 2.0], "float32"))
    clone = CLASSES["Masking"].from_config(json.loads(json.dumps(layer.get_config())))
    x = np.array([[[1.0, 2.0], [1.0, 3.0]]], "float32")
    np.testing.assert_array_equal(to_numpy(mask_of(clone(x))), [[False, True]])


# ------------------------------------------------------------------ Wrapper
@cornu.saving.register_keras_serializable(package="layers_small_tests")
class Doubled(CLASSES["Wrapper"]):
    def call(self, inputs):
        return 2.0 * self.layer(inputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)


def test_wrapper_holds_and_builds_its_layer():
    dense = cornu.layers.Dense(3)
    layer = Doubled(dense)
    assert layer.layer is dense
    layer.build((None, 4))
    assert dense.built
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    x = np.random.normal(size=(2, 4)).astype("float32")
    assert_close(layer(x), 2.0 * to_numpy(dense(x)))
    assert tuple(layer(cornu.Input(shape=(4,))).shape) == (None, 3)


def test_wrapper_config_holds_the_wrapped_layer(keras_ref):
    layer = CLASSES["Wrapper"](cornu.layers.Dropout(0.3, seed=1))
    ref = keras_ref.layers.Wrapper(keras_ref.layers.Dropout(0.3, seed=1))
    ours, theirs = comparable_config(layer), comparable_config(ref)
    ours["layer"]["config"].pop("name"), theirs["layer"]["config"].pop("name")
    assert ours == theirs
    clone = CLASSES["Wrapper"].from_config(json.loads(json.dumps(layer.get_config())))
    assert isinstance(clone.layer, cornu.layers.Dropout) and clone.layer.rate == 0.3
    # Subclasses rebuild their wrapped layer the same way, custom ones through custom_objects.
    doubled = Doubled(cornu.layers.Dense(2))
    from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object
    rebuilt = deserialize_keras_object(json.loads(json.dumps(serialize_keras_object(doubled))))
    assert isinstance(rebuilt, Doubled) and rebuilt.layer.units == 2


def test_wrapper_refuses_what_is_not_a_layer():
    with pytest.raises(ValueError, match="Layer"):
        CLASSES["Wrapper"](lambda x: x)


@pytest.mark.parametrize("name, kwargs, input_shape", [
    ("EinsumDense", {"equation": "abc,cd->abd", "output_shape": (3, 5), "bias_axes": "d"}, (2, 3, 4)),
    ("PReLU", {}, (2, 3, 4)),
    ("RMSNormalization", {}, (2, 3, 4)),
    ("UnitNormalization", {}, (2, 3, 4)),
    ("Softmax", {}, (2, 3, 4)),
    ("GroupNormalization", {"groups": 2}, (2, 3, 4)),
])
def test_mixed_precision_matches_keras(keras_ref, name, kwargs, input_shape):
    layer, ref = make_pair(keras_ref, name, input_shape, dtype="mixed_float16", **kwargs)
    x = np.random.normal(size=input_shape).astype("float32")
    out, expected = layer(x), np.asarray(ref(x))
    assert str(to_numpy(out).dtype) == str(expected.dtype) == "float16"
    assert [w.dtype for w in layer.weights] == ["float32"] * len(layer.weights)
    assert_close(out, expected, atol=3e-3, rtol=3e-3)
