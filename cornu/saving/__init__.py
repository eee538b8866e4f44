"""``cornu.saving``: the ``.keras`` format and weight files (``keras.saving``).

The (de)serialization names of ``keras.saving`` come from ``cornu.serialization``.
"""

from cornu.serialization import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)
from cornu.saving.file_editor import KerasFileEditor
from cornu.saving.load_budget import LoadBudgetExceeded, get_max_load_bytes, load_budget, set_max_load_bytes


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a ``.keras`` model (or a legacy whole-model ``.h5`` file). See :func:`cornu.models.load_model`."""
    from cornu.saving.saving_api import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves a model to a ``.keras`` file. See :meth:`cornu.Model.save`."""
    from cornu.saving.saving_api import save_model as _save

    return _save(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Saves a model's weights to ``.weights.h5`` (sharded ``.weights.json``, or ``.safetensors``)."""
    from cornu.saving.saving_api import save_weights as _save

    return _save(model, filepath, overwrite=overwrite, max_shard_size=max_shard_size, **kwargs)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights into ``model`` from ``.weights.h5``, ``.weights.json``, ``.safetensors`` or ``.keras``."""
    from cornu.saving.saving_api import load_weights as _load

    return _load(model, filepath, skip_mismatch=skip_mismatch, **kwargs)
