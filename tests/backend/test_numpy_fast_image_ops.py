"""The NumPy fast paths of the flip and contrast augmentations give exactly the numbers of the
generic formulas (``np.where`` over a flipped copy; ``clip((x - mean) * factor + mean)``)."""

import numpy as np
import pytest

import cornu
from cornu.layers.preprocessing.image import host_image_ops

RNG = np.random.default_rng(0)
BATCH = RNG.uniform(0, 255, (5, 12, 14, 3)).astype("float32")
FLIPS = np.array([True, False, True, True, False]).reshape(5, 1, 1, 1)


@pytest.mark.parametrize("axis", [-2, -3, -1, 1, 2])
@pytest.mark.parametrize("view", ["contiguous", "cropped", "uint8", "one image"])
def test_flip_selected_matches_where(axis, view):
    images, flips = BATCH, FLIPS
    if view == "cropped":
        images = BATCH[:, 2:10, 3:12, :]
    elif view == "uint8":
        images = BATCH.astype("uint8")
    elif view == "one image":
        images, flips = BATCH[:1], np.array([[[True]]])
    got = host_image_ops.flip_selected(images, flips, axis)
    expected = np.where(flips.reshape(-1, *([1] * (images.ndim - 1))), np.flip(images, axis), images)
    assert got.dtype == images.dtype and got.flags.c_contiguous
    np.testing.assert_array_equal(got, expected)
    assert not np.shares_memory(got, images)


def test_flip_selected_declines_flags_it_cannot_pair_with_images():
    assert host_image_ops.flip_selected(BATCH, np.ones((3, 1, 1, 1), bool), -2) is None
    assert host_image_ops.flip_selected(BATCH, np.ones((5, 1, 1, 1), "float32"), -2) is None


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("view", ["contiguous", "cropped"])
def test_adjust_contrast_matches_the_formula(dtype, view):
    images = (BATCH if view == "contiguous" else BATCH[:, 1:11, 2:13]).astype(dtype)
    mean = images.mean(axis=(1, 2), keepdims=True, dtype=dtype)
    factor = RNG.uniform(0.2, 1.8, (5, 1, 1, 1)).astype(dtype)
    got = host_image_ops.adjust_contrast(images, mean, factor, 10, 240.5)
    low, high = np.asarray(10, dtype), np.asarray(240.5, dtype)
    expected = np.clip((images - mean) * factor + mean, low, high)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_adjust_contrast_declines_other_shapes():
    mean = BATCH.mean(axis=(1, 2), keepdims=True)
    factor = np.ones((5, 1, 1, 1), "float32")
    assert host_image_ops.adjust_contrast(BATCH[0], mean[0], factor[0], 0, 255) is None
    assert host_image_ops.adjust_contrast(BATCH, mean[:, :, :, :1], factor, 0, 255) is None
    assert host_image_ops.adjust_contrast(BATCH, mean.astype("float64"), factor, 0, 255) is None


def _generic(monkeypatch, layer, images):
    with monkeypatch.context() as patch:
        patch.setattr(host_image_ops, "flip_selected", lambda *args: None)
        patch.setattr(host_image_ops, "adjust_contrast", lambda *args: None)
        return layer(images)


@pytest.mark.parametrize("make_layer", [
    lambda: cornu.layers.RandomFlip("horizontal", seed=3),
    lambda: cornu.layers.RandomFlip("vertical", seed=4),
    lambda: cornu.layers.RandomFlip("horizontal", seed=3, data_format="channels_first"),
    lambda: cornu.layers.RandomContrast(0.4, seed=5),
    lambda: cornu.layers.RandomContrast((0.3, 0.6), value_range=(0, 1.5), seed=6),
])
@pytest.mark.parametrize("view", ["batch", "cropped", "single"])
def test_layers_on_numpy_give_the_generic_numbers(monkeypatch, make_layer, view):
    images = {"batch": BATCH, "cropped": BATCH[:, 1:11, 2:13], "single": BATCH[2]}[view]
    fast, generic = make_layer(), make_layer()  # same seeds: same draws
    taken = []
    for name in ("flip_selected", "adjust_contrast"):
        original = getattr(host_image_ops, name)
        monkeypatch.setattr(host_image_ops, name,
                            lambda *args, original=original: taken.append(original(*args)) or taken[-1])
    got = fast(images)
    monkeypatch.undo()
    expected = _generic(monkeypatch, generic, images)
    assert any(result is not None for result in taken) == (view != "single" or "Flip" in type(fast).__name__)
    assert isinstance(got, np.ndarray) and got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
