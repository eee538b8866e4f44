"""The geometric image functions added to every backend's ``image`` module (and NumPy's), used by
the preprocessing layers through ``self.backend.image``, next to the real Keras 3.15.1 ops."""

import numpy as np
import pytest

from cornu.backend import config, namespaces

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 1, (2, 5, 6, 3)).astype("float32")
TRANSFORMS = RNG.normal(0, 0.2, (2, 8)).astype("float32")
TRANSFORMS[:, [0, 4]] += 1.0
TRANSFORMS[:, 6:] = 0.0  # Keras's affine_transform reads only the affine part


@pytest.fixture(params=["numpy", config.backend()])
def ns(request):
    return namespaces.namespace(request.param)


def _np(ns, x):
    return np.asarray(ns.convert_to_numpy(x))


@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_affine_transform_matches_keras(keras_ref, ns, fill_mode, interpolation):
    out = ns.image.affine_transform(ns.convert_to_tensor(IMAGES), ns.convert_to_tensor(TRANSFORMS), interpolation,
                                    fill_mode, 0.5)
    expected = keras_ref.ops.image.affine_transform(IMAGES, TRANSFORMS, interpolation, fill_mode, 0.5)
    np.testing.assert_allclose(_np(ns, out), np.asarray(expected), rtol=1e-5, atol=1e-4)
    first = ns.image.affine_transform(ns.convert_to_tensor(np.transpose(IMAGES[0], (2, 0, 1))),
                                      ns.convert_to_tensor(TRANSFORMS[0]), interpolation, fill_mode, 0.5,
                                      data_format="channels_first")
    np.testing.assert_allclose(np.transpose(_np(ns, first), (1, 2, 0)), np.asarray(expected)[0], rtol=1e-5, atol=1e-4)


def test_perspective_homography_and_map_coordinates_match_keras(keras_ref, ns):
    start = np.tile(np.array([[0, 0], [5, 0], [0, 4], [5, 4]], "float32"), (2, 1, 1))
    end = start + RNG.normal(0, 0.5, (2, 4, 2)).astype("float32")
    out = ns.image.perspective_transform(ns.convert_to_tensor(IMAGES), ns.convert_to_tensor(start),
                                         ns.convert_to_tensor(end), fill_value=0.25)
    expected = keras_ref.ops.image.perspective_transform(IMAGES, start, end, fill_value=0.25)
    np.testing.assert_allclose(_np(ns, out), np.asarray(expected), rtol=1e-4, atol=1e-4)
    from keras.src.backend.jax.image import compute_homography_matrix

    np.testing.assert_allclose(_np(ns, ns.image.compute_homography_matrix(ns.convert_to_tensor(start),
                                                                         ns.convert_to_tensor(end))),
                               np.asarray(compute_homography_matrix(start, end)), rtol=1e-4, atol=1e-4)
    coords = RNG.uniform(-1, 6, (2, 7)).astype("float32")
    for order in (0, 1):
        for fill_mode in ("constant", "reflect"):
            got = ns.image.map_coordinates(ns.convert_to_tensor(IMAGES[0, :, :, 0]), [ns.convert_to_tensor(c) for c in coords],
                                           order, fill_mode, 0.5)
            want = keras_ref.ops.image.map_coordinates(IMAGES[0, :, :, 0], coords, order, fill_mode, 0.5)
            np.testing.assert_allclose(_np(ns, got), np.asarray(want), rtol=1e-5, atol=1e-5)


def _reference_blur(images, kernel_size, sigma):
    def taps(size, s):
        w = np.exp(-0.5 * ((np.arange(size) - (size - 1) / 2) / s) ** 2)
        return w / w.sum()

    kernel = np.outer(taps(kernel_size[1], sigma[1]), taps(kernel_size[0], sigma[0]))
    kh, kw = kernel.shape
    padded = np.pad(images, [(0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)])
    out = np.zeros_like(images, dtype="float64")
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[:, i : i + images.shape[1], j : j + images.shape[2]]
    return out


def test_gaussian_blur_and_elastic_transform(ns):
    # A NumPy reference (Keras 3.15.1's JAX gaussian_blur gives a wrong result with this JAX; its
    # TensorFlow one agrees with this): zero padding, kernel_size[0]/sigma[0] along the width.
    out = ns.image.gaussian_blur(ns.convert_to_tensor(IMAGES), (3, 5), (0.8, 1.3))
    np.testing.assert_allclose(_np(ns, out), _reference_blur(IMAGES, (3, 5), (0.8, 1.3)), rtol=1e-5, atol=1e-6)
    seed = ns.convert_to_tensor(np.array([1, 2], "uint32"))
    warped = _np(ns, ns.image.elastic_transform(ns.convert_to_tensor(IMAGES), alpha=2.0, sigma=1.0, seed=seed))
    again = _np(ns, ns.image.elastic_transform(ns.convert_to_tensor(IMAGES), alpha=2.0, sigma=1.0, seed=seed))
    assert warped.shape == IMAGES.shape and not np.allclose(warped, IMAGES)
    np.testing.assert_array_equal(warped, again)
    assert warped.min() >= IMAGES.min() - 1e-6 and warped.max() <= IMAGES.max() + 1e-6  # reflect + bilinear
    still = _np(ns, ns.image.elastic_transform(ns.convert_to_tensor(IMAGES), alpha=0.0, sigma=1.0, seed=seed))
    np.testing.assert_allclose(still, IMAGES, atol=1e-6)


def test_errors(ns):
    with pytest.raises(ValueError, match="interpolation"):
        ns.image.affine_transform(ns.convert_to_tensor(IMAGES), ns.convert_to_tensor(TRANSFORMS), "bicubic")
    with pytest.raises(ValueError, match="fill_mode"):
        ns.image.affine_transform(ns.convert_to_tensor(IMAGES), ns.convert_to_tensor(TRANSFORMS), fill_mode="edge")
    with pytest.raises(ValueError, match="rank"):
        ns.image.affine_transform(ns.convert_to_tensor(IMAGES[0, 0]), ns.convert_to_tensor(TRANSFORMS))
