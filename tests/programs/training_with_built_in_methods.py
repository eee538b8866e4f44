"""Guide: training and evaluation with the built-in methods. compile/fit/evaluate/predict,
validation data, sample and class weights, custom losses and metrics, add_loss, callbacks,
learning-rate schedules and a PyDataset."""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(3)
rng = np.random.default_rng(3)

n = 96
x = rng.normal(size=(n, 6)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("int32") + (x[:, 2] > 0.8).astype("int32")
x_val, y_val = x[:24], y[:24]


def build_model():
    inputs = keras.Input(shape=(6,), name="features")
    h = layers.Dense(16, activation="relu")(inputs)
    outputs = layers.Dense(3, activation="softmax", name="predictions")(h)
    return keras.Model(inputs, outputs)


model = build_model()
model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
    loss=keras.losses.SparseCategoricalCrossentropy(),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
)
history = model.fit(x, y, batch_size=16, epochs=3, validation_data=(x_val, y_val), verbose=0)
assert set(history.history) == {"loss", "acc", "val_loss", "val_acc"}, history.history.keys()
assert history.history["loss"][-1] < history.history["loss"][0]
results = model.evaluate(x_val, y_val, batch_size=8, verbose=0, return_dict=True)
assert set(results) == {"loss", "acc"}
assert 0.0 <= results["acc"] <= 1.0
assert model.predict(x_val, verbose=0).shape == (24, 3)

# validation_split holds out the last fraction of the arrays.
history = build_model()
history.compile("adam", "sparse_categorical_crossentropy")
h = history.fit(x, y, validation_split=0.25, epochs=1, verbose=0)
assert "val_loss" in h.history


# A custom loss function and a custom loss class.
def custom_mse(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


class MeanSquaredWithPenalty(keras.losses.Loss):
    def __init__(self, penalty=0.1, name="mse_with_penalty"):
        super().__init__(name=name)
        self.penalty = penalty

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        spread = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + self.penalty * spread


# A custom stateful metric.
class CountCorrect(keras.metrics.Metric):
    def __init__(self, name="count_correct", **kwargs):
        super().__init__(name=name, **kwargs)
        self.correct = self.add_variable(shape=(), initializer="zeros", name="correct")

    def update_state(self, y_true, y_pred, sample_weight=None):
        predicted = ops.argmax(y_pred, axis=-1)
        true = ops.argmax(y_true, axis=-1)
        hits = ops.cast(ops.equal(predicted, true), "float32")
        self.correct.assign_add(ops.sum(hits))

    def result(self):
        return ops.convert_to_tensor(self.correct)

    def reset_state(self):
        self.correct.assign(0.0)


y_onehot = keras.utils.to_categorical(y, num_classes=3)
for loss in (custom_mse, MeanSquaredWithPenalty(0.05)):
    m = build_model()
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss, metrics=[CountCorrect()])
    h = m.fit(x, y_onehot, batch_size=32, epochs=3, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0], h.history["loss"]
    counted = m.evaluate(x, y_onehot, batch_size=32, verbose=0, return_dict=True)["count_correct"]
    expected = np.sum(np.argmax(m.predict(x, verbose=0), -1) == y)
    assert counted == expected, (counted, expected)


# A layer that adds an activity loss, which fit() adds to the compiled loss.
class ActivityPenalty(layers.Layer):
    def call(self, inputs):
        self.add_loss(0.5 * ops.mean(ops.square(inputs)))
        return inputs


inputs = keras.Input(shape=(6,))
h = layers.Dense(8)(inputs)
h = ActivityPenalty()(h)
outputs = layers.Dense(3, activation="softmax")(h)
penalized = keras.Model(inputs, outputs)
penalized.compile("sgd", "sparse_categorical_crossentropy")
assert len(penalized.losses) == 0 or all(ops.ndim(l) == 0 for l in penalized.losses)
plain_loss = keras.losses.SparseCategoricalCrossentropy()(y, penalized.predict(x, verbose=0))
total = penalized.evaluate(x, y, batch_size=n, verbose=0)
assert float(total) > float(plain_loss) + 1e-4, (total, plain_loss)

# Sample weights and class weights change what the loss sees.
weighted = build_model()
weighted.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
unweighted_loss = weighted.evaluate(x, y, batch_size=n, verbose=0)
zero_weights = np.zeros(n, dtype="float32")
zero_weights[:10] = 1.0
w_loss = weighted.evaluate(x, y, sample_weight=zero_weights, batch_size=n, verbose=0)
per_sample = keras.losses.sparse_categorical_crossentropy(y, weighted.predict(x, verbose=0))
per_sample = ops.convert_to_numpy(per_sample)
np.testing.assert_allclose(unweighted_loss, per_sample.mean(), rtol=1e-4)
np.testing.assert_allclose(w_loss, per_sample[:10].sum() / n, rtol=1e-4)
weighted.fit(x, y, class_weight={0: 1.0, 1: 2.0, 2: 4.0}, batch_size=32, epochs=1, verbose=0)

# Callbacks: early stopping, checkpointing and a learning-rate scheduler; schedules.
schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.5)
scheduled = build_model()
scheduled.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="sparse_categorical_crossentropy")
scheduled.fit(x, y, batch_size=32, epochs=2, verbose=0)
assert int(scheduled.optimizer.iterations.numpy()) == 6
np.testing.assert_allclose(float(ops.convert_to_numpy(scheduled.optimizer.learning_rate)), 0.05 * 0.5 ** 2, rtol=1e-5)

seen_rates = []
stopper = keras.callbacks.EarlyStopping(monitor="loss", min_delta=10.0, patience=1)
lr_callback = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
recorder = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: seen_rates.append(logs.get("learning_rate"))
)
checkpoint = keras.callbacks.ModelCheckpoint("built_in_best.weights.h5", save_weights_only=True, monitor="loss")
m = build_model()
m.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
h = m.fit(x, y, epochs=10, batch_size=32, callbacks=[stopper, lr_callback, recorder, checkpoint], verbose=0)
assert len(h.history["loss"]) == 2, h.history  # stopped after patience ran out
np.testing.assert_allclose(seen_rates, [0.1, 0.05], rtol=1e-5)
restored = build_model()
restored.load_weights("built_in_best.weights.h5")
np.testing.assert_allclose(restored.predict(x, verbose=0), m.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


# A PyDataset feeding fit and evaluate.
class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]


data = Batches(x, y, batch_size=20)
m = build_model()
m.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
h = m.fit(data, epochs=3, verbose=0)
assert h.history["loss"][-1] < h.history["loss"][0]
assert int(m.optimizer.iterations.numpy()) == 3 * len(data)
np.testing.assert_allclose(m.evaluate(data, verbose=0), m.evaluate(x, y, batch_size=20, verbose=0), rtol=1e-4)
print("training_with_built_in_methods: ok")
