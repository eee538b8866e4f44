"""``keras.preprocessing``: the same functions as ``keras.utils``, under Keras's names."""

import inspect

import numpy as np
import pytest

import cornu
from cornu import preprocessing


def test_namespace_holds_the_utils_functions():
    assert preprocessing.image_dataset_from_directory is cornu.utils.image_dataset_from_directory
    assert preprocessing.text_dataset_from_directory is cornu.utils.text_dataset_from_directory
    for name in ("array_to_img", "img_to_array", "load_img", "save_img"):
        assert getattr(preprocessing.image, name) is getattr(cornu.utils, name)
    assert preprocessing.sequence.pad_sequences is cornu.utils.pad_sequences


@pytest.mark.parametrize("path", [
    "image_dataset_from_directory", "text_dataset_from_directory", "image.load_img", "image.smart_resize",
    "image.save_img", "image.array_to_img", "image.img_to_array", "sequence.pad_sequences",
])
def test_signatures_match_keras(keras_ref, path):
    ours, theirs = preprocessing, keras_ref.preprocessing
    for part in path.split("."):
        ours, theirs = getattr(ours, part), getattr(theirs, part)
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))


def test_smart_resize_crops_then_resizes():
    image = np.zeros((4, 8, 1), "float32")
    image[:, 2:6] = 1.0  # the centered square
    np.testing.assert_allclose(preprocessing.image.smart_resize(image, (2, 2)), np.ones((2, 2, 1)))


def test_serialization_names_are_keras_public_paths():
    from cornu.serialization.registry import get_registered_name

    assert "image_dataset_from_directory" in get_registered_name(preprocessing.image_dataset_from_directory)
