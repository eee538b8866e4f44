"""The AutoML tasks end to end on tiny data: search, predict, evaluate, export, load in the real Keras."""

import numpy as np
import pytest

import cornu
from cornu.tuner import automl
from tests.helpers.requirements import import_real_keras, require
from tests.tuner.automl import synthetic_data

pytestmark = pytest.mark.requires_trainable_backend


@pytest.fixture(autouse=True)
def _optuna():
    require("optuna")


def _exported_predictions_in_real_keras(model, x, path):
    """Saves ``model`` with cornu, loads it with the real Keras 3 (on JAX), returns its predictions."""
    model.save(path)
    keras = import_real_keras()
    loaded = keras.saving.load_model(path)
    vectorizers = [layer for layer in loaded.layers if type(layer).__name__ == "TextVectorization"]
    if not vectorizers:
        return np.asarray(loaded.predict(x, verbose=0))
    # Keras on JAX cannot feed strings through a model: vectorize with the loaded layer, run the rest.
    token_ids = np.asarray(vectorizers[0](x))
    return np.asarray(keras.Model(vectorizers[0].output, loaded.output).predict(token_ids, verbose=0))


def test_structured_data_classifier_learns_string_labels_and_exports(tmp_path):
    x, y = synthetic_data.table(240)
    x_train, y_train, x_test, y_test = x[:200], y[:200], x[200:], y[200:]
    clf = automl.StructuredDataClassifier(max_trials=2, directory=tmp_path, overwrite=True, seed=0, tuner="random")
    clf.fit(x_train, y_train, epochs=6, batch_size=16, verbose=0)

    predicted = clf.predict(x_test, verbose=0)
    assert predicted.shape == (40,) and set(predicted) <= {"neg", "pos"}
    accuracy = float(np.mean(predicted == y_test))
    assert accuracy >= 0.8, f"chance is 0.5; the search reached only {accuracy}"
    loss, reported_accuracy = clf.evaluate(x_test, y_test, verbose=0)
    assert reported_accuracy == pytest.approx(accuracy, abs=1e-6)

    model = clf.export_model()
    probabilities = np.asarray(model.predict(x_test, verbose=0))
    assert probabilities.shape == (40, 1)  # two classes: one sigmoid unit, classes sorted ("neg", "pos")
    np.testing.assert_array_equal(np.where(probabilities[:, 0] > 0.5, "pos", "neg"), predicted)
    expected_loss = -np.mean(np.where(y_test == "pos", np.log(probabilities[:, 0]), np.log(1 - probabilities[:, 0])))
    assert loss == pytest.approx(expected_loss, rel=1e-3)
    real = _exported_predictions_in_real_keras(model, x_test, tmp_path / "table.keras")
    np.testing.assert_allclose(real, probabilities, atol=1e-5)


def test_structured_data_regressor_stops_at_the_time_budget(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(80, 3)).astype("float32")
    y = x @ np.array([1.0, -2.0, 0.5], dtype="float32") + 1.0
    reg = automl.StructuredDataRegressor(max_trials=5, directory=tmp_path, overwrite=True, seed=0,
                                         tuner="hyperband")
    epochs_seen = []
    counter = cornu.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: epochs_seen.append(epoch))
    reg.fit(x, y, epochs=2, time_budget=1e-6, batch_size=16, callbacks=[counter], verbose=0)
    assert len(reg.tuner.oracle.get_best_trials(10)) == 1  # the budget was spent during trial one
    assert epochs_seen == [0, 1]  # the user's callbacks run in the trials (Hyperband: epochs -> max_epochs)

    predicted = reg.predict(x, verbose=0)
    assert predicted.shape == (80,)  # 1-D like y
    loss, mse = reg.evaluate(x, y, verbose=0)
    assert mse == pytest.approx(float(np.mean((predicted - y) ** 2)), rel=1e-4)
    model = reg.export_model()
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0))[:, 0], predicted, rtol=1e-6)
    real = _exported_predictions_in_real_keras(model, x, tmp_path / "regressor.keras")
    np.testing.assert_allclose(real[:, 0], predicted, rtol=1e-4, atol=1e-5)


