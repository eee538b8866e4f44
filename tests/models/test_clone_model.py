"""``clone_model``: same architecture, new layers and weights; other inputs, layer and call
functions, recursion into nested models; compiled like the original; Keras's errors."""

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.models import clone_model

X = np.random.default_rng(5).normal(size=(4, 3)).astype("float32")


def _outputs(model, x=X):
    return cornu.ops.convert_to_numpy(model(x))


def _functional():
    inputs = cornu.Input(shape=(3,), name="features")
    shared = layers.Dense(3, name="shared")
    h = shared(shared(inputs))
    outputs = layers.Dense(2, name="head")(cornu.ops.relu(h))
    return cornu.Model(inputs, outputs, name="graph")


def test_functional_clone_has_new_weights_and_same_structure():
    model = _functional()
    clone = clone_model(model)
    assert type(clone) is type(model) and clone.name == "graph"
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    assert len(clone.weights) == len(model.weights) == 4  # the shared layer is still shared
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(_outputs(clone), _outputs(model), rtol=1e-6)


def test_functional_clone_does_not_touch_the_original():
    model = _functional()
    before = [w.copy() for w in model.get_weights()]
    clone = clone_model(model)
    clone.set_weights([w + 1.0 for w in clone.get_weights()])
    for w, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, b)


def test_sequential_clone_keeps_its_input():
    model = cornu.Sequential([cornu.Input((3,), name="x"), layers.Dense(4, activation="relu"), layers.Dense(1)],
                             name="seq")
    clone = clone_model(model)
    assert isinstance(clone, cornu.Sequential) and clone.name == "seq"
    assert clone.input_shape == (None, 3) and clone.built
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(_outputs(clone), _outputs(model), rtol=1e-6)


def test_unbuilt_sequential_clone_builds_on_first_call():
    clone = clone_model(cornu.Sequential([layers.Dense(2)]))
    assert _outputs(clone).shape == (4, 2)


def test_clone_function_can_share_or_change_layers():
    model = _functional()

    def keep_head(layer):
        return layer if layer.name == "head" else layer.__class__.from_config(layer.get_config())

    clone = clone_model(model, clone_function=keep_head)
    assert clone.get_layer("head") is model.get_layer("head")
    assert clone.get_layer("shared") is not model.get_layer("shared")

    def wider(layer):
        config = layer.get_config()
        if layer.name == "head":
            config["units"] = 5
        return layer.__class__.from_config(config)

    assert _outputs(clone_model(model, clone_function=wider)).shape == (4, 5)


def test_call_function_wraps_each_call():
    model = _functional()
    calls = []

    def scaled(layer, *args, **kwargs):
        calls.append(layer.name)
        return layer(*args, **kwargs) * 0.0 if layer.name == "head" else layer(*args, **kwargs)

    clone = clone_model(model, call_function=scaled)
    assert calls == ["shared", "shared", "head"]
    np.testing.assert_array_equal(_outputs(clone), np.zeros((4, 2), "float32"))


def test_input_tensors_replace_the_inputs():
    model = _functional()
    new_input = cornu.Input(batch_shape=(4, 3), name="fixed")
    clone = clone_model(model, input_tensors=new_input)
    assert clone.inputs[0] is new_input
    with pytest.raises(ValueError, match="symbolic"):
        clone_model(model, input_tensors=np.zeros((4, 3)))


def test_recursive_clones_nested_models_layer_by_layer():
    inner = cornu.Sequential([cornu.Input((3,)), layers.Dense(3, name="inner_dense")], name="inner")
    inputs = cornu.Input((3,))
    model = cornu.Model(inputs, layers.Dense(1)(inner(inputs)))
    seen = []

    def record(layer):
        seen.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    clone_model(model, clone_function=record)
    assert "inner" in seen and "inner_dense" not in seen
    seen.clear()
    clone = clone_model(model, clone_function=record, recursive=True)
    assert "inner_dense" in seen and "inner" not in seen
    assert _outputs(clone).shape == (4, 1)


@pytest.mark.requires_trainable_backend
def test_clone_of_a_compiled_model_is_compiled_the_same_way():
    model = _functional()
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    clone = clone_model(model)
    assert clone.compiled and clone.optimizer is not model.optimizer
    assert clone.optimizer.get_config()["learning_rate"] == pytest.approx(0.1)
    history = clone.fit(X, np.zeros((4, 2), "float32"), epochs=1, verbose=0)
    assert set(history.history) == {"loss", "mae"}


def test_subclassed_model_is_rebuilt_from_its_config():
    class Small(cornu.Model):
        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = layers.Dense(units)

        def call(self, x):
            return self.dense(x)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    clone = clone_model(Small(units=3))
    assert type(clone) is Small and clone.units == 3
    with pytest.raises(ValueError, match="only supported for Sequential"):
        clone_model(Small(), clone_function=lambda layer: layer)


def test_bad_arguments_are_refused_clearly():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="call_function"):
        clone_model(model, call_function=lambda layer, *a, **k: layer(*a, **k))
    with pytest.raises(ValueError, match="Unexpected keyword"):
        clone_model(model, deep=True)
    with pytest.raises(ValueError, match="callable"):
        clone_model(model, clone_function="copy")


def test_matches_keras_structure(keras_ref):
    names = []
    for lib in (keras_ref, cornu):
        inputs = lib.Input(shape=(3,), name="features")
        h = lib.layers.Dense(4, name="hidden")(inputs)
        model = lib.Model(inputs, lib.layers.Dense(2, name="out")(h), name="m")
        clone = lib.models.clone_model(model)
        names.append(([layer.name for layer in clone.layers], clone.name, [tuple(w.shape) for w in clone.weights]))
    assert names[0] == names[1]
