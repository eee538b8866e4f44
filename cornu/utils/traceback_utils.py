"""Traceback filtering (``keras.config.enable_traceback_filtering`` and friends).

The mechanism lives in ``cornu/backend/common/traceback_filter.py`` so that ops,
layers and trainers, at every level of the package, can use it; this module is
its public face, registered under Keras's names.

Example:
>>> cornu.config.disable_traceback_filtering()   # full tracebacks, cornu's frames included
>>> cornu.config.enable_traceback_filtering()    # back to the default
"""

from cornu.backend.common.traceback_filter import (
    disable_traceback_filtering,
    enable_traceback_filtering,
    filter_exception,
    filter_traceback,
    filtered_traceback,
    is_traceback_filtering_enabled,
)
from cornu.serialization.registry import keras_export

keras_export("keras.config.enable_traceback_filtering")(enable_traceback_filtering)
keras_export("keras.config.disable_traceback_filtering")(disable_traceback_filtering)
keras_export("keras.config.is_traceback_filtering_enabled")(is_traceback_filtering_enabled)

__all__ = ["enable_traceback_filtering", "disable_traceback_filtering", "is_traceback_filtering_enabled",
           "filter_traceback", "filter_exception", "filtered_traceback"]
