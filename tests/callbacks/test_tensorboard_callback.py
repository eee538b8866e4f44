"""The TensorBoard callback: what it logs (read back by TensorBoard) and that it logs what Keras logs.

Keras's TensorBoard callback needs TensorFlow's summary module, which is not
installed; the side-by-side test gives it a recording stand-in for
``tf.summary`` and compares every (run, tag, step, value) it would write with
what cornu's event files hold.
"""

import contextlib
import inspect
import json
import os

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.callbacks import TensorBoard

from tests.helpers.requirements import require

require("tensorboard")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

ALL = {"scalars": 0, "histograms": 0, "images": 0, "tensors": 0}


def load(path):
    accumulator = EventAccumulator(str(path), size_guidance=ALL)
    accumulator.Reload()
    return accumulator


def scalar_records(log_dir):
    """``{(run, tag, step): value}`` for every scalar in ``log_dir/train`` and ``log_dir/validation``."""
    records = {}
    for run in ("train", "validation"):
        if not os.path.isdir(os.path.join(log_dir, run)):
            continue
        acc = load(os.path.join(log_dir, run))
        for tag in acc.Tags()["scalars"]:
            for event in acc.Scalars(tag):
                records[(run, tag, event.step)] = event.value
    return records


class RecordingSummary:
    """Stands in for ``tf.summary``: records what Keras's callback writes, with TF's default-writer rules.

    One deliberate difference: a writer entered without a step (Keras's epoch-level and evaluation
    writes) records unconditionally. Under real TensorFlow the batch-level ``record_if`` condition
    still applies there, so Keras 3.15 with ``update_freq=N`` silently drops the epoch summaries of
    every epoch whose global batch count is not a multiple of N (tf-keras 2 wrapped those writes in
    ``record_if(True)``). cornu always writes them.
    """

    def __init__(self):
        self.records = {}
        self.histograms = {}
        self.images = set()
        self._defaults = []
        self._conditions = []

    def create_file_writer(self, logdir):
        summary = self

        class Writer:
            def __init__(self):
                self.run = os.path.basename(logdir)

            @contextlib.contextmanager
            def as_default(self, step=None):
                summary._defaults.append(self)
                if step is None:
                    summary._conditions.append(lambda: True)
                try:
                    yield self
                finally:
                    summary._defaults.pop()
                    if step is None:
                        summary._conditions.pop()

            def flush(self):
                pass

            def close(self):
                pass

        return Writer()

    @contextlib.contextmanager
    def record_if(self, condition):
        self._conditions.append(condition)
        try:
            yield
        finally:
            self._conditions.pop()

    def _target(self):
        if not self._defaults or (self._conditions and not self._conditions[-1]()):
            return None
        return self._defaults[-1].run

    def scalar(self, name, data, step=None):
        run = self._target()
        if run is not None:
            self.records[(run, name, int(np.asarray(step)))] = float(np.asarray(data))

    def histogram(self, name, data, step=None):
        run = self._target()
        if run is not None:
            self.histograms[(run, name, int(np.asarray(step)))] = np.asarray(data).astype("float64").sum()

    def image(self, name, data, step=None):
        run = self._target()
        if run is not None:
            self.images.add((run, name, int(np.asarray(step))))


def drive(callback, epochs=2, batches=3, validate=True):
    """Runs the hooks of a short ``fit`` with fixed logs; returns the logs given."""
    callback.on_train_begin()
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch)
        for batch in range(batches):
            callback.on_train_batch_begin(batch)
            callback.on_train_batch_end(batch, {"loss": 1.0 / (epoch * batches + batch + 1), "mae": 0.5 + batch})
        logs = {"loss": 1.0 / (epoch + 1), "mae": 0.25 * epoch}
        if validate:
            callback.on_test_begin()
            for batch in range(2):
                callback.on_test_batch_begin(batch)
                callback.on_test_batch_end(batch, {"loss": 2.0})
            val_logs = {"loss": 2.0 + epoch, "mae": 1.5}
            callback.on_test_end(val_logs)
            logs.update({f"val_{k}": v for k, v in val_logs.items()})
        callback.on_epoch_end(epoch, logs)
    callback.on_train_end(logs)


