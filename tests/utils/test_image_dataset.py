"""``image_dataset_from_directory`` side by side with Keras 3.15.1's tf.data output, on generated files."""

import os

import numpy as np
import pytest

import cornu
from cornu.utils.file_dataset import FileDataset
from tests.helpers.image_directories import make_image_directory
from tests.helpers.requirements import require

require("PIL", "pillow")
_JPEG = (".jpg", ".jpeg")


@pytest.fixture(scope="module")
def image_root(tmp_path_factory):
    return make_image_directory(str(tmp_path_factory.mktemp("images")))


@pytest.fixture(scope="module")
def png_root(tmp_path_factory):
    return make_image_directory(str(tmp_path_factory.mktemp("png_images")), extensions=(".png",), per_class=4)


def _collect(dataset):
    images, labels = [], []
    for batch in dataset:
        x, y = batch if isinstance(batch, tuple) else (batch, None)
        images.append(np.asarray(x))
        if y is not None:
            labels.append(np.asarray(y))
    return np.concatenate(images), (np.concatenate(labels) if labels else None)


def _assert_same_images(ours, theirs, paths, atol=1e-3):
    # TensorFlow decodes JPEG with libjpeg's fast integer DCT, Pillow with the accurate one: a few levels apart.
    for image, reference, path in zip(ours, theirs, paths):
        tolerance = 12.0 if path.lower().endswith(_JPEG) else atol
        np.testing.assert_allclose(image.astype("float32"), reference.astype("float32"), atol=tolerance, err_msg=path)


def test_unshuffled_dataset_matches_keras_files_labels_and_pixels(keras_ref, image_root):
    kwargs = dict(image_size=(14, 15), shuffle=False, batch_size=4, verbose=False)
    ours = cornu.utils.image_dataset_from_directory(image_root, format="numpy", **kwargs)
    theirs = keras_ref.utils.image_dataset_from_directory(image_root, **kwargs)
    assert isinstance(ours, cornu.utils.PyDataset)
    assert ours.file_paths == theirs.file_paths
    assert ours.class_names == theirs.class_names == ["cats", "dogs"]
    assert len(ours) == len(theirs) == 3  # 12 files (5 + nested per class), batches of 4
    x, y = _collect(ours)
    kx, ky = _collect(theirs.as_numpy_iterator())
    assert x.dtype == kx.dtype == np.float32 and x.shape == kx.shape == (12, 14, 15, 3)
    np.testing.assert_array_equal(y, ky)
    assert y.dtype == ky.dtype
    _assert_same_images(x, kx, ours.file_paths)
    assert not any(p.endswith(".txt") for p in ours.file_paths)


@pytest.mark.parametrize("options", [
    dict(crop_to_aspect_ratio=True),
    dict(pad_to_aspect_ratio=True),
    dict(interpolation="nearest"),
    dict(color_mode="rgba", label_mode="binary"),
    dict(color_mode="grayscale", label_mode="categorical"),
    dict(data_format="channels_first", label_mode=None),
    dict(interpolation="bicubic", image_size=9),
])
def test_options_match_keras(keras_ref, png_root, options):
    kwargs = dict(image_size=(12, 10), shuffle=False, batch_size=3, verbose=False)
    kwargs.update(options)
    ours = cornu.utils.image_dataset_from_directory(png_root, format="numpy", **kwargs)
    theirs = keras_ref.utils.image_dataset_from_directory(png_root, **kwargs)
    x, y = _collect(ours)
    kx, ky = _collect(theirs.as_numpy_iterator())
    assert x.shape == kx.shape and x.dtype == kx.dtype
    if y is None:
        assert ky is None
    else:
        assert y.dtype == ky.dtype
        np.testing.assert_array_equal(y, ky)
    # grayscale conversion rounds differently by one level; bicubic treats the border differently
    atol = {"grayscale": 1.01}.get(options.get("color_mode"), 0.25 if options.get("interpolation") == "bicubic" else 1e-3)
    _assert_same_images(x, kx, ours.file_paths, atol=atol)


