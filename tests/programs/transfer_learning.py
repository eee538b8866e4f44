"""Guide: transfer learning and fine-tuning. trainable flags and what they freeze, a frozen base
inside a new model, BatchNormalization kept in inference mode, and fine-tuning after
recompiling with a low learning rate."""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(12)
rng = np.random.default_rng(12)

# trainable moves weights between the trainable and non-trainable lists.
dense = layers.Dense(3)
dense.build((None, 4))
assert len(dense.trainable_weights) == 2 and len(dense.non_trainable_weights) == 0
dense.trainable = False
assert len(dense.trainable_weights) == 0 and len(dense.non_trainable_weights) == 2

batch_norm = layers.BatchNormalization()
batch_norm.build((None, 4))
assert len(batch_norm.trainable_weights) == 2 and len(batch_norm.non_trainable_weights) == 2

# Freezing is recursive: an outer trainable=False freezes every inner layer.
inner = keras.Sequential([keras.Input((3,)), layers.Dense(3, activation="relu")])
outer = keras.Sequential([keras.Input((3,)), inner, layers.Dense(3)])
outer.trainable = False
assert outer.trainable_weights == [] and not inner.layers[0].trainable

# A frozen layer does not change when the model trains.
frozen_first = keras.Sequential([keras.Input((3,)), layers.Dense(3, activation="relu"), layers.Dense(1)])
frozen_first.layers[0].trainable = False
frozen_kernel = frozen_first.layers[0].kernel.numpy().copy()
live_kernel = frozen_first.layers[1].kernel.numpy().copy()
frozen_first.compile(optimizer="adam", loss="mse")
frozen_first.fit(rng.random((16, 3)), rng.random((16, 1)), epochs=1, verbose=0)
np.testing.assert_array_equal(frozen_first.layers[0].kernel.numpy(), frozen_kernel)
assert not np.allclose(frozen_first.layers[1].kernel.numpy(), live_kernel)

# A "pretrained" base: a small convnet trained on a source task.
source_x = rng.random((64, 8, 8, 3)).astype("float32")
source_y = (source_x[..., 0].mean(axis=(1, 2)) > 0.5).astype("int32")
base_input = keras.Input(shape=(8, 8, 3))
h = layers.Conv2D(8, 3, padding="same", use_bias=False)(base_input)
h = layers.BatchNormalization()(h)
h = layers.Activation("relu")(h)
h = layers.GlobalAveragePooling2D()(h)
base_model = keras.Model(base_input, h, name="base")
pretrain = keras.Sequential([base_model, layers.Dense(2, activation="softmax")])
pretrain.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
pretrain.fit(source_x, source_y, batch_size=16, epochs=1, verbose=0)

# The new task: a frozen base, called in inference mode, under a new head.
base_model.trainable = False
bn_layer = base_model.layers[2]
moving_mean = bn_layer.moving_mean.numpy().copy()
base_weights = [w.numpy().copy() for w in base_model.weights]

inputs = keras.Input(shape=(8, 8, 3))
scaled = layers.Rescaling(2.0, offset=-1.0)(inputs)
features = base_model(scaled, training=False)
features = layers.Dropout(0.2)(features)
outputs = layers.Dense(1)(features)
model = keras.Model(inputs, outputs)
assert len(model.trainable_weights) == 2  # only the new head

target_x = rng.random((48, 8, 8, 3)).astype("float32")
# A target that the frozen features can express: a linear rule over them.
target_scores = base_model.predict(target_x * 2.0 - 1.0, verbose=0) @ rng.normal(size=(8, 1))
target_y = (target_scores > np.median(target_scores)).astype("float32")
model.compile(
    optimizer=keras.optimizers.Adam(0.01),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy()],
)
loss_before = model.evaluate(target_x, target_y, verbose=0)[0]
model.fit(target_x, target_y, batch_size=16, epochs=4, verbose=0)
loss_after = model.evaluate(target_x, target_y, verbose=0)[0]
assert loss_after < loss_before, (loss_before, loss_after)
for before, after in zip(base_weights, base_model.weights):
    np.testing.assert_array_equal(before, after.numpy())
# Inference mode: BatchNormalization's moving statistics did not move.
np.testing.assert_array_equal(bn_layer.moving_mean.numpy(), moving_mean)

# Fine-tuning: unfreeze, recompile (required for the change to take effect), low learning rate.
base_model.trainable = True
assert len(model.trainable_weights) == 2 + 3
model.compile(
    optimizer=keras.optimizers.Adam(1e-4),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy()],
)
model.fit(target_x, target_y, batch_size=16, epochs=1, verbose=0)
conv_kernel = base_model.layers[1].kernel.numpy()
assert not np.array_equal(conv_kernel, base_weights[0])
assert np.max(np.abs(conv_kernel - base_weights[0])) < 0.01  # small steps
predictions = model.predict(target_x, verbose=0)
np.testing.assert_allclose(model.predict(target_x, verbose=0), predictions)  # dropout off in predict
assert predictions.shape == (48, 1)
print("transfer_learning: ok")
