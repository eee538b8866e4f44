"""Guide: mixed precision. Dtype policies: float16/bfloat16 compute with float32 variables,
per-layer policies, a float32 output layer, loss scaling, and training under a global policy."""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(16)
rng = np.random.default_rng(16)

policy = keras.DTypePolicy("mixed_bfloat16")
assert policy.compute_dtype == "bfloat16" and policy.variable_dtype == "float32"
assert keras.mixed_precision.Policy("mixed_float16").compute_dtype == "float16"

# A per-layer policy: float32 weights, bfloat16 computation.
dense = layers.Dense(4, dtype="mixed_bfloat16")
out = dense(np.ones((2, 3), "float32"))
assert keras.backend.standardize_dtype(out.dtype) == "bfloat16"
assert dense.kernel.dtype == "float32"
assert dense.dtype_policy.name == "mixed_bfloat16"
assert dense.compute_dtype == "bfloat16" and dense.variable_dtype == "float32"

# A global policy applies to layers created afterwards.
keras.mixed_precision.set_global_policy("mixed_bfloat16")
try:
    assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    inputs = keras.Input(shape=(6,))
    x = layers.Dense(16, activation="relu")(inputs)
    x = layers.Dense(1)(x)
    # The final layer runs in float32 so the outputs (and the loss) keep full precision.
    outputs = layers.Activation("linear", dtype="float32")(x)
    model = keras.Model(inputs, outputs)
    assert model.layers[1].compute_dtype == "bfloat16"
    assert all(w.dtype == "float32" for w in model.weights)
    assert keras.backend.standardize_dtype(model.layers[2].output.dtype) == "bfloat16"
    assert keras.backend.standardize_dtype(model.output.dtype) == "float32"

    data_x = rng.normal(size=(64, 6)).astype("float32")
    data_y = data_x[:, :2].sum(axis=1, keepdims=True).astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    before = model.evaluate(data_x, data_y, verbose=0)
    model.fit(data_x, data_y, batch_size=16, epochs=3, verbose=0)
    after = model.evaluate(data_x, data_y, verbose=0)
    assert after < before, (before, after)
    predictions = model.predict(data_x, verbose=0)
    assert predictions.dtype == np.float32
finally:
    keras.mixed_precision.set_global_policy("float32")
assert layers.Dense(1).compute_dtype == "float32"

# float16 training with a loss-scale optimizer: gradients are scaled up, then back down.
inputs = keras.Input(shape=(6,))
hidden = layers.Dense(8, dtype="mixed_float16", activation="relu")(inputs)
outputs = layers.Dense(1, dtype="float32")(hidden)
fp16_model = keras.Model(inputs, outputs)
optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.01), initial_scale=2.0**10)
assert float(ops.convert_to_numpy(optimizer.scale_loss(ops.convert_to_tensor(1.5)))) == 1.5 * 2.0**10
fp16_model.compile(optimizer=optimizer, loss="mse")
before = fp16_model.evaluate(data_x, data_y, verbose=0)
fp16_model.fit(data_x, data_y, batch_size=16, epochs=2, verbose=0)
assert fp16_model.evaluate(data_x, data_y, verbose=0) < before
assert all(np.all(np.isfinite(w)) for w in fp16_model.get_weights())
print("mixed_precision: ok")
