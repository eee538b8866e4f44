"""Train a small MLP on the bundled 8x8 digits and report test accuracy.

    CORNU_BACKEND=jax python examples/train_digits.py     # or torch
"""

import os

import cornu as keras

EPOCHS = int(os.environ.get("DEMO_EPOCHS", "20"))

(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
x_test = x_test.reshape(-1, 64).astype("float32") / 16.0

model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.summary()
model.fit(x_train, y_train, batch_size=32, epochs=EPOCHS, validation_split=0.1)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"backend={keras.config.backend()}  test loss={loss:.4f}  test accuracy={accuracy:.4f}")
