"""Every kind of input feeds the model the same batches as NumPy arrays do: training
(shuffle=False, fixed seeds) ends with the same weights, and evaluate/predict agree."""

import numpy as np
import pytest

import cornu

from tests.helpers.data_test_utils import BATCH, ArrayBatches, BatchDataset, batches_of, make_data, make_model
from tests.helpers.requirements import require

EPOCHS = 2


def _generator(x, y):
    for _ in range(EPOCHS):
        yield from batches_of(x, y)


def _torch_loader(x, y):
    torch = require("torch")

    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    return torch.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=False)


def _fit_kwargs(kind, x, y):
    """``fit`` arguments feeding ``kind`` of data."""
    if kind == "pandas":
        pd = require("pandas")
        return dict(x=pd.DataFrame(x), y=pd.Series(y[:, 0]), batch_size=BATCH)
    if kind == "jax_arrays":
        import jax.numpy as jnp

        return dict(x=jnp.asarray(x), y=jnp.asarray(y), batch_size=BATCH)
    if kind == "torch_tensors":
        torch = require("torch")

        return dict(x=torch.from_numpy(x.copy()).requires_grad_(True), y=torch.from_numpy(y), batch_size=BATCH)
    if kind == "generator":
        return dict(x=_generator(x, y), steps_per_epoch=len(x) // BATCH)
    if kind == "py_dataset":
        return dict(x=ArrayBatches(x, y))
    if kind == "py_dataset_threads":
        return dict(x=ArrayBatches(x, y, workers=2, max_queue_size=2))
    if kind == "py_dataset_processes":
        return dict(x=ArrayBatches(x, y, workers=2, use_multiprocessing=True))
    if kind == "torch_dataloader":
        return dict(x=_torch_loader(x, y))
    if kind == "tf_dataset":
        return dict(x=BatchDataset(batches_of(x, y)))
    raise AssertionError(kind)


KINDS = [
    "pandas",
    "jax_arrays",
    "torch_tensors",
    "generator",
    "py_dataset",
    "py_dataset_threads",
    pytest.param("py_dataset_processes", marks=pytest.mark.filterwarnings("ignore:os.fork")),
    "torch_dataloader",
    "tf_dataset",
]


def _reference_fit():
    x, y = make_data()
    model = make_model()
    model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    return model.get_weights()


@pytest.fixture(scope="module")
def reference_weights():
    return _reference_fit()


@pytest.mark.requires_trainable_backend
@pytest.mark.filterwarnings("ignore:`shuffle=True` was passed")
@pytest.mark.parametrize("kind", KINDS)
def test_training_on_each_kind_matches_numpy_arrays(kind, reference_weights):
    x, y = make_data()
    model = make_model()
    history = model.fit(**_fit_kwargs(kind, x, y), epochs=EPOCHS, shuffle=False, verbose=0)
    assert len(history.history["loss"]) == EPOCHS
    for got, expected in zip(model.get_weights(), reference_weights):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    assert not np.allclose(reference_weights[0], make_model().get_weights()[0]), "training changed nothing"


@pytest.mark.requires_trainable_backend
@pytest.mark.filterwarnings("ignore:Your input ran out of data")
def test_nested_dict_inputs_from_arrays_generator_and_dataset_train_alike():
    x, y = make_data()
    inputs = {"left": x[:, :2], "right": x[:, 2:]}

    def build():
        cornu.utils.set_random_seed(5)
        left, right = cornu.Input((2,), name="left"), cornu.Input((2,), name="right")
        merged = cornu.layers.Concatenate()([cornu.layers.Dense(2)(left), right])
        model = cornu.Model({"left": left, "right": right}, cornu.layers.Dense(1)(merged))
        model.compile(optimizer=cornu.optimizers.SGD(0.05), loss="mse")
        return model

    reference = build()
    reference.fit(inputs, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)

    def dict_batches():
        for i in range(0, len(x), BATCH):
            yield {k: v[i:i + BATCH] for k, v in inputs.items()}, y[i:i + BATCH]

    from_generator = build()
    from_generator.fit(dict_batches(), epochs=1, verbose=0, shuffle=False)
    from_dataset = build()
    from_dataset.fit(BatchDataset(list(dict_batches())), epochs=1, verbose=0, shuffle=False)
    for model in (from_generator, from_dataset):
        for got, expected in zip(model.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.filterwarnings("ignore:`shuffle=True` was passed", "ignore:Your input ran out of data")
@pytest.mark.parametrize("kind", KINDS)
def test_evaluate_and_predict_on_each_kind_match_numpy_arrays(kind):
    x, y = make_data()
    model = make_model()
    expected_logs = model.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True)
    expected_pred = model.predict(x, batch_size=BATCH, verbose=0)

    kwargs = _fit_kwargs(kind, x, y)
    kwargs.pop("steps_per_epoch", None)
    if kind == "generator":
        kwargs["x"] = (batch for batch in batches_of(x, y))
    logs = model.evaluate(**kwargs, verbose=0, return_dict=True)
    assert logs.keys() == expected_logs.keys()
    for name in logs:
        np.testing.assert_allclose(logs[name], expected_logs[name], rtol=1e-5)

    kwargs = _fit_kwargs(kind, x, y)
    kwargs.pop("steps_per_epoch", None)
    kwargs.pop("y", None)
    if kind == "generator":
        kwargs["x"] = (xb for xb, _ in batches_of(x, y))
    np.testing.assert_allclose(model.predict(**kwargs, verbose=0), expected_pred, rtol=1e-5, atol=1e-6)


def test_predict_on_batch_accepts_other_tensor_types():
    torch = require("torch")

    x, _ = make_data()
    model = make_model()
    expected = model.predict_on_batch(x)
    np.testing.assert_allclose(model.predict_on_batch(torch.from_numpy(x)), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x.astype("float64")), expected, rtol=1e-6)
