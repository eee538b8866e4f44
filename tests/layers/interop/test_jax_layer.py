"""JaxLayer: a JAX model given as functions, trained by cornu (JAX backend only).

Outputs are compared with calling the JAX function directly, and with the real Keras's JaxLayer.
"""

import numpy as np
import pytest

import cornu
from cornu import layers

pytestmark = pytest.mark.skipif(
    cornu.backend.backend() != "jax", reason="JaxLayer wraps JAX functions: jax backend only"
)

if cornu.backend.backend() == "jax":
    import jax
    import jax.numpy as jnp

    @cornu.saving.register_keras_serializable(package="interop_tests")
    def mlp_init(rng, inputs):
        k1, k2 = jax.random.split(rng)
        return {
            "hidden": {"w": jax.random.normal(k1, (inputs.shape[-1], 8)) * 0.5, "b": jnp.zeros(8)},
            "out": {"w": jax.random.normal(k2, (8, 1)) * 0.5, "b": jnp.zeros(1)},
        }

    @cornu.saving.register_keras_serializable(package="interop_tests")
    def mlp_apply(params, inputs):
        hidden = jnp.tanh(inputs @ params["hidden"]["w"] + params["hidden"]["b"])
        return hidden @ params["out"]["w"] + params["out"]["b"]

    @cornu.saving.register_keras_serializable(package="interop_tests")
    def counting_init(rng, inputs, training):
        return mlp_init(rng, inputs), {"calls": jnp.zeros((), jnp.int32)}

    @cornu.saving.register_keras_serializable(package="interop_tests")
    def noisy_counting_apply(params, state, rng, inputs, training):
        outputs = mlp_apply(params, inputs)
        if training:
            outputs = outputs + 0.01 * jax.random.normal(rng, outputs.shape)
            state = {"calls": state["calls"] + 1}
        else:
            assert rng is None
        return outputs, state


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3), dtype="float32")
    return x, np.sin(x).sum(axis=1, keepdims=True).astype("float32")


def _values(structure):
    return jax.tree_util.tree_map(lambda v: np.asarray(v.value), structure)


def _fixed_params(seed=0):
    return jax.tree_util.tree_map(np.asarray, mlp_init(jax.random.PRNGKey(seed), np.ones((1, 3), "float32")))


def test_functional_model_trains_and_matches_the_jax_function():
    inputs = layers.Input((3,))
    layer = layers.JaxLayer(mlp_apply, mlp_init)
    model = cornu.Model(inputs, layer(inputs))
    assert len(layer.trainable_weights) == 4 and layer.non_trainable_weights == []
    assert layer.count_params() == 3 * 8 + 8 + 8 + 1
    before = _values(layer.params)
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    losses = model.fit(x, y, epochs=5, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    predictions = model.predict(x, verbose=0)
    after = _values(layer.params)
    assert not np.allclose(before["hidden"]["w"], after["hidden"]["w"])
    np.testing.assert_allclose(predictions, np.asarray(mlp_apply(after, x)), rtol=1e-5, atol=1e-6)


def test_state_and_rng_thread_through_fit():
    layer = layers.JaxLayer(noisy_counting_apply, counting_init, seed=7)
    model = cornu.Sequential([layers.Input((3,)), layer])
    assert [tuple(w.shape) for w in layer.non_trainable_weights] == [()]
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert int(layer.state["calls"].numpy()) == 8  # one per training step, none from building
    np.testing.assert_array_equal(layer.seed_generator.state.numpy(), [7, 8])
    model.predict(x, verbose=0)  # inference: rng is None, state unchanged
    assert int(layer.state["calls"].numpy()) == 8


def test_side_by_side_with_keras(keras_ref):
    params = _fixed_params()
    state = {"calls": np.zeros((), "int32")}
    ours = layers.JaxLayer(noisy_counting_apply, params=params, state=state, seed=3)
    ref = keras_ref.layers.JaxLayer(noisy_counting_apply, params=params, state=state, seed=3)
    x, _ = _data(5)
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(ref(x)), rtol=1e-6)
    # Same seed, same key drawn in training: the noise is identical too.
    np.testing.assert_allclose(np.asarray(ours(x, training=True)), np.asarray(ref(x, training=True)), rtol=1e-6)
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in ref.weights]
    assert [w.trainable for w in ours.weights] == [w.trainable for w in ref.weights]
    for a, b in zip(ours.get_weights(), ref.get_weights()):
        np.testing.assert_array_equal(a, b)
    keras_ref.saving.register_keras_serializable(package="interop_tests")(noisy_counting_apply)
    ours_config, ref_config = ours.get_config(), ref.get_config()
    assert sorted(ours_config) == sorted(ref_config)
    for key in ("call_fn", "init_fn", "native_serialization_platforms", "trainable"):
        assert ours_config[key] == ref_config[key], key


