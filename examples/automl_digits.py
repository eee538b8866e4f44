"""AutoML on the bundled 8x8 digits: search image classifiers, keep the best, save it as .keras.

    CORNU_BACKEND=jax python examples/automl_digits.py     # or torch

DEMO_TRIALS, DEMO_EPOCHS and DEMO_BUDGET (seconds) size the search.
"""

import os
import tempfile

import cornu as keras
from cornu.tuner import automl

TRIALS = int(os.environ.get("DEMO_TRIALS", "4"))
EPOCHS = int(os.environ.get("DEMO_EPOCHS", "8"))
BUDGET = float(os.environ.get("DEMO_BUDGET", "600"))

(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()  # (n, 8, 8) uint8, labels 0-9

workdir = tempfile.mkdtemp(prefix="automl_digits_")
clf = automl.ImageClassifier(max_trials=TRIALS, directory=workdir, overwrite=True, seed=1)
clf.fit(x_train, y_train, epochs=EPOCHS, time_budget=BUDGET, verbose=0)  # no new trial after BUDGET s
clf.tuner.results_summary(num_trials=1)

loss, accuracy = clf.evaluate(x_test, y_test, verbose=0)
print(f"backend={keras.config.backend()}  test accuracy={accuracy:.4f}")
print("predicted:", clf.predict(x_test[:10], verbose=0), " true:", y_test[:10])

model = clf.export_model()  # a plain model, normalization inside: raw 0..16 pixels in, probabilities out
path = os.path.join(workdir, "digits_automl.keras")
model.save(path)
reloaded = keras.saving.load_model(path)
print(f"saved {path}; reloaded accuracy={(reloaded.predict(x_test, verbose=0).argmax(-1) == y_test).mean():.4f}")
