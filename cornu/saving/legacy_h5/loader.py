"""``load_model`` for legacy whole-model `.h5` files (Keras 3's legacy saver and tf.keras 2).

A file is checked before anything is built from it: the HDF5 structure
passes the same checks as ``.weights.h5`` files (no links, external storage,
virtual datasets, plugin filters or size bombs), the JSON attributes are
bounded in size and depth, everything read is charged to the load budget
(see ``cornu.saving.load_budget``), the model is rebuilt only from registered classes
(Lambda bytecode only with ``safe_mode=False``), and every weight's shape is
checked against the built model.
"""

import json
import os
import warnings

import h5py

from cornu.saving import safe_files
from cornu.saving.json_cost import charge_json
from cornu.saving.load_budget import loading
from cornu.saving.legacy_h5.attributes import read_text
from cornu.saving.legacy_h5.errors import LegacyH5Error
from cornu.saving.legacy_h5.legacy_config import convert_model_config
from cornu.saving.legacy_h5.legacy_weights import load_model_weights
from cornu.saving.legacy_h5.optimizer_state import load_optimizer_state
from cornu.saving.legacy_h5.training_config import compile_from_training_config
from cornu.saving.weights_store import check_h5_file


def _parse_json(text, what, source):
    from cornu.serialization.keras_objects import MAX_CONFIG_DEPTH, _config_depth_exceeds, config_from_json

    charge_json(text, f"the {what}")
    try:
        value = config_from_json(text)
    except json.JSONDecodeError as e:
        raise LegacyH5Error(f"The {what} of {source} is not valid JSON ({e}). The file is damaged.") from e
    if _config_depth_exceeds(value, MAX_CONFIG_DEPTH):
        raise LegacyH5Error(
            f"The {what} of {source} is nested more than {MAX_CONFIG_DEPTH} levels deep: no Keras model needs "
            "that many, so it is corrupted or crafted to exhaust the stack."
        )
    return value


def _open(filepath, source):
    if isinstance(filepath, h5py.File):
        return filepath, False
    opened = None
    if isinstance(filepath, (str, os.PathLike)) and os.path.lexists(filepath):
        opened = safe_files.open_regular(filepath)  # a pipe or device would block or never end
    try:
        if opened is not None:  # h5py opens exactly the checked file, by its descriptor's path
            return safe_files.reopen_by_descriptor(opened, lambda path: h5py.File(path, "r")), True
        return h5py.File(filepath, "r"), True
    except FileNotFoundError:
        raise
    except Exception as e:
        if isinstance(filepath, (str, os.PathLike)) and not os.path.exists(filepath):
            raise FileNotFoundError(f"No file found at filepath={source}") from e
        raise LegacyH5Error(f"Cannot read {source}: it is not a valid HDF5 file ({e}).") from e


def _build_model(h5_file, custom_objects, safe_mode, source):
    from cornu.serialization.keras_objects import SafeModeScope, deserialize_keras_object

    text = read_text(h5_file, "model_config")
    if text is None:
        raise LegacyH5Error(
            f"No model config found in {source}: it is not a whole-model `.h5` file (a weights-only file needs "
            "`model.load_weights()` on a rebuilt model)."
        )
    config = convert_model_config(_parse_json(text, "model config", source))
    with SafeModeScope(safe_mode):
        return deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)


def load_model_from_hdf5(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved in the legacy HDF5 format (`model.save("m.h5")` in Keras 3 or tf.keras 2).

    Args:
        filepath: path of the `.h5` / `.hdf5` file, or an open `h5py.File`.
        custom_objects: dict of name -> class/function for custom objects in the config.
        compile: compile the model from the file's training configuration (and restore the optimizer
            state when it matches).
        safe_mode: refuse Python bytecode (Lambda layers) in the config.

    Example:
    >>> model = load_model_from_hdf5("legacy_model.h5")
    >>> model.predict(x)
    """
    name = getattr(filepath, "filename", None) or getattr(filepath, "name", None)
    name = name if isinstance(name, str) else filepath
    with loading(name):
        return _load(filepath, custom_objects, compile, safe_mode, repr(str(name)))


def _load(filepath, custom_objects, compile, safe_mode, source):
    h5_file, opened = _open(filepath, source)
    try:
        check_h5_file(h5_file, source)
        model = _build_model(h5_file, custom_objects, safe_mode, source)
        weights = h5_file.get("model_weights")
        if not isinstance(weights, h5py.Group):
            raise LegacyH5Error(f"{source} has no 'model_weights' group: it is not a whole-model `.h5` file.")
        load_model_weights(weights, model)
        if not compile:
            return model
        text = read_text(h5_file, "training_config")
        if text is None:
            warnings.warn(
                f"No training configuration found in {source}, so the model was *not* compiled. Compile it "
                "manually.",
                stacklevel=3,
            )
            return model
        training_config = _parse_json(text, "training config", source)
        if compile_from_training_config(model, training_config, custom_objects, safe_mode, source):
            load_optimizer_state(h5_file, model, source)
        return model
    finally:
        if opened:
            h5_file.close()
