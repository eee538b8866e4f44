"""Guide: int8 quantization in Keras. model.quantize("int8") on a trained float model: the
layers' kernels become int8 with scales, outputs stay close, and the quantized model saves
and reloads."""
import os
import tempfile

import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(17)
rng = np.random.default_rng(17)
x = rng.normal(size=(64, 16)).astype("float32")
y = rng.integers(0, 4, size=64)

model = keras.Sequential(
    [
        keras.Input((16,)),
        layers.Dense(32, activation="relu", name="hidden"),
        layers.Dense(4, name="logits"),
    ]
)
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, batch_size=16, epochs=1, verbose=0)
float_predictions = model.predict(x, verbose=0)

model.quantize("int8")
hidden = model.get_layer("hidden")
assert hidden.dtype_policy.name.startswith("int8"), hidden.dtype_policy.name
weight_dtypes = sorted(keras.backend.standardize_dtype(w.dtype) for w in hidden.weights)
assert "int8" in weight_dtypes, weight_dtypes
assert any(tuple(w.shape) == (16, 32) and keras.backend.standardize_dtype(w.dtype) == "int8" for w in hidden.weights)
quantized_predictions = model.predict(x, verbose=0)
assert quantized_predictions.dtype == np.float32
error = np.max(np.abs(quantized_predictions - float_predictions))
scale = np.max(np.abs(float_predictions))
assert 0.0 < error < 0.05 * scale, (error, scale)
# Most predicted classes agree with the float model.
agreement = np.mean(quantized_predictions.argmax(-1) == float_predictions.argmax(-1))
assert agreement > 0.9, agreement

path = os.path.join(tempfile.mkdtemp(), "quantized.keras")
model.save(path)
reloaded = keras.saving.load_model(path)
assert reloaded.get_layer("hidden").dtype_policy.name.startswith("int8")
np.testing.assert_allclose(reloaded.predict(x, verbose=0), quantized_predictions, rtol=1e-5, atol=1e-5)
print("int8_quantization: ok")
