"""``keras_tuner.engine.hyperparameters``: the hyperparameter kinds and their container."""

from cornu.tuner.hp_types import Boolean, Choice, Fixed, Float, HyperParameter, Int, deserialize, serialize  # noqa: F401 - re-exported
from cornu.tuner.hyperparameters import HyperParameters  # noqa: F401 - re-exported
