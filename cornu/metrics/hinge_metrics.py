"""Hinge metrics: running means of the hinge losses."""

from cornu.losses.hinge import categorical_hinge, hinge, squared_hinge
from cornu.metrics.reduction_metrics import MeanMetricWrapper
from cornu.serialization.registry import keras_export


class _HingeMetric(MeanMetricWrapper):
    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.Hinge")
class Hinge(_HingeMetric):
    """Running mean of the hinge loss.

    Example:
    >>> float(Hinge()([[0.0, 1.0]], [[-0.5, 0.5]]))
    0.5
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=hinge, name=name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.SquaredHinge")
class SquaredHinge(_HingeMetric):
    """Running mean of the squared hinge loss.

    Example:
    >>> float(SquaredHinge()([[0.0, 1.0]], [[-0.5, 0.5]]))
    0.25
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.CategoricalHinge")
class CategoricalHinge(_HingeMetric):
    """Running mean of the categorical hinge loss.

    Example:
    >>> m = CategoricalHinge(); m.update_state([[0.0, 1.0]], [[0.3, 0.6]])
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"
