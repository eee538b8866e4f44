"""``compute_loss`` overrides written for any Keras 3 version, called the one way the steps call it.

The backend steps call ``model.compute_loss(x=..., y=..., y_pred=..., sample_weight=...,
training=...)``. Keras (since 3.3) passes ``training`` only when the override accepts it, and passes
the four data arguments by position, so ``def compute_loss(self, x, y, y_pred, sample_weight)`` and
overrides with other parameter names keep working. ``adapt_compute_loss`` gives such an override
that calling convention once, when the subclass is defined, so no step inspects a signature.

Example:
>>> class MyModel(cornu.Model):
...     def compute_loss(self, x, y, y_pred, sample_weight):   # no `training`: still called by fit
...         return cornu.ops.mean((y - y_pred) ** 2)
"""

import functools
import inspect

_DATA_ARGUMENTS = ("x", "y", "y_pred", "sample_weight")
_STEP_ARGUMENTS = frozenset(_DATA_ARGUMENTS + ("training",))


def _calling_convention(function):
    """``(takes_training, standard_names)`` for a ``compute_loss`` function (``self`` first)."""
    try:
        parameters = list(inspect.signature(function).parameters.values())[1:]
    except (TypeError, ValueError):
        return True, True
    # As Keras: only a parameter named `training` receives it (not a **kwargs catch-all).
    takes_training = any(p.name == "training" for p in parameters)
    names = tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    return takes_training, names[:4] == _DATA_ARGUMENTS


def adapt_compute_loss(function):
    """``function`` (a ``compute_loss`` override) callable with the steps' keyword arguments.

    Returned unchanged when it already takes ``x, y, y_pred, sample_weight`` and ``training``.
    """
    takes_training, standard_names = _calling_convention(function)
    if takes_training and standard_names:
        return function

    @functools.wraps(function)
    def compute_loss(self, *args, **kwargs):
        if not kwargs.keys() <= _STEP_ARGUMENTS:
            return function(self, *args, **kwargs)  # the user's own keyword names: theirs to match
        values = dict(zip(_DATA_ARGUMENTS, args))
        values.update(kwargs)
        training = values.pop("training", True)
        data = [values.get(name) for name in _DATA_ARGUMENTS]
        if takes_training:
            return function(self, *data, training=training)
        return function(self, *data)

    compute_loss._cornu_adapted = True
    return compute_loss
