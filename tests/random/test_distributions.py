"""``keras.random.categorical/binomial/gamma/beta``: the distributions' moments and
frequencies on every backend, seeded draws repeatable, dtypes, and clear errors."""

import numpy as np
import pytest

import cornu
from cornu import random

N = 40_000


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def test_categorical_frequencies_follow_the_softmax():
    probs = np.array([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]])
    samples = _np(random.categorical(np.log(probs), N, seed=3))
    assert samples.shape == (2, N) and samples.dtype == np.int32
    for row, p in zip(samples, probs):
        np.testing.assert_allclose(np.bincount(row, minlength=3) / N, p, atol=0.01)


def test_categorical_takes_unnormalized_logits_and_a_dtype():
    samples = _np(random.categorical([[5.0, 5.0, -50.0]], 2000, dtype="int16", seed=1))
    assert samples.dtype == np.int16 and set(np.unique(samples)) == {0, 1}


@pytest.mark.parametrize("counts, p", [(10, 0.3), (1, 0.9)])
def test_binomial_moments(counts, p):
    x = _np(random.binomial((N,), counts, p, seed=1))
    assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= counts
    assert x.mean() == pytest.approx(counts * p, rel=0.02)
    assert x.var() == pytest.approx(counts * p * (1 - p), rel=0.05)


def test_binomial_broadcasts_parameters_to_the_shape():
    x = _np(random.binomial((N, 2), counts=np.array([4.0, 20.0]), probabilities=np.array([0.5, 0.1]), seed=2))
    np.testing.assert_allclose(x.mean(axis=0), [2.0, 2.0], rtol=0.03)
    assert x[:, 0].max() <= 4


@pytest.mark.parametrize("alpha", [0.5, 2.5])
def test_gamma_moments(alpha):
    x = _np(random.gamma((N,), alpha, seed=1))
    assert x.dtype == np.float32 and x.min() > 0
    assert x.mean() == pytest.approx(alpha, rel=0.03)
    assert x.var() == pytest.approx(alpha, rel=0.06)


def test_beta_moments():
    a, b = 2.0, 5.0
    x = _np(random.beta((N,), a, b, seed=1))
    assert x.dtype == np.float32 and 0 < x.min() and x.max() < 1
    assert x.mean() == pytest.approx(a / (a + b), rel=0.02)
    assert x.var() == pytest.approx(a * b / ((a + b) ** 2 * (a + b + 1)), rel=0.05)


def test_float16_draws():
    for x in (random.gamma((64,), 2.0, dtype="float16", seed=1), random.beta((64,), 2.0, 2.0, dtype="float16", seed=1),
              random.binomial((64,), 4, 0.5, dtype="float16", seed=1)):
        x = _np(x)
        assert x.dtype == np.float16 and np.isfinite(x).all() and x.min() >= 0


@pytest.mark.parametrize("draw", [
    lambda seed: random.categorical([[0.0, 1.0, 2.0]], 8, seed=seed),
    lambda seed: random.binomial((8,), 5, 0.5, seed=seed),
    lambda seed: random.gamma((8,), 1.5, seed=seed),
    lambda seed: random.beta((8,), 1.5, 2.0, seed=seed),
])
def test_same_seed_same_draw_other_seed_other_draw(draw):
    np.testing.assert_array_equal(_np(draw(7)), _np(draw(7)))
    assert not np.array_equal(_np(draw(7)), _np(draw(8)))
    generator = random.SeedGenerator(4)
    assert not np.array_equal(_np(draw(generator)), _np(draw(generator)))


@pytest.mark.skipif(cornu.backend.backend() != "torch", reason="torch's gamma kernel reads the global generator")
def test_seeded_gamma_leaves_torchs_global_generator_alone():
    import torch

    torch.manual_seed(0)
    state = torch.random.get_rng_state()
    random.gamma((3,), 2.0, seed=5)
    random.beta((3,), 2.0, 2.0, seed=5)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="2-D"):
        random.categorical([0.0, 1.0], 3)
    with pytest.raises(ValueError, match="num_samples"):
        random.categorical([[0.0, 1.0]], -1)
    for draw in (lambda: random.gamma((2,), 1.0, dtype="int32"), lambda: random.beta((2,), 1.0, 1.0, dtype="int32"),
                 lambda: random.binomial((2,), 3, 0.5, dtype="int32")):
        with pytest.raises(ValueError, match="float dtype"):
            draw()
