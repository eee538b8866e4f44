"""Clear errors for data without targets given to a model compiled with a loss.

Keras fails deep inside the loss (``None is not a valid value for jnp.array``); cornu says what is
missing and how to pass it.

Example:
>>> model.compile(optimizer="sgd", loss="mse")
>>> model.fit(x)            # ValueError: ... no targets (`y`) ... Pass them as `fit(x, y)` ...
"""


def missing_targets_message(model):
    """The error for a batch without ``y`` reaching ``model``'s compiled loss."""
    return (
        f"Model '{model.name}' was compiled with a loss (loss={model.loss!r}), but the data has no targets "
        "(`y`), so there is nothing to compare the predictions with. Pass them as `fit(x, y)` / "
        "`evaluate(x, y)` / `train_on_batch(x, y)`, yield `(x, y)` pairs from a dataset or generator, and "
        "give validation data as `validation_data=(x_val, y_val)`. Received: y=None"
    )


def check_validation_targets(model, validation_data, custom_test_step):
    """Raises before training when ``validation_data`` is ``(x_val,)`` and a compiled loss needs
    targets (unless ``custom_test_step``: a test_step override may not need them)."""
    if model._compile_loss is None or not isinstance(validation_data, tuple) or len(validation_data) != 1:
        return
    if custom_test_step:
        return
    raise ValueError(
        f"`validation_data` holds only inputs, but model '{model.name}' was compiled with a loss "
        f"(loss={model.loss!r}) that needs targets. Pass `validation_data=(x_val, y_val)` (or "
        "`(x_val, y_val, sample_weight_val)`). Received: validation_data=(x_val,)"
    )

