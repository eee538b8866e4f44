"""``cornu.tuner``: KerasTuner 1.4's API (``import cornu.tuner as kt``) on Optuna.

Samplers, pruners and the relational study storage are Optuna's; the search space is declared
define-by-run in ``build(hp)`` exactly as with KerasTuner. Importing this package does not import
Optuna (each function that needs it imports it).

Example:
>>> import cornu.tuner as kt
>>> def build_model(hp):
...     model = cornu.Sequential([cornu.layers.Dense(hp.Int("units", 16, 128, step=16), activation="relu"),
...                               cornu.layers.Dense(10, activation="softmax")])
...     model.compile(cornu.optimizers.Adam(hp.Float("lr", 1e-4, 1e-2, sampling="log")),
...                   "sparse_categorical_crossentropy", metrics=["accuracy"])
...     return model
>>> tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=10, directory="/tmp/kt")
>>> tuner.search(x, y, epochs=5, validation_split=0.2)
>>> best_hp = tuner.get_best_hyperparameters(1)[0]
"""

from cornu.tuner import engine, errors, oracles, tuners
from cornu.tuner.hypermodel import HyperModel
from cornu.tuner.hyperparameters import HyperParameters
from cornu.tuner.objective import Objective
from cornu.tuner.oracle import Oracle
from cornu.tuner.tuner import Tuner
from cornu.tuner.tuners import BayesianOptimization, GridSearch, Hyperband, RandomSearch

__version__ = "1.4.8"

__all__ = ["BayesianOptimization", "GridSearch", "HyperModel", "HyperParameters", "Hyperband", "Objective",
           "Oracle", "RandomSearch", "Tuner", "engine", "errors", "oracles", "tuners"]
