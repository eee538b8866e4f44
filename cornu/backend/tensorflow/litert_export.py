"""LiteRT (``.tflite``) export on the TensorFlow backend, through TensorFlow's own converter.

The contract is ``cornu/export/litert.py``'s:
``export_litert(model, specs, call, **kwargs) -> (content, exported_shapes)``.

The inference pass is traced once as a ``tf.function`` on ``tf.TensorSpec`` inputs named after the
specs (every ``None`` axis stays ``None``), and ``tf.lite.TFLiteConverter.from_concrete_functions``
turns it into a flatbuffer with one signature, ``serving_default``, whose outputs are
``output_0``, ``output_1``, ... The model's variables are frozen into the file. Every ``None`` axis
stays dynamic where the converter can keep it so; recurrent layers become LiteRT ``WHILE`` loops.
A conversion that fails for a reason other than a missing kernel is tried again: with recurrent
layers unrolled (the converter needs static element shapes for a loop's tensor lists, which GRU
and SimpleRNN over a dynamic batch do not give), then with batch size 1 (the front warns).

Only LiteRT's built-in ops are allowed by default, so the file runs in the plain ``ai-edge-litert``
runtime. Keras's converter settings pass through as keyword arguments (attributes of the
converter, e.g. ``optimizations=[tf.lite.Optimize.DEFAULT]``; ``target_spec={"supported_ops":
[...]}`` to allow TensorFlow ("Flex") ops, which need a runtime built with them). An op LiteRT has
no kernel for is a ``ValueError`` naming the layer (each layer is traced inside a ``tf.name_scope``
named after it) and the op.

Example:
>>> content, shapes = export_litert(model, [InputSpec(shape=(None, 3), dtype="float32", name="x")],
...                                 lambda x: (model(x, training=False),))
"""

import contextlib
import re

import tensorflow as tf

from cornu.backend.common.recurrent_unroll import recurrent_layers, unrolled_recurrences
from cornu.backend.common.scoped_layer_calls import scoped_layer_calls
from cornu.backend.tensorflow.core import to_tf_dtype
from cornu.backend.tensorflow.saved_model_export import held_variable

_NEEDS_FLEX = re.compile(r"'tf\.(\w+)' op is neither a custom op nor a flex op")
_SELECT_OPS = re.compile(r"TF Select ops: ([\w, ]+)")
_SCOPE_CHARACTERS = re.compile(r"[^A-Za-z0-9_.\-]")


def export_litert(model, specs, call, **kwargs):
    """Converts ``call(*tensors) -> tuple`` on inputs shaped as ``specs`` to LiteRT flatbuffer bytes.

    Args:
        model: the cornu layer or model owning the variables ``call`` reads.
        specs: a flat list of input specs (``.shape`` with ``None`` for dynamic axes, ``.dtype``,
            ``.name``).
        call: the inference computation, one positional tensor per spec, returning a tuple.
        **kwargs: settings of ``tf.lite.TFLiteConverter`` (its attribute names, as in Keras;
            ``target_spec`` as a dict of ``TargetSpec`` attributes).

    Returns:
        ``(content, shapes)``: the ``.tflite`` bytes and the input shapes as exported (every
        ``None`` axis stays dynamic).

    Example:
    >>> content, shapes = export_litert(model, specs, call)
    """
    _check_settings(kwargs)
    dynamic = [tuple(spec.shape) for spec in specs]
    attempts = [(dynamic, False)]
    if recurrent_layers(model):
        attempts.append((dynamic, True))  # a recurrent layer over a known number of steps, unrolled
    if any(shape and shape[0] is None for shape in dynamic):
        attempts.append(([((1,) + shape[1:]) if shape and shape[0] is None else shape for shape in dynamic], False))
    first_error = None
    for shapes, unroll in attempts:
        try:
            return _convert_once(model, specs, shapes, call, kwargs, unroll), shapes
        except _Unconvertible as error:
            first_error = first_error or error.reason
            if not error.may_retry:
                break
    raise first_error


class _Unconvertible(Exception):
    """One conversion attempt failed: ``reason`` is the error to show; ``may_retry`` is False for
    an op LiteRT lacks whatever the shapes (another attempt would fail the same way)."""

    def __init__(self, reason, may_retry):
        super().__init__(str(reason))
        self.reason = reason
        self.may_retry = may_retry


