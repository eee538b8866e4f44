"""Epoch boundaries (steps_per_epoch, running out of data) and the background prefetch."""

import threading
import warnings

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.trainers.epoch_iterator import EpochIterator

from tests.helpers.data_test_utils import EndlessBatches, make_data, make_model

RAN_OUT = "Your input ran out of data"


def _epoch_values(iterator, epochs):
    """The first feature of each batch, per epoch, and the warnings raised along the way."""
    out = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(epochs):
            out.append([backend.convert_to_numpy(batch[0])[:, 0].astype(int).tolist() for _, batch in iterator])
    return out, [str(w.message) for w in caught]


def _counting_arrays(n=10):
    x = np.arange(n, dtype="float32")[:, None]
    return x, np.zeros((n, 1), "float32")


def test_steps_per_epoch_on_arrays_continues_across_epochs_as_keras():
    # Observed with Keras 3.15: n=10, batch_size=4, steps_per_epoch=2.
    x, y = _counting_arrays()
    epochs, caught = _epoch_values(EpochIterator(x, y, batch_size=4, steps_per_epoch=2), 3)
    assert epochs == [[[0, 1, 2, 3], [4, 5, 6, 7]], [[8, 9]], [[0, 1, 2, 3], [4, 5, 6, 7]]]
    assert sum(RAN_OUT in m for m in caught) == 1


def test_steps_per_epoch_beyond_the_data_restarts_each_epoch_with_a_warning():
    x, y = _counting_arrays()
    iterator = EpochIterator(x, y, batch_size=4, steps_per_epoch=5)
    epochs, caught = _epoch_values(iterator, 2)
    assert epochs == [[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]] * 2
    assert sum(RAN_OUT in m for m in caught) == 2
    assert not iterator.exhausted


def test_steps_per_epoch_alone_sets_the_batch_size():
    x, y = _counting_arrays()
    iterator = EpochIterator(x, y, steps_per_epoch=3)
    assert iterator.adapter.batch_size == 4 and iterator.num_batches == 3


def test_a_generator_is_spread_over_epochs_then_runs_out():
    # Keras 3.15: 4 batches, steps_per_epoch=3 -> 3 batches, then 1 batch and a warning.
    def batches():
        for i in range(4):
            yield np.full((2, 1), i, "float32"), np.zeros((2, 1), "float32")

    iterator = EpochIterator(batches(), steps_per_epoch=3)
    epochs, caught = _epoch_values(iterator, 2)
    assert epochs == [[[0, 0], [1, 1], [2, 2]], [[3, 3]]]
    assert sum(RAN_OUT in m for m in caught) == 1
    assert iterator.exhausted
    again, caught = _epoch_values(iterator, 1)
    assert again == [[]] and any(RAN_OUT in m for m in caught)


def test_a_generator_without_steps_is_one_epoch():
    x, y = make_data()
    iterator = EpochIterator((b for b in [(x[:8], y[:8]), (x[8:], y[8:])]))
    epochs, _ = _epoch_values(iterator, 1)
    assert [len(e) for e in epochs] == [2]
    assert iterator.exhausted and iterator.num_batches is None


def test_an_infinite_generator_with_steps_per_epoch_keeps_going():
    def endless():
        i = 0
        while True:
            yield np.full((1, 1), i, "float32")
            i += 1

    epochs, caught = _epoch_values(EpochIterator(endless(), steps_per_epoch=2), 3)
    assert epochs == [[[0], [1]], [[2], [3]], [[4], [5]]]
    assert not caught


def test_peek_does_not_consume_the_first_batch():
    def batches():
        for i in range(3):
            yield np.full((2, 1), i, "float32"),

    iterator = EpochIterator(batches())
    first = iterator.peek()
    assert isinstance(first, tuple) and first[0][0, 0] == 0
    epochs, _ = _epoch_values(iterator, 1)
    assert epochs == [[[0, 0], [1, 1], [2, 2]]]


def test_an_infinite_py_dataset_needs_steps():
    with pytest.raises(ValueError, match="infinite.*steps_per_epoch"):
        EpochIterator(EndlessBatches())
    epochs, _ = _epoch_values(EpochIterator(EndlessBatches(), steps_per_epoch=2), 2)
    assert epochs == [[[0, 0], [1, 1]], [[2, 2], [3, 3]]]


