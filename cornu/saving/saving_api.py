"""``save_model`` / ``load_model`` / ``save_weights`` / ``load_weights``.

Files are Keras 3 files: a ``.keras`` archive written by cornu loads in
Keras 3.15 and the other way round; ``.weights.h5`` files have Keras's exact
group layout. Every write is atomic, and loading fails closed (see
``serialization``, ``keras_archive`` and ``weights_store``).
"""

import datetime
import json
import os
import tempfile
import warnings

from cornu.saving import keras_archive, object_walk, safe_files, sharded_weights
from cornu.saving import process_zero_writes
from cornu.saving.atomic import atomic_path
from cornu.saving.load_budget import LoadBudgetExceeded, loading
from cornu.serialization.registry import keras_export
from cornu.saving.safetensors_weights import SafetensorsWeightsReader, SafetensorsWeightsWriter
from cornu.saving.weights_store import H5WeightsReader, H5WeightsWriter, UnsafeWeightsFileError

# The Keras release whose file format cornu writes; Keras reads files of any 3.x version.
KERAS_FORMAT_VERSION = "3.15.1"


# ---------------------------------------------------------------- helpers
def _path_str(filepath):
    try:
        return os.fspath(filepath)
    except TypeError:
        return str(filepath)


def _ask_to_overwrite(filepath):
    try:
        answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
        while answer not in ("y", "n"):
            answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    except (EOFError, OSError) as e:
        raise FileExistsError(
            f"'{filepath}' already exists and `overwrite=False`, and there is no terminal to ask whether "
            "to replace it. Pass `overwrite=True` to replace it, or choose another path. "
            f"Received: filepath={filepath}"
        ) from e
    if answer == "n":
        return False
    from cornu.utils.io_utils import print_msg

    print_msg("[TIP] Next time specify overwrite=True!")
    return True


def _may_write(filepath, overwrite):
    if overwrite or not os.path.exists(filepath):
        return True
    return _ask_to_overwrite(filepath)


def _is_optimizer(obj):
    return object_walk.object_type(obj) == "Optimizer"


def _object_label(path, obj):
    name = getattr(obj, "name", None)
    label = f"'{path}'" if path else "the model itself"
    return f"{label} ({type(obj).__name__}{f' {name!r}' if isinstance(name, str) else ''})"


# ------------------------------------------------------- state <-> stores
def save_state(model, writer, visited=None):
    """Writes the variables of every saveable reachable from ``model`` into ``writer``.

    Example:
    >>> with H5WeightsWriter("m.weights.h5") as writer:
    ...     save_state(model, writer)
    """
    for path, obj in object_walk.walk(model, visited):
        name = getattr(obj, "name", None)
        name = name if isinstance(name, str) else None
        if hasattr(obj, "save_own_variables"):
            obj.save_own_variables(writer.make(path, name=name))
        elif _is_optimizer(obj):
            store = writer.make(path, name=name)
            for i, variable in enumerate(obj.variables):
                store[str(i)] = variable
    return writer


def _load_optimizer_variables(optimizer, store):
    variables = list(optimizer.variables)
    name = getattr(optimizer, "name", type(optimizer).__name__)
    if len(store) != len(variables):
        hint = " The optimizer has not been built yet." if not variables else ""
        warnings.warn(
            f"Skipping variable loading for optimizer '{name}', because it has {len(variables)} variables "
            f"whereas the saved optimizer has {len(store)} variables.{hint}",
            stacklevel=3,
        )
        return
    values = [store[str(i)] for i in range(len(variables))]
    mismatched = [(v.path if hasattr(v, "path") else i, tuple(v.shape), tuple(a.shape))
                  for i, (v, a) in enumerate(zip(variables, values)) if tuple(v.shape) != tuple(a.shape)]
    if mismatched:
        warnings.warn(
            f"Skipping variable loading for optimizer '{name}': the saved shapes do not match "
            f"(variable, expected, saved): {mismatched[:5]}",
            stacklevel=3,
        )
        return
    for variable, value in zip(variables, values):
        variable.assign(value)