def test_shuffled_order_and_validation_split_membership_match_keras(keras_ref, image_root):
    kwargs = dict(image_size=(8, 8), seed=1337, validation_split=0.25, verbose=False)
    ours = cornu.utils.image_dataset_from_directory(image_root, subset="both", format="numpy", **kwargs)
    theirs = keras_ref.utils.image_dataset_from_directory(image_root, subset="both", **kwargs)
    for our_part, their_part in zip(ours, theirs):
        assert our_part.file_paths == their_part.file_paths
    assert len(ours[0].file_paths) == 9 and len(ours[1].file_paths) == 3
    assert set(ours[0].file_paths).isdisjoint(ours[1].file_paths)
    validation = cornu.utils.image_dataset_from_directory(image_root, subset="validation", format="numpy", **kwargs)
    assert validation.file_paths == theirs[1].file_paths
    # labels follow their files through the shuffle
    _, labels = _collect(ours[0])
    names = [os.path.relpath(p, image_root).split(os.sep)[0] for p in ours[0].file_paths]
    # the PyDataset's first epoch keeps the listed order
    assert [ours[0].class_names[i] for i in labels] == names


def test_explicit_labels_and_class_names(keras_ref, image_root):
    kwargs = dict(image_size=(6, 6), shuffle=False, verbose=False, batch_size=None)
    ours = cornu.utils.image_dataset_from_directory(image_root, class_names=["dogs", "cats"], format="numpy", **kwargs)
    theirs = keras_ref.utils.image_dataset_from_directory(image_root, class_names=["dogs", "cats"], **kwargs)
    assert ours.file_paths == theirs.file_paths
    first_image, first_label = ours[0]
    assert first_image.shape == (6, 6, 3) and int(first_label) == 0 and "dogs" in ours.file_paths[0]
    labels = [i % 3 for i in range(12)]
    ours = cornu.utils.image_dataset_from_directory(image_root, labels=labels, format="numpy", **kwargs)
    theirs = keras_ref.utils.image_dataset_from_directory(image_root, labels=labels, **kwargs)
    assert ours.class_names == theirs.class_names == ["0", "1", "2"]
    assert ours.file_paths == theirs.file_paths
    assert [int(y) for _, y in ours] == [int(y) for _, y in theirs.as_numpy_iterator()]


def test_tf_format_returns_the_same_tf_dataset_as_keras(keras_ref, png_root):
    tf = require("tensorflow", "tensorflow-cpu")
    kwargs = dict(image_size=(10, 10), shuffle=False, batch_size=5, label_mode="categorical", verbose=False)
    ours = cornu.utils.image_dataset_from_directory(png_root, **kwargs)
    theirs = keras_ref.utils.image_dataset_from_directory(png_root, **kwargs)
    assert isinstance(ours, tf.data.Dataset)
    assert ours.class_names == theirs.class_names and ours.file_paths == theirs.file_paths
    assert ours.element_spec == theirs.element_spec
    for (x, y), (kx, ky) in zip(ours.as_numpy_iterator(), theirs.as_numpy_iterator()):
        np.testing.assert_array_equal(x, kx)
        np.testing.assert_array_equal(y, ky)
    crop = dict(kwargs, crop_to_aspect_ratio=True, image_size=(6, 9))
    x = next(iter(cornu.utils.image_dataset_from_directory(png_root, **crop)))[0].numpy()
    kx = next(iter(keras_ref.utils.image_dataset_from_directory(png_root, **crop)))[0].numpy()
    np.testing.assert_allclose(x, kx, atol=1e-4)


