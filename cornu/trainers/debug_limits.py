"""Caps on epochs and steps for quick debugging runs (``keras.config.set_max_epochs``,
``set_max_steps_per_epoch``), also set by the ``CORNU_MAX_EPOCHS``/``KERAS_MAX_EPOCHS`` and
``CORNU_MAX_STEPS_PER_EPOCH``/``KERAS_MAX_STEPS_PER_EPOCH`` environment variables, so a
script runs short without editing it."""

import os
import warnings

from cornu.serialization.registry import keras_export


def _checked(value, name):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={value!r}")
    return value


def _from_environment(suffix):
    for prefix in ("CORNU_", "KERAS_"):
        text = os.environ.get(prefix + suffix)
        if text:
            try:
                return _checked(int(text), prefix + suffix)
            except ValueError as error:
                raise ValueError(
                    f"The environment variable {prefix + suffix} must be a positive integer. Received: {text!r}"
                ) from error
    return None


_LIMITS = {"epochs": _from_environment("MAX_EPOCHS"), "steps": _from_environment("MAX_STEPS_PER_EPOCH")}


@keras_export("keras.config.set_max_epochs")
def set_max_epochs(max_epochs):
    """Caps the number of epochs of every ``fit`` call (None removes the cap).

    Example:
    >>> cornu.config.set_max_epochs(1)  # model.fit(..., epochs=50) now runs one epoch
    """
    _LIMITS["epochs"] = _checked(max_epochs, "max_epochs")


@keras_export("keras.config.max_epochs")
def max_epochs():
    """The cap on epochs per ``fit`` call, or None."""
    return _LIMITS["epochs"]


@keras_export("keras.config.set_max_steps_per_epoch")
def set_max_steps_per_epoch(max_steps_per_epoch):
    """Caps the steps of each epoch of ``fit``, ``evaluate`` and ``predict`` (None removes it).

    Example:
    >>> cornu.config.set_max_steps_per_epoch(2)
    """
    _LIMITS["steps"] = _checked(max_steps_per_epoch, "max_steps_per_epoch")


@keras_export("keras.config.max_steps_per_epoch")
def max_steps_per_epoch():
    """The cap on steps per epoch, or None."""
    return _LIMITS["steps"]


def capped_epochs(epochs):
    """``epochs``, or the cap when it is lower (with a warning, as in Keras)."""
    cap = _LIMITS["epochs"]
    if cap is not None and cap < epochs:
        warnings.warn(f"Limiting epochs to {cap} (cornu.config.set_max_epochs).", stacklevel=3)
        return cap
    return epochs


def capped_steps(steps):
    """``steps`` per epoch (None: the whole data), or the cap when it is lower or steps is None."""
    cap = _LIMITS["steps"]
    if cap is not None and (steps is None or cap < steps):
        warnings.warn(f"Limiting steps_per_epoch to {cap} (cornu.config.set_max_steps_per_epoch).", stacklevel=3)
        return cap
    return steps
