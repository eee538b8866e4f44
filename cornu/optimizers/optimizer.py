"""The public ``Optimizer`` name (``keras.optimizers.Optimizer`` / ``keras.Optimizer``)."""

from cornu.optimizers.base_optimizer import Optimizer as _BaseOptimizer
from cornu.serialization.registry import keras_export


@keras_export("keras.optimizers.Optimizer", "keras.Optimizer")
class Optimizer(_BaseOptimizer):
    __doc__ = _BaseOptimizer.__doc__
