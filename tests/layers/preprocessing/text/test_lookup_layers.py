"""StringLookup and IntegerLookup side by side with Keras 3.15.1 (its layers run on TensorFlow)."""

import numpy as np
import pytest

import cornu
from cornu import backend

VOCAB = ["a", "b", "c"]
STRING_INPUTS = [np.array(["a", "z"]), np.array([["a", "b", "a"], ["c", "z", "z"]]), np.array([["a"], ["c"]])]


def _np(x):
    return np.asarray(backend.convert_to_numpy(x) if backend.is_tensor(x) else x)


def _pair(keras_ref, name, **kwargs):
    return getattr(cornu.layers, name)(**kwargs), getattr(keras_ref.layers, name)(**kwargs)


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count", "tf_idf"])
def test_string_lookup_modes_match_keras(keras_ref, mode):
    kwargs = {"idf_weights": [0.5, 0.25, 0.125]} if mode == "tf_idf" else {}
    ours, ref = _pair(keras_ref, "StringLookup", vocabulary=VOCAB, output_mode=mode, **kwargs)
    for x in STRING_INPUTS:
        out = ours(x)
        assert isinstance(out, np.ndarray)  # host data in, NumPy out
        expected = np.asarray(ref(x))
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=1e-6)
        assert out.dtype == ("float32" if mode == "tf_idf" else "int64")
    config = ours.get_config()
    ref_config = ref.get_config()
    for c in (config, ref_config):
        c.pop("name")
    assert config == ref_config


@pytest.mark.parametrize("kwargs", [
    {"mask_token": "", "num_oov_indices": 2},
    {"num_oov_indices": 3, "oov_token": "?"},
    {"mask_token": "m", "output_mode": "multi_hot", "pad_to_max_tokens": True, "max_tokens": 8},
])
def test_string_lookup_special_tokens_match_keras(keras_ref, kwargs):
    ours, ref = _pair(keras_ref, "StringLookup", vocabulary=VOCAB, **kwargs)
    x = np.array([["a", "", "q", "m"], ["zz", "c", "b", "xyz"]])
    np.testing.assert_array_equal(ours(x), np.asarray(ref(x)))
    assert ours.get_vocabulary() == [str(t) for t in ref.get_vocabulary()]
    assert ours.vocabulary_size() == ref.vocabulary_size()


@pytest.mark.parametrize("mode", ["int", "multi_hot", "count", "tf_idf"])
def test_string_lookup_adapt_matches_keras(keras_ref, mode):
    data = np.array([["x", "y", "x"], ["y", "z", "w"], ["x", "w", "v"]])
    ours, ref = _pair(keras_ref, "StringLookup", output_mode=mode, max_tokens=5)
    ours.adapt(data)
    ref.adapt(data)
    assert ours.get_vocabulary() == [str(t) for t in ref.get_vocabulary()]
    np.testing.assert_allclose(ours(data), np.asarray(ref(data)), rtol=1e-6)
    if mode == "tf_idf":
        np.testing.assert_allclose(ours.idf_weights, np.asarray(ref.idf_weights), rtol=1e-6)


def test_string_lookup_adapt_on_list_and_batches(keras_ref):
    batches = [np.array(["b", "a"]), np.array(["b", "c", "b"])]
    ours = cornu.layers.StringLookup()
    ours.adapt(iter(batches))
    ref = keras_ref.layers.StringLookup()
    ref.adapt(iter(batches))
    assert ours.get_vocabulary() == [str(t) for t in ref.get_vocabulary()] == ["[UNK]", "b", "c", "a"]
    ours.adapt(["q", "q", "r"])
    assert ours.get_vocabulary() == ["[UNK]", "q", "r"]


def test_string_lookup_adapt_on_tf_dataset():
    from tests.helpers.requirements import require

    tf = require("tensorflow")
    layer = cornu.layers.StringLookup()
    layer.adapt(tf.data.Dataset.from_tensor_slices(["a", "b", "b"]).batch(2))
    assert layer.get_vocabulary() == ["[UNK]", "b", "a"]


