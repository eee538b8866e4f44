"""Restoring the optimizer state saved in a legacy `.h5` file (group ``optimizer_weights``).

The values are matched to ``optimizer.variables`` in order once the optimizer
is built for the model's trainable variables. A file from another optimizer
layout (tf.keras 2, or a different model) only warns: the model keeps a fresh
optimizer, as in Keras.
"""

import warnings

from cornu.backend.common.load_budget import LoadBudgetExceeded

from cornu.saving.legacy_h5.legacy_weights import read_layer_values


def _matches(variables, values):
    return len(values) == len(variables) and all(tuple(v.shape) == tuple(a.shape) for v, a in zip(variables, values))


def load_optimizer_state(h5_file, model, source="the file"):
    """Assigns the saved optimizer variables to ``model.optimizer``; returns whether it did.

    Example:
    >>> load_optimizer_state(h5py.File("model.h5", "r"), model)
    True
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or "optimizer_weights" not in h5_file:
        return False
    values = read_layer_values(h5_file["optimizer_weights"])
    variables = list(optimizer.variables)
    # An optimizer saved before its first step holds only its iteration count and learning rate.
    if not _matches(variables, values):
        try:
            if not getattr(optimizer, "built", False):
                optimizer.build(model.trainable_variables)
            variables = list(optimizer.variables)
        except LoadBudgetExceeded:
            raise
        except Exception as e:
            warnings.warn(f"Could not build the optimizer to restore its state from {source} ({e}); it starts "
                          "fresh.", stacklevel=3)
            return False
    if not _matches(variables, values):
        warnings.warn(
            f"The optimizer state in {source} does not match the optimizer ({len(values)} saved values for "
            f"{len(variables)} variables, or different shapes), so it was not restored; the optimizer starts "
            "fresh.",
            stacklevel=3,
        )
        return False
    for variable, value in zip(variables, values):
        variable.assign(value)
    return True
