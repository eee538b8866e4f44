"""FlaxLayer: a flax.linen module trained by cornu (JAX backend only).

Outputs are compared with ``module.apply`` on the layer's variables, and with the real Keras's FlaxLayer.
"""

import numpy as np
import pytest

import cornu
from cornu import layers

from tests.helpers.requirements import require

pytestmark = pytest.mark.skipif(
    cornu.backend.backend() != "jax", reason="FlaxLayer wraps flax modules: jax backend only"
)

if cornu.backend.backend() == "jax":
    import jax

    flax = require("flax")
    import flax.linen as nn

    @cornu.saving.register_keras_serializable(package="interop_tests")
    class NormedMLP(nn.Module):
        """Dense -> BatchNorm -> Dropout -> Dense: params, batch statistics and a dropout key."""

        features: int = 8

        @nn.compact
        def __call__(self, inputs, training=False):
            x = nn.Dense(self.features)(inputs)
            x = nn.BatchNorm(use_running_average=not training, momentum=0.5)(x)
            x = nn.Dropout(0.2, deterministic=not training)(nn.relu(x))
            return nn.Dense(1)(x)

        def scores(self, inputs):
            return jax.nn.sigmoid(self(inputs))

        def get_config(self):
            return {"features": self.features}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    class Unregistered(nn.Module):
        @nn.compact
        def __call__(self, inputs):
            return nn.Dense(2)(inputs)

    @cornu.saving.register_keras_serializable(package="interop_tests")
    def doubled_scores(module, inputs):
        return 2.0 * module.scores(inputs)


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3), dtype="float32")
    return x, np.sin(x).sum(axis=1, keepdims=True).astype("float32")


def _variables(layer):
    merged = {**(layer.params or {}), **(layer.state or {})}
    return jax.tree_util.tree_map(lambda v: np.asarray(v.value), merged)


def _init(module, seed=0):
    return jax.tree_util.tree_map(np.asarray, module.init(jax.random.PRNGKey(seed), np.ones((1, 3), "float32")))


def test_linen_mlp_trains_and_matches_module_apply():
    layer = layers.FlaxLayer(NormedMLP())
    model = cornu.Sequential([layers.Input((3,)), layer])
    assert [w.trainable for w in layer.weights] == [True] * 6 + [False] * 2  # params, then batch statistics
    before = _variables(layer)
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    losses = model.fit(x, y, epochs=6, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    predictions = model.predict(x, verbose=0)
    after = _variables(layer)
    assert not np.allclose(before["params"]["Dense_0"]["kernel"], after["params"]["Dense_0"]["kernel"])
    assert not np.allclose(before["batch_stats"]["BatchNorm_0"]["mean"], after["batch_stats"]["BatchNorm_0"]["mean"])
    np.testing.assert_allclose(predictions, np.asarray(NormedMLP().apply(after, x)), rtol=1e-5, atol=1e-5)


def test_given_variables_side_by_side_with_keras(keras_ref):
    variables = _init(NormedMLP())
    ours = layers.FlaxLayer(NormedMLP(), variables=variables)
    ref = keras_ref.layers.FlaxLayer(NormedMLP(), variables=variables)
    x, _ = _data(5)
    expected = np.asarray(NormedMLP().apply(variables, x))
    np.testing.assert_allclose(np.asarray(ours(x)), expected, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(ref(x)), rtol=1e-6)
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in ref.weights]
    assert [w.trainable for w in ours.weights] == [w.trainable for w in ref.weights]
    for a, b in zip(ours.get_weights(), ref.get_weights()):
        np.testing.assert_array_equal(a, b)
    keras_ref.saving.register_keras_serializable(package="interop_tests")(NormedMLP)
    ours_config, ref_config = ours.get_config(), ref.get_config()
    assert sorted(ours_config) == sorted(ref_config)
    for key in ("method", "native_serialization_platforms", "trainable"):
        assert ours_config[key] == ref_config[key], key
    # (cornu writes no Python module path for registered classes: loading looks them up by name only.)
    for key in ("class_name", "registered_name", "config"):
        assert ours_config["module"][key] == ref_config["module"][key], key
    # A training call updates the batch statistics the same way in both.
    ours(x, training=True)
    ref(x, training=True)
    for a, b in zip(ours.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_method_by_name_and_unbound_function():
    variables = _init(NormedMLP())
    x, _ = _data(4)
    expected = np.asarray(NormedMLP().apply(variables, x, method=NormedMLP.scores))
    by_name = layers.FlaxLayer(NormedMLP(), method="scores", variables=variables)
    np.testing.assert_allclose(np.asarray(by_name(x)), expected, rtol=1e-6)
    module = NormedMLP()
    bound = layers.FlaxLayer(module, method=module.scores, variables=variables)
    assert bound.get_config()["method"] == "scores"
    unbound = layers.FlaxLayer(NormedMLP(), method=doubled_scores, variables=variables)
    np.testing.assert_allclose(np.asarray(unbound(x)), 2.0 * expected, rtol=1e-6)


def test_config_round_trip_and_keras_file(tmp_path):
    module = NormedMLP(features=5)
    layer = layers.FlaxLayer(module, method=module.scores, name="flax_mlp")
    config = layer.get_config()
    assert sorted(config) == ["dtype", "method", "module", "name", "native_serialization_platforms", "trainable"]
    assert config["module"]["config"] == {"features": 5} and config["method"] == "scores"
    restored = layers.FlaxLayer.from_config(config)
    assert restored.module == module and restored.method.__name__ == "scores"

    model = cornu.Sequential([layers.Input((3,)), layers.FlaxLayer(NormedMLP(features=5))])
    path = str(tmp_path / "flax.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    x, _ = _data(6)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_unserializable_module_is_a_type_error_as_in_keras():
    layer = layers.FlaxLayer(Unregistered())
    with pytest.raises(TypeError, match="get_config"):
        layer.get_config()


def test_nnx_modules_are_not_supported():
    from flax import nnx

    class Linear(nnx.Module):
        def __init__(self, rngs):
            self.w = nnx.Param(jax.random.normal(rngs.params(), (3, 2)))

        def __call__(self, x):
            return x @ self.w

    with pytest.raises(NotImplementedError, match="to_linen"):
        layers.FlaxLayer(Linear(nnx.Rngs(0)))
    with pytest.raises(ValueError, match="flax.linen.Module"):
        layers.FlaxLayer(lambda inputs: inputs)
