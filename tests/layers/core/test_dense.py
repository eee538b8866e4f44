"""``Dense`` against NumPy (``activation(x @ W + b)``) and against the real Keras (``keras_ref``):
outputs, initializers, regularizer losses, constraints after an optimizer step, rank-3 inputs,
mixed precision, configs, weights copied from Keras, and argument errors."""

import numpy as np
import pytest

import cornu
from cornu import layers

from tests.helpers.layer_compare import assert_same_config, assert_same_weights_layout, to_numpy

RNG = np.random.default_rng(11)
X = RNG.normal(size=(4, 3)).astype("float32")
KERNEL = RNG.normal(size=(3, 2)).astype("float32")
BIAS = np.array([0.5, -1.0], "float32")

NUMPY_ACTIVATIONS = {
    None: lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
}


def _dense(units=2, **kwargs):
    layer = layers.Dense(units, **kwargs)
    layer.build((None, 3))
    layer.kernel.assign(KERNEL[:, :units])
    if layer.bias is not None:
        layer.bias.assign(BIAS[:units])
    return layer


@pytest.mark.parametrize("activation", list(NUMPY_ACTIVATIONS))
def test_outputs_match_numpy(activation):
    out = to_numpy(_dense(activation=activation)(X))
    np.testing.assert_allclose(out, NUMPY_ACTIVATIONS[activation](X @ KERNEL + BIAS), rtol=1e-5, atol=1e-6)
    assert out.dtype == np.float32


def test_without_bias_has_one_weight_and_no_offset():
    layer = _dense(use_bias=False)
    assert [w.name for w in layer.weights] == ["kernel"] and layer.bias is None
    np.testing.assert_allclose(to_numpy(layer(X)), X @ KERNEL, rtol=1e-5, atol=1e-6)
    assert layer.count_params() == 6


def test_weights_layout_and_trainability():
    layer = layers.Dense(5)
    layer.build((None, 7))
    assert [(w.name, tuple(w.shape), w.trainable) for w in layer.weights] == [("kernel", (7, 5), True),
                                                                               ("bias", (5,), True)]
    assert layer.count_params() == 7 * 5 + 5
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_rank_3_input_applies_to_the_last_axis():
    x = RNG.normal(size=(2, 5, 3)).astype("float32")
    out = to_numpy(_dense(activation="relu")(x))
    assert out.shape == (2, 5, 2)
    np.testing.assert_allclose(out, np.maximum(np.einsum("bti,io->bto", x, KERNEL) + BIAS, 0), rtol=1e-5, atol=1e-6)
    symbolic = layers.Dense(4)(cornu.Input((5, 3)))
    assert tuple(symbolic.shape) == (None, 5, 4)
    assert layers.Dense(4).compute_output_shape((None, 6, 5, 3)) == (None, 6, 5, 4)


def test_initializers_by_name_instance_and_callable():
    layer = layers.Dense(3, kernel_initializer="ones", bias_initializer=cornu.initializers.Constant(0.25))
    layer.build((None, 2))
    np.testing.assert_array_equal(to_numpy(layer.kernel.value), np.ones((2, 3)))
    np.testing.assert_array_equal(to_numpy(layer.bias.value), np.full(3, 0.25))
    layer = layers.Dense(3, kernel_initializer=lambda shape, dtype=None: np.arange(6, dtype="float32").reshape(shape))
    layer.build((None, 2))
    np.testing.assert_array_equal(to_numpy(layer.kernel.value), np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(to_numpy(layer.bias.value), np.zeros(3))  # default bias_initializer
    layer = layers.Dense(50)
    layer.build((None, 40))
    kernel = to_numpy(layer.kernel.value)
    limit = np.sqrt(6 / (40 + 50))  # default kernel_initializer: glorot_uniform
    assert np.all(np.abs(kernel) <= limit) and kernel.std() > limit / 3


def test_regularizer_losses_have_the_right_values(keras_ref):
    kwargs = dict(kernel_regularizer=cornu.regularizers.L2(0.1), bias_regularizer=cornu.regularizers.L1(0.2),
                  activity_regularizer=cornu.regularizers.L1L2(l1=0.01, l2=0.03))
    layer = _dense(**kwargs)
    weight_losses = sorted(float(to_numpy(v)) for v in layer.losses)
    np.testing.assert_allclose(weight_losses, sorted([0.1 * (KERNEL ** 2).sum(), 0.2 * np.abs(BIAS).sum()]),
                               rtol=1e-5)
    y = X @ KERNEL + BIAS
    layer(X)
    activity = (0.01 * np.abs(y).sum() + 0.03 * (y ** 2).sum()) / X.shape[0]
    np.testing.assert_allclose(sorted(float(to_numpy(v)) for v in layer.losses),
                               sorted(weight_losses + [activity]), rtol=1e-5)
    ref = keras_ref.layers.Dense(2, kernel_regularizer=keras_ref.regularizers.L2(0.1),
                                 bias_regularizer=keras_ref.regularizers.L1(0.2),
                                 activity_regularizer=keras_ref.regularizers.L1L2(l1=0.01, l2=0.03))
    ref.build((None, 3))
    ref.set_weights([KERNEL, BIAS])
    ref(X)
    np.testing.assert_allclose(sorted(float(to_numpy(v)) for v in layer.losses),
                               sorted(float(np.asarray(v)) for v in ref.losses), rtol=1e-5)


@pytest.mark.requires_trainable_backend
def test_constraints_are_applied_after_an_optimizer_step():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(2, kernel_constraint="non_neg",
                                                              bias_constraint=cornu.constraints.MaxNorm(0.5))])
    dense = model.layers[0]
    dense.set_weights([KERNEL, BIAS])
    model.compile(optimizer=cornu.optimizers.SGD(learning_rate=0.1), loss="mse")
    y = RNG.normal(size=(4, 2)).astype("float32")
    model.train_on_batch(X, y)
    error = X @ KERNEL + BIAS - y
    grad_kernel = X.T @ error * 2 / error.size
    grad_bias = error.sum(axis=0) * 2 / error.size
    expected_kernel = np.maximum(KERNEL - 0.1 * grad_kernel, 0)
    bias = BIAS - 0.1 * grad_bias
    norm = np.sqrt((bias ** 2).sum())  # MaxNorm: the norm along axis 0, the whole bias vector here
    expected_bias = bias * min(norm, 0.5) / (norm + 1e-7)
    np.testing.assert_allclose(to_numpy(dense.kernel.value), expected_kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_numpy(dense.bias.value), expected_bias, rtol=1e-5, atol=1e-6)
    assert (to_numpy(dense.kernel.value) == 0).any()  # the constraint did something


