"""``keras.optimizers.legacy``: the Keras 2 optimizers, which Keras 3 (and cornu) refuse.

Keras 3 keeps these names only to say, on use, that they are gone; cornu does the same, so
code written for cornu fails the same way on Keras.

Example:
>>> cornu.optimizers.legacy.Adam(learning_rate=0.01)
Traceback (most recent call last):
  ...
ImportError: `keras.optimizers.legacy` is not supported in Keras 3 ...
"""


class _LegacyOptimizer:
    def __init__(self, *args, **kwargs):
        name = type(self).__name__
        raise ImportError(
            "`keras.optimizers.legacy` is not supported in Keras 3, nor in cornu. Use the optimizer "
            f"of the same name instead: `keras.optimizers.{name}` (the same arguments, except the "
            f"Keras 2-only ones such as `decay`). Received: keras.optimizers.legacy.{name}"
        )


class Optimizer(_LegacyOptimizer):
    """Refused: use ``keras.optimizers.Optimizer``."""


class Adagrad(_LegacyOptimizer):
    """Refused: use ``keras.optimizers.Adagrad``."""


class Adam(_LegacyOptimizer):
    """Refused: use ``keras.optimizers.Adam``."""


class Ftrl(_LegacyOptimizer):
    """Refused: use ``keras.optimizers.Ftrl``."""


class RMSprop(_LegacyOptimizer):
    """Refused: use ``keras.optimizers.RMSprop``."""


class SGD(_LegacyOptimizer):
    """Refused: use ``keras.optimizers.SGD``."""