def _asset_folder(root, path):
    target = os.path.realpath(os.path.join(root, *path.split("/"))) if path else root
    if os.path.commonpath([root, target]) != root:
        raise ValueError(f"Invalid asset path: '{path}' escapes the asset directory.")
    return target if os.path.isdir(target) else None


def load_state(model, reader, assets_folder=None, skip_mismatch=False, visited=None, source=""):
    """Loads every saveable's variables (then its assets) from ``reader``; one combined error lists all failures.

    Optimizer mismatches only warn (the model's weights are still loaded).
    With ``skip_mismatch=True`` other failures warn too.

    Example:
    >>> with H5WeightsReader("m.weights.h5") as reader:
    ...     load_state(model, reader)
    """
    failures = []
    assets_root = os.path.realpath(assets_folder) if assets_folder is not None else None
    for path, obj in object_walk.walk(model, visited):
        try:
            if _is_optimizer(obj) and not hasattr(obj, "load_own_variables"):
                _load_optimizer_variables(obj, reader.get(path))
            elif hasattr(obj, "load_own_variables"):
                obj.load_own_variables(reader.get(path))
            if assets_root is not None and hasattr(obj, "load_assets"):
                folder = _asset_folder(assets_root, path)
                if folder is not None:
                    obj.load_assets(folder)
        except (LoadBudgetExceeded, UnsafeWeightsFileError):  # the load is over, whatever `skip_mismatch` says
            raise
        except Exception as e:  # collected: the user gets every mismatch at once
            failures.append((path, obj, e))
    if not failures:
        unread = reader.unread_paths() if hasattr(reader, "unread_paths") else []
        if unread:
            # Keras ignores these silently; saved weights that go nowhere usually mean a different architecture.
            warnings.warn(
                f"{source or 'The weights file'} holds variables for {len(unread)} object(s) that the model does "
                f"not have, which were not loaded: {unread[:10]}{' ...' if len(unread) > 10 else ''}. The model's "
                "architecture probably differs from the saved one.",
                stacklevel=2,
            )
        return
    lines = "\n".join(f"- {_object_label(path, obj)}: {e}" for path, obj, e in failures)
    message = (
        f"A total of {len(failures)} objects could not be loaded from {source or 'the weights file'}:\n"
        f"{lines}\n"
        "The model must have the same architecture as the saved one and be built the same way "
        "(a layer whose weights are missing was probably not built: implement `build()` / "
        "`build_from_config()` so that it creates all its variables)."
    )
    if skip_mismatch:
        warnings.warn(message, stacklevel=2)
    else:
        raise ValueError(message)


def _save_assets(model, folder):
    for path, obj in object_walk.walk(model):
        if hasattr(obj, "save_assets"):
            target = os.path.join(folder, *path.split("/")) if path else folder
            os.makedirs(target, exist_ok=True)
            obj.save_assets(target)


def _has_assets_hooks(model):
    return any(hasattr(obj, "save_assets") for _, obj in object_walk.walk(model))


