"""``split_dataset`` side by side with the real Keras: the same samples on each side (also shuffled,
seeded), arrays/tuples/lists/dicts/tf.data/PyDataset inputs, Keras's errors, and fit-able halves."""

import numpy as np
import pytest

import cornu
from cornu.utils import split_dataset
from tests.helpers.requirements import require

X = np.arange(50 * 3).reshape(50, 3).astype("float32")
Y = np.arange(50)
SIZES = [dict(left_size=0.8), dict(right_size=7), dict(left_size=10, right_size=20),
         dict(left_size=0.3, shuffle=True, seed=3), dict(right_size=0.25, shuffle=True, seed=11)]


def _samples_of_tf(dataset):
    return [tuple(np.asarray(v) for v in (e if isinstance(e, tuple) else (e,))) for e in dataset]


def _columns(samples):
    return [np.stack(column) for column in zip(*samples)]


def _as_tuple(structure):
    return structure if isinstance(structure, tuple) else (structure,)


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("data", [X, (X, Y), [X, Y]], ids=["array", "tuple", "list"])
def test_same_halves_as_keras(keras_ref, data, sizes):
    theirs = keras_ref.utils.split_dataset(data, preferred_backend="tensorflow", **sizes)
    with cornu.utils.dataset_format("py_dataset"):
        ours = split_dataset(data, **sizes)
    for half, reference in zip(ours, theirs):
        assert isinstance(half, cornu.utils.PyDataset)
        for column, expected in zip(_as_tuple(half.samples()), _columns(_samples_of_tf(reference))):
            np.testing.assert_array_equal(column, expected)


@pytest.mark.parametrize("sizes", SIZES[:1] + SIZES[3:4])
def test_tf_datasets_when_tensorflow_is_installed(keras_ref, sizes):
    tf = require("tensorflow")
    ours = split_dataset((X, Y), preferred_backend="tensorflow", **sizes)
    theirs = keras_ref.utils.split_dataset((X, Y), preferred_backend="tensorflow", **sizes)
    for half, reference in zip(ours, theirs):
        assert isinstance(half, tf.data.Dataset)
        for a, b in zip(_columns(_samples_of_tf(half)), _columns(_samples_of_tf(reference))):
            np.testing.assert_array_equal(a, b)


def test_batched_tf_dataset_keeps_its_batch_size(keras_ref):
    tf = require("tensorflow")
    source = tf.data.Dataset.from_tensor_slices((X, Y)).batch(8)
    ours = split_dataset(source, left_size=0.6)
    theirs = keras_ref.utils.split_dataset(source, left_size=0.6)
    for half, reference in zip(ours, theirs):
        ours_batches, their_batches = _samples_of_tf(half), _samples_of_tf(reference)
        assert [b[0].shape for b in ours_batches] == [b[0].shape for b in their_batches]
        for a, b in zip(ours_batches, their_batches):
            np.testing.assert_array_equal(a[1], b[1])


def test_dicts_and_py_datasets():
    with cornu.utils.dataset_format("py_dataset"):
        left, right = split_dataset({"a": X, "b": Y}, left_size=0.5, shuffle=True, seed=1)
    assert sorted(np.concatenate([left.samples()["b"], right.samples()["b"]]).tolist()) == Y.tolist()
    np.testing.assert_array_equal(left.samples()["a"][:, 0], left.samples()["b"] * 3)
    source = cornu.utils.timeseries_dataset_from_array(X, Y, sequence_length=1, batch_size=6, format="py_dataset")
    left, right = split_dataset(source, right_size=10)  # a PyDataset input gives PyDataset halves
    assert (left.batch_size, left.num_samples, right.num_samples) == (6, 40, 10)
    np.testing.assert_array_equal(right.samples()[1], Y[-10:])
    assert [len(batch[1]) for batch in right] == [6, 4]


@pytest.mark.parametrize("sizes", [dict(), dict(left_size=0, right_size=0), dict(left_size=1.5), dict(right_size=50),
                                   dict(left_size=0.6, right_size=0.6), dict(left_size=30, right_size=30)])
def test_keras_errors(keras_ref, sizes):
    with pytest.raises((ValueError, TypeError)) as theirs:
        keras_ref.utils.split_dataset(X, preferred_backend="tensorflow", **sizes)
    with pytest.raises(theirs.type) as ours:
        split_dataset(X, preferred_backend="tensorflow", **sizes)
    assert str(ours.value).split()[:6] == str(theirs.value).split()[:6]


def test_bad_inputs(keras_ref):
    with pytest.raises(TypeError, match="Invalid `left_size` Type"):
        split_dataset(X, left_size="half")
    with pytest.raises(ValueError, match="different lengths"):
        split_dataset([X, Y[:10]], left_size=0.5)
    with pytest.raises(ValueError, match="numpy.ndarray"):
        split_dataset((X, list(Y)), left_size=0.5)
    with pytest.raises(TypeError, match="Unsupported dataset type"):
        split_dataset("data", left_size=0.5)


def test_torch_preferred_backend_gives_torch_subsets():
    torch = require("torch")
    left, right = split_dataset((X, Y), left_size=0.8, shuffle=True, seed=0, preferred_backend="torch")
    assert isinstance(left, torch.utils.data.Subset) and (len(left), len(right)) == (40, 10)
    labels = sorted(int(sample[1]) for half in (left, right) for sample in half)
    assert labels == Y.tolist()


@pytest.mark.requires_trainable_backend
def test_fit_reads_the_halves():
    with cornu.utils.dataset_format("py_dataset"):
        train, validation = split_dataset((X / 150.0, Y / 50.0), left_size=0.8, shuffle=True, seed=0)
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(train, validation_data=validation, epochs=2, verbose=0)
    assert len(history.history["val_loss"]) == 2