def test_py_dataset_reshuffles_each_epoch_with_its_seed(image_root):
    def make():
        return cornu.utils.image_dataset_from_directory(image_root, image_size=(4, 4), seed=3, batch_size=12,
                                                        format="numpy", verbose=False)
    first, second = make(), make()
    x0, y0 = first[0]
    first.on_epoch_end()
    second.on_epoch_end()
    x1, y1 = first[0]
    np.testing.assert_array_equal(x1, second[0][0])  # the same seed gives the same epochs
    assert not np.array_equal(x0, x1)
    np.testing.assert_array_equal(np.sort(x0.reshape(12, -1), 0), np.sort(x1.reshape(12, -1), 0))
    np.testing.assert_array_equal(np.sort(y0), np.sort(y1))


def test_parallel_iteration_equals_indexing(image_root):
    dataset = cornu.utils.image_dataset_from_directory(image_root, image_size=(5, 5), shuffle=False, batch_size=5,
                                                       format="numpy", verbose=False)
    assert isinstance(dataset, FileDataset) and dataset.workers >= 1
    dataset.workers = 3
    for index, (x, y) in enumerate(dataset):
        np.testing.assert_array_equal(x, dataset[index][0])
        np.testing.assert_array_equal(y, dataset[index][1])
    assert index == len(dataset) - 1 == 2


def _link(target, link):
    try:
        os.symlink(target, link)
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here")


def test_follow_links_refuses_links_leaving_the_directory(keras_ref, tmp_path):
    root = make_image_directory(str(tmp_path / "data"), per_class=2, extensions=(".png",))
    outside = make_image_directory(str(tmp_path / "outside"), classes=("secret",), per_class=2, extensions=(".png",))
    _link(os.path.join(root, "cats"), os.path.join(root, "dogs", "inner_link"))  # stays inside: followed
    kwargs = dict(image_size=(4, 4), shuffle=False, verbose=False)
    ours = cornu.utils.image_dataset_from_directory(root, follow_links=True, format="numpy", **kwargs)
    theirs = keras_ref.utils.image_dataset_from_directory(root, follow_links=True, **kwargs)
    assert ours.file_paths == theirs.file_paths
    assert any("inner_link" in p for p in ours.file_paths)
    _link(os.path.join(outside, "secret"), os.path.join(root, "cats", "escape"))
    with pytest.raises(ValueError, match="outside"):
        cornu.utils.image_dataset_from_directory(root, follow_links=True, format="numpy", **kwargs)
    # without follow_links, linked directories are not walked into, as in Keras
    ours = cornu.utils.image_dataset_from_directory(root, format="numpy", **kwargs)
    theirs = keras_ref.utils.image_dataset_from_directory(root, **kwargs)
    assert ours.file_paths == theirs.file_paths
    assert not any("escape" in p or "inner_link" in p for p in ours.file_paths)


@pytest.mark.parametrize("kwargs, message", [
    (dict(label_mode="binary", class_names=None, labels=[0, 1, 2] * 4), "exactly 2"),
    (dict(validation_split=0.2, subset="training"), "seed"),
    (dict(validation_split=0.2), "inversely"),
    (dict(class_names=["birds"]), "did not match"),
    (dict(format="grain"), "grain"),
    (dict(format="jpeg"), "format"),
    (dict(color_mode="cmyk"), "color_mode"),
    (dict(crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), "Only one"),
    (dict(labels=[0, 1]), "lengths of `labels`"),
    (dict(label_mode="ordinal"), "label_mode"),
])
def test_invalid_arguments_raise(keras_ref, image_root, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cornu.utils.image_dataset_from_directory(image_root, verbose=False, **{"format": "numpy", **kwargs})
    if kwargs.get("format") not in ("grain", "jpeg"):
        with pytest.raises(ValueError):
            keras_ref.utils.image_dataset_from_directory(image_root, verbose=False, **kwargs)


def test_empty_directory_raises(tmp_path):
    (tmp_path / "empty_class").mkdir()
    with pytest.raises(ValueError, match="No images found"):
        cornu.utils.image_dataset_from_directory(str(tmp_path), format="numpy", verbose=False)
