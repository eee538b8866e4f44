"""``timeseries_dataset_from_array`` side by side with the real Keras: the same windows, targets and
order (shuffle=False), the same windows when shuffled, Keras's errors, and a ``fit``-able PyDataset."""

import sys

import numpy as np
import pytest

import cornu
from cornu.utils import timeseries_dataset_from_array
from tests.helpers.requirements import require

DATA = np.arange(100 * 2).reshape(100, 2).astype("float32")
TARGETS = np.arange(100) * 10
CASES = [
    dict(sequence_length=5),
    dict(sequence_length=4, sequence_stride=3, sampling_rate=2, batch_size=7, start_index=5, end_index=90),
    dict(sequence_length=10, batch_size=None, sequence_stride=9),
    dict(sequence_length=3, sampling_rate=5, batch_size=16, start_index=20),
]


def _batches(dataset, with_targets):
    return [tuple(np.asarray(part) for part in (batch if with_targets else (batch,))) for batch in dataset]


def _assert_same_batches(ours, theirs):
    assert len(ours) == len(theirs)
    for our_batch, their_batch in zip(ours, theirs):
        for a, b in zip(our_batch, their_batch):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("with_targets", [True, False])
@pytest.mark.parametrize("kwargs", CASES)
def test_same_batches_as_keras(keras_ref, kwargs, with_targets):
    targets = TARGETS if with_targets else None
    theirs = _batches(keras_ref.utils.timeseries_dataset_from_array(DATA, targets, **kwargs), with_targets)
    ours = timeseries_dataset_from_array(DATA, targets, format="py_dataset", **kwargs)
    assert isinstance(ours, cornu.utils.PyDataset)
    _assert_same_batches(_batches(ours, with_targets), theirs)


def test_tf_format_is_a_tf_dataset_with_the_same_batches(keras_ref):
    tf = require("tensorflow")
    ours = timeseries_dataset_from_array(DATA, TARGETS, **CASES[1])
    assert isinstance(ours, tf.data.Dataset)
    theirs = keras_ref.utils.timeseries_dataset_from_array(DATA, TARGETS, **CASES[1])
    _assert_same_batches(_batches(ours, True), _batches(theirs, True))
    with cornu.utils.dataset_format("py_dataset"):
        assert isinstance(timeseries_dataset_from_array(DATA, TARGETS, **CASES[1]), cornu.utils.PyDataset)


def test_shuffled_windows_are_keras_windows(keras_ref):
    kwargs = dict(sequence_length=6, sequence_stride=2, batch_size=8, shuffle=True, seed=7)
    ours = _batches(timeseries_dataset_from_array(DATA, TARGETS, format="py_dataset", **kwargs), True)
    theirs = _batches(keras_ref.utils.timeseries_dataset_from_array(DATA, TARGETS, **kwargs), True)

    def windows(batches):
        return sorted((x.tobytes(), int(y)) for batch in batches for x, y in zip(*batch))

    assert windows(ours) == windows(theirs)
    ordered = _batches(timeseries_dataset_from_array(DATA, TARGETS, format="py_dataset", **{**kwargs, "shuffle": False}),
                       True)
    assert [y.tolist() for _, y in ours] != [y.tolist() for _, y in ordered]
    again = _batches(timeseries_dataset_from_array(DATA, TARGETS, format="py_dataset", **kwargs), True)
    _assert_same_batches(again, ours)
    for x, y in ours:  # every window still starts at its target's timestep
        np.testing.assert_array_equal(x[:, 0, 0], y / 10 * 2)


@pytest.mark.parametrize("kwargs", [
    dict(start_index=-1), dict(start_index=100), dict(start_index=10, end_index=5), dict(end_index=100),
    dict(sampling_rate=0), dict(sampling_rate=100), dict(sequence_stride=0), dict(sequence_stride=100),
])
def test_keras_errors(keras_ref, kwargs):
    with pytest.raises(ValueError) as theirs:
        keras_ref.utils.timeseries_dataset_from_array(DATA, None, sequence_length=3, **kwargs)
    with pytest.raises(ValueError) as ours:
        timeseries_dataset_from_array(DATA, None, sequence_length=3, format="py_dataset", **kwargs)
    assert " ".join(str(ours.value).split()) == " ".join(str(theirs.value).split())


def test_format_errors():
    with pytest.raises(ValueError, match="grain"):
        timeseries_dataset_from_array(DATA, None, 3, format="grain")
    with pytest.raises(ValueError, match="format"):
        timeseries_dataset_from_array(DATA, None, 3, format="torch")


@pytest.mark.requires_trainable_backend
def test_fit_reads_the_py_dataset():
    dataset = timeseries_dataset_from_array(DATA / 200.0, TARGETS / 1000.0, sequence_length=4, batch_size=16,
                                            format="py_dataset")
    model = cornu.Sequential([cornu.Input((4, 2)), cornu.layers.Flatten(), cornu.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


def test_without_tensorflow_the_tf_format_is_a_py_dataset(monkeypatch, keras_ref):
    formats = sys.modules["cornu.utils.dataset_format"]  # the module (cornu.utils.dataset_format is the function)
    monkeypatch.setattr(formats, "tensorflow_available", lambda: False)
    dataset = timeseries_dataset_from_array(DATA, TARGETS, **CASES[0])  # format="tf", Keras's default
    assert isinstance(dataset, cornu.utils.PyDataset)
    theirs = keras_ref.utils.timeseries_dataset_from_array(DATA, TARGETS, **CASES[0])
    _assert_same_batches(_batches(dataset, True), _batches(theirs, True))
    assert formats.resolve_dataset_format(None) == "py_dataset"


def test_environment_variable_asks_for_py_datasets(monkeypatch):
    formats = sys.modules["cornu.utils.dataset_format"]  # the module (cornu.utils.dataset_format is the function)
    monkeypatch.setattr(formats, "tensorflow_available", lambda: True)
    assert formats.resolve_dataset_format("tf") == "tf"
    monkeypatch.setenv("CORNU_DATASET_FORMAT", "py_dataset")
    assert formats.resolve_dataset_format("tf") == formats.resolve_dataset_format(None) == "py_dataset"
    monkeypatch.setenv("CORNU_DATASET_FORMAT", "arrow")
    with pytest.raises(ValueError, match="CORNU_DATASET_FORMAT"):
        formats.resolve_dataset_format(None)
