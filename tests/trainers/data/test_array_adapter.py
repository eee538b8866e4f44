"""Array inputs: conversions, shuffling, sample and class weights, validation split."""

import numpy as np
import pytest

import cornu
from cornu.trainers.data.array_adapter import ArrayDataAdapter, train_validation_split
from cornu.trainers.data.class_weight import class_weight_to_sample_weight

from tests.helpers.data_test_utils import make_data, make_model
from tests.helpers.requirements import require

def _all_batches(adapter):
    return list(adapter.get_numpy_iterator())


def _indices(n=10):
    return np.arange(n, dtype="float32")[:, None]


def test_no_shuffle_slices_in_order_with_a_partial_last_batch():
    adapter = ArrayDataAdapter(_indices(), batch_size=4)
    assert adapter.num_batches == 3
    assert [b[0][:, 0].tolist() for b in _all_batches(adapter)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_shuffle_true_permutes_all_samples_each_epoch():
    adapter = ArrayDataAdapter(_indices(), _indices(), batch_size=4, shuffle=True)
    epochs = [np.concatenate([b[0][:, 0] for b in _all_batches(adapter)]) for _ in range(2)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(10))
    assert epochs[0].tolist() != list(range(10)) and epochs[0].tolist() != epochs[1].tolist()
    for xb, yb in _all_batches(adapter):  # x and y stay paired
        np.testing.assert_array_equal(xb, yb)


def test_shuffle_batch_permutes_only_within_each_chunk():
    adapter = ArrayDataAdapter(_indices(12), batch_size=4, shuffle="batch")
    batches = [b[0][:, 0] for b in _all_batches(adapter)]
    assert [sorted(b.tolist()) for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    assert any(b.tolist() != sorted(b.tolist()) for b in batches)


def test_float64_becomes_floatx_and_ints_stay_ints():
    x = np.zeros((4, 2), "float64")
    y = np.arange(4)
    (xb, yb) = ArrayDataAdapter(x, y).peek()
    assert xb.dtype == np.float32 and yb.dtype == y.dtype


def test_backend_tensors_and_nested_structures():
    import jax.numpy as jnp
    torch = require("torch")

    x, y = make_data(10)
    inputs = {"a": torch.from_numpy(x), "b": [jnp.asarray(x[:, :1]), x[:, 1:]]}
    batch_x, batch_y = ArrayDataAdapter(inputs, y, batch_size=4).peek()
    assert isinstance(batch_x["a"], np.ndarray) and isinstance(batch_x["b"][0], np.ndarray)
    np.testing.assert_array_equal(batch_x["a"], x[:4])
    np.testing.assert_array_equal(batch_x["b"][0], x[:4, :1])


def test_pandas_dataframe_and_series():
    pd = require("pandas")

    x, y = make_data(10)
    batch_x, batch_y = ArrayDataAdapter(pd.DataFrame(x.astype("float64")), pd.Series(y[:, 0]), batch_size=4).peek()
    assert batch_x.dtype == np.float32 and batch_y.shape == (4, 1)
    np.testing.assert_allclose(batch_x, x[:4])
    np.testing.assert_allclose(batch_y, y[:4])


def test_scipy_sparse_rows_become_dense_batches():
    import scipy.sparse

    dense = np.eye(6, dtype="float32")
    batches = _all_batches(ArrayDataAdapter(scipy.sparse.csr_matrix(dense), batch_size=4))
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), dense)


def test_sample_weight_per_sample_and_per_timestep():
    x = np.zeros((6, 3, 2), "float32")
    y = np.zeros((6, 3, 1), "float32")
    for weights in (np.arange(6.0), np.ones((6, 3))):
        _, _, sw = ArrayDataAdapter(x, y, sample_weight=weights, batch_size=4).peek()
        np.testing.assert_array_equal(sw, weights[:4])


def test_one_sample_weight_array_is_shared_by_every_output():
    x = np.zeros((6, 2), "float32")
    y = {"a": np.zeros((6, 1)), "b": np.zeros((6, 1))}
    _, _, sw = ArrayDataAdapter(x, y, sample_weight=np.arange(6.0)).peek()
    assert set(sw) == {"a", "b"}
    np.testing.assert_array_equal(sw["a"], np.arange(6.0))
    with pytest.raises(ValueError, match="one scalar per sample"):
        ArrayDataAdapter(x, y, sample_weight=np.ones((6, 3)))


@pytest.mark.parametrize("labels", [
    np.array([0, 1, 2, 1, 0]),
    np.array([[0.0], [1.0], [2.0], [1.2], [3.0]]),
    np.eye(3)[[0, 1, 2, 1, 0]],
])
def test_class_weight_rules_match_keras(labels, keras_ref):
    from keras.src.trainers.data_adapters.data_adapter_utils import class_weight_to_sample_weights

    class_weight = {0: 0.5, 2: 4.0}  # class 1 (and 3) missing: weight 1.0
    np.testing.assert_allclose(
        class_weight_to_sample_weight(labels, class_weight), class_weight_to_sample_weights(labels, class_weight)
    )


def test_validation_split_takes_the_last_samples_before_shuffling():
    x, y = _indices(10), _indices(10)
    (x_train, y_train, sw), (x_val, y_val, val_sw) = train_validation_split((x, y, None), 0.2)
    assert x_train[:, 0].tolist() == list(range(8)) and x_val[:, 0].tolist() == [8, 9]
    assert sw is None and val_sw is None
    with pytest.raises(ValueError, match="not sufficient to split"):
        train_validation_split((x[:1], y[:1]), 0.5)


@pytest.mark.requires_trainable_backend
def test_fit_with_validation_split_matches_explicit_validation_data():
    x, y = make_data(32)
    split = make_model()
    explicit = make_model()
    h1 = split.fit(x, y, batch_size=8, validation_split=0.25, shuffle=False, verbose=0)
    h2 = explicit.fit(x[:24], y[:24], batch_size=8, validation_data=(x[24:], y[24:]), shuffle=False, verbose=0)
    np.testing.assert_allclose(h1.history["val_loss"], h2.history["val_loss"], rtol=1e-6)


@pytest.mark.requires_trainable_backend
def test_sample_weight_changes_training_and_zero_weights_ignore_samples():
    x, y = make_data()
    weights = np.where(np.arange(len(x)) % 2 == 0, 1.0, 0.0)
    weighted = make_model()
    weighted.fit(x, y, sample_weight=weights, batch_size=len(x), shuffle=False, verbose=0)
    kept = make_model()
    kept.compile(optimizer=cornu.optimizers.SGD(0.05 * 0.5), loss="mse", metrics=["mae"])
    kept.fit(x[::2], y[::2], batch_size=len(x) // 2, shuffle=False, verbose=0)
    # The weighted mean over 24 samples with 12 zero weights is half the mean over the 12 kept ones.
    for got, want in zip(weighted.get_weights(), kept.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