def test_invert_and_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\n")
    layer = cornu.layers.StringLookup(vocabulary=str(path))
    np.testing.assert_array_equal(layer(np.array(["c", "a", "q"])), [3, 1, 0])
    assert layer.get_config()["vocabulary"] is None  # the path is not kept: the assets hold the vocabulary
    inverse = cornu.layers.StringLookup(vocabulary=VOCAB, invert=True)
    assert inverse(np.array([[1, 3, 0, 9]])).tolist() == [["a", "c", "[UNK]", "[UNK]"]]
    layer.set_vocabulary(["x", "y"])
    np.testing.assert_array_equal(layer(["y"]), [2])


def test_errors():
    with pytest.raises(ValueError, match="sparse=True"):
        cornu.layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot", sparse=True)
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        cornu.layers.StringLookup(vocabulary=VOCAB, num_oov_indices=0)(np.array(["q"]))
    with pytest.raises(ValueError, match="repeated"):
        cornu.layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(RuntimeError, match="vocabulary before calling"):
        cornu.layers.StringLookup(output_mode="multi_hot")(np.array(["a"]))


@pytest.mark.parametrize("kwargs", [
    {},
    {"mask_token": 0, "num_oov_indices": 2},
    {"output_mode": "count"},
    {"output_mode": "one_hot"},
    {"invert": True},
])
def test_integer_lookup_matches_keras(keras_ref, kwargs):
    ours, ref = _pair(keras_ref, "IntegerLookup", vocabulary=[12, 36, 1138, 42], **kwargs)
    x = np.array([[12, 1138, 42, 0], [42, 1000, 36, 7]]) if not kwargs.get("invert") else np.array([[1, 4, 0, 9]])
    if kwargs.get("output_mode") == "one_hot":
        x = x[:, :1]
    np.testing.assert_array_equal(ours(x), np.asarray(ref(x)))
    config, ref_config = ours.get_config(), ref.get_config()
    for c in (config, ref_config):
        c.pop("name")
    assert config == ref_config


def test_integer_lookup_on_backend_tensors_in_compiled_function():
    layer = cornu.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42], num_oov_indices=2, mask_token=0)
    x = np.array([[12, 0, 9, 8, 42]])
    expected = layer(x)
    np.testing.assert_array_equal(expected, [[3, 0, 2, 1, 6]])
    inp = cornu.Input(shape=(5,), dtype="int32")
    model = cornu.Model(inp, layer(inp))
    np.testing.assert_array_equal(_np(model.predict(x.astype("int32"), verbose=0)), expected)  # jitted on JAX
    np.testing.assert_array_equal(_np(layer(backend.convert_to_tensor(x))), expected)


def test_integer_lookup_adapt_matches_keras(keras_ref):
    data = np.array([[3, 3, 5], [7, 5, 3], [9, 9, 9]])
    ours, ref = _pair(keras_ref, "IntegerLookup", output_mode="tf_idf")
    ours.adapt(data)
    ref.adapt(data)
    assert ours.get_vocabulary() == [int(v) for v in ref.get_vocabulary()]
    np.testing.assert_allclose(ours(data), np.asarray(ref(data)), rtol=1e-6)


def test_integer_lookup_farmhash_oov_matches_keras(keras_ref):
    ours, ref = _pair(keras_ref, "IntegerLookup", vocabulary=[3, 5], num_oov_indices=4, oov_method="farmhash")
    x = np.array([[3, 11, 12, 13, 14, 5, 1000]])
    np.testing.assert_array_equal(ours(x), np.asarray(ref(x)))


@pytest.mark.parametrize("name,vocabulary,x,kwargs", [
    ("StringLookup", VOCAB, np.array([["a", "q", "r", "s", "t", "c"]]), {"salt": 7}),
    ("StringLookup", VOCAB, np.array([["q", "r", "s", "t"]]), {"salt": (3, 1234567)}),
    ("IntegerLookup", [3, 5], np.array([[3, 11, 12, 13, 14]]), {"salt": 9, "oov_method": "farmhash"}),
])
def test_salted_oov_buckets_match_keras(keras_ref, name, vocabulary, x, kwargs):
    ours, ref = _pair(keras_ref, name, vocabulary=vocabulary, num_oov_indices=5, **kwargs)
    np.testing.assert_array_equal(ours(x), np.asarray(ref(x)))
    assert ours.get_config()["salt"] == ref.get_config()["salt"]
