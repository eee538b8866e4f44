"""The NumPy backend's fast paths (used by every preprocessing layer on host data) give NumPy's numbers."""

import numpy as np
import pytest

from cornu.backend.numpy.numpy import arithmetic, reductions

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (16, 40, 40, 3)).astype("float32")  # above the BLAS size threshold


@pytest.mark.parametrize("axis", [(1, 2), (-3, -2), 1, (0, 1), (1, 2, 3), -1, None])
@pytest.mark.parametrize("keepdims", [True, False])
@pytest.mark.parametrize("view", ["contiguous", "cropped"])
def test_mean_matches_numpy(axis, keepdims, view):
    x = IMAGES if view == "contiguous" else IMAGES[:, 3:35, 2:38, :]
    got = reductions.mean(x, axis=axis, keepdims=keepdims)
    expected = np.mean(x.astype("float64"), axis=axis, keepdims=keepdims)
    assert got.dtype == np.float32 and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=2e-6)


def test_middle_axes_sum_is_used_only_where_it_applies():
    assert reductions._middle_axes_sum(IMAGES, (1, 2)) is not None
    assert reductions._middle_axes_sum(IMAGES, (1, 3)) is None  # not a run of axes
    assert reductions._middle_axes_sum(IMAGES, (2, 3)) is None  # includes the last axis
    assert reductions._middle_axes_sum(IMAGES.astype("float16"), (1, 2)) is None
    assert reductions._middle_axes_sum(IMAGES[:2, :4], (1, 2)) is None  # small arrays keep NumPy's loop


@pytest.mark.parametrize("bounds", [(0, 100.5), (None, 3.25), (10.0, None), (np.float32(1.5), 254)])
def test_same_dtype_float_clip_matches_a_wide_clip(bounds):
    low, high = bounds
    got = arithmetic.clip(IMAGES, low, high)
    wide = np.clip(IMAGES.astype("float64"), None if low is None else float(low), None if high is None else float(high))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, wide.astype("float32"))
