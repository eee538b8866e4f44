"""What an exported model takes: the ``InputSpec`` structure every export format starts from.

``input_specs(model, input_signature=None)`` turns what a user may pass as ``input_signature``
(``InputSpec``, ``KerasTensor``, backend tensors, NumPy arrays, shapes, ``tf.TensorSpec``-like
objects, and nested lists/dicts of them) into ``cornu.InputSpec`` objects with a full ``shape``
(``None`` for a dynamic dimension), a ``dtype`` string and a ``name``, arranged as the model takes
its inputs: one spec for a model called on one tensor, a list or a dict for a model called on a
list or a dict. Without a signature, a built Functional or Sequential model's inputs, or a
subclassed model's shapes recorded when it was built, give it.

The batch dimension is always dynamic (``None``) unless ``dynamic_batch=False``, which keeps the
batch size an ``InputSpec`` states (LiteRT on torch needs static shapes). Every format calls the
model as ``model(structure, training=False)``.

Keras's own convention wraps the inputs in a list of positional arguments
(``input_signature=[InputSpec(...)]`` for a one-input model, ``[[a, b]]`` or ``[{...}]`` for a
Functional model's structure): such a one-element wrapper is taken off here.

Example:
>>> model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2)])
>>> input_specs(model)
InputSpec(dtype=float32, shape=(None, 3), ndim=2)
>>> input_specs(model, [np.zeros((8, 3), "float32")]).shape
(None, 3)
"""

import numpy as np

from cornu import backend
from cornu.layers.input_spec import InputSpec

_SUPPORTED = ("`keras.InputSpec`, `keras.KerasTensor`, a backend tensor, a NumPy array, a shape tuple, "
              "or a list/dict of those")


def input_specs(model, input_signature=None, dynamic_batch=True):
    """The model's inputs as a structure of ``cornu.InputSpec`` (see the module docstring).

    Args:
        model: a cornu ``Model`` (or ``Layer``).
        input_signature: optional; what the exported model takes (see the module docstring).
            Defaults to the model's own inputs.
        dynamic_batch: make the first dimension of every input ``None``. Defaults to True.

    Returns:
        One ``InputSpec``, or a list or dict of them, matching how the model is called.

    Example:
    >>> input_specs(model, {"a": (None, 3), "b": cornu.InputSpec(shape=(None, 2), dtype="int32")})
    {'a': InputSpec(dtype=float32, shape=(None, 3), ndim=2), 'b': InputSpec(dtype=int32, ...)}
    """
    expected = model_input_specs(model)
    if input_signature is None:
        if expected is None:
            raise ValueError(
                f"The model '{getattr(model, 'name', model)}' has not been built yet, so the shapes of its inputs "
                "are unknown. Call it on data once, call `model.build(input_shape)`, or pass `input_signature=` "
                f"(e.g. `[keras.InputSpec(shape=(None, 3), dtype='float32')]`). Received: model={model!r} "
                "with built=False"
            )
        specs = expected
    else:
        specs = _to_specs(input_signature, _default_dtype(model))
        specs = _unwrap_positional(specs, expected)
        if expected is not None:
            specs = _match(specs, expected, input_signature)
    return _map(lambda spec: _finish(spec, dynamic_batch), specs)


def signature_specs(input_signature, dynamic_batch=True):
    """``input_signature`` as ``InputSpec`` objects, for a function rather than a model (no structure
    to match): each leaf converted, the batch axis ``None`` unless ``dynamic_batch=False``.

    Example:
    >>> signature_specs([(None, 3), np.zeros((2, 4), "int32")])
    [InputSpec(dtype=float32, shape=(None, 3), ndim=2), InputSpec(dtype=int32, shape=(None, 4), ndim=2)]
    """
    specs = _to_specs(input_signature, backend.floatx())
    return _map(lambda spec: _finish(spec, dynamic_batch), specs)


