"""GroupNormalization, UnitNormalization, RMSNormalization and
SpectralNormalization, side by side with Keras."""

import json

import numpy as np
import pytest

import cornu
from cornu import ops

from tests.helpers.layer_compare import assert_close, comparable_config, copy_weights, mask_of, to_numpy
from tests.helpers.small_layers import CLASSES, check_against_keras, make_pair

CASES = [
    ("GroupNormalization", (2, 5, 4), {"groups": 2}),
    ("GroupNormalization", (2, 4, 3, 3), {"groups": 2, "axis": 1}),
    ("GroupNormalization", (2, 3, 2, 6), {"groups": 3, "axis": -1, "epsilon": 1e-5}),
    ("GroupNormalization", (2, 3, 6), {"groups": -1}),
    ("GroupNormalization", (2, 3, 4), {"groups": 1, "center": False}),
    ("GroupNormalization", (2, 3, 4), {"groups": 4, "scale": False, "beta_initializer": "ones",
                                       "gamma_regularizer": "l2", "beta_constraint": "non_neg"}),
    ("UnitNormalization", (3, 5), {}),
    ("UnitNormalization", (2, 3, 4), {"axis": [1, 2]}),
    ("UnitNormalization", (2, 3, 4), {"axis": (-2,)}),
    ("RMSNormalization", (3, 5), {}),
    ("RMSNormalization", (2, 3, 4), {"axis": [1, 2], "epsilon": 1e-3}),
    ("RMSNormalization", (2, 3, 4), {"axis": -1}),
]


@pytest.mark.parametrize("name, input_shape, kwargs", CASES, ids=lambda v: str(v))
def test_matches_keras(keras_ref, name, input_shape, kwargs):
    x = np.random.normal(loc=0.5, scale=2.0, size=input_shape).astype("float32")
    check_against_keras(keras_ref, name, input_shape, kwargs, x=x)


def test_group_normalization_mixed_precision(keras_ref):
    layer, ref = make_pair(keras_ref, "GroupNormalization", (2, 3, 4), groups=2, dtype="mixed_float16")
    x = np.random.normal(size=(2, 3, 4)).astype("float16")
    out = layer(x)
    assert str(to_numpy(out).dtype) == "float16"
    assert all(w.dtype == "float32" for w in layer.weights)
    assert_close(out, np.asarray(ref(x)), atol=2e-3, rtol=2e-3)


def test_group_normalization_normalizes_each_group():
    layer = CLASSES["GroupNormalization"](groups=2, epsilon=0.0, center=False, scale=False)
    x = np.random.normal(loc=3.0, size=(2, 5, 4)).astype("float32")
    out = to_numpy(layer(x)).reshape(2, 5, 2, 2)
    np.testing.assert_allclose(out.mean(axis=(1, 3)), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(1, 3)), 1.0, atol=1e-4)


def test_group_normalization_config_after_build_has_the_group_count(keras_ref):
    layer, ref = make_pair(keras_ref, "GroupNormalization", (2, 3, 6), groups=-1)
    assert layer.get_config()["groups"] == ref.get_config()["groups"] == 6


def test_unit_normalization_keeps_zero_vectors(keras_ref):
    layer, ref = make_pair(keras_ref, "UnitNormalization")
    x = np.array([[0.0, 0.0, 0.0], [3.0, 0.0, 4.0]], "float32")
    out = layer(x)
    assert_close(out, np.asarray(ref(x)))
    np.testing.assert_allclose(to_numpy(out), [[0, 0, 0], [0.6, 0, 0.8]], atol=1e-6)


def test_rms_normalization_on_non_trailing_axes():
    """Keras only broadcasts the scale over trailing axes; cornu places it on any axes."""
    layer = CLASSES["RMSNormalization"](axis=[-1, 1])
    layer.build((2, 3, 4))
    assert tuple(layer.scale.shape) == (4, 3)  # the order of the sorted `axis`, as Keras
    scale = np.random.uniform(0.5, 1.5, size=(4, 3)).astype("float32")
    layer.set_weights([scale])
    x = np.random.normal(size=(2, 3, 4)).astype("float32")
    expected = x / np.sqrt(np.mean(x**2, axis=(1, 2), keepdims=True) + 1e-6) * scale.T[None]
    assert_close(layer(x), expected)
    first = CLASSES["RMSNormalization"](axis=1)
    first.build((2, 3, 4))
    expected = x / np.sqrt(np.mean(x**2, axis=1, keepdims=True) + 1e-6)
    assert_close(first(x), expected)


@pytest.mark.parametrize("name, kwargs", [("GroupNormalization", {"groups": 3}), ("UnitNormalization", {})])
def test_masks_pass_through(name, kwargs):
    layer = CLASSES[name](**kwargs)
    x = ops.convert_to_tensor(np.random.normal(size=(2, 3, 6)).astype("float32"))
    mask = ops.convert_to_tensor(np.array([[True, False, True], [True, True, False]]))
    cornu.backend.set_keras_mask(x, mask)
    np.testing.assert_array_equal(to_numpy(mask_of(layer(x))), to_numpy(mask))


@pytest.mark.parametrize("name, kwargs, shape, match", [
    ("GroupNormalization", {"groups": 0}, None, "groups"),
    ("GroupNormalization", {"groups": 2.5}, None, "groups"),
    ("GroupNormalization", {"groups": 4}, (2, 3, 6), "multiple"),
    ("GroupNormalization", {"groups": 8}, (2, 3, 6), "cannot be more"),
    ("GroupNormalization", {"groups": 2, "axis": 3}, (2, 3, 6), "out of bounds"),
    ("GroupNormalization", {"groups": 2}, (2, 3, None), "known size"),
    ("RMSNormalization", {"axis": 3}, (2, 3, 6), "out of bounds"),
])
def test_bad_arguments_raise_clear_errors(name, kwargs, shape, match):
    with pytest.raises(ValueError, match=match):
        layer = CLASSES[name](**kwargs)
        layer.build(shape)


