"""The colour / intensity augmentation layers on their own: the ranges of their random draws,
no-ops at inference, NumPy outputs on host data, labels / boxes / masks passing through, the
colour jitter's composition, and Keras's argument errors."""

import numpy as np
import pytest

import cornu
from cornu import layers

RNG = np.random.default_rng(8)
MANY = RNG.uniform(0, 255, (300, 2, 2, 3)).astype("float32")
IMAGES = RNG.uniform(0, 255, (3, 6, 5, 3)).astype("float32")

RANDOM_LAYERS = [
    ("RandomContrast", {"factor": 0.5}),
    ("RandomBrightness", {"factor": 0.4}),
    ("RandomGrayscale", {"factor": 1.0}),
    ("RandomHue", {"factor": 0.8}),
    ("RandomSaturation", {"factor": (0.1, 0.9)}),
    ("RandomSharpness", {"factor": (0.8, 1.0)}),
    ("RandomColorDegeneration", {"factor": (0.5, 0.9)}),
    ("RandomPosterization", {"factor": (1, 3)}),
    ("RandomInvert", {"factor": (0.9, 1.0)}),
    ("Solarization", {"addition_factor": 0.3, "threshold_factor": 0.6}),
    ("RandomColorJitter", {"brightness_factor": 0.2, "contrast_factor": 0.3, "saturation_factor": (0.2, 0.8),
                           "hue_factor": 0.2}),
    ("Equalization", {}),
]


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _draw(layer, images=MANY):
    return {k: _np(v) for k, v in layer.get_random_transformation(images, training=True).items()}


def test_random_draws_stay_in_their_ranges():
    contrast = _draw(layers.RandomContrast((0.2, 0.6), seed=1))["contrast_factor"]
    assert contrast.shape == (300, 1, 1, 1) and contrast.min() >= 0.8 and contrast.max() <= 1.6
    assert contrast.min() < 0.85 and contrast.max() > 1.55

    delta = _draw(layers.RandomBrightness((-0.3, 0.1), value_range=(0, 2), seed=2))["rgb_delta"]
    assert delta.min() >= -0.6 and delta.max() <= 0.2 and delta.min() < -0.55 and delta.max() > 0.15

    hue = _draw(layers.RandomHue((0.2, 0.6), seed=3))["factor"]
    assert hue.shape == (300,) and np.all((np.abs(hue) >= 0.1) & (np.abs(hue) <= 0.3))
    assert (hue > 0).mean() > 0.3 and (hue < 0).mean() > 0.3

    saturation = _draw(layers.RandomSaturation((0.2, 0.8), seed=4))["factor"]
    assert saturation.min() >= 0.25 - 1e-5 and saturation.max() <= 4.0 + 1e-4 and saturation.max() > 3.0

    sharpness = _draw(layers.RandomSharpness((0.1, 0.4), seed=5))["factor"]
    assert sharpness.min() >= 0.1 and sharpness.max() <= 0.4

    degeneration = _draw(layers.RandomColorDegeneration((0.1, 0.9), seed=6))["factor"]
    assert degeneration.shape == (300, 1, 1, 1) and degeneration.min() >= 0.1 and degeneration.max() <= 0.9

    shift = _draw(layers.RandomPosterization((2, 6), seed=7))["shift_factor"]
    assert shift.dtype == np.uint8 and set(np.unique(shift)) == {3, 4, 5, 6}

    invert = _draw(layers.RandomInvert(0.5, seed=8))["apply_inversion"]
    assert invert.dtype == bool and 0.15 < invert.mean() < 0.35  # P(u < U(0, 0.5)) = 1/4

    solar = _draw(layers.Solarization((0.1, 0.3), (0.2, 0.4), seed=9))
    assert solar["additions"].min() >= 0.1 and solar["additions"].max() <= 0.3 * 255
    assert solar["thresholds"].min() >= 0.2 and solar["thresholds"].max() <= 0.4 * 255

    gray = _np(layers.RandomGrayscale(0.3, seed=10).get_random_transformation(MANY))
    assert gray.shape == (300, 1, 1, 1) and gray.dtype == bool and 0.2 < gray.mean() < 0.4


