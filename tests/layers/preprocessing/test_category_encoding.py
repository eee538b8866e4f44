"""``CategoryEncoding``: one-hot, multi-hot and count encodings against NumPy and Keras."""

import numpy as np
import pytest

import cornu
from cornu import layers

INPUTS = [[[0, 1, 1], [3, 3, 2]], [3, 1], [[2], [0]], 2]


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def test_count_by_hand():
    out = _np(layers.CategoryEncoding(num_tokens=4, output_mode="count")([[0, 1, 1], [3, 3, 2]]))
    np.testing.assert_array_equal(out, [[1, 2, 0, 0], [0, 0, 1, 2]])
    weighted = layers.CategoryEncoding(4, output_mode="count")([[0, 1, 1]], count_weights=[[0.5, 1.0, 2.0]])
    np.testing.assert_allclose(_np(weighted), [[0.5, 3.0, 0.0, 0.0]])


def test_multi_hot_and_one_hot_by_hand():
    np.testing.assert_array_equal(_np(layers.CategoryEncoding(4)([[0, 1, 1], [3, 3, 2]])),
                                  [[1, 1, 0, 0], [0, 0, 1, 1]])
    np.testing.assert_array_equal(_np(layers.CategoryEncoding(3, output_mode="one_hot")([[2], [0]])),
                                  [[0, 0, 1], [1, 0, 0]])
    assert layers.CategoryEncoding(3, output_mode="binary").output_mode == "multi_hot"


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("x", INPUTS, ids=["2d", "1d", "trailing-1", "scalar"])
def test_matches_keras(keras_ref, mode, x):
    expected = np.asarray(keras_ref.layers.CategoryEncoding(4, output_mode=mode)(x))
    layer = layers.CategoryEncoding(4, output_mode=mode)
    got = _np(layer(x))
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    # The computed shape is the output's (Keras's says (4,) for a scalar one-hot, whose output is (1, 4)).
    assert layer.compute_output_shape(np.shape(x)) == expected.shape


def test_in_a_model_and_config_round_trip():
    inputs = cornu.Input((3,), dtype="int32")
    model = cornu.Model(inputs, layers.CategoryEncoding(5, output_mode="count", name="enc")(inputs))
    assert model.output.shape == (None, 5)
    clone = cornu.models.clone_model(model)
    x = np.array([[4, 4, 0]], "int32")
    np.testing.assert_array_equal(_np(clone(x)), _np(model(x)))
    assert clone.get_layer("enc").get_config()["num_tokens"] == 5


def test_errors():
    with pytest.raises(ValueError, match="num_tokens"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="num_tokens"):
        layers.CategoryEncoding(0)
    with pytest.raises(ValueError, match="output_mode"):
        layers.CategoryEncoding(3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(3)([[1]], count_weights=[[1.0]])