def test_unit_normalization_refuses_a_bad_axis():
    with pytest.raises(TypeError, match="UnitNormalization"):
        CLASSES["UnitNormalization"](axis="last")
    with pytest.raises(ValueError, match="out of bounds"):
        CLASSES["UnitNormalization"](axis=2).compute_output_shape((2, 3))


# ----------------------------------------------------------- SpectralNormalization
def _spectral_pair(keras_ref, input_shape, **kwargs):
    layer = CLASSES["SpectralNormalization"](cornu.layers.Dense(3), **kwargs)
    ref = keras_ref.layers.SpectralNormalization(keras_ref.layers.Dense(3), **kwargs)
    ref.build(input_shape)
    layer.build(input_shape)
    rng = np.random.default_rng(0)
    ref.set_weights([rng.normal(size=tuple(w.shape)).astype("float32") for w in ref.weights])
    copy_weights(ref, layer)
    return layer, ref


def _without_unported_keys(config):
    # cornu's Dense does not write Keras's "quantization_config": None (not this layer's file).
    config = dict(config)
    config["layer"] = dict(config["layer"], config={
        k: v for k, v in config["layer"]["config"].items() if k not in ("quantization_config", "name")})
    return config


def test_spectral_normalization_of_a_3d_kernel_matches_keras(keras_ref):
    kwargs = {"equation": "abc,cde->abde", "output_shape": (3, 2, 5), "bias_axes": "e"}
    layer = CLASSES["SpectralNormalization"](CLASSES["EinsumDense"](**kwargs), power_iterations=2)
    ref = keras_ref.layers.SpectralNormalization(keras_ref.layers.EinsumDense(**kwargs), power_iterations=2)
    ref.build((2, 3, 4))
    layer.build((2, 3, 4))
    assert tuple(layer.vector_u.shape) == (1, 5)
    copy_weights(ref, layer)
    x = np.random.normal(size=(2, 3, 4)).astype("float32")
    assert_close(layer(x, training=True), np.asarray(ref(x, training=True)))
    for ours, theirs in zip(layer.get_weights(), ref.get_weights()):
        assert_close(ours, theirs)


@pytest.mark.parametrize("power_iterations", [1, 3])
def test_spectral_normalization_matches_keras(keras_ref, power_iterations):
    layer, ref = _spectral_pair(keras_ref, (2, 4), power_iterations=power_iterations)
    assert [(w.name, w.trainable) for w in layer.weights] == [(w.name, w.trainable) for w in ref.weights]
    assert [w.name for w in layer.weights] == ["kernel", "vector_u", "bias"]
    x = np.random.normal(size=(2, 4)).astype("float32")
    assert_close(layer(x), np.asarray(ref(x)))  # inference: the kernel as it is
    assert_close(layer(x, training=True), np.asarray(ref(x, training=True)))
    for ours, theirs in zip(layer.get_weights(), ref.get_weights()):
        assert_close(ours, theirs)  # the normalized kernel and the new vector_u were written back
    kernel = to_numpy(layer.layer.kernel)
    assert abs(np.linalg.svd(kernel, compute_uv=False)[0] - 1.0) < 0.3
    symbolic = layer(cornu.Input(shape=(4,)))
    assert tuple(symbolic.shape) == tuple(ref(keras_ref.Input(shape=(4,))).shape) == (None, 3)


def test_spectral_normalization_converges_to_unit_spectral_norm():
    layer = CLASSES["SpectralNormalization"](cornu.layers.Dense(5), power_iterations=3)
    x = np.random.normal(size=(2, 6)).astype("float32")
    for _ in range(20):
        layer(x, training=True)
    kernel = to_numpy(layer.layer.kernel)
    np.testing.assert_allclose(np.linalg.svd(kernel, compute_uv=False)[0], 1.0, rtol=1e-2)


def test_spectral_normalization_leaves_a_zero_kernel_alone():
    layer = CLASSES["SpectralNormalization"](cornu.layers.Dense(2, kernel_initializer="zeros"))
    layer.build((1, 3))
    u = to_numpy(layer.vector_u)
    layer(np.ones((1, 3), "float32"), training=True)
    np.testing.assert_array_equal(to_numpy(layer.layer.kernel), 0.0)
    np.testing.assert_array_equal(to_numpy(layer.vector_u), u)


def test_spectral_normalization_config_matches_keras_and_round_trips(keras_ref):
    layer, ref = _spectral_pair(keras_ref, (2, 4), power_iterations=2)
    ours, theirs = comparable_config(layer), comparable_config(ref)
    assert _without_unported_keys(ours) == _without_unported_keys(theirs)
    clone = CLASSES["SpectralNormalization"].from_config(json.loads(json.dumps(layer.get_config())))
    assert comparable_config(clone) == ours
    assert isinstance(clone.layer, cornu.layers.Dense) and clone.layer.units == 3
    # A Keras config loads in cornu too.
    from_keras = CLASSES["SpectralNormalization"].from_config(json.loads(json.dumps(ref.get_config())))
    assert from_keras.power_iterations == 2 and from_keras.layer.units == 3


def test_spectral_normalization_bad_arguments():
    with pytest.raises(ValueError, match="power_iterations"):
        CLASSES["SpectralNormalization"](cornu.layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="kernel"):
        CLASSES["SpectralNormalization"](cornu.layers.LayerNormalization()).build((2, 3))
    with pytest.raises(ValueError, match="Layer"):
        CLASSES["SpectralNormalization"]("dense")
