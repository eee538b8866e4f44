"""Loss shortcuts taken for speed (a mean over a static count, integer labels) give the same numbers
as the general code they skip."""

import numpy as np
import pytest

import cornu
from cornu import ops
from cornu.losses.loss import reduce_values

RNG = np.random.default_rng(7)


def _log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def test_loss_mean_over_a_static_count_matches_numpy():
    values = ops.convert_to_tensor(RNG.normal(size=(3, 4)).astype("float32"))
    np.testing.assert_allclose(float(reduce_values(values)), ops.convert_to_numpy(values).sum() / 12, rtol=1e-6)
    empty = ops.zeros((0, 4))
    assert float(reduce_values(empty)) == 0.0


def test_sparse_crossentropy_loss_reads_integer_labels_as_their_float_copies():
    logits = RNG.normal(size=(6, 4)).astype("float32")
    labels = np.array([3, 0, 1, 2, 2, 0], "int64")
    loss = cornu.losses.SparseCategoricalCrossentropy(from_logits=True)
    from_ints = float(loss(labels, logits))
    from_floats = float(loss(labels.astype("float32"), logits))
    expected = -np.mean(_log_softmax(logits)[np.arange(6), labels])
    assert from_ints == from_floats
    assert from_ints == pytest.approx(expected, rel=1e-6)
