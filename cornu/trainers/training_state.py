"""The full state of a running ``fit``, as plain data: what a backup must hold so
that training resumed from it continues exactly as if it had never stopped.

A ``TrainingState`` has two parts:
- ``arrays``: a flat dict ``name -> np.ndarray`` (variables, RNG keys, arrays
  inside callback states), written as one ``.npz``;
- ``meta``: a JSON-able dict (position, RNG scalars, data position, callback
  states with their arrays replaced by ``{"__array__": name}``).

It records:
- the model's variables (trainable, non-trainable, seed-generator states),
  the optimizer's (slots, iteration count, learning rate) and the metrics';
- where training stands: ``epoch``, ``step`` (batches done in that epoch),
  ``stop_training``;
- the RNGs: NumPy's and Python's global generators, cornu's global
  ``SeedGenerator``;
- the data position (``EpochIterator.get_state()``);
- the state of every callback implementing the training-state protocol:
  ``get_training_state()`` returns a dict of Python scalars, strings, None,
  NumPy arrays/scalars, and lists/dicts of those; ``set_training_state(state)``
  takes that dict back. ``EarlyStopping``, ``ReduceLROnPlateau``,
  ``ModelCheckpoint`` and ``BackupAndRestore`` implement it.

Example:
>>> state = capture_training_state(model, callbacks, iterator, epoch=2, step=5)
>>> restore_variables(model, state)
"""

import random
import warnings

import numpy as np

from cornu import backend
from cornu.backend.common import global_state

FORMAT_VERSION = 1
_VARIABLE_GROUPS = ("model", "optimizer", "metrics")
_GLOBAL_SEED_GENERATOR = "global_seed_generator"


class TrainingState:
    """A snapshot of training: ``meta`` (JSON-able) and ``arrays`` (name -> NumPy array).

    Example:
    >>> state = TrainingState({"epoch": 1, "step": 0}, {})
    >>> state.epoch, state.step
    (1, 0)
    """

    def __init__(self, meta, arrays):
        self.meta = meta
        self.arrays = arrays

    @property
    def epoch(self):
        return int(self.meta["epoch"])

    @property
    def step(self):
        return int(self.meta["step"])

    @property
    def stop_training(self):
        return bool(self.meta.get("stop_training", False))

    def __repr__(self):
        return f"TrainingState(epoch={self.epoch}, step={self.step}, arrays={len(self.arrays)})"


# ------------------------------------------------------------------ variables
def _variable_groups(model):
    optimizer = getattr(model, "optimizer", None)
    return {
        "model": list(model.variables),
        "optimizer": list(optimizer.variables) if optimizer is not None and getattr(optimizer, "built", True) else [],
        "metrics": list(getattr(model, "metrics_variables", [])),
    }


def _capture_variables(model, arrays):
    described = {}
    for group, variables in _variable_groups(model).items():
        entries = []
        for i, variable in enumerate(variables):
            # Reading the value syncs state a running JAX step holds back into the variable.
            arrays[f"{group}/{i}"] = np.array(backend.convert_to_numpy(variable.value))
            entries.append({"path": variable.path, "shape": list(variable.shape), "dtype": str(variable.dtype)})
        described[group] = entries
    return described


def _check_group(group, variables, entries, arrays):
    if len(variables) != len(entries):
        raise ValueError(
            f"The backup does not match this model: it holds {len(entries)} {group} variables, the model has "
            f"{len(variables)}. Restore into the same model, compiled the same way, that wrote the backup (or "
            f"delete the backup folder to start over). Received: {group} variables "
            f"{[v.path for v in variables][:8]}"
        )
    for i, (variable, entry) in enumerate(zip(variables, entries)):
        value = arrays[f"{group}/{i}"]
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(
                f"The backup does not match this model: {group} variable {i} ('{variable.path}') has shape "
                f"{tuple(variable.shape)} but the backup's ('{entry['path']}') has shape {tuple(value.shape)}. "
                "Restore into the same model that wrote the backup."
            )


def restore_variables(model, state, groups=("model", "optimizer")):
    """Assigns the backed-up values of ``groups`` (``"model"``, ``"optimizer"``, ``"metrics"``).

    Every group is checked (count and shapes) before anything is assigned, so a
    mismatching backup leaves the model untouched.
    """
    variables = _variable_groups(model)
    described = state.meta["variables"]
    for group in groups:
        _check_group(group, variables[group], described[group], state.arrays)
    for group in groups:
        for i, variable in enumerate(variables[group]):
            variable.assign(state.arrays[f"{group}/{i}"])


# ------------------------------------------------------------------------ RNG
def _capture_rngs(arrays):
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    arrays["rng/numpy"] = np.asarray(keys)
    version, internal, gauss_next = random.getstate()
    arrays["rng/python"] = np.asarray(internal, dtype=np.int64)
    generator = global_state.get_global_attribute(_GLOBAL_SEED_GENERATOR)
    if generator is not None:
        arrays["rng/global_seed_generator"] = np.array(backend.convert_to_numpy(generator.state.value))
    return {
        "numpy": {"kind": kind, "pos": int(pos), "has_gauss": int(has_gauss), "cached_gaussian": float(cached)},
        "python": {"version": version, "gauss_next": gauss_next},
        "global_seed_generator": None if generator is None else {"seed": generator._initial_seed},
    }


