"""OrbaxCheckpoint: a clear ImportError without orbax; with a stand-in orbax, what it saves and when."""

import inspect
import sys
import types

import numpy as np
import pytest

import cornu
from cornu.callbacks import OrbaxCheckpoint


def test_signature_matches_keras(keras_ref):
    ours = inspect.signature(OrbaxCheckpoint.__init__)
    theirs = inspect.signature(keras_ref.callbacks.OrbaxCheckpoint.__init__)
    assert [(p.name, p.default) for p in ours.parameters.values()] == [
        (p.name, p.default) for p in theirs.parameters.values()
    ]


def test_missing_orbax_is_a_clear_import_error(tmp_path, monkeypatch):
    # Orbax is in the dev extras: hide it (None in sys.modules makes an import fail) as on a
    # machine without it.
    for name in ("orbax", "orbax.checkpoint", "orbax.checkpoint.v1"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match="pip install orbax-checkpoint"):
        OrbaxCheckpoint(str(tmp_path))


@pytest.fixture
def fake_orbax(monkeypatch):
    """Installs a minimal ``orbax.checkpoint`` whose Checkpointer records saves."""
    saves = []

    class Checkpointer:
        def __init__(self, directory, preservation_policy=None, save_decision_policy=None):
            self.directory = directory
            self.preservation_policy = preservation_policy
            self.closed = False

        def save_checkpointables(self, step, payload):
            saves.append(("sync", step, payload))

        def save_checkpointables_async(self, step, payload):
            saves.append(("async", step, payload))
            future = types.SimpleNamespace(result=lambda: None)
            return future

        def wait(self):
            pass

        def close(self):
            self.closed = True

    class Context:
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

    training = types.SimpleNamespace(
        Checkpointer=Checkpointer,
        preservation_policies=types.SimpleNamespace(LatestN=lambda n: ("LatestN", n)),
        save_decision_policies=types.SimpleNamespace(FixedIntervalPolicy=lambda n: ("FixedInterval", n)),
    )
    v1 = types.ModuleType("orbax.checkpoint.v1")
    v1.training = training
    v1.Context = Context
    checkpoint = types.ModuleType("orbax.checkpoint")
    checkpoint.v1 = v1
    orbax = types.ModuleType("orbax")
    orbax.checkpoint = checkpoint
    monkeypatch.setitem(sys.modules, "orbax", orbax)
    monkeypatch.setitem(sys.modules, "orbax.checkpoint", checkpoint)
    monkeypatch.setitem(sys.modules, "orbax.checkpoint.v1", v1)
    return saves


@pytest.mark.requires_trainable_backend
def test_saves_every_epoch_and_every_n_batches(fake_orbax, tmp_path):
    x, y = np.ones((8, 2), "float32"), np.zeros((8, 1), "float32")
    model = cornu.Sequential([cornu.Input((2,)), cornu.layers.Dense(1, name="out")], name="net")
    model.compile(optimizer="sgd", loss="mse")
    callback = OrbaxCheckpoint(str(tmp_path), max_to_keep=2, save_on_background=False)
    assert callback.checkpointer.preservation_policy == ("LatestN", 2)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[callback])
    assert [(mode, step) for mode, step, _ in fake_orbax] == [("sync", 0), ("sync", 1)]
    payload = fake_orbax[-1][2]
    kernel = payload["pytree"]["trainable_variables"]["net"]["out"]["kernel"]
    np.testing.assert_allclose(kernel, model.layers[-1].kernel.numpy())
    assert payload["pytree"]["optimizer_variables"]["sgd"]["iteration"] == 4
    assert "config" in payload["model_config"]
    assert callback.checkpointer.closed

    fake_orbax.clear()
    callback = OrbaxCheckpoint(str(tmp_path), save_freq=3, save_weights_only=True)
    model.fit(x, y, batch_size=2, epochs=2, verbose=0, callbacks=[callback])  # 8 batches: saves after 3 and 6
    assert [(mode, step) for mode, step, _ in fake_orbax] == [("async", 3 + 4), ("async", 6 + 4)]
    assert set(fake_orbax[0][2]) == {"pytree"}
    assert set(fake_orbax[0][2]["pytree"]) == {"trainable_variables", "non_trainable_variables"}
    callback.wait_until_finished()


def test_save_best_only(fake_orbax, tmp_path):
    model = cornu.Sequential([cornu.Input((2,)), cornu.layers.Dense(1)])
    callback = OrbaxCheckpoint(str(tmp_path), monitor="val_loss", save_best_only=True)
    callback.set_model(model)
    for epoch, value in enumerate([1.0, 0.5, 0.7, 0.4]):
        callback.on_epoch_end(epoch, {"val_loss": value})
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available"):
        callback.on_epoch_end(4, {"loss": 0.1})
    assert [step for _, step, _ in fake_orbax] == [0, 1, 3]
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        OrbaxCheckpoint(str(tmp_path), save_freq="sometimes")
