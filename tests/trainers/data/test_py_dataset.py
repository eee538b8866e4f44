"""``cornu.utils.PyDataset``: the class itself, epoch hooks, shuffling, and thread and
process workers that always shut down (checked under a time limit)."""

import multiprocessing
import threading

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.trainers.epoch_iterator import EpochIterator

from tests.helpers.data_test_utils import ArrayBatches, FailingBatches, make_data, make_model, time_limit

WORKER_MODES = [
    pytest.param(dict(workers=0), id="inline"),
    pytest.param(dict(workers=2), id="threads"),
    pytest.param(dict(workers=2, use_multiprocessing=True), id="processes",
                 marks=pytest.mark.filterwarnings("ignore:os.fork")),
]


def _first_values(iterator):
    return [int(backend.convert_to_numpy(batch[0])[0, 0]) for _, batch in iterator]


def _counting_dataset(n=40, batch_size=4, **kwargs):
    x = np.repeat(np.arange(n, dtype="float32")[:, None], 4, axis=1)
    return ArrayBatches(x, np.zeros((n, 1), "float32"), batch_size=batch_size, **kwargs)


def test_signature_and_alias_match_keras(keras_ref):
    import inspect

    assert str(inspect.signature(cornu.utils.PyDataset)) == str(inspect.signature(keras_ref.utils.PyDataset))
    assert cornu.utils.Sequence is cornu.utils.PyDataset


def test_len_or_num_batches_and_plain_iteration():
    dataset = _counting_dataset(n=10, batch_size=4)
    assert dataset.num_batches == 3
    assert [len(b[0]) for b in dataset] == [4, 4, 2]

    class NoLength(cornu.utils.PyDataset):
        pass

    with pytest.raises(NotImplementedError, match="num_batches"):
        NoLength().num_batches


def test_forgetting_super_init_warns_and_uses_defaults():
    class Forgetful(cornu.utils.PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return np.zeros((1, 1), "float32")

    with pytest.warns(UserWarning, match="super"):
        assert Forgetful().workers == 1


@pytest.mark.parametrize("mode", WORKER_MODES)
def test_workers_yield_every_batch_in_order_and_call_epoch_hooks(mode):
    dataset = _counting_dataset(**mode)
    iterator = EpochIterator(dataset)
    with time_limit(60):
        for _ in range(2):
            assert _first_values(iterator) == list(range(0, 40, 4))
    assert (dataset.epochs_begun, dataset.epochs_ended) == (2, 2)


@pytest.mark.parametrize("mode", WORKER_MODES)
def test_shuffle_permutes_the_batch_order_each_epoch(mode):
    np.random.seed(1)
    iterator = EpochIterator(_counting_dataset(**mode), shuffle=True)
    with time_limit(60):
        first, second = _first_values(iterator), _first_values(iterator)
    assert sorted(first) == sorted(second) == list(range(0, 40, 4))
    assert first != list(range(0, 40, 4)) and first != second


@pytest.mark.parametrize("mode", WORKER_MODES)
def test_stopping_early_shuts_the_workers_down(mode):
    dataset = _counting_dataset(max_queue_size=3, **mode)
    iterator = EpochIterator(dataset)
    with time_limit(60):
        for _ in range(3):
            for step, _batch in iterator:
                if step == 2:
                    break
        iterator.close()
    assert (dataset.epochs_begun, dataset.epochs_ended) == (3, 3)
    assert not multiprocessing.active_children()
    assert not [t for t in threading.enumerate() if t.name.startswith(("cornu-pydataset", "cornu-batch"))]


@pytest.mark.parametrize("mode", WORKER_MODES)
def test_an_error_in_getitem_reaches_the_caller(mode):
    iterator = EpochIterator(FailingBatches(*make_data(), **mode))
    with time_limit(60), pytest.raises(RuntimeError, match="batch 1 is broken"):
        _first_values(iterator)
    assert not multiprocessing.active_children()


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("mode", WORKER_MODES)
def test_fit_with_workers_ends_every_epoch(mode):
    x, y = make_data(48)
    dataset = ArrayBatches(x, y, batch_size=8, **mode)
    model = make_model()
    with time_limit(60):
        history = model.fit(dataset, epochs=3, validation_data=ArrayBatches(x, y, **mode), verbose=0)
        model.fit(dataset, epochs=1, steps_per_epoch=4, verbose=0)  # a pass left open across the fit's end
        predictions = model.predict(dataset, verbose=0)
    assert len(history.history["val_loss"]) == 3 and predictions.shape == (48, 1)
    assert dataset.epochs_begun == dataset.epochs_ended == 5
    del model, dataset
    import gc

    gc.collect()
    assert not multiprocessing.active_children()


@pytest.mark.requires_trainable_backend
def test_class_weight_weighs_py_dataset_batches_like_arrays():
    x, y = make_data()
    labels = (y[:, 0] > 0).astype("int32")
    class_weight = {0: 0.5, 1: 3.0}

    def trained(data, weights=class_weight, **kwargs):
        cornu.utils.set_random_seed(2)
        model = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
        model.fit(data, **kwargs, class_weight=weights, epochs=1, shuffle=False, verbose=0)
        return model.get_weights()

    expected = trained(x, y=labels, batch_size=8)
    for got, want in zip(trained(ArrayBatches(x, labels)), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert not np.allclose(trained(ArrayBatches(x, labels), weights=None)[0], expected[0])
