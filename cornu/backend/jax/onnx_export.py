"""ONNX export on the JAX backend, through ``jax2onnx`` (the backend half of ``cornu.export.onnx``).

The model's inference call is traced as a pure JAX function of its inputs: every variable is read
as its current value, so the trained weights become ONNX initializers, and any ``assign`` a layer
makes while tracing is recorded in a ``StatelessScope`` and dropped (the model is left as it was).
Each ``None`` axis of an input becomes a JAX symbolic dimension, which jax2onnx writes as an ONNX
``dim_param``: the batch axis is one symbol ``batch`` shared by all inputs (a model that
concatenates or adds two inputs needs the same batch), every other ``None`` axis gets its own
symbol; if the model needs two of those to be equal (e.g. two sequence inputs added together), the
export retries with one symbol per axis position.

Where jax2onnx has no mapping for a JAX primitive, or cannot lower one, the error names the cornu
layer that produced it (each layer's ``call`` runs inside a ``jax.named_scope`` while tracing, see
``layer_scopes.py``) and the primitive: no file is written.

Example:
>>> proto = export_onnx(model, [InputSpec(shape=(None, 8), dtype="float32", name="x")],
...                     lambda x: (model(x, training=False),), opset_version=20)
"""

import re

from cornu.backend.common.scopes import StatelessScope
from cornu.backend.jax.layer_scopes import failing_operation, layer_scopes
from cornu.backend.jax.onnx_plugins import load_jax2onnx, version

_ONNX_DTYPES = ("float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8",
                "uint16", "uint32", "uint64", "bool")


def export_onnx(model, specs, call, opset_version):
    """Traces ``call(*tensors) -> tuple`` on inputs shaped as ``specs`` into an ``onnx.ModelProto``.

    Args:
        model: the cornu layer or model owning the variables ``call`` reads.
        specs: a flat list of input specs (``.shape`` with ``None`` for dynamic axes, ``.dtype``,
            ``.name``).
        call: the inference computation, one positional tensor per spec, returning a tuple.
        opset_version: the ONNX opset to write.

    Returns:
        An ``onnx.ModelProto`` with one graph input per spec, in order, and one output per
        returned tensor.

    Example:
    >>> export_onnx(model, specs, lambda x: (model(x, training=False),), 20).graph.input[0].name
    'x'
    """
    to_onnx = load_jax2onnx()
    for spec in specs:
        _check_dtype(spec)
    attempts = [_symbolic_shapes(specs, share_axes=False)]
    if _has_inner_dynamic_axes(specs):
        attempts.append(_symbolic_shapes(specs, share_axes=True))
    for index, shapes in enumerate(attempts):
        try:
            return _convert(to_onnx, model, specs, call, shapes, opset_version)
        except _RetryWithSharedAxes as retry:
            if index + 1 == len(attempts):
                raise retry.error from retry.__cause__
    raise AssertionError("unreachable")


class _RetryWithSharedAxes(Exception):
    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


def _convert(to_onnx, model, specs, call, shapes, opset_version):
    import jax

    variables = list(getattr(model, "variables", ()) or ())

    def pure_call(*tensors):
        # Reads see each variable's current value (a constant of the trace); writes are recorded, not applied.
        with StatelessScope(state_mapping=[(v, v.value) for v in variables]):
            outputs = call(*tensors)
        return tuple(outputs)

    # jax2onnx reads a string axis of a ShapeDtypeStruct as a symbolic dimension of that name.
    inputs = [jax.ShapeDtypeStruct(shape, spec.dtype) for shape, spec in zip(shapes, specs)]
    with layer_scopes(model) as scopes:
        try:
            proto = to_onnx(
                pure_call,
                inputs,
                model_name=_model_name(model),
                opset=opset_version,
                input_names=[spec.name or f"input_{i}" for i, spec in enumerate(specs)],
            )
        except Exception as error:  # noqa: BLE001 - every failure is re-raised with the layer named
            raise _export_error(error, model, scopes, shapes) from error
    _drop_unused_gemm_bias(proto)
    return proto


