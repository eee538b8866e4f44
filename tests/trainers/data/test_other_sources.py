"""Packing helpers, adapter pass-through, torch loaders of unknown length and fake tf.data."""

import warnings

import numpy as np
import pytest

from cornu import backend
from cornu.trainers.data import DataAdapter, get_data_adapter, pack_x_y_sample_weight, unpack_x_y_sample_weight
from cornu.trainers.data.tf_dataset_adapter import is_tf_dataset
from cornu.trainers.data.torch_dataloader_adapter import is_torch_dataloader
from cornu.trainers.epoch_iterator import EpochIterator

from tests.helpers.data_test_utils import BATCH, BatchDataset, DatasetV2, batches_of, make_data, make_model
from tests.helpers.requirements import require


def test_pack_and_unpack_match_keras(keras_ref):
    x, y, w = np.ones(2), np.zeros(2), np.ones(2)
    for args in [(x,), ((x, x),), ([x],), (x, y), (x, y, w)]:
        ours = pack_x_y_sample_weight(*args)
        theirs = keras_ref.utils.pack_x_y_sample_weight(*args)
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
    for data in [x, (x,), (x, y), [x, y], (x, y, w)]:
        ours = unpack_x_y_sample_weight(data)
        theirs = keras_ref.utils.unpack_x_y_sample_weight(data)
        assert [o is t for o, t in zip(ours, theirs)] == [True] * 3
    with pytest.raises(ValueError, match="format"):
        unpack_x_y_sample_weight((x, y, w, w))


def test_a_data_adapter_instance_is_used_as_is():
    class Twice(DataAdapter):
        num_batches = 2

        def get_numpy_iterator(self):
            return iter([(np.ones((2, 4), "float32"),)] * 2)

        def peek(self):
            return (np.ones((2, 4), "float32"),)

    adapter = Twice()
    assert get_data_adapter(adapter) is adapter
    assert make_model().predict(adapter, verbose=0).shape == (4, 1)


def test_detection_by_class_name_only():
    assert is_tf_dataset(BatchDataset([])) and not is_tf_dataset(np.zeros(2))

    class DataLoader:  # right name, wrong module
        pass

    assert not is_torch_dataloader(DataLoader())
    torch = require("torch")

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4, 2)), batch_size=2)
    assert is_torch_dataloader(loader) and not is_tf_dataset(loader)


def test_tf_dataset_cardinality_gives_num_batches():
    x, y = make_data()
    assert EpochIterator(DatasetV2(batches_of(x, y))).num_batches == 3
    assert EpochIterator(DatasetV2(batches_of(x, y), cardinality=-2)).num_batches is None  # unknown
    with pytest.raises(ValueError, match="infinite"):
        EpochIterator(DatasetV2(batches_of(x, y), cardinality=-1))


def test_tf_dataset_class_weight_is_applied_per_batch():
    x, _ = make_data()
    labels = np.arange(len(x)) % 2
    batch = EpochIterator(DatasetV2([(x[:8], labels[:8])]), class_weight={1: 5.0}).peek()
    np.testing.assert_array_equal(batch[2], np.where(labels[:8] == 1, 5.0, 1.0))


@pytest.mark.filterwarnings("ignore:`shuffle=True` was passed")
def test_a_loader_of_unknown_length_learns_it_after_one_pass():
    torch = require("torch")

    x, y = make_data()

    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self):
            for i in range(len(x)):
                yield torch.from_numpy(x[i]), torch.from_numpy(y[i])

    iterator = EpochIterator(torch.utils.data.DataLoader(Stream(), batch_size=BATCH))
    assert iterator.num_batches is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = [batch for _, batch in iterator]
        assert len(caught) == 1 and "ran out of data" in str(caught[0].message)
        second = [batch for _, batch in iterator]
        assert len(caught) == 1
    assert iterator.num_batches == 3 and len(first) == len(second) == 3 and not iterator.exhausted
    np.testing.assert_array_equal(backend.convert_to_numpy(second[2][0]), x[16:])


@pytest.mark.requires_trainable_backend
def test_a_torch_loader_with_worker_processes_trains():
    torch = require("torch")

    x, y = make_data()
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(dataset, batch_size=BATCH, num_workers=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = make_model().fit(loader, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
