"""``keras_tuner.engine.oracle``."""

from cornu.tuner.objective import Objective  # noqa: F401 - re-exported
from cornu.tuner.oracle import Oracle  # noqa: F401 - re-exported