def test_image_classifier_on_digits_with_one_hot_labels(tmp_path):
    from cornu.datasets import digits

    (images, labels), _ = digits.load_data()
    x, y = images[:160], synthetic_data.one_hot(labels[:160], 10)  # (n, 8, 8) uint8, one-hot labels
    # One trial of a narrowed space: on JAX each new conv shape costs XLA compiles (init and steps).
    clf = automl.ImageClassifier(max_trials=1, directory=tmp_path, overwrite=True, seed=0, block_type="resnet",
                                 augment=True)
    clf.fit(x, y, epochs=1, batch_size=32, verbose=0)

    predicted = clf.predict(x[:32], verbose=0)
    assert predicted.shape == (32, 10)  # one-hot rows, like y
    np.testing.assert_array_equal(predicted.sum(axis=1), np.ones(32))
    loss, accuracy = clf.evaluate(x[:32], y[:32], verbose=0)
    assert accuracy == pytest.approx(float(np.mean(predicted.argmax(1) == labels[:32])), abs=1e-6)
    model = clf.export_model()
    probabilities = np.asarray(model.predict(x[:32], verbose=0))  # takes the (n, 8, 8) images as given
    np.testing.assert_array_equal(np.eye(10)[probabilities.argmax(1)], predicted)
    real = _exported_predictions_in_real_keras(model, x[:32], tmp_path / "digits.keras")
    np.testing.assert_allclose(real, probabilities, atol=1e-5)


def test_image_regressor_keeps_the_target_columns(tmp_path):
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 255, size=(40, 6, 6, 3)).astype("float32")
    y = x.mean(axis=(1, 2, 3)).reshape(-1, 1) / 255.0
    reg = automl.ImageRegressor(max_trials=1, directory=tmp_path, overwrite=True, seed=0, block_type="vanilla",
                                augment=False)
    reg.fit(x, y, epochs=1, batch_size=16, validation_data=(x[:8], y[:8]), verbose=0)

    predicted = reg.predict(x[:8], verbose=0)
    assert predicted.shape == (8, 1)
    loss, mse = reg.evaluate(x[:8], y[:8], verbose=0)
    assert mse == pytest.approx(float(np.mean((predicted - y[:8]) ** 2)), rel=1e-4)
    real = _exported_predictions_in_real_keras(reg.export_model(), x[:8], tmp_path / "image_regressor.keras")
    np.testing.assert_allclose(real, predicted, rtol=1e-4, atol=1e-5)


def test_text_classifier_learns_string_labels_and_exports(tmp_path):
    texts, labels, _ = synthetic_data.sentences(200)
    clf = automl.TextClassifier(max_trials=2, directory=tmp_path, overwrite=True, seed=0, tuner="random",
                                objective="val_accuracy")
    clf.fit(texts[:160], labels[:160], epochs=4, batch_size=16, verbose=0)

    predicted = clf.predict(texts[160:], verbose=0)  # a 1-D array of strings in, labels out
    assert predicted.shape == (40,) and set(predicted) <= {"bad", "good"}
    accuracy = float(np.mean(predicted == labels[160:]))
    assert accuracy >= 0.75, f"chance is 0.5; the search reached only {accuracy}"
    model = clf.export_model()
    column = texts[160:].reshape(-1, 1)  # the exported model takes (n, 1) strings
    probabilities = np.asarray(model.predict(column, verbose=0))
    np.testing.assert_array_equal(np.where(probabilities[:, 0] > 0.5, "good", "bad"), predicted)
    real = _exported_predictions_in_real_keras(model, column, tmp_path / "text.keras")
    np.testing.assert_allclose(real, probabilities, atol=1e-5)


def test_text_regressor_predicts_one_value_per_text(tmp_path):
    texts, _, counts = synthetic_data.sentences(48, seed=3)
    reg = automl.TextRegressor(max_trials=1, directory=tmp_path, overwrite=True, seed=0, block_type="pooling")
    reg.fit(list(texts), counts, epochs=1, batch_size=16, verbose=0)  # a list of str works too

    predicted = reg.predict(texts[:16], verbose=0)
    assert predicted.shape == (16,) and predicted.dtype.kind == "f"
    loss, mse = reg.evaluate(texts[:16], counts[:16], verbose=0)
    assert mse == pytest.approx(float(np.mean((predicted - counts[:16]) ** 2)), rel=1e-4)
    model = reg.export_model()
    np.testing.assert_allclose(np.asarray(model.predict(texts[:16, None], verbose=0))[:, 0], predicted, rtol=1e-6)