def test_seeded_layers_repeat_and_unseeded_calls_differ():
    first = layers.RandomHue(0.5, seed=3)(IMAGES)
    np.testing.assert_array_equal(layers.RandomHue(0.5, seed=3)(IMAGES), first)
    layer = layers.RandomContrast(0.5, seed=4)
    assert not np.allclose(layer(IMAGES), layer(IMAGES))


@pytest.mark.parametrize("name,kwargs", RANDOM_LAYERS)
def test_inference_is_a_no_op_and_training_changes_images(name, kwargs):
    layer = getattr(layers, name)(**kwargs)
    np.testing.assert_array_equal(_np(layer(IMAGES, training=False)), IMAGES)
    np.testing.assert_array_equal(_np(layer(cornu.ops.convert_to_tensor(IMAGES), training=False)), IMAGES)
    out = layer(IMAGES)
    assert not np.allclose(out, IMAGES)


@pytest.mark.parametrize("name,kwargs", RANDOM_LAYERS + [("AutoContrast", {})])
def test_host_data_gives_numpy_in_the_value_range(name, kwargs):
    layer = getattr(layers, name)(**kwargs)
    for images in (IMAGES, IMAGES.astype("uint8"), IMAGES[0]):
        out = layer(images)
        assert isinstance(out, np.ndarray) and out.shape == images.shape
        if name != "RandomGrayscale":  # Keras keeps the input dtype there
            assert out.dtype == np.float32
        if name not in ("RandomSaturation", "RandomColorJitter"):
            # (Keras clips the scaled saturation to `value_range`, not to 1: colours can overshoot.)
            assert out.min() >= -1e-3 and out.max() <= 255 + 1e-3
    backend_out = layer(cornu.ops.convert_to_tensor(IMAGES))
    assert cornu.ops.is_tensor(backend_out) and tuple(backend_out.shape) == IMAGES.shape


@pytest.mark.parametrize("name,kwargs", RANDOM_LAYERS + [("AutoContrast", {})])
def test_labels_boxes_and_masks_pass_through(name, kwargs):
    layer = getattr(layers, name)(bounding_box_format="xyxy", **kwargs)
    boxes = {"boxes": np.array([[[1.0, 1.0, 4.0, 3.0]]] * 3, "float32"), "labels": np.array([[1]] * 3, "int32")}
    labels = np.eye(3, dtype="float32")
    masks = RNG.integers(0, 3, (3, 6, 5, 1)).astype("float32")
    out = layer({"images": IMAGES, "labels": labels, "segmentation_masks": masks, "bounding_boxes": boxes})
    assert not np.allclose(out["images"], IMAGES)
    np.testing.assert_array_equal(_np(out["labels"]), labels)
    np.testing.assert_array_equal(_np(out["segmentation_masks"]), masks)
    np.testing.assert_array_equal(_np(out["bounding_boxes"]["boxes"]), boxes["boxes"])
    np.testing.assert_array_equal(_np(out["bounding_boxes"]["labels"]), boxes["labels"])


def test_fully_grey_and_full_inversion_match_numpy():
    luma = IMAGES @ np.array([0.2989, 0.5870, 0.1140], "float32")
    gray = layers.RandomGrayscale(1.0)(IMAGES)
    np.testing.assert_allclose(gray, np.repeat(luma[..., None], 3, axis=-1), rtol=1e-5, atol=1e-3)
    degenerate = layers.RandomColorDegeneration((1.0, 1.0))(IMAGES)
    np.testing.assert_allclose(degenerate, np.repeat(luma[..., None], 3, axis=-1), rtol=1e-5, atol=1e-3)
    images_01 = IMAGES / 255.0
    inverted = layers.RandomInvert((1.0, 1.0), value_range=(0, 1))(images_01)
    np.testing.assert_allclose(inverted, 1.0 - images_01, atol=1e-6)
    posterized = layers.RandomPosterization((2, 2))(IMAGES)
    np.testing.assert_array_equal(posterized, (IMAGES.astype("uint8") >> 6 << 6).astype("float32"))
    solarized = layers.Solarization()(IMAGES)  # defaults: threshold 0, nothing added: plain inversion
    np.testing.assert_allclose(solarized, 255.0 - IMAGES, atol=1e-4)


