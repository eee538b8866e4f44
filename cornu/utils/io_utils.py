"""Where cornu's user-facing text goes: stdout (interactive) or the logging module."""

import logging
import sys

from cornu.serialization.registry import keras_export

_LOGGER = logging.getLogger("cornu")

# Process-wide, not thread-local: progress-bar updates may run on the callback
# worker thread, and must follow the setting made on the main thread.
_INTERACTIVE_LOGGING = {"enabled": True}


@keras_export("keras.config.enable_interactive_logging", "keras.utils.enable_interactive_logging")
def enable_interactive_logging():
    """Sends progress bars and summaries to stdout (the default).

    Example:
    >>> cornu.utils.enable_interactive_logging()
    """
    _INTERACTIVE_LOGGING["enabled"] = True


@keras_export("keras.config.disable_interactive_logging", "keras.utils.disable_interactive_logging")
def disable_interactive_logging():
    """Sends progress bars and summaries to the ``cornu`` logger instead of stdout.

    Useful for jobs whose output is collected by a log system.

    Example:
    >>> cornu.utils.disable_interactive_logging()
    """
    _INTERACTIVE_LOGGING["enabled"] = False


@keras_export("keras.config.is_interactive_logging_enabled", "keras.utils.is_interactive_logging_enabled")
def is_interactive_logging_enabled():
    """Whether messages go to stdout (``True``) or to the ``cornu`` logger.

    Example:
    >>> cornu.utils.is_interactive_logging_enabled()
    True
    """
    return _INTERACTIVE_LOGGING["enabled"]


def print_msg(message, line_break=True):
    """Writes ``message`` to stdout, or logs it when interactive logging is off.

    Example:
    >>> print_msg("Epoch 1/3")
    Epoch 1/3
    """
    message = str(message)
    if not is_interactive_logging_enabled():
        _LOGGER.info(message)
        return
    if line_break:
        message += "\n"
    try:
        sys.stdout.write(message)
    except UnicodeEncodeError:
        # A stdout that cannot encode the bar glyph (e.g. latin-1): fall back to ASCII.
        encoding = sys.stdout.encoding or "utf-8"
        message = message.replace("━", "=").encode(encoding, errors="ignore").decode(encoding)
        sys.stdout.write(message)
    sys.stdout.flush()
