"""Metric shortcuts taken for speed (``Mean`` of scalars with Python weights) give the same numbers
as the general code they skip."""

import numpy as np
import pytest

from cornu import ops
from cornu.metrics import Mean

RNG = np.random.default_rng(7)


def test_mean_of_scalars_with_python_weights_matches_the_weighted_mean():
    fast, general = Mean(), Mean()
    values, weights = [1.5, -2.0, 4.0], [128, 3, 0.5]
    for v, w in zip(values, weights):
        fast.update_state(ops.convert_to_tensor(v), sample_weight=w)  # the loss trackers' call
        general.update_state(ops.convert_to_tensor([v]), sample_weight=ops.convert_to_tensor([w]))
    expected = np.dot(values, weights) / np.sum(weights)
    assert float(fast.result()) == pytest.approx(expected, rel=1e-6)
    assert float(fast.result()) == float(general.result())
    assert float(fast.count.value) == pytest.approx(sum(weights))
