"""LiteRT (``.tflite``) export on the JAX backend: ``jax.export`` to StableHLO, then LiteRT's converter.

No TensorFlow: the model's inference pass is traced with ``jax.export`` (every ``None`` axis a
symbolic dimension), and the StableHLO module goes through the MLIR converter of the
``litert-converter`` package (the one ``litert-torch`` uses) straight to a flatbuffer.

The contract is ``cornu/export/litert.py``'s:
``export_litert(model, specs, call, **kwargs) -> (content, exported_shapes)``.

Dynamic batch: kept, except where an op only converts with a fixed batch (jnp's basic slicing
``x[:, :3]`` of a symbolic batch becomes a ``dynamic_gather`` LiteRT lacks; GRU cells do this):
then the conversion runs again with batch 1 and the front warns.

Loops: the converter writes no ``WHILE`` from StableHLO, so recurrent layers with a known number
of time steps are traced unrolled (``unroll=True`` for the duration of the trace; the numbers are
those of the scan, to float rounding). A loop that remains (an RNN over ``None`` time steps, a
``fori_loop`` in a custom layer) is an error naming the layer. So is any op the converter leaves
without a LiteRT kernel.

Example:
>>> content, shapes = export_litert(model, [InputSpec(shape=(None, 3), dtype="float32", name="x")],
...                                 lambda x: (model(x, training=False),))
"""

import contextlib
import re

from cornu.backend.common.recurrent_unroll import recurrent_layers, unrolled_recurrences
from cornu.backend.common.scopes import StatelessScope
from cornu.backend.jax.layer_scopes import layer_at, layer_from_trace, layer_scopes

_INSTALL = "pip install litert-converter ai-edge-litert"
_SIGNATURE = "serving_default"
# Ops that may stay in a converted module besides LiteRT's own (``tfl.*``).
_STRUCTURAL = ("func.", "builtin.", "arith.constant", "tfl.")


def export_litert(model, specs, call, **kwargs):
    """Converts ``call(*tensors) -> tuple`` on inputs shaped as ``specs`` to LiteRT flatbuffer bytes.

    Args:
        model: the cornu layer or model owning the variables ``call`` reads.
        specs: a flat list of input specs (``.shape`` with ``None`` for dynamic axes, ``.dtype``,
            ``.name``).
        call: the inference computation, one positional tensor per spec, returning a tuple.
        **kwargs: none are accepted on JAX (an error lists them).

    Returns:
        ``(content, shapes)``: the ``.tflite`` bytes and the input shapes as exported (``None``
        for an axis that stays dynamic). Every ``None`` axis stays dynamic unless the model only
        converts with a fixed batch: then the batch axis is 1.

    Example:
    >>> content, shapes = export_litert(model, specs, call)
    """
    if kwargs:
        raise ValueError(
            f"Unrecognized arguments for LiteRT export on the JAX backend: {sorted(kwargs)}. It takes none "
            f"(quantization options exist on the torch backend, through litert-torch). Received: kwargs={kwargs}"
        )
    converter = _load_converter()
    for spec in specs:
        if str(spec.dtype) in ("string", "float64", "int64", "uint64"):
            raise ValueError(
                f"Input '{spec.name}' has dtype {spec.dtype}, which LiteRT export does not take from JAX. Give it a "
                f"32-bit dtype in `input_signature` (e.g. float32 or int32). Received: dtype={spec.dtype}"
            )
    attempts = [[tuple(spec.shape) for spec in specs]]
    if any(spec.shape and spec.shape[0] is None for spec in specs):
        # Some jnp ops lower to ops LiteRT lacks only when the batch is symbolic (``x[:, :3]``
        # becomes a dynamic gather): then the file gets a fixed batch (the front warns).
        attempts.append([((1,) + tuple(spec.shape[1:])) if spec.shape and spec.shape[0] is None else tuple(spec.shape)
                         for spec in specs])
    for index, shapes in enumerate(attempts):
        try:
            return _export_once(converter, model, specs, shapes, call), shapes
        except ValueError:
            if index + 1 == len(attempts):
                raise
    raise AssertionError("unreachable")


def _export_once(converter, model, specs, shapes, call):
    try:
        with layer_scopes(model) as scopes:
            text = _stablehlo(model, specs, shapes, call, scopes, unroll=True)
    except ValueError:
        if not recurrent_layers(model):
            raise
        # A recurrent layer over an unknown (symbolic) number of steps cannot unroll: traced as
        # a loop instead, which ``_check_supported`` then reports with the layer's name.
        with layer_scopes(model) as scopes:
            text = _stablehlo(model, specs, shapes, call, scopes, unroll=False)
    return _convert(converter, text, specs, scopes, model)


def _load_converter():
    try:
        from litert_converter.mlir import ir, passmanager
        from litert_converter.mlir._mlir_libs import converter_api_ext
    except ImportError as error:
        raise ImportError(
            f"LiteRT export on the JAX backend needs the LiteRT converter. Install it with `{_INSTALL}`. "
            f"Received: {type(error).__name__}: {error}"
        ) from error
    return ir, passmanager, converter_api_ext


