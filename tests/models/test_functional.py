import numpy as np
import pytest

import cornu
from cornu import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


def test_functional_mlp_matches_numpy_reference():
    inputs = cornu.Input(shape=(4,))
    hidden = layers.Dense(5, activation="relu")(inputs)
    outputs = layers.Dense(2)(hidden)
    model = cornu.Model(inputs, outputs)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    x = np.random.rand(3, 4).astype("float32")
    k1, b1, k2, b2 = model.get_weights()
    expected = np.maximum(x @ k1 + b1, 0) @ k2 + b2
    np.testing.assert_allclose(_np(model(x)), expected, rtol=1e-5, atol=1e-6)
    assert outputs.shape == (None, 2)


def test_multiple_inputs_and_outputs_and_shared_layers():
    a = cornu.Input(shape=(3,), name="a")
    b = cornu.Input(shape=(3,), name="b")
    shared = layers.Dense(2, name="shared")
    out_sum = layers.Add()([shared(a), shared(b)])
    out_a = shared(a)
    model = cornu.Model([a, b], [out_sum, out_a])
    assert len(model.weights) == 2
    xa, xb = np.random.rand(2, 3).astype("float32"), np.random.rand(2, 3).astype("float32")
    y_sum, y_a = model([xa, xb])
    k, bias = model.get_layer("shared").get_weights()
    np.testing.assert_allclose(_np(y_sum), xa @ k + bias + xb @ k + bias, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(y_a), xa @ k + bias, rtol=1e-5, atol=1e-6)


def test_dict_inputs():
    a = cornu.Input(shape=(2,), name="a")
    b = cornu.Input(shape=(2,), name="b")
    model = cornu.Model({"a": a, "b": b}, ops.multiply(a, b))
    xa, xb = np.ones((1, 2), "float32") * 2, np.ones((1, 2), "float32") * 3
    np.testing.assert_allclose(_np(model({"a": xa, "b": xb})), [[6.0, 6.0]])
    with pytest.raises(ValueError, match="missing inputs"):
        model({"a": xa})


def test_nested_model_as_a_layer():
    inner_in = cornu.Input(shape=(3,))
    inner = cornu.Model(inner_in, layers.Dense(2, name="inner_dense")(inner_in), name="inner")
    x = cornu.Input(shape=(3,))
    y = layers.Dense(1)(inner(x))
    outer = cornu.Model(x, y)
    assert len(outer.weights) == 4
    data = np.random.rand(4, 3).astype("float32")
    expected = _np(outer.layers[-1](inner(data)))
    np.testing.assert_allclose(_np(outer(data)), expected, rtol=1e-6)


def test_ops_on_symbolic_tensors_build_graph_nodes():
    x = cornu.Input(shape=(None, 3))
    y = ops.mean(ops.square(x) * 2.0, axis=1)
    assert y.shape == (None, 3)
    model = cornu.Model(x, y)
    data = np.random.rand(2, 5, 3).astype("float32")
    np.testing.assert_allclose(_np(model(data)), np.mean(data**2 * 2.0, axis=1), rtol=1e-6)


def test_wrong_input_shape_is_a_clear_error():
    inputs = cornu.Input(shape=(4,))
    model = cornu.Model(inputs, layers.Dense(2)(inputs))
    with pytest.raises(ValueError, match=r"expected shape=\(None, 4\), found shape=\(2, 5\)"):
        model(np.ones((2, 5), "float32"))
    with pytest.raises(ValueError, match="expects 1 input"):
        model([np.ones((2, 4)), np.ones((2, 4))])


def test_disconnected_graph_is_rejected():
    a = cornu.Input(shape=(2,))
    b = cornu.Input(shape=(2,))
    with pytest.raises(ValueError, match="Graph disconnected"):
        cornu.Model(a, ops.add(a, b))


def test_dense_input_spec_error_names_the_layer():
    layer = layers.Dense(3, name="my_dense")
    layer(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match='layer "my_dense".*axis -1.*value 4'):
        layer(np.ones((2, 5), "float32"))


def test_functional_config_round_trip_gives_same_outputs():
    a = cornu.Input(shape=(3,), name="a")
    b = cornu.Input(shape=(3,), name="b")
    shared = layers.Dense(4, activation="tanh")
    merged = layers.Add()([shared(a), shared(b)])
    model = cornu.Model({"a": a, "b": b}, layers.Dense(1)(merged))
    config = model.get_config()
    clone = type(model).from_config(config)
    clone.set_weights(model.get_weights())
    data = {"a": np.random.rand(2, 3).astype("float32"), "b": np.random.rand(2, 3).astype("float32")}
    np.testing.assert_allclose(_np(clone(data)), _np(model(data)), rtol=1e-6)
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
