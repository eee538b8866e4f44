"""Plain callables as regularizers and constraints (``kernel_regularizer=lambda w: ...``), as Keras
accepts them: the penalty joins ``model.losses``, the constraint runs after each optimizer step,
and a saved model stores them in Keras's ``__lambda__`` form, loadable only with ``safe_mode=False``."""

import json
import zipfile

import numpy as np
import pytest

import cornu as keras
from cornu import ops

KERNEL = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]], "float32")
X = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [1.0, 0.0, -1.0], [2.0, 1.0, 0.0]], "float32")
Y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, -0.5]], "float32")


def _model(lib):
    return lib.Sequential([
        lib.Input((3,)),
        lib.layers.Dense(2, kernel_initializer=lib.initializers.Constant(KERNEL),
                         kernel_constraint=lambda w: w * 0.5,
                         kernel_regularizer=lambda w: 0.1 * lib.ops.sum(w)),
    ])


def test_get_returns_the_callable():
    function = lambda w: w * 2.0  # noqa: E731
    assert keras.regularizers.get(function) is function
    assert keras.constraints.get(function) is function


def test_variable_accepts_callables_and_refuses_other_values():
    variable = keras.Variable(np.ones((2,), "float32"))
    variable.regularizer = lambda w: ops.sum(w)
    variable.constraint = lambda w: w
    with pytest.raises(ValueError, match="regularizer"):
        variable.regularizer = "not a callable"


def test_penalty_is_in_model_losses():
    model = _model(keras)
    losses = model.losses
    assert len(losses) == 1
    np.testing.assert_allclose(float(keras.ops.convert_to_numpy(losses[0])), 0.1 * KERNEL.sum(), rtol=1e-6)


@pytest.mark.requires_trainable_backend
def test_fit_step_applies_penalty_gradient_and_constraint(keras_ref):
    lr = 0.1
    trained = {}
    for name, lib in (("cornu", keras), ("keras", keras_ref)):
        model = _model(lib)
        model.compile(optimizer=lib.optimizers.SGD(lr), loss="mse")
        model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        trained[name] = model.layers[0].kernel.numpy()
    # NumPy: one SGD step on mse + 0.1 * sum(kernel), then the constraint halves the kernel.
    error = X @ KERNEL - Y
    grad = 2 * X.T @ error / error.size + 0.1
    expected = 0.5 * (KERNEL - lr * grad)
    np.testing.assert_allclose(trained["cornu"], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(trained["cornu"], trained["keras"], rtol=1e-5, atol=1e-6)


def _dense_config(path):
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    return config["config"]["layers"][-1]["config"]


def _safe_model(lib):
    # Callables that need no module globals once rebuilt from bytecode. Builtin `sum` over rows
    # reduces any backend's eager tensor (a tf.Tensor has no `.sum()` method).
    return lib.Sequential([
        lib.Input((3,)),
        lib.layers.Dense(2, kernel_initializer=lib.initializers.Constant(KERNEL),
                         kernel_constraint=lambda w: w * 0.5, kernel_regularizer=lambda w: 0.1 * sum(sum(w * w))),
    ])


def test_save_stores_lambdas_as_keras_does(tmp_path, keras_ref):
    _safe_model(keras).save(tmp_path / "cornu.keras")
    _safe_model(keras_ref).save(tmp_path / "keras.keras")
    ours, theirs = _dense_config(tmp_path / "cornu.keras"), _dense_config(tmp_path / "keras.keras")
    for key in ("kernel_regularizer", "kernel_constraint"):
        assert ours[key]["class_name"] == theirs[key]["class_name"] == "__lambda__"
        assert set(ours[key]) == set(theirs[key])
        assert set(ours[key]["config"]) == set(theirs[key]["config"]) == {"value"}


def test_loading_lambdas_needs_safe_mode_off(tmp_path):
    path = tmp_path / "model.keras"
    _safe_model(keras).save(path)
    with pytest.raises((TypeError, ValueError), match="lambda"):
        keras.saving.load_model(path)
    loaded = keras.saving.load_model(path, safe_mode=False)
    dense = loaded.layers[0]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(dense.kernel_constraint(ops.ones((2,)))), [0.5, 0.5])
    np.testing.assert_allclose(float(keras.ops.convert_to_numpy(loaded.losses[0])), 0.1 * (KERNEL**2).sum(),
                               rtol=1e-6)


def test_loads_a_keras_file_with_lambdas_when_safe_mode_is_off(tmp_path, keras_ref):
    path = tmp_path / "keras.keras"
    _safe_model(keras_ref).save(path)
    with pytest.raises((TypeError, ValueError), match="lambda"):
        keras.saving.load_model(path)
    loaded = keras.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(loaded.layers[0].kernel.numpy(), KERNEL)
    np.testing.assert_allclose(float(keras.ops.convert_to_numpy(loaded.losses[0])), 0.1 * (KERNEL**2).sum(),
                               rtol=1e-6)


def _halved(w):
    return w * 0.5


def test_named_function_saves_by_name_and_loads_with_custom_objects(tmp_path, keras_ref):
    for lib in (keras, keras_ref):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2, kernel_constraint=_halved)])
        model.save(tmp_path / f"{lib.__name__}.keras")
    ours, theirs = (_dense_config(tmp_path / f"{name}.keras") for name in ("cornu", "keras"))
    assert ours["kernel_constraint"] == theirs["kernel_constraint"]
    for name in ("cornu", "keras"):
        with pytest.raises(TypeError, match="_halved"):
            keras.saving.load_model(tmp_path / f"{name}.keras")
        loaded = keras.saving.load_model(tmp_path / f"{name}.keras", custom_objects={"_halved": _halved})
        assert loaded.layers[0].kernel_constraint is _halved