def test_batches_arrive_converted_for_the_backend():
    x, y = make_data()
    for _, (xb, yb) in EpochIterator(x, y, batch_size=8):
        if backend.backend() == "jax" and not backend.batches_need_transfer():
            # On the JAX CPU backend the jitted step takes NumPy arrays itself (cheaper than
            # jax.device_put); eager steps convert them.
            assert isinstance(xb, np.ndarray) and isinstance(yb, np.ndarray)
        else:
            assert backend.is_tensor(xb) and backend.is_tensor(yb)


def test_in_memory_arrays_on_cpu_are_prepared_without_a_thread():
    x, y = make_data()
    before = len(_prefetch_threads())
    for _ in EpochIterator(x, y, batch_size=8):
        assert len(_prefetch_threads()) == before


def test_eager_jax_steps_get_device_arrays():
    if backend.backend() != "jax":
        pytest.skip("JAX only: other backends convert batches before the step")
    seen = []

    class Probe(cornu.Model):
        def __init__(self):
            super().__init__()
            self.dense = cornu.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, *args):
            data = args[-1]
            seen.append(type(data[0]))
            return super().train_step(*args)

    model = Probe()
    model.compile("sgd", "mse", run_eagerly=True)
    x, y = make_data()
    model.fit(x[:, :3], y.reshape(-1, 1).astype("float32"), batch_size=8, epochs=1, verbose=0)
    assert seen and all(t is not np.ndarray for t in seen)


def _prefetch_threads():
    return [t for t in threading.enumerate() if t.name == "cornu-batch-prefetch"]


def test_prefetch_runs_ahead_but_boundedly():
    pulled = []

    def batches():
        for i in range(20):
            pulled.append(i)
            yield np.full((1, 1), i, "float32")

    iterator = EpochIterator(batches())
    epoch = iter(iterator)
    next(epoch)
    for _ in range(100):  # give the thread time to fill its queue
        if len(pulled) >= 3:
            break
        threading.Event().wait(0.01)
    assert 2 <= len(pulled) <= 4, pulled  # the step's batch, plus one or two ahead
    epoch.close()
    assert not _prefetch_threads()


def test_a_consumer_stopping_early_leaves_no_thread():
    x, y = make_data()
    iterator = EpochIterator(x, y, batch_size=2)
    for step, _ in iterator:
        if step == 1:
            break
    assert not _prefetch_threads()
    epochs, _ = _epoch_values(iterator, 1)
    assert len(epochs[0]) == 12  # the abandoned pass restarts from the beginning


def test_an_error_in_the_source_reaches_the_consumer_and_stops_the_thread():
    def batches():
        yield np.zeros((1, 1), "float32")
        raise KeyError("broken generator")

    with pytest.raises(KeyError, match="broken generator"):
        for _ in EpochIterator(batches()):
            pass
    assert not _prefetch_threads()


@pytest.mark.requires_trainable_backend
@pytest.mark.filterwarnings("ignore:`shuffle=True` was passed", "ignore:Your input ran out of data")
def test_threads_do_not_accumulate_over_many_fits():
    x, y = make_data()
    model = make_model()

    def batches():
        for i in range(0, len(x), 8):
            yield x[i:i + 8], y[i:i + 8]

    model.fit(x, y, batch_size=8, verbose=0)
    before = threading.active_count()
    for i in range(15):
        model.fit(x, y, batch_size=8, epochs=2, verbose=0, validation_split=0.25)
        model.fit(batches(), verbose=0)
        model.predict(x, verbose=0)
    assert threading.active_count() <= before
    assert not _prefetch_threads()


@pytest.mark.requires_trainable_backend
def test_stop_training_mid_epoch_ends_cleanly():
    import cornu

    class StopAtBatch2(cornu.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                self.model.stop_training = True

    x, y = make_data(64)
    model = make_model()
    history = model.fit(x, y, batch_size=4, epochs=3, verbose=0, callbacks=[StopAtBatch2()])
    assert len(history.history["loss"]) == 1
    assert not _prefetch_threads()
