"""Rebuilding Functional models from configs, as the `.keras` loader does."""

import numpy as np

import cornu
from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object


def test_shared_layer_calls_are_replayed_in_node_order():
    a = cornu.Input(shape=(3,), name="a")
    b = cornu.Input(shape=(3,), name="b")
    x = cornu.layers.Dense(3, name="x")(b)
    shared = cornu.layers.Dense(3, name="shared")
    first = shared(x)  # node 0 of `shared` depends on `x`...
    second = shared(a)  # ...node 1 only on an input
    model = cornu.Model([a, b], cornu.layers.Subtract()([first, second]))
    config = serialize_keras_object(model)
    layers = config["config"]["layers"]
    # Put `x` after `shared`: a loader that replays whatever call is ready would number the calls wrongly.
    x_config = next(layer for layer in layers if layer["name"] == "x")
    layers.remove(x_config)
    layers.append(x_config)
    restored = deserialize_keras_object(config)
    for layer in model.layers:
        restored.get_layer(layer.name).set_weights(layer.get_weights())
    inputs = [np.ones((2, 3), "float32"), np.full((2, 3), 2.0, "float32")]
    np.testing.assert_allclose(restored.predict(inputs, verbose=0), model.predict(inputs, verbose=0), atol=1e-6)
