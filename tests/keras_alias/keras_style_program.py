"""An ordinary Keras 3 program, written against `keras` (run by the tests through cornu)."""
import sys

import numpy as np

import keras
import keras.backend as K
from keras import layers, ops
from keras.layers import Dense
from keras.utils import to_categorical

rng = np.random.default_rng(0)
x = rng.normal(size=(64, 4)).astype("float32")
y = to_categorical((x[:, 0] > 0).astype("int64"), 2)
inputs = keras.Input(shape=(4,))
hidden = layers.Dense(8, activation="relu")(inputs)
outputs = Dense(2, activation="softmax")(ops.multiply(hidden, 1.0))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
assert len(history.history["loss"]) == 2
assert K.epsilon() == keras.config.epsilon()
print("library", keras.__name__, keras.version(), keras.backend.backend())
print("argv", sys.argv[1:])
print("tree", keras.tree.flatten({"a": 1, "b": [2, 3]}))
