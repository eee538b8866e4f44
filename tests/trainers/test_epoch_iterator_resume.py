"""EpochIterator.get_state/set_state: a new iterator (as in a new process) replays exactly
the batches an uninterrupted one would have yielded, shuffled order included."""

import warnings

import numpy as np
import pytest

from cornu import backend
from cornu.trainers.epoch_iterator import EpochIterator


def _ids(batch):
    return backend.convert_to_numpy(batch[0])[:, 0].astype(int).tolist()


def _data(n=22):
    return np.arange(n, dtype="float32")[:, None], np.zeros((n, 1), "float32")


def _run(iterator, epochs, stop_at=None):
    """``[(epoch, step, ids)]`` for every batch; with ``stop_at=(epoch, steps)``, returns early
    right after that many steps of that epoch, with the state a backup would take then."""
    seen = []
    for epoch in range(epochs):
        for step, batch in iterator:
            seen.append((epoch, step, _ids(batch)))
            if stop_at == (epoch, step + 1):
                return seen, iterator.get_state(), np.random.get_state()
        if stop_at == (epoch + 1, 0):
            return seen, iterator.get_state(), np.random.get_state()
    return seen, None, None


def _resume(make, epochs, stop_at):
    np.random.seed(11)
    expected, _, _ = _run(make(), epochs)
    np.random.seed(11)
    first_part, state, rng = _run(make(), epochs, stop_at)

    np.random.seed(999)  # a new process: other RNG state, new iterator
    iterator = make()
    np.random.set_state(rng)  # BackupAndRestore restores the global RNG first
    epoch, step = stop_at
    iterator.set_state(state, first_step=step)
    rest = []
    for e in range(epoch, epochs):
        rest.extend((e, s, ids) for s, ids in ((s, _ids(b)) for s, b in iterator))
    return expected, first_part, rest


@pytest.mark.parametrize("stop_at", [(0, 1), (1, 2), (1, 3), (2, 0), (2, 6)])
@pytest.mark.parametrize("shuffle", [True, "batch", False])
def test_resumed_iterator_yields_the_remaining_batches_of_an_uninterrupted_run(stop_at, shuffle):
    x, y = _data()
    expected, first_part, rest = _resume(lambda: EpochIterator(x, y, batch_size=4, shuffle=shuffle), 4, stop_at)
    assert first_part + rest == expected


@pytest.mark.parametrize("stop_at", [(0, 2), (1, 1), (2, 0), (3, 2)])
def test_resume_with_steps_per_epoch_splitting_shuffled_passes(stop_at):
    # 22 samples, batch 4 -> 6 batches per pass, 4 per epoch: passes span epochs.
    x, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected, first_part, rest = _resume(
            lambda: EpochIterator(x, y, batch_size=4, shuffle=True, steps_per_epoch=4), 5, stop_at
        )
    assert first_part + rest == expected


def test_stop_makes_the_resumed_epoch_yield_nothing():
    x, y = _data()
    iterator = EpochIterator(x, y, batch_size=4, shuffle=True)
    _, state, _ = _run(iterator, 1, stop_at=(0, 2))
    fresh = EpochIterator(x, y, batch_size=4, shuffle=True)
    fresh.set_state(state, first_step=2, stop=True)
    assert list(fresh) == []
    assert len(list(fresh)) == 6  # the next epoch is a whole new pass


def test_state_is_plain_data():
    x, y = _data()
    iterator = EpochIterator(x, y, batch_size=4, shuffle=True)
    assert iterator.get_state() == {
        "pass_open": False, "pass_offset": 0, "pass_rng": None, "exhausted": False, "num_batches": 6,
    }
