"""SwapEMAWeights: evaluation sees the EMA weights, training goes on from the raw ones.

Checked against a NumPy replay of SGD + EMA on a linear model, and against the real Keras.
"""

import inspect

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.callbacks import SwapEMAWeights

pytestmark = pytest.mark.requires_trainable_backend

RNG = np.random.RandomState(0)
X = RNG.normal(size=(8, 3)).astype("float32")
Y = RNG.normal(size=(8, 1)).astype("float32")
X_VAL = RNG.normal(size=(4, 3)).astype("float32")
Y_VAL = RNG.normal(size=(4, 1)).astype("float32")
KERNEL = RNG.normal(size=(3, 1)).astype("float32")
BIAS = np.array([0.1], "float32")
LR, MOMENTUM, BATCH, EPOCHS = 0.1, 0.7, 4, 3


def numpy_reference():
    """Per-epoch (train loss, val loss with EMA weights, raw weights, EMA weights) for SGD + EMA, mse."""
    w, b = KERNEL.astype("float64"), BIAS.astype("float64")
    avg_w, avg_b, step, out = np.zeros_like(w), np.zeros_like(b), 0, []
    for _ in range(EPOCHS):
        losses = []
        for start in range(0, len(X), BATCH):
            x, y = X[start : start + BATCH], Y[start : start + BATCH]
            error = x @ w + b - y
            losses.append(np.mean(error**2))
            w = w - LR * 2 * x.T @ error / len(x)
            b = b - LR * 2 * error.sum(0) / len(x)
            momentum = 0.0 if step == 0 else MOMENTUM
            avg_w = momentum * avg_w + (1 - momentum) * w
            avg_b = momentum * avg_b + (1 - momentum) * b
            step += 1
        val_loss = np.mean((X_VAL @ avg_w + avg_b - Y_VAL) ** 2)
        out.append((np.mean(losses), val_loss, (w, b), (avg_w, avg_b)))
    return out


def make_model(keras, **sgd_kwargs):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(LR, use_ema=True, ema_momentum=MOMENTUM, **sgd_kwargs), loss="mse")
    model.set_weights([KERNEL, BIAS])
    return model


def fit(model, callbacks, epochs=EPOCHS):
    return model.fit(X, Y, batch_size=BATCH, epochs=epochs, shuffle=False, validation_data=(X_VAL, Y_VAL),
                     callbacks=callbacks, verbose=0).history


def numpy_weights(model):
    return [np.array(backend.convert_to_numpy(w), copy=True) for w in model.weights]


def test_signature_matches_keras(keras_ref):
    ours = inspect.signature(SwapEMAWeights.__init__)
    theirs = inspect.signature(keras_ref.callbacks.SwapEMAWeights.__init__)
    assert [(p.name, p.default) for p in ours.parameters.values()] == [
        (p.name, p.default) for p in theirs.parameters.values()
    ]


def test_validation_uses_ema_weights_and_training_resumes_from_raw(keras_ref):
    reference = numpy_reference()
    raw_after_epoch = []
    model = make_model(cornu)
    history = fit(model, [SwapEMAWeights(), cornu.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: raw_after_epoch.append(numpy_weights(model)))])
    np.testing.assert_allclose(history["loss"], [r[0] for r in reference], rtol=1e-5)
    np.testing.assert_allclose(history["val_loss"], [r[1] for r in reference], rtol=1e-5)
    for weights, (_, _, raw, _) in zip(raw_after_epoch, reference):
        np.testing.assert_allclose(weights[0], raw[0], rtol=1e-5, atol=1e-6)
    # Without the callback, validation would use the raw weights: the numbers differ.
    plain = fit(make_model(cornu), [])
    np.testing.assert_allclose(plain["loss"], history["loss"], rtol=1e-6)
    assert not np.allclose(plain["val_loss"], history["val_loss"], rtol=1e-3)

    keras_history = fit(make_model(keras_ref), [keras_ref.callbacks.SwapEMAWeights()])
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(history[key], keras_history[key], rtol=1e-5)


