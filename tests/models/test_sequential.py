import numpy as np
import pytest

import cornu
from cornu import layers, ops


def test_sequential_with_input_builds_at_once():
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(3), layers.Dense(2)])
    assert model.built and len(model.weights) == 4
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert model.outputs[0].shape == (None, 2)


def test_deferred_build_on_first_call():
    model = cornu.Sequential([layers.Dense(3), layers.Dense(1)])
    assert not model.built
    y = model(np.ones((5, 7), "float32"))
    assert tuple(y.shape) == (5, 1) and model.built
    assert model.layers[0].kernel.shape == (7, 3)


def test_input_shape_keyword_on_first_layer():
    model = cornu.Sequential([layers.Dense(3, input_shape=(6,)), layers.Dense(1)])
    assert model.built and model.layers[0].kernel.shape == (6, 3)


def test_add_pop_and_errors():
    model = cornu.Sequential()
    model.add(cornu.Input((2,)))
    model.add(layers.Dense(3, name="d1"))
    model.add(layers.Dense(4, name="d2"))
    assert model.outputs[0].shape == (None, 4)
    model.pop()
    assert model.outputs[0].shape == (None, 3)
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(4, name="d1"))
    with pytest.raises(ValueError, match="Only instances of"):
        model.add("dense")


def test_layers_trainable_freezing_and_weights_lists():
    model = cornu.Sequential([cornu.Input((2,)), layers.Dense(3), layers.Dense(1)])
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4


def test_get_set_weights_and_count_params():
    model = cornu.Sequential([cornu.Input((2,)), layers.Dense(3), layers.Dense(1)])
    assert model.count_params() == 2 * 3 + 3 + 3 * 1 + 1
    new = [np.full(w.shape, i, dtype="float32") for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    for got, want in zip(model.get_weights(), new):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="expects 4 weights"):
        model.set_weights(new[:2])
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(model(x)), [[(0 * 2 + 1) * 3 * 2 + 3]])