def _drop_unused_gemm_bias(proto):
    """Removes the zero bias jax2onnx gives a ``Gemm`` with ``beta=0``: in float16 graphs it is
    written as float32, which onnxruntime rejects. ``C`` is optional in ``Gemm``."""
    dropped = set()
    for node in proto.graph.node:
        if node.op_type != "Gemm" or len(node.input) != 3:
            continue
        beta = next((a.f for a in node.attribute if a.name == "beta"), 1.0)
        if beta == 0.0:
            dropped.add(node.input[2])
            del node.input[2]
    if dropped:
        unused = dropped - _names_used(proto.graph)
        kept = [i for i in proto.graph.initializer if i.name not in unused]
        del proto.graph.initializer[:]
        proto.graph.initializer.extend(kept)


def _names_used(graph):
    used = {o.name for o in graph.output}
    for node in graph.node:
        used.update(node.input)
        for attribute in node.attribute:
            for subgraph in list(attribute.g.node and [attribute.g] or []) + list(attribute.graphs):
                used |= _names_used(subgraph)
    return used


def _symbolic_shapes(specs, share_axes):
    """Each spec's shape with a symbol name for every ``None`` axis."""
    shapes = []
    for index, spec in enumerate(specs):
        name = _symbol_safe(spec.name or f"input_{index}")
        shape = []
        for axis, size in enumerate(spec.shape):
            if size is not None:
                shape.append(int(size))
            elif axis == 0:
                shape.append("batch")
            else:
                shape.append(f"dim{axis}" if share_axes else f"{name}_dim{axis}")
        shapes.append(tuple(shape))
    return shapes


def _has_inner_dynamic_axes(specs):
    return len(specs) > 1 and sum(any(d is None for d in spec.shape[1:]) for spec in specs) > 1


def _symbol_safe(name):
    safe = re.sub(r"\W", "_", name)
    return safe if safe[:1].isalpha() else f"x_{safe}"


def _check_dtype(spec):
    if str(spec.dtype) not in _ONNX_DTYPES:
        raise ValueError(
            f"Input '{spec.name}' has dtype {spec.dtype}, which an ONNX graph input cannot take here. Give it one of "
            f"{list(_ONNX_DTYPES)} in `input_signature` (strings go through a preprocessing step outside the model). "
            f"Received: dtype={spec.dtype}"
        )


def _model_name(model):
    return _symbol_safe(str(getattr(model, "name", None) or "cornu_model"))


_SYMBOLIC_TROUBLE = ("symbolic", "inconclusive", "dimension variable", "incompatible shapes", "shapes must",
                     "cannot broadcast", "shape mismatch")


def _export_error(error, model, scopes, shapes):
    if isinstance(error, ValueError) and str(error).startswith("Cannot export"):
        return error  # already ours (a nested export)
    layer, primitive = failing_operation(error, scopes)
    if layer is None:
        layer = scopes.failed_layer
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if primitive is None and any(s in str(error).lower() for s in _SYMBOLIC_TROUBLE):
        retry = _RetryWithSharedAxes(_dynamic_shape_error(model, layer, shapes, message))
        return retry
    where = _describe(layer) if layer is not None and layer is not model else "one of its operations"
    model_name = getattr(model, "name", "model")
    if primitive is not None and "no plugins registered" in str(error).lower():
        return ValueError(
            f"Cannot export model '{model_name}' to ONNX from the JAX backend: {where} uses the JAX operation "
            f"'{primitive}', which has no ONNX mapping in jax2onnx {version()}. Replace that layer, or export from "
            f"the torch backend (CORNU_BACKEND=torch). Received: layer={_layer_name(layer)}, op={primitive}"
        )
    op = f" while lowering the JAX operation '{primitive}'" if primitive else ""
    return ValueError(
        f"Cannot export model '{model_name}' to ONNX from the JAX backend: {where} failed{op} "
        f"({type(error).__name__}: {message}). No file was written. Replace that layer, give fixed sizes in "
        f"`input_signature`, or export from the torch backend (CORNU_BACKEND=torch). "
        f"Received: layer={_layer_name(layer)}, op={primitive}"
    )


def _dynamic_shape_error(model, layer, shapes, message):
    where = _describe(layer) if layer is not None and layer is not model else "the model"
    return ValueError(
        f"Cannot export model '{getattr(model, 'name', 'model')}' to ONNX with dynamic axes: {where} needs a fixed "
        f"size where the input signature has None ({message}). Give those axes a size in `input_signature`. "
        f"Received: layer={_layer_name(layer)}, symbolic input shapes={shapes}"
    )


def _describe(layer):
    return f"layer '{layer.name}' ({type(layer).__name__})"


def _layer_name(layer):
    return None if layer is None else f"{layer.name} ({type(layer).__name__})"