def test_evaluate_and_predict_use_ema_and_restore(tmp_path):
    reference = numpy_reference()
    model = make_model(cornu)
    fit(model, [], epochs=1)
    _, _, (raw_w, raw_b), (avg_w, avg_b) = reference[0]
    callback = SwapEMAWeights()
    loss = model.evaluate(X_VAL, Y_VAL, verbose=0, callbacks=[callback])
    assert loss == pytest.approx(reference[0][1], rel=1e-5)
    predictions = model.predict(X_VAL, verbose=0, callbacks=[callback])
    np.testing.assert_allclose(predictions, X_VAL @ avg_w + avg_b, rtol=1e-5, atol=1e-6)
    # `fit` ends on the EMA weights (as Keras: `finalize_variable_values`), and the callback
    # puts back what the model held before evaluate/predict.
    kernel, bias = numpy_weights(model)
    np.testing.assert_allclose(kernel, avg_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bias, avg_b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(avg_w, raw_w, rtol=1e-3)


@pytest.mark.filterwarnings("ignore:Skipping variable loading")  # the probes' optimizers are not built
def test_swap_on_epoch_checkpoints_ema_weights(tmp_path, keras_ref):
    reference = numpy_reference()
    path = str(tmp_path / "ema-{epoch}.weights.h5")
    model = make_model(cornu)
    history = fit(model, [SwapEMAWeights(swap_on_epoch=True),
                          cornu.callbacks.ModelCheckpoint(path, save_weights_only=True)])
    np.testing.assert_allclose(history["loss"], [r[0] for r in reference], rtol=1e-5)
    for epoch, (_, _, _, (avg_w, avg_b)) in enumerate(reference, start=1):
        probe = make_model(cornu)
        probe.load_weights(path.format(epoch=epoch))
        kernel, bias = numpy_weights(probe)
        np.testing.assert_allclose(kernel, avg_w, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(bias, avg_b, rtol=1e-5, atol=1e-6)
    # After the last epoch the model keeps the EMA weights, as in Keras.
    np.testing.assert_allclose(numpy_weights(model)[0], reference[-1][3][0], rtol=1e-5, atol=1e-6)
    theirs = make_model(keras_ref)
    fit(theirs, [keras_ref.callbacks.SwapEMAWeights(swap_on_epoch=True)])
    np.testing.assert_allclose(numpy_weights(model)[0], theirs.get_weights()[0], rtol=1e-5, atol=1e-6)


def test_multi_optimizer_swaps_only_ema_parts():
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2, name="a"), cornu.layers.Dense(1, name="b")])
    ema = cornu.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5)
    model.compile(optimizer=cornu.optimizers.MultiOptimizer(
        cornu.optimizers.OptimizerMap(cornu.optimizers.SGD(0.1), {".*/a/.*": ema})), loss="mse")
    for _ in range(3):  # train_on_batch: no end-of-fit EMA finalization
        model.train_on_batch(X, Y)
    before = numpy_weights(model)
    averages = [np.array(backend.convert_to_numpy(v), copy=True) for v in ema._model_variables_moving_average]
    callback = SwapEMAWeights()
    callback.set_model(model)
    callback.on_test_begin()
    swapped = numpy_weights(model)
    np.testing.assert_allclose(swapped[0], averages[0])  # layer a: its EMA
    np.testing.assert_allclose(swapped[2], before[2])  # layer b: untouched
    assert not np.allclose(swapped[0], before[0])
    callback.on_test_end()
    for now, then in zip(numpy_weights(model), before):
        np.testing.assert_allclose(now, then)

    plain = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(1)])
    plain.compile(optimizer=cornu.optimizers.MultiOptimizer(cornu.optimizers.OptimizerMap(cornu.optimizers.SGD())),
                  loss="mse")
    callback.set_model(plain)
    with pytest.raises(ValueError, match="at least one inner optimizer has `use_ema=True`"):
        callback.on_test_begin()


def test_without_ema_is_a_clear_error():
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="use_ema=True"):
        model.fit(X, Y, validation_data=(X_VAL, Y_VAL), callbacks=[SwapEMAWeights()], verbose=0)