def _convert_once(model, specs, shapes, call, settings, unroll):
    signature = [tf.TensorSpec(shape=shape, dtype=to_tf_dtype(spec.dtype), name=spec.name)
                 for spec, shape in zip(specs, shapes)]

    def serving_default(*tensors):
        return tuple(call(*tensors))

    with layer_scopes(model) as scopes, (unrolled_recurrences(model) if unroll else contextlib.nullcontext()):
        function = tf.function(serving_default, input_signature=signature, autograph=False)
        try:
            concrete = function.get_concrete_function()
        except Exception as error:  # noqa: BLE001 - re-raised naming the layer
            reason = ValueError(
                f"The model failed while being traced for LiteRT export (input shapes {shapes}). If a layer needs a "
                f"fixed size on an axis, give it in `input_signature`. Received: "
                f"{type(error).__name__}: {_first_lines(str(error))}"
            )
            reason.__cause__ = error
            raise _Unconvertible(reason, may_retry=True) from error
    owner = tf.__internal__.tracking.AutoTrackable()
    owner.variables = [held_variable(v) for v in getattr(model, "variables", ())]
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], owner)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    _apply_settings(converter, settings)
    try:
        with _quiet_converter():
            return bytes(converter.convert())
    except Exception as error:  # noqa: BLE001 - re-raised naming the layer and the op
        reason, missing_kernel = _conversion_error(error, concrete, scopes, model)
        reason.__cause__ = error
        raise _Unconvertible(reason, may_retry=not missing_kernel) from error


def _check_settings(settings):
    _apply_settings(tf.lite.TFLiteConverter([], None), settings)


def _apply_settings(converter, settings):
    unknown = []
    for key, value in settings.items():
        if key == "target_spec" and isinstance(value, dict):
            for name, setting in value.items():
                if not hasattr(converter.target_spec, name):
                    unknown.append(f"target_spec.{name}")
                else:
                    setattr(converter.target_spec, name, setting)
        elif key.startswith("_") or not hasattr(converter, key) or callable(getattr(converter, key)):
            unknown.append(key)
        else:
            setattr(converter, key, value)
    if unknown:
        raise ValueError(
            f"Unrecognized arguments for LiteRT export on the TensorFlow backend: {sorted(unknown)}. It takes the "
            "settings of `tf.lite.TFLiteConverter` (e.g. `optimizations`, `representative_dataset`, "
            f"`target_spec={{'supported_ops': [...]}}`). Received: kwargs={sorted(settings)}"
        )


def layer_scopes(model):
    """Runs every layer of ``model`` (the model too) inside a ``tf.name_scope`` named after it while
    the block runs, so each traced op's name carries the layers it came from; yields
    ``{scope name: layer}``. The layers' own ``call`` is back on exit."""

    def clean(name):
        return _SCOPE_CHARACTERS.sub("_", name).lstrip("_-")

    return scoped_layer_calls(model, _scoped, {}, clean)


def _scoped(call, scope, layer):
    def scoped_call(*args, **kwargs):
        with tf.name_scope(scope):
            return call(*args, **kwargs)

    scoped_call.__wrapped__ = call
    return scoped_call


def _conversion_error(error, concrete, scopes, model):
    text = str(error)
    ops = _NEEDS_FLEX.findall(text)
    select = _SELECT_OPS.search(text)
    if select:
        ops += [op.strip() for op in select.group(1).split(",") if op.strip()]
    if not ops:
        return ValueError(f"TensorFlow's LiteRT converter could not convert the model: {_first_lines(text)}"), False
    op = ops[0]
    layer = _layer_running(op, concrete, scopes)
    who = (f"Layer '{layer.name}' ({type(layer).__name__})" if layer is not None
           else f"A layer of the model '{getattr(model, 'name', model)}'")
    details = re.search(rf"^\s*(tf\.{re.escape(op)}\([^\n]*)", text, re.M)
    return ValueError(
        f"{who} uses the TensorFlow op `{op}`, which LiteRT has no built-in kernel for (for these dtypes), so it "
        "cannot be exported to LiteRT. Replace the layer, or allow TensorFlow ops with `target_spec={'supported_ops': "
        "[tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]}` (the file then needs a LiteRT runtime "
        f"built with them). Received: op={details.group(1).strip() if details else op}"
    ), True


def _layer_running(op_type, concrete, scopes):
    """The innermost layer whose scope holds an op of ``op_type`` in the traced graph."""
    for op in _graph_operations(concrete.graph):
        if op.type != op_type:
            continue
        parts = op.name.split("/")[:-1]
        for part in reversed(parts):
            if part in scopes:
                return scopes[part]
            unnumbered = re.sub(r"_\d+$", "", part)  # tf.name_scope numbers a scope entered again
            if unnumbered in scopes:
                return scopes[unnumbered]
    return None


def _graph_operations(graph):
    yield from graph.get_operations()
    for function in getattr(graph, "_functions", {}).values():
        inner = getattr(function, "graph", None)
        if inner is not None:
            yield from _graph_operations(inner)


@contextlib.contextmanager
def _quiet_converter():
    # The converter logs each pass through absl; only its error matters here.
    import logging

    logger = logging.getLogger("absl")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _first_lines(text, count=6):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:count])[:1500]
