"""Guide: writing your own callbacks. Every hook of fit/evaluate/predict, logs contents,
self.model access, stopping training, changing the learning rate, keeping the best weights."""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)
x = rng.normal(size=(40, 3)).astype("float32")
y = (x @ np.array([[1.0], [-1.0], [2.0]], "float32")).astype("float32")


def get_model():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
    return model


class HookRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def _record(self, name, logs):
        self.events.append((name, sorted(logs) if logs else []))

    def on_train_begin(self, logs=None):
        self._record("train_begin", logs)

    def on_train_end(self, logs=None):
        self._record("train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._record(f"epoch_begin_{epoch}", logs)

    def on_epoch_end(self, epoch, logs=None):
        self._record(f"epoch_end_{epoch}", logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._record("train_batch_begin", logs)

    def on_train_batch_end(self, batch, logs=None):
        self._record("train_batch_end", logs)

    def on_test_begin(self, logs=None):
        self._record("test_begin", logs)

    def on_test_end(self, logs=None):
        self._record("test_end", logs)

    def on_test_batch_end(self, batch, logs=None):
        self._record("test_batch_end", logs)

    def on_predict_begin(self, logs=None):
        self._record("predict_begin", logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._record("predict_batch_end", logs)

    def on_predict_end(self, logs=None):
        self._record("predict_end", logs)


model = get_model()
recorder = HookRecorder()
model.fit(x, y, batch_size=10, epochs=2, verbose=0, validation_data=(x[:20], y[:20]), callbacks=[recorder])
names = [name for name, _ in recorder.events]
assert names[0] == "train_begin" and names[-1] == "train_end", names
assert names.count("train_batch_end") == 8 and names.count("train_batch_begin") == 8
assert names.count("test_batch_end") == 4  # validation: 2 batches per epoch
assert names.index("epoch_begin_1") > names.index("epoch_end_0")
epoch_end_keys = dict(recorder.events)["epoch_end_1"]
assert epoch_end_keys == ["loss", "mae", "val_loss", "val_mae"], epoch_end_keys
assert dict(recorder.events)["train_batch_end"] == ["loss", "mae"]

recorder.events.clear()
model.evaluate(x, y, batch_size=20, verbose=0, callbacks=[recorder])
assert [n for n, _ in recorder.events] == ["test_begin", "test_batch_end", "test_batch_end", "test_end"]
assert recorder.events[-1][1] == ["loss", "mae"]
recorder.events.clear()
model.predict(x, batch_size=16, verbose=0, callbacks=[recorder])
assert [n for n, _ in recorder.events] == ["predict_begin"] + ["predict_batch_end"] * 3 + ["predict_end"]


class LossHistory(keras.callbacks.Callback):
    """Reads the batch loss and the model from inside the callback."""

    def on_train_begin(self, logs=None):
        self.batch_losses = []
        assert self.model is not None and self.params["epochs"] == 3

    def on_train_batch_end(self, batch, logs=None):
        self.batch_losses.append(logs["loss"])


history_callback = LossHistory()
model = get_model()
history = model.fit(x, y, batch_size=40, epochs=3, verbose=0, callbacks=[history_callback])
# One batch per epoch: the per-batch losses are the epoch losses.
np.testing.assert_allclose(history_callback.batch_losses, history.history["loss"], rtol=1e-5)


class StopAtThreshold(keras.callbacks.Callback):
    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold
        self.stopped_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        if logs["loss"] < self.threshold:
            self.stopped_epoch = epoch
            self.model.stop_training = True


model = get_model()
first = model.evaluate(x, y, verbose=0)[0]
stopper = StopAtThreshold(threshold=first * 0.9)
history = model.fit(x, y, batch_size=8, epochs=50, verbose=0, callbacks=[stopper])
assert stopper.stopped_epoch is not None
assert len(history.history["loss"]) == stopper.stopped_epoch + 1 < 50


class HalvingSchedule(keras.callbacks.Callback):
    """Changes the optimizer's learning rate before each epoch."""

    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_begin(self, epoch, logs=None):
        rate = 0.1 * 0.5 ** epoch
        self.model.optimizer.learning_rate = rate
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))


schedule = HalvingSchedule()
model = get_model()
model.fit(x, y, batch_size=20, epochs=3, verbose=0, callbacks=[schedule])
np.testing.assert_allclose(schedule.rates, [0.1, 0.05, 0.025], rtol=1e-6)


class KeepBestWeights(keras.callbacks.Callback):
    """Remembers the weights of the best epoch and restores them when training ends."""

    def on_train_begin(self, logs=None):
        self.best, self.best_weights = np.inf, None

    def on_epoch_end(self, epoch, logs=None):
        if logs["loss"] < self.best:
            self.best, self.best_weights = logs["loss"], self.model.get_weights()

    def on_train_end(self, logs=None):
        self.model.set_weights(self.best_weights)


keeper = KeepBestWeights()
model = get_model()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.4), loss="mse")  # noisy on purpose
model.fit(x, y, batch_size=4, epochs=4, verbose=0, callbacks=[keeper])
for a, b in zip(model.get_weights(), keeper.best_weights):
    np.testing.assert_array_equal(a, b)
print("writing_your_own_callbacks: ok")