def flat_specs(specs):
    """The specs of a structure in the order the model flattens its inputs (lists in order, dicts
    by the order of their keys), each with a unique non-empty ``name`` (its dict key, else
    ``input_<i>``, when it had none).

    Example:
    >>> [s.name for s in flat_specs({"a": spec_a, "b": spec_b})]
    ['a', 'b']
    """
    flat = []
    _map_keyed(lambda key, spec: flat.append((key, spec)), specs)
    named, seen = [], set()
    for index, (key, spec) in enumerate(flat):
        name = spec.name or (key if isinstance(key, str) else None) or f"input_{index}"
        base, suffix = name, 1
        while name in seen:
            name, suffix = f"{base}_{suffix}", suffix + 1
        seen.add(name)
        named.append(InputSpec(shape=spec.shape, dtype=spec.dtype, name=name))
    return named


def pack_like(structure, flat):
    """Puts the tensors of ``flat`` (in ``flat_specs`` order) into the shape of ``structure``.

    Example:
    >>> pack_like({"a": spec_a, "b": spec_b}, [x_a, x_b])
    {'a': x_a, 'b': x_b}
    """
    values = iter(flat)
    return _map(lambda _: next(values), structure)


def model_input_specs(model):
    """The specs a built model declares for its inputs (batch dimension ``None``), or None when
    the model is not built yet and recorded no shapes."""
    functional = getattr(model, "_functional", None) or model  # a Sequential holds its graph
    structure = getattr(functional, "_inputs_struct", None)
    if structure is not None:
        return _map_keyed(lambda key, t: _spec_of_keras_tensor(t, key), structure)
    shapes = getattr(model, "_build_shapes", None)
    if not getattr(model, "built", False) or not shapes:
        return None
    if len(shapes) != 1:
        raise ValueError(
            f"The model '{model.name}' was built from several arguments ({', '.join(shapes)}); export calls a "
            "model on one input structure. Make `call()` take one tensor, list or dict. "
            f"Received: build shapes={shapes}"
        )
    dtype = _default_dtype(model)
    return _shapes_to_specs(next(iter(shapes.values())), dtype)


def _default_dtype(model):
    return getattr(model, "input_dtype", None) or backend.floatx()


def _spec_of_keras_tensor(tensor, key=None):
    history = getattr(tensor, "_keras_history", None)
    name = history.operation.name if history is not None else getattr(tensor, "name", None)
    return InputSpec(shape=tuple(tensor.shape), dtype=backend.standardize_dtype(tensor.dtype),
                     name=key if isinstance(key, str) else name)


def _is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or _is_int(d) for d in x) and (
        bool(x) or isinstance(x, tuple))


def _is_int(d):
    return isinstance(d, (int, np.integer)) and not isinstance(d, bool)


def _shapes_to_specs(shapes, dtype):
    if _is_shape(shapes):
        return InputSpec(shape=tuple(None if d is None else int(d) for d in shapes), dtype=dtype)
    if isinstance(shapes, dict):
        return {k: _shapes_to_specs(v, dtype) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return [_shapes_to_specs(v, dtype) for v in shapes]
    raise ValueError(f"Cannot read an input shape from {shapes!r}. Received: shapes={shapes!r}")


def _to_specs(signature, dtype):
    if isinstance(signature, InputSpec):
        if signature.shape is None or signature.dtype is None:
            raise ValueError(
                "An `InputSpec` in `input_signature` must give both `shape` and `dtype`, e.g. "
                f"`keras.InputSpec(shape=(None, 3), dtype='float32')`. Received: input_signature={signature!r}"
            )
        return InputSpec(shape=signature.shape, dtype=signature.dtype, name=signature.name)
    if backend.is_keras_tensor(signature):
        return _spec_of_keras_tensor(signature)
    if _is_shape(signature):
        return _shapes_to_specs(signature, dtype)
    if isinstance(signature, dict):
        return {k: _to_specs(v, dtype) for k, v in signature.items()}
    if isinstance(signature, (list, tuple)):
        return [_to_specs(v, dtype) for v in signature]
    if isinstance(signature, np.ndarray) or backend.is_tensor(signature) or _is_tensor_like(signature):
        shape = signature.shape
        shape = shape.as_list() if hasattr(shape, "as_list") else shape  # tf.TensorShape
        dtype_name = getattr(signature.dtype, "name", signature.dtype)
        return InputSpec(shape=tuple(None if d is None else int(d) for d in shape),
                         dtype=backend.standardize_dtype(dtype_name), name=getattr(signature, "name", None)
                         if isinstance(getattr(signature, "name", None), str) else None)
    raise TypeError(f"Unsupported entry in `input_signature`: use {_SUPPORTED}. "
                    f"Received: input_signature={signature!r} of type {type(signature).__name__}")


def _is_tensor_like(x):
    # tf.TensorSpec, jax.ShapeDtypeStruct, torch/jax arrays of another backend.
    return hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, type)