def restore_rngs(state):
    """Puts NumPy's, Python's and cornu's global random generators back where they were."""
    rngs, arrays = state.meta["rngs"], state.arrays
    np_state = rngs["numpy"]
    np.random.set_state(
        (np_state["kind"], arrays["rng/numpy"], np_state["pos"], np_state["has_gauss"], np_state["cached_gaussian"])
    )
    py_state = rngs["python"]
    random.setstate((py_state["version"], tuple(int(v) for v in arrays["rng/python"]), py_state["gauss_next"]))
    saved = rngs.get("global_seed_generator")
    if saved is None:
        global_state.set_global_attribute(_GLOBAL_SEED_GENERATOR, None)
        return
    from cornu.random.seed_generator import SeedGenerator

    generator = global_state.get_global_attribute(_GLOBAL_SEED_GENERATOR)
    if generator is None:
        generator = SeedGenerator(seed=saved["seed"])
        global_state.set_global_attribute(_GLOBAL_SEED_GENERATOR, generator)
    generator.state.assign(arrays["rng/global_seed_generator"])


def numpy_rng_to_json(np_state, arrays, name):
    """Stores a ``np.random.get_state()`` tuple: its key array in ``arrays``, the rest as JSON."""
    if np_state is None:
        return None
    kind, keys, pos, has_gauss, cached = np_state
    arrays[name] = np.asarray(keys)
    return {"kind": kind, "keys": {"__array__": name}, "pos": int(pos), "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached)}


def numpy_rng_from_json(encoded, arrays):
    if encoded is None:
        return None
    return (encoded["kind"], arrays[encoded["keys"]["__array__"]], encoded["pos"], encoded["has_gauss"],
            encoded["cached_gaussian"])


# ------------------------------------------------------------------ callbacks
def stateful_callbacks(callbacks):
    """``{key: callback}`` for callbacks implementing the training-state protocol.

    The key is the class name and its rank among callbacks of that class, so
    the same list of callbacks in a new process finds its own states back.
    """
    found, counts = {}, {}
    for callback in getattr(callbacks, "callbacks", callbacks) or []:
        if not (callable(getattr(callback, "get_training_state", None))
                and callable(getattr(callback, "set_training_state", None))):
            continue
        name = type(callback).__name__
        rank = counts.get(name, 0)
        counts[name] = rank + 1
        found[f"{name}:{rank}"] = callback
    return found


def _encode(value, arrays, prefix):
    """Replaces NumPy arrays and scalars (and backend tensors) by references into ``arrays``."""
    if isinstance(value, dict):
        return {"__dict__": [[str(k), _encode(v, arrays, f"{prefix}/{k}")] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(v, arrays, f"{prefix}/{i}") for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (np.ndarray, np.generic)) or backend.is_tensor(value):
        arrays[prefix] = np.asarray(backend.convert_to_numpy(value) if backend.is_tensor(value) else value)
        return {"__array__": prefix, "scalar": isinstance(value, np.generic)}
    raise TypeError(
        "A callback's `get_training_state()` may hold Python scalars, strings, None, NumPy arrays and "
        f"lists/dicts of those. Received: {type(value).__name__} at '{prefix}'"
    )


def _decode(value, arrays):
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    if isinstance(value, dict):
        if "__dict__" in value:
            return {k: _decode(v, arrays) for k, v in value["__dict__"]}
        array = arrays[value["__array__"]]
        return array[()] if value.get("scalar") else array
    return value


def _capture_callbacks(callbacks, arrays):
    encoded = {}
    for key, callback in stateful_callbacks(callbacks).items():
        encoded[key] = _encode(callback.get_training_state(), arrays, f"callbacks/{key}")
    return encoded


def restore_callbacks(callbacks, state):
    """Calls ``set_training_state`` on every callback the backup has a state for."""
    saved = state.meta.get("callbacks", {})
    for key, callback in stateful_callbacks(callbacks).items():
        if key not in saved:
            warnings.warn(
                f"The backup holds no state for callback {key.split(':')[0]} (number {int(key.split(':')[1]) + 1} "
                "of its class): it starts fresh. Pass the same callbacks as the run that wrote the backup to "
                "resume it exactly.",
                stacklevel=3,
            )
            continue
        callback.set_training_state(_decode(saved[key], state.arrays))


# ----------------------------------------------------------------- snapshot
def capture_training_state(model, callbacks=None, iterator=None, epoch=0, step=0):
    """A ``TrainingState`` of everything ``fit`` needs to go on from ``epoch``/``step``.

    ``step`` is the number of batches already done in ``epoch``.
    """
    arrays = {}
    meta = {
        "format_version": FORMAT_VERSION,
        "backend": backend.backend(),
        "epoch": int(epoch),
        "step": int(step),
        "stop_training": bool(getattr(model, "stop_training", False)),
        "variables": _capture_variables(model, arrays),
        "rngs": _capture_rngs(arrays),
        "data": None if iterator is None else _encode_data_state(iterator.get_state(), arrays),
        "callbacks": _capture_callbacks(callbacks, arrays),
    }
    return TrainingState(meta, arrays)


def _encode_data_state(data, arrays):
    data = dict(data)
    data["pass_rng"] = numpy_rng_to_json(data.get("pass_rng"), arrays, "data/pass_rng")
    return data


def data_state(state):
    """The ``EpochIterator`` state stored in ``state`` (None when it was saved without one)."""
    data = state.meta.get("data")
    if data is None:
        return None
    data = dict(data)
    data["pass_rng"] = numpy_rng_from_json(data.get("pass_rng"), state.arrays)
    return data
