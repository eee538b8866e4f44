"""ReLU, LeakyReLU, PReLU, ELU and Softmax, side by side with Keras."""

import warnings

import numpy as np
import pytest

import cornu
from cornu import ops

from tests.helpers.layer_compare import assert_close, mask_of, to_numpy
from tests.helpers.small_layers import CLASSES, check_against_keras, make_pair

CASES = [
    ("ReLU", (3, 5), {}),
    ("ReLU", (3, 5), {"max_value": 1.0}),
    ("ReLU", (3, 5), {"negative_slope": 0.2, "threshold": 0.5}),
    ("ReLU", (3, 5), {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.3}),
    ("LeakyReLU", (3, 5), {}),
    ("LeakyReLU", (3, 5), {"negative_slope": 0.05}),
    ("ELU", (3, 5), {}),
    ("ELU", (3, 5), {"alpha": 0.4}),
    ("PReLU", (2, 3, 4), {}),
    ("PReLU", (2, 3, 4, 5), {"shared_axes": [1, 2]}),
    ("PReLU", (2, 3, 4), {"shared_axes": 2, "alpha_initializer": "ones", "alpha_regularizer": "l2",
                          "alpha_constraint": "non_neg"}),
    ("Softmax", (3, 5), {}),
    ("Softmax", (2, 3, 4), {"axis": 1}),
    ("Softmax", (2, 3, 4), {"axis": [1, 2]}),
    ("Softmax", (2, 3, 4), {"axis": (-1,)}),
]


@pytest.mark.parametrize("name, input_shape, kwargs", CASES, ids=lambda v: str(v))
def test_matches_keras(keras_ref, name, input_shape, kwargs):
    x = (np.random.normal(size=input_shape) * 3).astype("float32")
    check_against_keras(keras_ref, name, input_shape, kwargs, x=x)


def test_prelu_alpha_is_a_shared_weight():
    layer = CLASSES["PReLU"](shared_axes=[1, 2], alpha_initializer="ones")
    layer(np.ones((2, 3, 4, 5), "float32"))
    assert [w.name for w in layer.weights] == ["alpha"]
    assert tuple(layer.alpha.shape) == (1, 1, 5)
    layer.set_weights([np.full((1, 1, 5), 0.25, "float32")])
    np.testing.assert_allclose(to_numpy(layer(-np.ones((1, 3, 4, 5), "float32"))), -0.25)
    # The shared axes may change size, the others may not.
    assert tuple(layer(np.ones((1, 7, 2, 5), "float32")).shape) == (1, 7, 2, 5)
    with pytest.raises(ValueError, match="p_re_lu"):
        layer(np.ones((1, 3, 4, 6), "float32"))


@pytest.mark.parametrize("mask_dtype", ["bool", "float32"])
def test_softmax_mask_matches_keras(keras_ref, mask_dtype):
    layer, ref = make_pair(keras_ref, "Softmax")
    x = np.random.normal(size=(2, 3, 4)).astype("float32")
    mask = np.random.uniform(size=(2, 1, 4)) > 0.4
    mask[:, :, 0] = True
    mask = mask.astype(mask_dtype)
    out = layer(x, mask=mask)
    assert_close(out, np.asarray(ref(x, mask=mask)))
    np.testing.assert_array_equal(to_numpy(out)[np.broadcast_to(mask, x.shape) == 0], 0.0)


def test_softmax_uses_and_passes_on_the_input_mask(keras_ref):
    layer, ref = make_pair(keras_ref, "Softmax")
    x = np.random.normal(size=(2, 4)).astype("float32")
    mask = np.array([[True, True, False, True], [True, False, False, True]])
    tensor = ops.convert_to_tensor(x)
    cornu.backend.set_keras_mask(tensor, ops.convert_to_tensor(mask))
    out = layer(tensor)
    assert_close(out, np.asarray(ref(x, mask=mask)))
    np.testing.assert_array_equal(to_numpy(mask_of(out)), mask)


def test_softmax_rejects_a_mask_that_does_not_broadcast():
    layer = CLASSES["Softmax"]()
    with pytest.raises(ValueError, match="softmax"):
        layer(np.ones((2, 3), "float32"), mask=np.ones((2, 4), bool))
    with pytest.raises(ValueError, match="more dimensions"):
        layer(np.ones((2, 3), "float32"), mask=np.ones((1, 2, 3), bool))


@pytest.mark.parametrize("name", ["ReLU", "LeakyReLU", "ELU", "PReLU"])
def test_masks_pass_through(name):
    layer = CLASSES[name]()
    x = ops.convert_to_tensor(np.random.normal(size=(2, 3, 4)).astype("float32"))
    mask = ops.convert_to_tensor(np.array([[True, False, True], [True, True, False]]))
    cornu.backend.set_keras_mask(x, mask)
    np.testing.assert_array_equal(to_numpy(mask_of(layer(x))), to_numpy(mask))


def test_leaky_relu_accepts_the_deprecated_alpha(keras_ref):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = CLASSES["LeakyReLU"](alpha=0.1)
    assert layer.negative_slope == 0.1
    assert any("deprecated" in str(w.message) for w in caught)


@pytest.mark.parametrize("name, kwargs, match", [
    ("ReLU", {"max_value": -1.0}, "max_value"),
    ("ReLU", {"negative_slope": -0.1}, "negative_slope"),
    ("ReLU", {"negative_slope": None}, "negative_slope"),
    ("ReLU", {"threshold": -1.0}, "threshold"),
    ("LeakyReLU", {"negative_slope": -0.3}, "LeakyReLU"),
    ("LeakyReLU", {"negative_slope": None}, "LeakyReLU"),
    ("PReLU", {"shared_axes": [0]}, "PReLU"),
])
def test_bad_arguments_raise_clear_errors(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        CLASSES[name](**kwargs)


def test_prelu_refuses_shared_axes_beyond_the_input_rank():
    with pytest.raises(ValueError, match="shared_axes"):
        CLASSES["PReLU"](shared_axes=[3])(np.ones((2, 3, 4), "float32"))
