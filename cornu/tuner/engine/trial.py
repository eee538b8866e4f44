"""``keras_tuner.engine.trial``."""

from cornu.tuner.trial import Trial, TrialStatus  # noqa: F401 - re-exported
