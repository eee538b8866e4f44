"""Train a small CNN on the bundled 8x8 digits, then export it for the browser (TF.js and ONNX).

    CORNU_BACKEND=torch python examples/deploy/train_and_export.py     # or jax
    python examples/deploy/serve.py                                    # then open the printed URL

Writes into ``examples/deploy/web/`` (or ``--out``): ``model/`` (a TensorFlow.js layers model:
``model.json`` + weight shards), ``model.onnx`` (for onnxruntime-web), and ``samples.json``
(test digits with cornu's own predictions, which the page shows next to the browser's).
"""

import argparse
import json
import os

import cornu as keras

HERE = os.path.dirname(os.path.abspath(__file__))


def build_model():
    """Rescaling -> two small convolutions -> softmax over the 10 digits."""
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Rescaling(1.0 / 16),  # the digits' pixels are 0..16
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10, activation="softmax"),
    ], name="digits_cnn")


def main(out, epochs, samples):
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    x_train = x_train[..., None].astype("float32")
    x_test = x_test[..., None].astype("float32")
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=2)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"backend={keras.config.backend()}  test accuracy={accuracy:.4f}")

    os.makedirs(out, exist_ok=True)
    model.export(os.path.join(out, "model"), format="tfjs")
    model.export(os.path.join(out, "model.onnx"), format="onnx")
    picked = x_test[:samples]
    probabilities = model.predict(picked, verbose=0)
    payload = [{"pixels": image[..., 0].astype(int).tolist(), "label": int(label), "cornu": p.tolist()}
               for image, label, p in zip(picked, y_test[:samples], probabilities)]
    with open(os.path.join(out, "samples.json"), "w") as f:
        json.dump({"backend": keras.config.backend(), "accuracy": float(accuracy), "samples": payload}, f)
    print(f"Wrote {out}/model (TF.js), {out}/model.onnx and {out}/samples.json")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(HERE, "web"), help="where the page and the models go")
    parser.add_argument("--epochs", type=int, default=int(os.environ.get("DEPLOY_EPOCHS", "15")))
    parser.add_argument("--samples", type=int, default=24, help="test digits shown on the page")
    args = parser.parse_args()
    main(args.out, args.epochs, args.samples)
