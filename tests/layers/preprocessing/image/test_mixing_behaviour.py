"""CutMix, MixUp, RandomErasing, RandomGaussianBlur and CLAHE: properties of the random draws
(NumPy references), NumPy in / NumPy out on host data, no-ops at inference, inside a model
(jitted on JAX, autograd on torch), and ``.keras`` files both ways with the real Keras."""

import json

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.backend.namespaces import compute_on_numpy

pytestmark = pytest.mark.filterwarnings("ignore:Explicitly requested dtype int64")

RNG = np.random.default_rng(5)
IMAGES = RNG.uniform(0, 255, (6, 8, 10, 3)).astype("float32")
LABELS = np.eye(6, dtype="float32")


@pytest.fixture
def on_host():
    """The property checks run their math on the NumPy namespace (the same code as on the backend,
    which the side-by-side tests cover; op-by-op eager JAX is slow)."""
    with compute_on_numpy():
        yield


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _t(transformation, key):
    return _np(transformation[key])


def test_cutmix_pastes_boxes_from_the_permuted_image_and_mixes_labels_by_area(on_host):
    layer = layers.CutMix(seed=1)
    for _ in range(3):
        t = layer.get_random_transformation(IMAGES)
        order, masks, weight = _t(t, "permutation_order"), _t(t, "batch_masks"), _t(t, "mix_weight").reshape(-1)
        assert sorted(order.tolist()) == list(range(6))
        expected = np.where(masks, IMAGES[order], IMAGES)
        np.testing.assert_array_equal(_np(layer.transform_images(IMAGES, t)), expected)
        # The labels' weight is the (continuous) box area kept: close to the pixel fraction kept.
        kept = 1.0 - masks[..., 0].mean(axis=(1, 2))
        assert np.all(np.abs(kept - weight) < 0.3) and np.all((weight >= 0) & (weight <= 1))
        labels = _np(layer.transform_labels(LABELS, t))
        np.testing.assert_allclose(labels, weight[:, None] * LABELS + (1 - weight[:, None]) * LABELS[order], atol=1e-6)
        np.testing.assert_allclose(labels.sum(axis=1), 1.0, atol=1e-6)


def test_cutmix_leaves_a_single_image_alone():
    np.testing.assert_array_equal(layers.CutMix(seed=1)(IMAGES[0]), IMAGES[0])


def test_mixup_weights_follow_a_beta_distribution(on_host):
    layer = layers.MixUp(alpha=0.5, seed=2)
    weights = np.concatenate([_t(layer.get_random_transformation(np.zeros((200, 2, 2, 1))), "mix_weight")
                              for _ in range(5)])
    assert np.all((weights >= 0) & (weights <= 1))
    assert abs(weights.mean() - 0.5) < 0.05  # Beta(a, a) has mean 1/2
    assert abs(weights.var() - 0.125) < 0.03  # and variance 1 / (4 (2a + 1)) = 0.125
    t = layer.get_random_transformation(IMAGES)
    w, order = _t(t, "mix_weight"), _t(t, "permutation_order")
    out = _np(layer({"images": IMAGES, "labels": LABELS}, training=True)["images"])
    assert out.shape == IMAGES.shape
    mixed = _np(layer.transform_images(IMAGES, t))
    np.testing.assert_allclose(mixed, w[:, None, None, None] * IMAGES + (1 - w[:, None, None, None]) * IMAGES[order],
                               rtol=1e-5, atol=1e-3)


def test_mixup_appends_the_partner_boxes():
    layer = layers.MixUp(seed=3, bounding_box_format="xyxy")
    boxes = {"boxes": RNG.uniform(0, 8, (6, 2, 4)).astype("float32"), "labels": np.arange(12).reshape(6, 2)}
    out = layer({"images": IMAGES, "bounding_boxes": boxes})
    assert _np(out["bounding_boxes"]["boxes"]).shape == (6, 4, 4)
    assert _np(out["bounding_boxes"]["labels"]).shape == (6, 4)
    np.testing.assert_array_equal(_np(out["bounding_boxes"]["boxes"])[:, :2], boxes["boxes"])


@pytest.mark.parametrize("fill_value", [None, 7.0, (1.0, 2.0, 3.0)])
def test_random_erasing_fills_one_box_per_image(fill_value, on_host):
    layer = layers.RandomErasing(factor=(1.0, 1.0), scale=(0.1, 0.3), fill_value=fill_value, seed=4)
    t = layer.get_random_transformation(IMAGES)
    masks, fill = _t(t, "batch_masks"), _t(t, "fill_value")
    assert _t(t, "apply_erasing").all()  # a probability of 1: always
    area = masks[..., 0].mean(axis=(1, 2))
    assert np.all(area > 0) and np.all(area <= 0.45)  # sqrt(scale) per side, whole pixels
    out = _np(layer.transform_images(IMAGES, t))
    np.testing.assert_array_equal(out[masks], np.broadcast_to(fill, IMAGES.shape)[masks])
    np.testing.assert_array_equal(out[~masks], IMAGES[~masks])
    if fill_value is not None:
        np.testing.assert_array_equal(np.unique(out[masks].reshape(-1, 3), axis=0),
                                      np.broadcast_to(np.float32(fill_value), (1, 3)))
    assert out.min() >= 0 and out.max() <= 255


def test_random_erasing_and_blur_with_factor_zero_do_nothing():
    for layer in (layers.RandomErasing(factor=0.0, seed=5), layers.RandomGaussianBlur(factor=0.0, seed=5)):
        np.testing.assert_array_equal(_np(layer(IMAGES)), IMAGES)


