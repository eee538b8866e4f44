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
from cornu.trainers.debug_limits import max_epochs, max_steps_per_epoch, set_max_epochs, set_max_steps_per_epoch
from cornu.utils.io_utils import disable_interactive_logging, enable_interactive_logging, is_interactive_logging_enabled

__all__ = ["backend", "epsilon", "floatx", "image_data_format", "set_epsilon", "set_floatx",
           "set_image_data_format", "dtype_policy", "set_dtype_policy", "disable_interactive_logging",
           "enable_interactive_logging", "is_interactive_logging_enabled", "enable_flash_attention",
           "disable_flash_attention", "is_flash_attention_enabled", "max_epochs", "set_max_epochs",
           "max_steps_per_epoch", "set_max_steps_per_epoch", "enable_unsafe_deserialization"]