def make_models(keras):
    """The same small model in cornu and Keras (same names, same weights, SGD at 5 iterations)."""
    ours = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(4, name="d1"), cornu.layers.Dense(2, name="d2")],
                            name="seq")
    ours.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    ours.optimizer.build(ours.trainable_variables)
    ours.optimizer.iterations.assign(5)
    theirs = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="d1"), keras.layers.Dense(2, name="d2")],
                              name="seq")
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    theirs.optimizer.build(theirs.trainable_variables)
    theirs.optimizer.iterations.assign(5)
    theirs.set_weights(ours.get_weights())
    return ours, theirs


def test_signature_matches_keras(keras_ref):
    ours = inspect.signature(TensorBoard.__init__)
    theirs = inspect.signature(keras_ref.callbacks.TensorBoard.__init__)
    assert [(p.name, p.default) for p in ours.parameters.values()] == [
        (p.name, p.default) for p in theirs.parameters.values()
    ]


@pytest.mark.parametrize("update_freq", ["epoch", "batch", 2])
def test_same_scalars_and_histograms_as_keras(keras_ref, tmp_path, update_freq):
    ours_model, keras_model = make_models(keras_ref)
    keras_callback = keras_ref.callbacks.TensorBoard(
        str(tmp_path / "keras"), histogram_freq=1, write_graph=False, write_images=True, update_freq=update_freq
    )
    recording = RecordingSummary()
    keras_callback._summary_module = recording
    keras_callback.set_model(keras_model)
    drive(keras_callback)

    log_dir = str(tmp_path / "cornu")
    callback = TensorBoard(log_dir, histogram_freq=1, write_graph=False, write_images=True, update_freq=update_freq)
    callback.set_model(ours_model)
    drive(callback)

    ours = scalar_records(log_dir)
    assert set(ours) == set(recording.records)
    for key, value in recording.records.items():
        assert ours[key] == pytest.approx(value, rel=1e-6), key
    # Not vacuous: epoch, learning-rate and evaluation tags are there, and batch tags when asked for.
    tags = {tag for _, tag, _ in ours}
    assert {"epoch_loss", "epoch_mae", "epoch_learning_rate", "evaluation_loss_vs_iterations"} <= tags
    assert ("batch_loss" in tags) == (update_freq != "epoch")
    assert ("validation", "evaluation_mae_vs_iterations", 5) in ours

    train = load(os.path.join(log_dir, "train"))
    histograms = {
        ("train", tag, event.step): event.histogram_value.sum
        for tag in train.Tags()["histograms"]
        for event in train.Histograms(tag)
    }
    assert set(histograms) == set(recording.histograms)
    for key, value in recording.histograms.items():
        assert histograms[key] == pytest.approx(value, rel=1e-5, abs=1e-6)
    images = {("train", tag, event.step) for tag in train.Tags()["images"] for event in train.Images(tag)}
    assert images == recording.images


def test_steps_per_second_and_multi_optimizer_learning_rates(tmp_path):
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2, name="d1"), cornu.layers.Dense(1, name="d2")])
    model.compile(
        optimizer=cornu.optimizers.MultiOptimizer(
            cornu.optimizers.OptimizerMap(cornu.optimizers.SGD(0.5, name="slow"),
                                          {".*d1/.*": cornu.optimizers.Adam(0.25)})
        ),
        loss="mse",
    )
    model.optimizer.build(model.trainable_variables)
    callback = TensorBoard(str(tmp_path), write_steps_per_second=True, update_freq=1, write_graph=False)
    callback.set_model(model)
    drive(callback, epochs=1, batches=2, validate=False)
    records = scalar_records(str(tmp_path))
    assert records[("train", "epoch_learning_rate_adam", 0)] == pytest.approx(0.25)
    assert records[("train", "epoch_learning_rate_slow", 0)] == pytest.approx(0.5)
    assert ("train", "epoch_steps_per_second", 0) in records
    assert records[("train", "batch_steps_per_second", 1)] > 0
    assert records[("train", "batch_steps_per_second", 2)] > 0