def _numpy_blur(images, sigma_x, sigma_y, size):
    def taps(s):
        x = np.arange(size) - (size - 1) / 2
        w = np.exp(-0.5 * (x / s) ** 2)
        return w / w.sum()

    kernel = np.outer(taps(sigma_y), taps(sigma_x))
    half = size // 2
    padded = np.pad(images, [(0, 0), (half, half), (half, half), (0, 0)])
    out = np.zeros_like(images, dtype="float64")
    for i in range(size):
        for j in range(size):
            out += kernel[i, j] * padded[:, i:i + images.shape[1], j:j + images.shape[2]]
    return out


def test_gaussian_blur_matches_a_numpy_convolution(on_host):
    layer = layers.RandomGaussianBlur(factor=(1.0, 1.0), kernel_size=5, sigma=(0.4, 0.9), seed=6)
    t = layer.get_random_transformation(IMAGES)
    sigmas = _t(t, "blur_factor")
    assert sigmas.shape == (2,) and np.all((sigmas >= 0.4) & (sigmas <= 0.9 + 1e-5))
    expected = np.clip(_numpy_blur(IMAGES, sigmas[0], sigmas[1], 5), 0, 255)
    np.testing.assert_allclose(_np(layer.transform_images(IMAGES, t)), expected, rtol=1e-4, atol=1e-2)


ALL_LAYERS = [
    lambda: layers.CutMix(seed=1),
    lambda: layers.MixUp(seed=1),
    lambda: layers.RandomErasing(seed=1),
    lambda: layers.RandomGaussianBlur(seed=1),
    lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2)),
]


@pytest.mark.parametrize("make", ALL_LAYERS)
def test_host_data_in_numpy_out_and_inference_is_a_no_op(make):
    layer = make()
    out = layer(IMAGES)
    assert isinstance(out, np.ndarray) and out.shape == IMAGES.shape and out.dtype == np.float32
    batch = layer({"images": IMAGES, "labels": LABELS})
    assert all(isinstance(v, np.ndarray) for v in batch.values())
    if not isinstance(layer, layers.ContrastLimitedAdaptiveHistogramEqualization):
        assert not np.array_equal(out, IMAGES)
        np.testing.assert_array_equal(_np(layer(IMAGES, training=False)), IMAGES)


def _augmented_model(lib, *augmentations):
    inputs = lib.Input((8, 10, 3))
    x = inputs
    for augmentation in augmentations:
        x = augmentation(x)
    x = lib.layers.Conv2D(2, 3, name="conv")(x)
    x = lib.layers.GlobalAveragePooling2D(name="pool")(x)
    return lib.Model(inputs, lib.layers.Dense(6, name="out")(x))


def test_inside_a_model_predict_skips_and_fit_trains():
    model = _augmented_model(cornu, *(make() for make in ALL_LAYERS[:4]))
    inputs = cornu.Input((8, 10, 3))  # the same weights without the augmentations
    plain = cornu.Model(inputs, model.get_layer("out")(model.get_layer("pool")(model.get_layer("conv")(inputs))))
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), plain.predict(IMAGES, verbose=0), rtol=1e-5,
                               atol=1e-5)
    if cornu.backend.backend() == "numpy":
        return
    model.compile(optimizer=cornu.optimizers.SGD(0.01), loss="categorical_crossentropy")
    before = np.array(_np(model.get_layer("conv").kernel), copy=True)  # torch shares memory
    history = model.fit(IMAGES / 255.0, LABELS, batch_size=3, epochs=1, verbose=0)  # jitted on JAX
    assert np.all(np.isfinite(history.history["loss"]))
    assert not np.allclose(_np(model.get_layer("conv").kernel), before)


KERAS_FILE_LAYERS = [
    ("CutMix", {"factor": 0.5, "seed": 2}),
    ("MixUp", {"alpha": 0.3, "seed": 2}),
    ("RandomErasing", {"factor": 0.7, "fill_value": 3.0, "seed": 2}),
    ("RandomGaussianBlur", {"kernel_size": 5, "sigma": (0.2, 0.5), "seed": 2}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": (2, 2), "clip_limit": 3.0}),
]


def _config(layer):
    return json.loads(json.dumps({k: v for k, v in layer.get_config().items() if k != "name"}))


def _stack(lib):
    return _augmented_model(lib, *(getattr(lib.layers, n)(**kw) for n, kw in KERAS_FILE_LAYERS))


def _check_loaded(loaded, original, x):
    assert [type(layer).__name__ for layer in loaded.layers[1:6]] == [name for name, _ in KERAS_FILE_LAYERS]
    assert [_config(a) for a in loaded.layers[1:6]] == [_config(b) for b in original.layers[1:6]]
    np.testing.assert_allclose(_np(loaded.predict(x, verbose=0)), _np(original.predict(x, verbose=0)), rtol=1e-4,
                               atol=1e-4)


def test_cornu_file_loads_in_keras(keras_ref, tmp_path):
    model = _stack(cornu)
    model.save(tmp_path / "cornu.keras")
    _check_loaded(keras_ref.saving.load_model(str(tmp_path / "cornu.keras")), model, IMAGES[:3])


def test_keras_file_loads_in_cornu(keras_ref, tmp_path):
    # Keras records training=True in each augmentation node; predict's training=False must win.
    keras_model = _stack(keras_ref)
    keras_model.save(str(tmp_path / "keras.keras"))
    _check_loaded(cornu.saving.load_model(tmp_path / "keras.keras"), keras_model, IMAGES[:3])
