"""TextVectorization side by side with Keras 3.15.1 (its text layers run on TensorFlow)."""

import numpy as np
import pytest

import cornu

TEXTS = np.array([["The cat sat on the mat."], ["The dog ate my homework!"], ["A cat, a dog."], ["Ünïcode CAT"]])


def _pair(keras_ref, **kwargs):
    return cornu.layers.TextVectorization(**kwargs), keras_ref.layers.TextVectorization(**kwargs)


def _same_config(ours, ref):
    config, ref_config = ours.get_config(), ref.get_config()
    for c in (config, ref_config):
        c.pop("name")
    assert config == ref_config


@pytest.mark.parametrize("kwargs", [
    {},
    {"output_sequence_length": 4},
    {"output_sequence_length": 9, "max_tokens": 6},
    {"ngrams": 2},
    {"ngrams": (1, 3), "standardize": "lower"},
    {"standardize": "strip_punctuation"},
    {"standardize": None, "split": "character", "output_sequence_length": 12},
    {"split": None, "output_sequence_length": 2},
    {"output_mode": "multi_hot"},
    {"output_mode": "count", "ngrams": 2},
    {"output_mode": "tf_idf"},
    {"output_mode": "multi_hot", "max_tokens": 10, "pad_to_max_tokens": True},
])
def test_adapt_and_call_match_keras(keras_ref, kwargs):
    ours, ref = _pair(keras_ref, **kwargs)
    ours.adapt(TEXTS)
    ref.adapt(TEXTS)
    assert ours.get_vocabulary() == [str(t) for t in ref.get_vocabulary()]
    inputs = np.array([["the cat ate the mat"], ["unknown words here, dog"]])
    out = ours(inputs)
    expected = np.asarray(ref(inputs))
    assert isinstance(out, np.ndarray) and out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    _same_config(ours, ref)


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count", "tf_idf"])
def test_given_vocabulary_matches_keras(keras_ref, mode):
    kwargs = {"idf_weights": [0.5, 0.25, 0.125]} if mode == "tf_idf" else {}
    split = None if mode == "one_hot" else "whitespace"
    ours, ref = _pair(keras_ref, vocabulary=["cat", "dog", "mat"], output_mode=mode, split=split, **kwargs)
    inputs = np.array([["cat"], ["mat"]]) if mode == "one_hot" else np.array(["cat dog cat", "mat bird"])
    np.testing.assert_allclose(ours(inputs), np.asarray(ref(inputs)), rtol=1e-6)
    _same_config(ours, ref)


def test_callables_and_inputs():
    layer = cornu.layers.TextVectorization(
        standardize=lambda x: np.char.upper(x), split=lambda x: [s.split("-") for s in x], vocabulary=["A", "B"])
    np.testing.assert_array_equal(layer(["a-b-c", "b"]), [[2, 3, 1], [3, 0, 0]])
    layer = cornu.layers.TextVectorization(vocabulary=["a", "b"])
    np.testing.assert_array_equal(layer([b"a b", b"b"]), [[2, 3], [3, 0]])  # bytes and lists
    with pytest.raises(ValueError, match="ragged=True"):
        cornu.layers.TextVectorization(ragged=True)
    with pytest.raises(ValueError, match="sparse=True"):
        cornu.layers.TextVectorization(output_mode="multi_hot", sparse=True)


def test_adapt_on_iterables():
    layer = cornu.layers.TextVectorization()
    layer.adapt(iter([np.array(["b a b"]), np.array(["c b"])]))
    assert layer.get_vocabulary() == ["", "[UNK]", "b", "c", "a"]
    layer.adapt(["x y y"], steps=None)
    assert layer.get_vocabulary() == ["", "[UNK]", "y", "x"]
    layer.set_vocabulary(["q"])
    assert layer.vocabulary_size() == 3
