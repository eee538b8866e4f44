"""Host (NumPy) data-pipeline fast paths give exactly the numbers of the generic code:

- ``DataLayer.draw_seed`` on host data advances a ``SeedGenerator`` in NumPy: the same seeds and
  the same generator state as ``SeedGenerator.next()`` on the backend;
- ``host_image_ops.flip_selected`` copies runs of images (per channel for a width flip) and still
  equals ``np.where`` over a flipped copy for every flip pattern and channel count.
"""

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.backend import namespaces
from cornu.layers.preprocessing import data_layer
from cornu.layers.preprocessing.image import host_image_ops
from cornu.random.seed_generator import SeedGenerator


def test_host_seed_draws_equal_the_generator_and_leave_the_same_state():
    host, reference = SeedGenerator(123), SeedGenerator(123)
    for _ in range(4):
        got = data_layer._next_host_seed(host)
        expected = np.asarray(backend.convert_to_numpy(reference.next()))
        assert isinstance(got, np.ndarray) and got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(backend.convert_to_numpy(host.state.value),
                                  backend.convert_to_numpy(reference.state.value))
    np.testing.assert_array_equal(backend.convert_to_numpy(host.state.value), [123, 4])


def test_host_layer_call_draws_the_next_seed_of_its_generator():
    layer = cornu.layers.RandomFlip("horizontal", seed=5)
    images = np.arange(2 * 3 * 4 * 3, dtype="float32").reshape(2, 3, 4, 3)
    first, second = layer(images), layer(images)
    assert isinstance(first, np.ndarray)
    np.testing.assert_array_equal(backend.convert_to_numpy(layer.seed_generator.state.value), [5, 2])
    # The flips of each call follow from the seeds [5, 0] and [5, 1] of the NumPy backend's uniform.
    uniform = namespaces.numpy_namespace().random.uniform
    for result, counter in ((first, 0), (second, 1)):
        flips = uniform((2, 1, 1, 1), seed=np.array([5, counter], "uint32")) <= 0.5
        np.testing.assert_array_equal(result, np.where(flips, images[:, :, ::-1], images))


def test_a_generator_subclass_keeps_its_own_next():
    class Counting(SeedGenerator):
        calls = 0

        def next(self, ordered=True):
            Counting.calls += 1
            return super().next(ordered)

    layer = cornu.layers.RandomFlip("horizontal", seed=1)
    layer.draw_seed(Counting(3))
    assert Counting.calls == 1


@pytest.mark.parametrize("channels", [1, 3, 4, 5])
@pytest.mark.parametrize("pattern", ["alternating", "runs", "all", "none"])
@pytest.mark.parametrize("axis", [-2, -3, -1])
def test_flip_selected_runs_equal_where(channels, pattern, axis):
    images = np.random.default_rng(channels).uniform(0, 255, (7, 5, 6, channels)).astype("float32")
    flips = {
        "alternating": [True, False] * 3 + [True],
        "runs": [True, True, True, False, False, True, True],
        "all": [True] * 7,
        "none": [False] * 7,
    }[pattern]
    flips = np.array(flips).reshape(7, 1, 1, 1)
    got = host_image_ops.flip_selected(images, flips, axis)
    np.testing.assert_array_equal(got, np.where(flips, np.flip(images, axis), images))
    assert got.flags.c_contiguous and not np.shares_memory(got, images)


@pytest.mark.parametrize("seed", [None, 7])
def test_draw_seed_from_an_int_or_the_layer_generator(seed):
    layer = cornu.layers.RandomFlip("horizontal", seed=1)
    drawn = layer.draw_seed(seed) if seed is not None else None
    if seed is not None:
        np.testing.assert_array_equal(drawn, [7, 0])
    with namespaces.compute_on_numpy():
        drawn = layer.draw_seed(seed) if seed is not None else layer.draw_seed(None)
    assert isinstance(drawn, np.ndarray) and drawn.shape == (2,)