def test_mixed_float16_computes_in_float16_with_float32_variables():
    layer = _dense(activation="relu", dtype="mixed_float16")
    assert layer.dtype_policy.name == "mixed_float16"
    assert layer.compute_dtype == "float16" and layer.variable_dtype == "float32"
    assert layer.kernel.dtype == "float32" and layer.bias.dtype == "float32"
    out = to_numpy(layer(X))
    assert out.dtype == np.float16
    np.testing.assert_allclose(out, np.maximum(X @ KERNEL + BIAS, 0), rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("kwargs", [
    {},
    {"activation": "relu", "use_bias": False},
    {"activation": "softmax", "kernel_initializer": "he_normal", "bias_initializer": "ones"},
    {"kernel_regularizer": "l2", "bias_regularizer": "l1", "activity_regularizer": "l1l2"},
    {"kernel_constraint": "non_neg", "bias_constraint": "unit_norm", "trainable": False},
    {"dtype": "mixed_float16", "name": "head"},
])
def test_config_equals_keras_config(kwargs, keras_ref):
    ours, theirs = layers.Dense(3, **kwargs), keras_ref.layers.Dense(3, **kwargs)
    assert_same_config(ours, theirs)
    assert set(ours.get_config()) == set(theirs.get_config())
    clone = layers.Dense.from_config(ours.get_config())
    assert_same_config(clone, theirs)
    from_keras = layers.Dense.from_config(theirs.get_config())
    assert_same_config(from_keras, theirs)


@pytest.mark.parametrize("input_shape", [(4, 3), (2, 5, 3)])
def test_weights_from_a_keras_dense_give_the_same_outputs(input_shape, keras_ref):
    ref = keras_ref.layers.Dense(2, activation="tanh", bias_initializer="random_normal")
    x = RNG.normal(size=input_shape).astype("float32")
    expected = np.asarray(ref(x))
    layer = layers.Dense(2, activation="tanh")
    layer.build((None, 3))
    layer.set_weights(ref.get_weights())
    assert_same_weights_layout(layer, ref)
    np.testing.assert_allclose(to_numpy(layer(x)), expected, rtol=1e-5, atol=1e-6)


def _outcome(action):
    try:
        action()
    except Exception as error:  # noqa: BLE001  (the type is what we compare)
        return type(error).__name__
    return "ok"


@pytest.mark.parametrize("units", [0, -2, 2.5, None, "3"])
def test_invalid_units_raise_like_keras(units, keras_ref):
    assert _outcome(lambda: keras_ref.layers.Dense(units)) == "ValueError"
    with pytest.raises(ValueError, match="units"):
        layers.Dense(units)


@pytest.mark.parametrize("kwargs", [
    {"activation": "no_such_activation"},
    {"kernel_initializer": "no_such_initializer"},
    {"kernel_regularizer": "no_such_regularizer"},
    {"bias_constraint": "no_such_constraint"},
    {"unknown_argument": 1},
])
def test_invalid_arguments_raise_like_keras(kwargs, keras_ref):
    assert _outcome(lambda: keras_ref.layers.Dense(2, **kwargs)) == "ValueError"
    assert _outcome(lambda: layers.Dense(2, **kwargs)) == "ValueError"


def test_incompatible_inputs_raise_like_keras(keras_ref):
    for k in (keras_ref, cornu):
        assert _outcome(lambda: k.layers.Dense(2)(np.ones((3,), "float32"))) == "ValueError"  # rank 1
        built = k.layers.Dense(2)
        built(np.ones((1, 3), "float32"))
        assert _outcome(lambda: built(np.ones((1, 4), "float32"))) == "ValueError"  # last axis changed
        assert _outcome(lambda: built.build((None, 3))) == "ValueError"  # state is locked once built
