"""What a checkpointing callback does when its file cannot be written (disk full, quota, ...).

``ModelCheckpoint`` and ``BackupAndRestore`` read their ``on_write_error``
attribute: ``"raise"`` (the default, as in Keras) stops ``fit`` with an
``OSError`` naming the file and the cause; ``"warn"`` keeps training, with a
warning, and leaves the previous checkpoint in place. It is an attribute
rather than a constructor argument so the constructors keep Keras's exact
signatures.
"""

import warnings

WRITE_ERROR_POLICIES = ("raise", "warn")


def _policy(callback):
    policy = getattr(callback, "on_write_error", "raise")
    if policy not in WRITE_ERROR_POLICIES:
        raise ValueError(
            f"`{type(callback).__name__}.on_write_error` must be one of {WRITE_ERROR_POLICIES}. "
            f"Received: on_write_error={policy!r}"
        )
    return policy


def handle_write_error(callback, error, what):
    """Raises ``error`` (with a hint) or warns, as ``callback.on_write_error`` says.

    Returns normally only under ``"warn"``; ``what`` names the file, e.g.
    ``"the checkpoint 'ckpt/3.keras'"``.

    Example:
    >>> try:
    ...     model.save(path)
    ... except OSError as error:
    ...     handle_write_error(self, error, f"the checkpoint '{path}'")
    """
    name = type(callback).__name__
    if _policy(callback) == "warn":
        warnings.warn(
            f"{name} could not write {what}; training goes on and the previous checkpoint stays in place "
            f"(on_write_error='warn'). Cause: {error}",
            stacklevel=3,
        )
        return
    cause = error.strerror if error.errno and error.strerror else str(error)
    hint = (
        f"{cause} {name} stopped training because {what} could not be written; to keep training instead "
        f"(with a warning, the previous checkpoint staying in place), set `callback.on_write_error = 'warn'`."
    )
    raised = OSError(error.errno, hint) if error.errno else OSError(hint)
    raise raised from error
