"""``load_img``, ``img_to_array``, ``array_to_img``, ``save_img`` and ``smart_resize`` against Keras 3.15.1."""

import io
import pathlib

import numpy as np
import pytest

import cornu
from cornu.preprocessing import image as cornu_image
from tests.helpers.image_directories import write_image
from tests.helpers.requirements import require

require("PIL", "pillow")


@pytest.fixture
def photo(tmp_path):
    path = str(tmp_path / "photo.png")
    write_image(path, np.random.default_rng(1).integers(0, 256, (30, 40, 3)))
    return path


@pytest.mark.parametrize("options", [
    dict(),
    dict(color_mode="grayscale"),
    dict(color_mode="rgba", target_size=(12, 20)),
    dict(target_size=(16, 16), interpolation="bilinear", keep_aspect_ratio=True),
    dict(target_size=(10, 25), interpolation="lanczos", keep_aspect_ratio=True),
    dict(target_size=(7, 9), interpolation="box"),
])
def test_load_img_matches_keras(keras_ref, photo, options):
    ours = cornu.utils.load_img(photo, **options)
    theirs = keras_ref.utils.load_img(photo, **options)
    assert ours.mode == theirs.mode and ours.size == theirs.size
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_load_img_accepts_paths_and_bytes_io(keras_ref, photo):
    expected = np.asarray(keras_ref.utils.load_img(photo))
    np.testing.assert_array_equal(np.asarray(cornu.utils.load_img(pathlib.Path(photo))), expected)
    with open(photo, "rb") as f:
        np.testing.assert_array_equal(np.asarray(cornu.utils.load_img(io.BytesIO(f.read()))), expected)
    with pytest.raises(TypeError):
        cornu.utils.load_img(3)
    with pytest.raises(ValueError, match="interpolation"):
        cornu.utils.load_img(photo, target_size=(3, 3), interpolation="area")


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA"])
def test_img_to_array_and_back_match_keras(keras_ref, photo, data_format, mode):
    img = cornu.utils.load_img(photo).convert(mode)
    ours = cornu.utils.img_to_array(img, data_format=data_format)
    theirs = keras_ref.utils.img_to_array(img, data_format=data_format)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(cornu.utils.img_to_array(img, dtype="uint8"), keras_ref.utils.img_to_array(img, dtype="uint8"))
    for scale in (True, False):
        back = cornu.utils.array_to_img(ours, data_format=data_format, scale=scale)
        reference = keras_ref.utils.array_to_img(theirs, data_format=data_format, scale=scale)
        assert back.mode == reference.mode
        np.testing.assert_array_equal(np.asarray(back), np.asarray(reference))


def test_array_to_img_edge_cases_match_keras(keras_ref):
    rng = np.random.default_rng(0)
    for array in (rng.random((5, 6, 3)), np.full((4, 4, 1), 7.0), rng.integers(0, 1000, (4, 3, 1)).astype(float)):
        for scale in (True, False):
            ours, theirs = cornu.utils.array_to_img(array, scale=scale), keras_ref.utils.array_to_img(array, scale=scale)
            assert ours.mode == theirs.mode
            np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    with pytest.raises(ValueError, match="rank 3"):
        cornu.utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="channel"):
        cornu.utils.array_to_img(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("name, kwargs", [("a.png", {}), ("b.jpg", {"quality": 90}), ("c.bmp", {})])
def test_save_img_writes_what_keras_writes(keras_ref, tmp_path, name, kwargs):
    array = np.random.default_rng(2).random((9, 11, 3))
    cornu.utils.save_img(str(tmp_path / f"ours_{name}"), array, **kwargs)
    keras_ref.utils.save_img(str(tmp_path / f"theirs_{name}"), array, **kwargs)
    assert (tmp_path / f"ours_{name}").read_bytes() == (tmp_path / f"theirs_{name}").read_bytes()


def test_save_img_rgba_as_jpeg_warns_and_file_objects_need_a_format(tmp_path):
    buffer = io.BytesIO()
    with pytest.warns(UserWarning, match="RGBA"):
        cornu.utils.save_img(buffer, np.random.random((4, 4, 4)), file_format="jpg")
    assert buffer.getvalue()[:2] == b"\xff\xd8"  # a JPEG
    cornu.utils.save_img(str(tmp_path / "x.png"), np.zeros((3, 3, 3)), scale=False)
    np.testing.assert_array_equal(np.asarray(cornu.utils.load_img(str(tmp_path / "x.png"))), np.zeros((3, 3, 3)))


@pytest.mark.parametrize("shape, size, data_format", [
    ((34, 50, 3), (20, 20), "channels_last"),
    ((2, 40, 30, 1), (15, 25), "channels_last"),
    ((3, 17, 33), (8, 8), "channels_first"),
    ((9, 9, 2), (4, 12), "channels_last"),
])
def test_smart_resize_matches_keras(keras_ref, shape, size, data_format):
    x = np.random.default_rng(3).random(shape).astype("float32")
    ours = cornu_image.smart_resize(x, size, data_format=data_format)
    theirs = keras_ref.preprocessing.image.smart_resize(x, size, data_format=data_format)
    assert isinstance(ours, np.ndarray) and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    # a backend tensor stays one (Keras's "nearest" differs between its backends, so bilinear here)
    tensor = cornu_image.smart_resize(cornu.ops.convert_to_tensor(x), size, data_format=data_format)
    assert cornu.backend.is_tensor(tensor)
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(tensor), theirs, atol=1e-5)


def test_smart_resize_rejects_bad_arguments():
    with pytest.raises(ValueError, match="rank"):
        cornu_image.smart_resize(np.zeros((4, 4)), (2, 2))
    with pytest.raises(ValueError, match="2 integers"):
        cornu_image.smart_resize(np.zeros((4, 4, 1)), (2, 2, 2))
    with pytest.raises(TypeError, match="unexpected"):
        cornu_image.smart_resize(np.zeros((4, 4, 1)), (2, 2), antialias=True)