def _unwrap_positional(specs, expected):
    while isinstance(specs, list) and len(specs) == 1:
        inner = specs[0]
        if isinstance(expected, list) and len(expected) == 1 and isinstance(inner, InputSpec):
            break  # a Functional model built on `inputs=[x]` takes a list of one tensor
        specs = inner
    return specs


def _match(specs, expected, signature):
    """``specs`` arranged as ``expected`` (dict keys in the model's order), after checking that they
    have the same structure and that ranks and fixed sizes agree."""
    received = f"Received: input_signature={signature!r}"
    if isinstance(expected, dict):
        if not isinstance(specs, dict) or set(specs) != set(expected):
            raise ValueError(
                f"The model takes a dict of inputs with keys {list(expected)}; `input_signature` must be a dict "
                f"with the same keys. {received}"
            )
        return {k: _check_leaf(specs[k], expected[k], k, received) for k in expected}
    if isinstance(expected, list):
        if not isinstance(specs, list) or len(specs) != len(expected):
            count = len(specs) if isinstance(specs, list) else 1
            raise ValueError(
                f"The model takes {len(expected)} inputs, but `input_signature` describes {count}. Give one spec "
                f"per input, in the model's order. {received}"
            )
        return [_check_leaf(s, e, i, received) for i, (s, e) in enumerate(zip(specs, expected))]
    if not isinstance(specs, InputSpec):
        raise ValueError(f"The model takes a single input; `input_signature` must describe one tensor. {received}")
    return _check_leaf(specs, expected, 0, received)


def _check_leaf(spec, expected, where, received):
    if not isinstance(spec, InputSpec):
        raise ValueError(f"Input {where!r} of the model is one tensor; `input_signature` gives a structure there. "
                         f"{received}")
    if len(spec.shape) != len(expected.shape):
        raise ValueError(
            f"Input {where!r} of the model has rank {len(expected.shape)} (shape {expected.shape}), but "
            f"`input_signature` gives rank {len(spec.shape)} (shape {spec.shape}). Give the full shape, batch "
            f"dimension included. {received}"
        )
    for axis, (size, model_size) in enumerate(zip(spec.shape, expected.shape)):
        if axis and size is not None and model_size is not None and size != model_size:
            raise ValueError(
                f"Input {where!r} of the model has shape {expected.shape}, but `input_signature` gives "
                f"{spec.shape} (axis {axis} differs). {received}"
            )
    return InputSpec(shape=spec.shape, dtype=spec.dtype, name=spec.name or expected.name)


def _finish(spec, dynamic_batch):
    shape = tuple(spec.shape)
    if dynamic_batch and shape:
        shape = (None,) + shape[1:]
    return InputSpec(shape=shape, dtype=spec.dtype, name=spec.name)


def _map(fn, structure):
    return _map_keyed(lambda _, leaf: fn(leaf), structure)


def _map_keyed(fn, structure, key=None):
    if isinstance(structure, dict):
        return {k: _map_keyed(fn, v, k) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_map_keyed(fn, v) for v in structure]
    return fn(key, structure)