# ----------------------------------------------------------------- models
def _serialize_model(model):
    from cornu.serialization.keras_objects import serialize_keras_object

    config = serialize_keras_object(model)
    try:
        config_json = json.dumps(config)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"The config of model '{getattr(model, 'name', model)}' is not JSON-serializable ({e}). Every "
            "layer's `get_config()` must return plain Python values (numbers, strings, lists, dicts) or "
            "objects serialized with `cornu.saving.serialize_keras_object`."
        ) from e
    metadata = {
        "keras_version": KERAS_FORMAT_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    return config_json, json.dumps(metadata)


@keras_export("keras.saving.save_model", "keras.models.save_model")
def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves a model (architecture, weights, optimizer state) as a `.keras` file.

    Args:
        model: the model to save.
        filepath: a path ending in `.keras` (or, with `zipped=False`, a folder).
        overwrite: replace an existing file; if False, ask on the terminal.
        zipped: write a zip (the default) or a plain directory.

    Example:
    >>> model.save("model.keras")
    >>> restored = cornu.saving.load_model("model.keras")
    """
    kwargs.pop("include_optimizer", None)  # always included in `.keras` files, as in Keras
    save_format = kwargs.pop("save_format", False)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs.keys())}")
    is_file_object = hasattr(filepath, "write")
    path = "<file object>" if is_file_object else _path_str(filepath)
    if save_format and not path.endswith((".keras", ".h5", ".hdf5")):
        raise ValueError(
            "The `save_format` argument is deprecated in Keras 3. Please remove this argument and pass a "
            f"file path with a `.keras` extension. Received: save_format={save_format}"
        )
    if path.startswith("hf://"):
        raise ValueError(f"Saving to the Hugging Face Hub is not supported by cornu yet. Received: filepath={path}")
    zipped = True if zipped is None else zipped
    if not is_file_object:
        if path.endswith((".h5", ".hdf5")):
            raise ValueError(
                "Saving to the legacy Keras 2 HDF5 format (`.h5`) is not supported. Use the native Keras format: "
                f"`model.save('my_model.keras')`. Received: filepath={path}"
            )
        if zipped and not path.endswith(".keras"):
            raise ValueError(
                "Invalid filepath extension for saving. Please add a `.keras` extension for the native Keras "
                "format. Use `model.export(filepath)` if you want to export a SavedModel for use with "
                f"TFLite/TFServing/etc. Received: filepath={path}."
            )
        if not zipped and path.endswith(".keras"):
            raise ValueError(
                "When using `zipped=False`, the `filepath` argument should not end in `.keras`. "
                f"Received: filepath={path}"
            )
        if not _may_write(path, overwrite):
            return
    if not getattr(model, "built", True):
        warnings.warn(
            "You are saving a model that has not yet been built. It might not contain any weights yet. "
            "Consider building the model first by calling it on some data.",
            stacklevel=2,
        )
    if not is_file_object and process_zero_writes.spans_processes(model):
        with process_zero_writes.path_for_this_process(path) as path_here:
            return save_model(model, path_here, overwrite=True, zipped=zipped)
    config_json, metadata_json = _serialize_model(model)
    write_assets = (lambda folder: _save_assets(model, folder)) if _has_assets_hooks(model) else None
    keras_archive.write_archive(
        filepath if is_file_object else path, config_json, metadata_json,
        write_weights=lambda writer: save_state(model, writer), write_assets=write_assets, zipped=zipped,
    )


def _describe_config(config):
    """What ``config`` is, in a few words: never ``str()`` of it all (a crafted one can be huge)."""
    if isinstance(config, dict):
        return f"a dict with keys {[str(key)[:40] for key in list(config)[:10]]}"
    return f"a {type(config).__name__}"


def _model_from_config(config, custom_objects, compile, safe_mode):
    from cornu.serialization.keras_objects import deserialize_keras_object

    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "config.json does not describe a model (expected a dict with 'class_name' and 'config'). "
            f"Received: {_describe_config(config)}"
        )
    if not compile:
        config = dict(config)
        config["compile_config"] = None
    return deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)


def _load_from_archive(archive, custom_objects, compile, safe_mode):
    config = archive.read_json(keras_archive.CONFIG_FILENAME)
    model = _model_from_config(config, custom_objects, compile, safe_mode)
    # Only the assets of objects that read assets are extracted (none at all for most models).
    asset_paths = [path for path, obj in object_walk.walk(model) if hasattr(obj, "load_assets")]
    with archive.open_weights() as reader, tempfile.TemporaryDirectory() as scratch:
        wanted = asset_paths and archive.has_assets()
        assets = archive.assets_folder(scratch, object_paths=asset_paths) if wanted else None
        load_state(model, reader, assets_folder=assets, source=reader.source)
    return model


def _budget_sources(filepath):
    """The files a load reads, whose size sets its byte budget (a sharded index brings its shards)."""
    if type(filepath).__name__ == "File" and type(filepath).__module__.startswith("h5py"):
        return [filepath.filename]
    if hasattr(filepath, "read"):
        return [filepath]
    path = _path_str(filepath)
    if not path.endswith(sharded_weights.INDEX_SUFFIX):
        return [path]
    try:
        with loading(path):  # the index alone, parsed under its own budget
            weight_map = sharded_weights.read_index(path)
    except Exception:  # the reader reports what is wrong with the index
        return [path]
    folder = os.path.dirname(os.path.abspath(path))
    return [path] + sorted({os.path.join(folder, name) for names in weight_map.values() for name in names})


@keras_export("keras.saving.load_model", "keras.models.load_model")
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved with `model.save()` (a `.keras` file, an unzipped model folder, or a legacy
    whole-model `.h5` file written by Keras 3 or tf.keras 2).

    The load spends at most its byte budget (see `cornu.saving.set_max_load_bytes`): a file that
    needs more is refused with `LoadBudgetExceeded` before the memory is spent.

    Args:
        filepath: path of the `.keras` file or folder.
        custom_objects: dict of name -> class/function for custom objects in the config.
        compile: compile the model as it was when saved (optimizer state included).
        safe_mode: refuse Python bytecode (lambdas) in the config; set it False only for files
            you trust.

    Example:
    >>> model = cornu.saving.load_model("model.keras")
    """
    with loading(*_budget_sources(filepath)):
        return _load_model(filepath, custom_objects, compile, safe_mode)


def _load_model(filepath, custom_objects, compile, safe_mode):
    if type(filepath).__name__ == "File" and type(filepath).__module__.startswith("h5py"):
        from cornu.saving.legacy_h5 import load_model_from_hdf5

        return load_model_from_hdf5(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    if hasattr(filepath, "read"):
        with keras_archive.KerasArchiveReader(filepath) as archive:
            return _load_from_archive(archive, custom_objects, compile, safe_mode)
    path = _path_str(filepath)
    if path.startswith("hf://"):
        raise ValueError(f"Loading from the Hugging Face Hub is not supported by cornu yet. Received: filepath={path}")
    # lexists: a config that is a link or a pipe is refused by name when the folder is read
    is_model_dir = os.path.isdir(path) and os.path.lexists(os.path.join(path, keras_archive.CONFIG_FILENAME))
    if not is_model_dir:
        if path.endswith((".h5", ".hdf5")):
            from cornu.saving.legacy_h5 import load_model_from_hdf5

            return load_model_from_hdf5(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
        if not path.endswith(".keras"):
            raise ValueError(
                f"File format not supported: filepath={path}. cornu loads Keras 3 `.keras` files and unzipped "
                "model folders (saved with `zipped=False`)."
            )
    with keras_archive.KerasArchiveReader(path) as archive:
        return _load_from_archive(archive, custom_objects, compile, safe_mode)


# ---------------------------------------------------------------- weights
@keras_export("keras.saving.save_weights")
def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Saves the model's weights (and optimizer state) to a `.weights.h5` file.

    Args:
        model: the model whose weights to save.
        filepath: a `.weights.h5` path; with `max_shard_size`, a `.weights.json` index path
            (shards `name_00000.weights.h5`, ... are written beside it); or a `.safetensors`
            path (a cornu extension: the same variable names as the `.weights.h5` layout).
        overwrite: replace existing files; if False, ask on the terminal.
        max_shard_size: largest shard size in GB; `None` writes a single file.

    Example:
    >>> model.save_weights("model.weights.h5")
    >>> model.save_weights("big.weights.json", max_shard_size=2.0)
    >>> model.save_weights("model.safetensors")
    """
    path = _path_str(filepath)
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    is_safetensors = path.endswith(".safetensors")
    if max_shard_size is None and not (path.endswith(".weights.h5") or is_safetensors):
        raise ValueError(
            "The filename must end in `.weights.h5` (or `.safetensors`, a cornu extension). "
            f"Received: filepath={path}"
        )
    if max_shard_size is not None and not path.endswith(("weights.h5", "weights.json")):
        raise ValueError(
            "The filename must end in `.weights.json` when `max_shard_size` is specified. "
            f"Received: filepath={path}"
        )
    if not getattr(model, "built", True):
        raise ValueError(
            "You are saving a model that has not yet been built. Try building the model first by calling "
            "it on some data or by using `build()`."
        )
    if max_shard_size is not None:
        path = sharded_weights.index_path_for(path)
    if not _may_write(path, overwrite):
        return
    if process_zero_writes.spans_processes(model):
        with process_zero_writes.path_for_this_process(path) as path_here:
            return save_weights(model, path_here, overwrite=True, max_shard_size=max_shard_size,
                                objects_to_skip=objects_to_skip)
    visited = {id(o) for o in objects_to_skip} if objects_to_skip is not None else None
    if max_shard_size is not None:
        sharded_weights.save_sharded(path, max_shard_size, lambda writer: save_state(model, writer, visited=visited))
    elif is_safetensors:
        with SafetensorsWeightsWriter(path) as writer:
            save_state(model, writer, visited=visited)
    else:
        with atomic_path(path) as temp:
            with H5WeightsWriter(temp) as writer:
                save_state(model, writer, visited=visited)


@keras_export("keras.saving.load_weights")
def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights into a built model from a `.weights.h5`, `.weights.json` (sharded), `.safetensors`
    or `.keras` file.

    The load spends at most its byte budget (see `cornu.saving.set_max_load_bytes`).

    Example:
    >>> model.load_weights("model.weights.h5")
    """
    with loading(*_budget_sources(filepath)):
        _load_weights(model, filepath, skip_mismatch, **kwargs)


def _load_weights(model, filepath, skip_mismatch, **kwargs):
    path = _path_str(filepath)
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    by_name = kwargs.pop("by_name", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    legacy_h5_file = path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5")
    if by_name is not None and not legacy_h5_file:
        raise ValueError(f"`by_name` only supports loading legacy '.h5' or '.hdf5' files. Received: {path}")
    if not getattr(model, "built", True):
        raise ValueError(
            "You are loading weights into a model that has not yet been built. Try building the model first "
            "by calling it on some data or by using `build()`."
        )
    visited = {id(o) for o in objects_to_skip} if objects_to_skip is not None else None
    if path.endswith(".keras"):
        if objects_to_skip is not None:
            raise ValueError(f"`objects_to_skip` only supports loading '.weights.h5' files. Received: {path}")
        with keras_archive.KerasArchiveReader(path) as archive, archive.open_weights() as reader:
            load_state(model, reader, skip_mismatch=skip_mismatch, source=reader.source)
    elif path.endswith(".weights.h5"):
        if not os.path.exists(path):
            raise FileNotFoundError(f"Weights file not found: filepath={path}")
        # regular files only, opened without blocking; h5py then opens exactly that file
        opened = safe_files.open_regular(path)
        with safe_files.reopen_by_descriptor(opened, lambda name: H5WeightsReader(name, source=path)) as reader:
            load_state(model, reader, skip_mismatch=skip_mismatch, visited=visited, source=reader.source)
    elif path.endswith(".weights.json"):
        with sharded_weights.ShardedH5WeightsReader(path) as reader:
            load_state(model, reader, skip_mismatch=skip_mismatch, visited=visited, source=reader.source)
    elif path.endswith(".safetensors"):
        if not os.path.exists(path):
            raise FileNotFoundError(f"Weights file not found: filepath={path}")
        with SafetensorsWeightsReader(path) as reader:
            load_state(model, reader, skip_mismatch=skip_mismatch, visited=visited, source=reader.source)
    elif legacy_h5_file:
        if objects_to_skip is not None:
            raise ValueError(f"`objects_to_skip` only supports loading '.weights.h5' files. Received: {path}")
        from cornu.saving.legacy_h5.weights_file import load_legacy_weights_file

        load_legacy_weights_file(model, path, skip_mismatch=skip_mismatch, by_name=bool(by_name))
    else:
        raise ValueError(
            f"File format not supported: filepath={path}. cornu loads weights from `.weights.h5`, sharded "
            "`.weights.json`, `.safetensors` and `.keras` files."
        )
