"""A ``Model`` subclass that passes a graph to ``super().__init__(inputs, outputs)`` (Keras's
"functional subclassing"): it runs the graph, keeps its own methods, trains, and saves and
loads (its config, ``.keras`` files, and files the real Keras wrote)."""

import numpy as np
import pytest

import cornu
from cornu.models.functional import Functional

X = np.random.default_rng(3).normal(size=(8, 3)).astype("float32")
Y = (X.sum(axis=1, keepdims=True) * 0.5).astype("float32")


def _two_layer_subclass(lib, package):
    @lib.saving.register_keras_serializable(package=package)
    class TwoLayer(lib.Model):
        def __init__(self, hidden=4, **kwargs):
            inputs = lib.Input(shape=(3,), name="features")
            h = lib.layers.Dense(hidden, activation="relu", name="hidden")(inputs)
            outputs = lib.layers.Dense(1, name="out")(h)
            super().__init__(inputs=inputs, outputs=outputs, **kwargs)
            self.hidden = hidden

        def double(self, x):
            return self(x) * 2.0

        def get_config(self):
            return {**super().get_config(), "hidden": self.hidden}

    return TwoLayer


def _graph_like_subclass(lib, package):
    @lib.saving.register_keras_serializable(package=package)
    class GraphLike(lib.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)

        def describe(self):
            return f"{len(self.layers)} layers"

    return GraphLike


def _numpy_forward(model, x):
    hidden = model.get_layer("hidden")
    out = model.get_layer("out")
    w1, b1 = (cornu.ops.convert_to_numpy(v.value) for v in hidden.weights)
    w2, b2 = (cornu.ops.convert_to_numpy(v.value) for v in out.weights)
    return np.maximum(x @ w1 + b1, 0.0) @ w2 + b2


def test_runs_its_graph_and_keeps_its_own_methods():
    TwoLayer = _two_layer_subclass(cornu, "functional_subclass_run")
    model = TwoLayer(hidden=5, name="two")
    assert isinstance(model, TwoLayer) and isinstance(model, Functional)
    assert model.name == "two" and model.hidden == 5
    assert [layer.name for layer in model.layers] == ["features", "hidden", "out"]
    assert len(model.trainable_weights) == 4
    expected = _numpy_forward(model, X)
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(model(X)), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(model.double(X)), 2 * expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_a_second_instance_builds_its_own_graph():
    TwoLayer = _two_layer_subclass(cornu, "functional_subclass_second")
    first, second = TwoLayer(hidden=2), TwoLayer(hidden=6)
    assert first.get_layer("hidden").units == 2 and second.get_layer("hidden").units == 6
    assert first.get_layer("hidden") is not second.get_layer("hidden")


@pytest.mark.requires_trainable_backend
def test_trains_with_fit():
    TwoLayer = _two_layer_subclass(cornu, "functional_subclass_fit")
    model = TwoLayer(hidden=8)
    model.compile(optimizer=cornu.optimizers.Adam(0.05), loss="mse")
    history = model.fit(X, Y, epochs=30, batch_size=8, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    # evaluate() reports the mean squared error of the graph's outputs.
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(float(np.mean((_numpy_forward(model, X) - Y) ** 2)), rel=1e-4)


def test_a_custom_constructor_is_rebuilt_through_it():
    TwoLayer = _two_layer_subclass(cornu, "functional_subclass_config")
    model = TwoLayer(hidden=3, name="custom")
    config = model.get_config()
    assert "layers" not in config  # not a graph config: the constructor makes the graph
    assert config["hidden"] == 3 and config["name"] == "custom"
    clone = TwoLayer.from_config(config)
    assert type(clone) is TwoLayer and clone.get_layer("hidden").units == 3


def test_a_functional_like_constructor_saves_the_graph():
    GraphLike = _graph_like_subclass(cornu, "functional_subclass_graph")
    inputs = cornu.Input(shape=(3,))
    outputs = cornu.layers.Dense(2, name="proj")(inputs)
    model = GraphLike(inputs, outputs, name="graph_like")
    assert model.describe() == "2 layers"
    config = model.get_config()
    assert [entry["name"] for entry in config["layers"]] == [layer.name for layer in model.layers]
    clone = GraphLike.from_config(config)
    assert type(clone) is GraphLike and clone.get_layer("proj").units == 2


def test_keras_file_round_trip(tmp_path):
    TwoLayer = _two_layer_subclass(cornu, "functional_subclass_file")
    model = TwoLayer(hidden=4)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert type(loaded) is TwoLayer and loaded.hidden == 4
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(loaded(X)), cornu.ops.convert_to_numpy(model(X)), atol=1e-6)


def test_loads_a_file_keras_wrote(keras_ref, tmp_path):
    keras_class = _two_layer_subclass(keras_ref, "functional_subclass_interop")
    keras_model = keras_class(hidden=4)
    path = tmp_path / "keras.keras"
    keras_model.save(str(path))
    TwoLayer = _two_layer_subclass(cornu, "functional_subclass_interop")
    loaded = cornu.saving.load_model(path)
    assert type(loaded) is TwoLayer and loaded.hidden == 4
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(loaded(X)), np.asarray(keras_model(X)), atol=1e-5)


def test_matches_keras_config_for_a_graph_like_subclass(keras_ref):
    configs = []
    for lib in (keras_ref, cornu):
        GraphLike = _graph_like_subclass(lib, "functional_subclass_parity")
        inputs = lib.Input(shape=(3,), name="x")
        outputs = lib.layers.Dense(2, name="proj")(inputs)
        configs.append(GraphLike(inputs, outputs, name="m").get_config())
    keras_config, config = configs
    assert sorted(config) == sorted(keras_config)
    assert [e["class_name"] for e in config["layers"]] == [e["class_name"] for e in keras_config["layers"]]
    assert config["input_layers"] == keras_config["input_layers"]
    assert config["output_layers"] == keras_config["output_layers"]