def test_graph_embeddings_and_profile_arguments(tmp_path):
    model = cornu.Sequential([cornu.Input((4,), dtype="int32"), cornu.layers.Embedding(10, 3, name="emb"),
                              cornu.layers.Flatten(), cornu.layers.Dense(1)])
    callback = TensorBoard(str(tmp_path), embeddings_freq=1, embeddings_metadata={"emb": "words.tsv"})
    callback.set_model(model)
    callback.on_epoch_end(0, {"loss": 1.0})
    callback.on_train_end()

    (tensor,) = load(tmp_path / "train").Tensors("keras")
    assert json.loads(tensor.tensor_proto.string_val[0]) == json.loads(model.to_json())

    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2

    pbtxt = (tmp_path / "projector_config.pbtxt").read_text()
    config = text_format.Parse(pbtxt, projector_config_pb2.ProjectorConfig())
    (embedding,) = config.embeddings
    assert embedding.tensor_name == "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"
    assert embedding.metadata_path == "words.tsv"
    assert (tmp_path / "train" / "keras_embedding.ckpt-0.weights.h5").exists()

    with pytest.raises(ValueError, match="Unrecognized `Embedding` layer names"):
        TensorBoard(str(tmp_path / "x"), embeddings_freq=1, embeddings_metadata={"nope": "a.tsv"}).set_model(model)
    with pytest.warns(UserWarning, match="profile"):
        TensorBoard(str(tmp_path), profile_batch=(2, 4))
    for bad in (-1, (5, 2), "a,b", 1.5):
        with pytest.raises(ValueError, match="profile_batch"):
            TensorBoard(str(tmp_path), profile_batch=bad)
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(str(tmp_path), update_freq="sometimes")


def test_no_files_until_something_is_logged(tmp_path):
    callback = TensorBoard(str(tmp_path / "logs"), write_graph=False)
    callback.set_model(cornu.Sequential([cornu.Input((2,)), cornu.layers.Dense(1)]))
    callback.on_train_begin()
    callback.on_train_end()
    assert not (tmp_path / "logs").exists()
    assert callback.async_safe and not callback._implements_train_batch_hooks()
    assert not TensorBoard(str(tmp_path), update_freq=3).async_safe


@pytest.mark.requires_trainable_backend
def test_fit_and_evaluate_logs_match_history(tmp_path):
    rng = np.random.RandomState(0)
    x, y = rng.rand(12, 3).astype("float32"), rng.rand(12, 1).astype("float32")
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2), cornu.layers.Dense(1)])
    model.compile(optimizer=cornu.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    log_dir = str(tmp_path)
    weights_at_epoch_end = []
    history = model.fit(
        x, y, epochs=2, batch_size=4, validation_data=(x[:4], y[:4]), verbose=0,
        callbacks=[
            TensorBoard(log_dir, histogram_freq=1, update_freq=2),
            cornu.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: weights_at_epoch_end.append(
                [np.array(backend.convert_to_numpy(w), copy=True) for w in model.weights])),
        ],
    )
    records = scalar_records(log_dir)
    for epoch in range(2):
        for name in ("loss", "mae"):
            assert records[("train", f"epoch_{name}", epoch)] == pytest.approx(history.history[name][epoch], rel=1e-6)
            assert records[("validation", f"epoch_{name}", epoch)] == pytest.approx(
                history.history[f"val_{name}"][epoch], rel=1e-6)
        assert records[("train", "epoch_learning_rate", epoch)] == pytest.approx(0.05)
    # 3 batches per epoch, logged every 2nd global batch; evaluations at iterations 3 and 6.
    assert sorted(step for run, tag, step in records if tag == "batch_loss") == [2, 4, 6]
    assert sorted(step for run, tag, step in records if tag == "evaluation_loss_vs_iterations") == [3, 6]
    train = load(os.path.join(log_dir, "train"))
    kernel_tag = f"{model.weights[0].path}/histogram"
    for event, weights in zip(train.Histograms(kernel_tag), weights_at_epoch_end):
        assert event.histogram_value.sum == pytest.approx(weights[0].astype("float64").sum(), rel=1e-5)
    assert len(train.Tensors("keras")) == 1

    eval_dir = str(tmp_path / "eval")
    loss, mae = model.evaluate(x, y, verbose=0, callbacks=[TensorBoard(eval_dir, write_graph=False)])
    assert scalar_records(eval_dir) == {
        ("validation", "evaluation_loss_vs_iterations", 6): pytest.approx(loss, rel=1e-6),
        ("validation", "evaluation_mae_vs_iterations", 6): pytest.approx(mae, rel=1e-6),
    }