def _stablehlo(model, specs, shapes, call, scopes, unroll):
    """The StableHLO text of the traced inference pass, every ``None`` axis symbolic."""
    import jax
    from jax import export

    variables = list(getattr(model, "variables", ()) or ())

    def pure_call(*tensors):
        # Variables read as constants of the trace; a write is recorded, never applied.
        with StatelessScope(state_mapping=[(v, v.value) for v in variables]):
            return tuple(call(*tensors))

    pure_call.__name__ = "serving_default"  # the prefix of the file's tensor names
    symbolic = _symbolic_shapes(specs, shapes)
    inputs = [jax.ShapeDtypeStruct(shape, str(spec.dtype)) for shape, spec in zip(symbolic, specs)]
    with unrolled_recurrences(model) if unroll else contextlib.nullcontext():
        try:
            exported = export.export(jax.jit(pure_call))(*inputs)
        except Exception as error:  # noqa: BLE001 - re-raised with the layer named
            layer = layer_from_trace(error, scopes)
            where = f"{_describe(layer)} failed" if layer is not None else "The model failed"
            raise ValueError(
                f"{where} while being traced for LiteRT export (every None axis of the input signature is symbolic). "
                "If a layer needs a fixed size on an axis, give that size in `input_signature`. "
                f"Received: {type(error).__name__}: {_first_lines(str(error))}"
            ) from error
    return exported.mlir_module()


def _symbolic_shapes(specs, shapes):
    """Each spec's shape for ``jax.export``: "batch" for every ``None`` batch axis (one symbol shared
    by all inputs), ``<input>_dim<axis>`` for another ``None`` axis."""
    from jax import export

    scope = export.SymbolicScope()
    symbolic = []
    for index, (spec, shape) in enumerate(zip(specs, shapes)):
        name = re.sub(r"\W", "_", spec.name or f"input_{index}")
        name = name if name[:1].isalpha() else f"x_{name}"
        parts = [str(int(size)) if size is not None else ("batch" if axis == 0 else f"{name}_dim{axis}")
                 for axis, size in enumerate(shape)]
        symbolic.append(export.symbolic_shape(", ".join(parts), scope=scope) if parts else ())
    return symbolic


def _convert(converter, text, specs, scopes, model):
    ir, passmanager, api = converter
    context = ir.Context()
    api.prepare_mlir_context(context)
    with context:
        module = ir.Module.parse(text)
        count = _output_count(module)
        outputs = ["output_0"] if count == 1 else [f"output_{i}" for i in range(count)]
        api.set_signature(module.operation, signature_name=_SIGNATURE, input_names=[s.name for s in specs],
                          output_names=outputs)
        config = api.ConvertToTFLConfig()
        config.model_origin_framework = "JAX"
        try:
            api.run_convert_to_tfl_passes(module, passmanager.PassManager(), config)
        except Exception as error:  # noqa: BLE001
            raise ValueError(f"The LiteRT converter could not convert the model: {_first_lines(str(error))}") from error
        _check_supported(module, scopes, model)
        try:
            return bytes(api.export_flatbuffer_to_bytes(module.operation))
        except Exception as error:  # noqa: BLE001
            raise ValueError(
                "The LiteRT converter could not write the converted model as a flatbuffer. "
                f"Received: {type(error).__name__}: {_first_lines(str(error))}"
            ) from error


def _output_count(module):
    for op in module.body.operations:
        if op.operation.name == "func.func" and str(op.attributes["sym_name"]).strip('"') == "main":
            return len(op.type.results)
    raise ValueError("The traced module has no `main` function.")


def _check_supported(module, scopes, model):
    """Raises naming the layer and op for the first op LiteRT cannot write (a loop, a leftover op)."""
    for op in _walk(module.operation):
        name = op.name
        if name == "tfl.while" or not name.startswith(_STRUCTURAL):
            layer = layer_at(op.location, scopes)
            who = _describe(layer) if layer is not None else f"A layer of the model '{getattr(model, 'name', model)}'"
            if name == "tfl.while":
                raise ValueError(
                    f"{who} runs a loop, which LiteRT export from JAX cannot write (the converter emits no WHILE "
                    "from StableHLO). Recurrent layers are unrolled when their number of time steps is known: give "
                    "the time axis a size in `input_signature` (or `keras.Input(shape=(timesteps, features))`), or "
                    f"export from the torch backend. Received: op={name}"
                )
            raise ValueError(
                f"{who} uses an operation that LiteRT has no kernel for, so it cannot be exported to LiteRT. Replace "
                f"the layer or compute that part outside the model. Received: op={name}"
            )


def _walk(operation):
    for region in operation.regions:
        for block in region.blocks:
            for op in block.operations:
                yield op.operation
                yield from _walk(op.operation)


def _describe(layer):
    return f"Layer '{getattr(layer, 'name', layer)}' ({type(layer).__name__})"


def _first_lines(text, count=6):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:count])[:1500]
