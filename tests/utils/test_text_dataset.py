"""``text_dataset_from_directory`` side by side with Keras 3.15.1's tf.data output, on generated files."""

import os

import numpy as np
import pytest

import cornu
from tests.helpers.image_directories import make_text_directory
from tests.helpers.requirements import require


@pytest.fixture(scope="module")
def text_root(tmp_path_factory):
    root = make_text_directory(str(tmp_path_factory.mktemp("texts")))
    os.makedirs(os.path.join(root, "pos", "more"))
    with open(os.path.join(root, "pos", "more", "nested.TXT"), "w", encoding="utf-8") as f:
        f.write("nested great review ünïcode")
    return root


def _texts_and_labels(dataset):
    texts, labels = [], []
    for x, y in dataset:
        texts += [t.decode("utf-8", errors="ignore") if isinstance(t, bytes) else t for t in np.asarray(x).tolist()]
        labels.append(np.asarray(y))
    return texts, np.concatenate(labels)


@pytest.mark.parametrize("options", [dict(), dict(max_length=7), dict(label_mode="categorical"),
                                     dict(label_mode="binary", batch_size=5)])
def test_unshuffled_texts_and_labels_match_keras(keras_ref, text_root, options):
    kwargs = dict(shuffle=False, batch_size=4, verbose=False)
    kwargs.update(options)
    ours = cornu.utils.text_dataset_from_directory(text_root, format="numpy", **kwargs)
    theirs = keras_ref.utils.text_dataset_from_directory(text_root, **kwargs)
    assert ours.class_names == theirs.class_names == ["neg", "pos"]
    assert len(ours) == len(theirs)
    texts, labels = _texts_and_labels(ours)
    their_texts, their_labels = _texts_and_labels(theirs.as_numpy_iterator())
    assert texts == their_texts and len(texts) == 13
    assert labels.dtype == their_labels.dtype
    np.testing.assert_array_equal(labels, their_labels)
    x, _ = ours[0]
    assert x.dtype == object and isinstance(x[0], str)


def test_split_membership_and_shuffle_match_keras(keras_ref, text_root):
    kwargs = dict(seed=11, validation_split=0.3, verbose=False)
    ours = cornu.utils.text_dataset_from_directory(text_root, subset="both", format="numpy", **kwargs)
    train = keras_ref.utils.text_dataset_from_directory(text_root, subset="training", **kwargs)
    validation = keras_ref.utils.text_dataset_from_directory(text_root, subset="validation", **kwargs)
    ours_validation_texts = sorted(_texts_and_labels(ours[1])[0])
    assert ours_validation_texts == sorted(_texts_and_labels(validation.as_numpy_iterator())[0])
    assert sorted(_texts_and_labels(ours[0])[0]) == sorted(_texts_and_labels(train.as_numpy_iterator())[0])
    assert len(ours[1].file_paths) == int(0.3 * 13)


def test_no_labels_and_unbatched(keras_ref, text_root):
    ours = cornu.utils.text_dataset_from_directory(text_root, labels=None, batch_size=None, shuffle=False,
                                                   format="numpy", verbose=False)
    theirs = keras_ref.utils.text_dataset_from_directory(text_root, labels=None, batch_size=None, shuffle=False,
                                                         verbose=False)
    assert ours.class_names is None
    assert [t for t in ours] == [t.decode("utf-8") for t in theirs.as_numpy_iterator()]


def test_tf_format_matches_keras(keras_ref, text_root):
    tf = require("tensorflow", "tensorflow-cpu")
    kwargs = dict(shuffle=False, batch_size=6, max_length=10, label_mode="binary", verbose=False)
    ours = cornu.utils.text_dataset_from_directory(text_root, **kwargs)
    theirs = keras_ref.utils.text_dataset_from_directory(text_root, **kwargs)
    assert isinstance(ours, tf.data.Dataset) and ours.element_spec == theirs.element_spec
    for (x, y), (kx, ky) in zip(ours.as_numpy_iterator(), theirs.as_numpy_iterator()):
        assert x.tolist() == kx.tolist()
        np.testing.assert_array_equal(y, ky)


def test_text_vectorization_adapts_on_the_py_dataset(text_root):
    TextVectorization = getattr(cornu.layers, "TextVectorization", None)
    if TextVectorization is None:
        pytest.skip("cornu.layers.TextVectorization is not written yet")
    dataset = cornu.utils.text_dataset_from_directory(text_root, shuffle=False, format="numpy", verbose=False)
    layer = TextVectorization(output_mode="int", output_sequence_length=5)
    layer.adapt(np.concatenate([x for x, _ in dataset]))
    ids = np.asarray(layer(dataset[0][0]))
    assert ids.shape == (13, 5) and ids.max() < layer.vocabulary_size()
