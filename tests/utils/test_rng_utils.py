import random

import numpy as np
import pytest

from cornu.backend.common import global_state
from cornu.random import seed_generator
from cornu.utils import rng_utils
from cornu.utils import set_random_seed


def _draws():
    return random.random(), np.random.rand(), seed_generator.draw_seed(None)


def test_same_seed_same_numbers():
    from cornu import backend

    set_random_seed(123)
    first = _draws()
    set_random_seed(123)
    second = _draws()
    assert first[:2] == second[:2]
    np.testing.assert_array_equal(backend.convert_to_numpy(first[2]), backend.convert_to_numpy(second[2]))
    set_random_seed(124)
    assert _draws()[:2] != first[:2]
    assert rng_utils.get_random_seed() == 124


def test_resets_global_seed_generator():
    seed_generator.draw_seed(None)
    assert global_state.get_global_attribute("global_seed_generator") is not None
    set_random_seed(7)
    assert global_state.get_global_attribute("global_seed_generator") is None


@pytest.mark.parametrize("seed", [1.5, "3", None, True])
def test_rejects_non_integers(seed):
    with pytest.raises(ValueError, match="integer"):
        set_random_seed(seed)


def test_calls_backend_seed_hook_when_present(monkeypatch):
    from cornu import backend

    seeds = []
    monkeypatch.setattr(backend.random, "set_global_seed", seeds.append, raising=False)
    set_random_seed(5)
    assert seeds == [5]
