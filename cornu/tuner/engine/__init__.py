"""``cornu.tuner.engine``: KerasTuner's ``keras_tuner.engine`` module paths, for code that imports from them."""

from cornu.tuner.engine import hypermodel, hyperparameters, oracle, trial, tuner  # noqa: F401 - re-exported
