"""The global flash-attention switch read by the attention layers (``keras.config.*_flash_attention``)."""

from cornu.backend.common import global_state
from cornu.serialization.registry import keras_export

_KEY = "flash_attention"


@keras_export("keras.config.enable_flash_attention")
def enable_flash_attention():
    """Lets attention layers use a fused flash-attention kernel where the backend has one (the default).

    Example:
    >>> cornu.config.enable_flash_attention()
    """
    global_state.set_global_attribute(_KEY, None)


@keras_export("keras.config.disable_flash_attention")
def disable_flash_attention():
    """Stops attention layers from asking for flash attention.

    Example:
    >>> cornu.config.disable_flash_attention()
    """
    global_state.set_global_attribute(_KEY, False)


@keras_export("keras.config.is_flash_attention_enabled")
def is_flash_attention_enabled():
    """``False`` when flash attention was disabled, else ``None`` (the backend decides), as in Keras.

    Example:
    >>> cornu.config.is_flash_attention_enabled() is not False
    True
    """
    return global_state.get_global_attribute(_KEY)
