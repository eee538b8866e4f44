"""``pickle`` and ``copy.deepcopy`` of a model go through its `.keras` archive, as in Keras 3:
the copy predicts the same, keeps the optimizer's state, and shares nothing with the original."""

import copy
import pickle

import numpy as np
import pytest

import cornu


def _model():
    inputs = cornu.Input((3,))
    h = cornu.layers.Dense(4, activation="relu")(inputs)
    return cornu.Model(inputs, cornu.layers.Dense(2)(h))


@pytest.mark.requires_trainable_backend
def test_a_trained_model_pickles_with_its_weights_and_optimizer_state():
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).standard_normal((8, 3)).astype("float32")
    model.fit(x, np.ones((8, 2), "float32"), batch_size=4, epochs=2, verbose=0)
    data = pickle.dumps(model)
    assert b"cornu.backend" not in data  # no backend object inside, only the archive's bytes
    copy_ = pickle.loads(data)
    np.testing.assert_allclose(copy_.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)
    assert int(copy_.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy()) == 4
    for mine, theirs in zip(model.optimizer.variables, copy_.optimizer.variables):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    copy_.fit(x, np.zeros((8, 2), "float32"), epochs=1, verbose=0)  # the copy trains on


def test_deepcopy_gives_an_independent_model():
    model = _model()
    twin = copy.deepcopy(model)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(twin.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    twin.layers[1].kernel.assign(np.zeros((3, 4), "float32"))
    assert np.any(model.layers[1].kernel.numpy() != 0)
