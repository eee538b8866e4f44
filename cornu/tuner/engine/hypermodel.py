"""``keras_tuner.engine.hypermodel``."""

from cornu.tuner.hypermodel import HyperModel  # noqa: F401 - re-exported
