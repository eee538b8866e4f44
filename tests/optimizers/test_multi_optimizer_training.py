"""MultiOptimizer inside fit (pure JAX step, eager torch), .keras round trips, LR callbacks."""

import os

import numpy as np
import pytest

import cornu
from cornu import backend

pytestmark = pytest.mark.requires_trainable_backend

RNG = np.random.RandomState(3)
X = RNG.normal(size=(8, 3)).astype("float32")
Y = RNG.normal(size=(8, 1)).astype("float32")


def make_model(keras, weights=None):
    o = keras.optimizers
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="dense_1"),
                              keras.layers.Dense(1, name="dense_2")])
    optimizer = o.MultiOptimizer(o.OptimizerMap(
        default_optimizer=o.SGD(learning_rate=0.05, momentum=0.5),
        optimizer_map={".*dense_1/.*": o.Adam(learning_rate=0.01)},
    ))
    model.compile(optimizer=optimizer, loss="mse")
    if weights is not None:
        model.set_weights(weights)
    return model


def numpy_values(variables):
    return [np.array(backend.convert_to_numpy(v), copy=True) for v in variables]


def assert_all_close(actual, expected):
    assert len(actual) == len(expected)
    for a, b in zip(actual, expected):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_keras_fit_example(run_eagerly):
    # Keras's own test: one SGD step per layer with its own learning rate.
    optimizer = cornu.optimizers.MultiOptimizer(cornu.optimizers.OptimizerMap(
        default_optimizer=cornu.optimizers.SGD(learning_rate=0.1),
        optimizer_map={".*dense_1/.*": cornu.optimizers.SGD(learning_rate=1e-3),
                       ".*dense_2/.*": cornu.optimizers.SGD(learning_rate=1e-2)},
    ))
    model = cornu.Sequential([
        cornu.layers.Dense(2, kernel_initializer="ones", use_bias=False, name="dense_1"),
        cornu.layers.Dense(1, kernel_initializer="ones", use_bias=False, name="dense_2"),
    ])
    model.compile(loss="mse", optimizer=optimizer, run_eagerly=run_eagerly)
    model.fit(np.ones((1, 1), "float32"), np.zeros((1, 1), "float32"), batch_size=1, epochs=1, verbose=0)
    np.testing.assert_allclose(model.layers[0].kernel.numpy(), [[0.996, 0.996]], rtol=1e-6)
    np.testing.assert_allclose(model.layers[1].kernel.numpy(), [[0.96], [0.96]], rtol=1e-6)
    assert int(backend.convert_to_numpy(optimizer.iterations)) == 1
    assert [int(backend.convert_to_numpy(o.iterations)) for o in optimizer.optimizers] == [1, 1, 0]


def test_fit_matches_keras(keras_ref):
    ours = make_model(cornu)
    theirs = make_model(keras_ref, ours.get_weights())
    our_history = ours.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0).history
    their_history = theirs.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0).history
    np.testing.assert_allclose(our_history["loss"], their_history["loss"], rtol=1e-5)
    assert_all_close(ours.get_weights(), theirs.get_weights())
    assert [v.path for v in ours.optimizer.variables] == [v.path for v in theirs.optimizer.variables]
    assert_all_close(numpy_values(ours.optimizer.variables), numpy_values(theirs.optimizer.variables))


def test_keras_file_round_trip_restores_optimizer_state(tmp_path):
    model = make_model(cornu)
    model.fit(X, Y, batch_size=4, epochs=2, verbose=0)
    path = str(tmp_path / "multi.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert type(loaded.optimizer).__name__ == "MultiOptimizer"
    assert [type(o).__name__ for o in loaded.optimizer.optimizers] == ["Adam", "SGD"]
    assert_all_close(numpy_values(loaded.optimizer.variables), numpy_values(model.optimizer.variables))
    assert int(backend.convert_to_numpy(loaded.optimizer.optimizers[0].iterations)) == 4
    # The restored state continues training exactly where the original would.
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    loaded.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert_all_close(loaded.get_weights(), model.get_weights())
    assert_all_close(numpy_values(loaded.optimizer.variables), numpy_values(model.optimizer.variables))


def test_keras_files_move_both_ways(keras_ref, tmp_path):
    theirs = make_model(keras_ref)
    theirs.fit(X, Y, batch_size=4, epochs=2, verbose=0)
    keras_path = str(tmp_path / "from_keras.keras")
    theirs.save(keras_path)
    ours = cornu.saving.load_model(keras_path)
    assert_all_close(numpy_values(ours.optimizer.variables), numpy_values(theirs.optimizer.variables))

    ours.jit_compile = False  # Keras saved jit_compile=True; torch.compile would only slow this test down
    ours.fit(X, Y, batch_size=4, epochs=1, verbose=0)
    cornu_path = str(tmp_path / "from_cornu.keras")
    ours.save(cornu_path)
    back = keras_ref.saving.load_model(cornu_path)
    assert type(back.optimizer).__name__ == "MultiOptimizer"
    assert_all_close(numpy_values(back.optimizer.variables), numpy_values(ours.optimizer.variables))
    assert os.path.getsize(cornu_path) > 0


def test_learning_rate_callbacks_update_every_sub_optimizer():
    model = make_model(cornu)
    adam, sgd = model.optimizer.optimizers
    history = model.fit(X, Y, batch_size=4, epochs=2, verbose=0, callbacks=[
        cornu.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5),
    ])
    assert float(backend.convert_to_numpy(adam.learning_rate)) == pytest.approx(0.0025)
    assert float(backend.convert_to_numpy(sgd.learning_rate)) == pytest.approx(0.0125)
    assert history.history[f"learning_rate_{adam.name}"] == pytest.approx([0.005, 0.0025])

    plateau = cornu.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.1, min_delta=1e9)
    plateau.set_model(model)
    plateau.on_train_begin()
    plateau.on_epoch_end(0, {"loss": 1.0})
    plateau.on_epoch_end(1, {"loss": 1.0})
    assert float(backend.convert_to_numpy(adam.learning_rate)) == pytest.approx(0.00025)
    assert float(backend.convert_to_numpy(sgd.learning_rate)) == pytest.approx(0.00125)