def test_config_round_trip_and_keras_file(tmp_path):
    layer = layers.JaxLayer(mlp_apply, mlp_init, name="jax_mlp")
    config = layer.get_config()
    assert config["call_fn"]["config"] == "interop_tests>mlp_apply"
    restored = layers.JaxLayer.from_config(config)
    assert restored.call_fn is mlp_apply and restored.init_fn is mlp_init and restored.name == "jax_mlp"

    inputs = layers.Input((3,))
    model = cornu.Model(inputs, layers.JaxLayer(mlp_apply, mlp_init)(inputs))
    path = str(tmp_path / "jax_layer.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    x, _ = _data(6)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_given_params_build_at_init_and_keep_their_structure():
    params = _fixed_params(1)
    layer = layers.JaxLayer(mlp_apply, params=params)
    assert layer.built
    assert sorted(layer.params) == ["hidden", "out"] and isinstance(layer.params["out"]["w"], cornu.Variable)
    x, _ = _data(4)
    np.testing.assert_allclose(np.asarray(layer(x)), np.asarray(mlp_apply(params, x)), rtol=1e-6)


def test_mixed_precision_keeps_float32_variables():
    layer = layers.JaxLayer(mlp_apply, params=_fixed_params(), dtype="mixed_float16")
    assert {w.dtype for w in layer.weights} == {"float32"}
    x, _ = _data(4)
    out = layer(x)
    assert cornu.backend.standardize_dtype(out.dtype) == "float16"
    np.testing.assert_allclose(np.asarray(out, "float32"), np.asarray(mlp_apply(_fixed_params(), x)), atol=2e-2)


def test_signature_errors():
    def takes_x(params, inputs, x):
        return inputs

    with pytest.raises(ValueError, match="Unsupported argument in `call_fn`: `x`"):
        layers.JaxLayer(takes_x, params={})
    with pytest.raises(ValueError, match="must take an argument named `inputs`"):
        layers.JaxLayer(lambda params: params, params={})
    with pytest.raises(ValueError, match="cannot all be `None`"):
        layers.JaxLayer(mlp_apply)
    with pytest.raises(ValueError, match="Unsupported argument in `init_fn`: `params`"):
        layers.JaxLayer(mlp_apply, init_fn=lambda params, inputs: None)


def test_subclassed_model_builds_the_layer_during_fit():
    class Regressor(cornu.Model):
        def __init__(self):
            super().__init__()
            self.mlp = layers.JaxLayer(mlp_apply, mlp_init)

        def call(self, x):
            return self.mlp(x)

    model = Regressor()
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    # fit builds the model while tracing its output shape; init_fn still produces concrete values.
    losses = model.fit(x, y, epochs=3, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    predictions = model.predict(x, verbose=0)
    np.testing.assert_allclose(predictions, np.asarray(mlp_apply(_values(model.mlp.params), x)), rtol=1e-5,
                               atol=1e-6)
