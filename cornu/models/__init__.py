"""``cornu.models``: Model, Sequential, saving and loading."""

from cornu.models.cloning import clone_model
from cornu.models.functional import Functional
from cornu.models.model import Model
from cornu.models.sequential import Sequential


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved with ``model.save()`` (a ``.keras`` file or directory).

    Example:
    >>> model = cornu.models.load_model("model.keras")
    """
    from cornu.saving.saving_api import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves ``model`` to a ``.keras`` file (same as ``model.save``)."""
    from cornu.saving.saving_api import save_model as _save

    return _save(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """Rebuilds a model (without weights) from ``model.to_json()``."""
    from cornu.serialization.keras_objects import config_from_json, deserialize_keras_object

    return deserialize_keras_object(config_from_json(json_string), custom_objects=custom_objects)


__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "save_model", "model_from_json"]