def test_identity_settings_keep_images():
    np.testing.assert_allclose(layers.RandomSaturation((0.5, 0.5))(IMAGES), IMAGES, rtol=1e-4, atol=2e-3)
    np.testing.assert_allclose(layers.RandomSharpness((0.5, 0.5))(IMAGES), IMAGES, atol=1e-3)
    np.testing.assert_allclose(layers.RandomHue((0.0, 0.0))(IMAGES), IMAGES, atol=2e-3)
    np.testing.assert_allclose(layers.RandomContrast(0.0)(IMAGES), IMAGES, atol=1e-3)


def test_auto_contrast_stretches_each_channel_and_keeps_constant_ones():
    images = 50.0 + 0.5 * IMAGES
    images[1, ..., 0] = 7.0
    out = layers.AutoContrast()(images)
    np.testing.assert_allclose(out.min(axis=(1, 2))[[0, 2]], 0.0, atol=1e-3)
    np.testing.assert_allclose(out.max(axis=(1, 2))[[0, 2]], 255.0, atol=1e-3)
    np.testing.assert_array_equal(out[1, ..., 0], 7.0)
    assert np.allclose(layers.AutoContrast()(images, training=False), out)  # deterministic: applied in inference


def test_color_jitter_equals_its_steps_in_order():
    # Fixed factors make every step deterministic: brightness +0.1 * 255, then saturation x1.
    jitter = layers.RandomColorJitter(brightness_factor=(0.1, 0.1), saturation_factor=(0.5, 0.5), hue_factor=0.0)
    brightened = np.clip(IMAGES + 25.5, 0, 255)
    saturated = layers.RandomSaturation((0.5, 0.5))(brightened)
    expected = layers.RandomHue(0.0)(saturated)
    np.testing.assert_allclose(jitter(IMAGES), expected, rtol=1e-5, atol=1e-3)
    assert [type(step).__name__ for step in jitter._steps()] == ["RandomBrightness", "RandomSaturation", "RandomHue"]
    np.testing.assert_array_equal(jitter(IMAGES, training=False), IMAGES)


def test_channels_first_equals_channels_last():
    first = np.ascontiguousarray(np.moveaxis(IMAGES, -1, 1))
    for name, kwargs in [("RandomHue", {"factor": (0.4, 0.4)}), ("RandomSaturation", {"factor": (0.8, 0.8)}),
                         ("RandomSharpness", {"factor": (0.9, 0.9)}), ("RandomGrayscale", {"factor": 1.0}),
                         ("RandomColorDegeneration", {"factor": (0.6, 0.6)}), ("Equalization", {}),
                         ("AutoContrast", {})]:
        last_out = getattr(layers, name)(seed=1, **kwargs)(IMAGES) if name not in ("Equalization", "AutoContrast") \
            else getattr(layers, name)(**kwargs)(IMAGES)
        first_layer = getattr(layers, name)(data_format="channels_first", **kwargs)
        if name == "RandomHue":  # the hue's sign is random: compare both images to a seeded draw
            first_layer = layers.RandomHue(data_format="channels_first", seed=1, **kwargs)
        np.testing.assert_allclose(np.moveaxis(first_layer(first), 1, -1), last_out, rtol=1e-5, atol=1e-3,
                                   err_msg=name)


def test_argument_errors_are_keras_errors():
    with pytest.raises(ValueError, match=r"in the range \[0, 1\]"):
        layers.RandomContrast(1.5)
    with pytest.raises(ValueError, match=r"in the range \[1, 8\]"):
        layers.RandomPosterization(9)
    with pytest.raises(ValueError, match="list of two numbers"):
        layers.RandomBrightness(0.2, value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="between 0 and 1"):
        layers.RandomGrayscale(factor=2.0)
    with pytest.raises(ValueError, match="addition_factor"):
        layers.Solarization(addition_factor=(0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        layers.Solarization(threshold_factor=1.5)
    with pytest.raises(ValueError, match="does not take a `factor`"):
        layers.AutoContrast(factor=0.5)
    with pytest.raises(ValueError, match="rank 3 or 4"):
        layers.RandomHue(0.5).get_random_transformation(np.zeros((2, 2)))
