"""``cornu.config``: global settings (backend, floatx, epsilon, image layout, dtype policy)."""

from cornu.backend.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from cornu.dtype_policies import dtype_policy, set_dtype_policy
from cornu.layers.attention.flash_attention import (
    disable_flash_attention,
    enable_flash_attention,
    is_flash_attention_enabled,
)
from cornu.serialization.keras_objects import enable_unsafe_deserialization
from cornu.serialization.registry import keras_export
from cornu.trainers.debug_limits import max_epochs, max_steps_per_epoch, set_max_epochs, set_max_steps_per_epoch
from cornu.utils.backend_utils import set_backend
from cornu.utils.io_utils import disable_interactive_logging, enable_interactive_logging, is_interactive_logging_enabled
from cornu.utils.traceback_utils import (
    disable_traceback_filtering,
    enable_traceback_filtering,
    is_traceback_filtering_enabled,
)

__all__ = ["backend", "epsilon", "floatx", "image_data_format", "set_epsilon", "set_floatx",
           "set_image_data_format", "dtype_policy", "set_dtype_policy", "disable_interactive_logging",
           "enable_interactive_logging", "is_interactive_logging_enabled", "enable_flash_attention",
           "disable_flash_attention", "is_flash_attention_enabled", "max_epochs", "set_max_epochs",
           "max_steps_per_epoch", "set_max_steps_per_epoch", "enable_unsafe_deserialization", "set_backend", "is_nnx_enabled",
           "enable_traceback_filtering", "disable_traceback_filtering", "is_traceback_filtering_enabled"]


@keras_export("keras.config.is_nnx_enabled")
def is_nnx_enabled():
    """Whether Flax NNX integration is on: always False, cornu has no NNX mode (its layers are
    plain objects on every backend).

    Example:
    >>> cornu.config.is_nnx_enabled()
    False
    """
    return False
