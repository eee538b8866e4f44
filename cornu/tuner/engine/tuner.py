"""``keras_tuner.engine.tuner``."""

from cornu.tuner.tuner import Tuner  # noqa: F401 - re-exported
