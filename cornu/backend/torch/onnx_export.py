"""ONNX export on the torch backend: ``torch.onnx.export(dynamo=True)`` (``torch.export``, then onnxscript).

The contract is ``cornu/export/onnx.py``'s: ``export_onnx(model, specs, call, opset_version)``
returns an ``onnx.ModelProto`` whose inputs follow ``specs`` and whose outputs follow ``call``'s.

The model is wrapped in a small ``nn.Module`` whose ``forward`` runs ``call`` (inference only), so
its parameters become the file's initializers. ``torch.export`` runs cornu's Python as it is (no
TorchDynamo graph breaks to worry about) and records one ATen graph in which every ``None`` axis
is a symbol (``Dim.DYNAMIC``: an axis the model forces to one size is an error, not a silently
fixed shape). ``torch.onnx`` then translates each ATen op; an op with no translation is reported
with the cornu layer that called it.

Example:
>>> proto = export_onnx(model, [InputSpec(shape=(None, 3), dtype="float32", name="x")],
...                     lambda x: (model(x, training=False),), 20)
"""

import contextlib
import logging
import re
import warnings

import torch

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.torch.export_diagnosis import describe, eval_mode, layers_calling

# Example sizes for tracing: not 0 or 1 (torch.export would fix such a size); the other dynamic
# axes of one input differ from each other (7 + axis), and the same axis of two inputs agrees, as
# inputs that must match (a sequence and its mask) need.
_EXAMPLE_BATCH = 2
_EXAMPLE_OTHER = 7


class _InferenceCall(torch.nn.Module):
    """``forward(*tensors)`` runs ``call``; owns ``model`` so its parameters are the graph's."""

    def __init__(self, model, call):
        super().__init__()
        # ExportArchive passes its tracked layers as a list.
        self.model = torch.nn.ModuleList(model) if isinstance(model, (list, tuple)) else model
        self._call = call

    def forward(self, *tensors):
        return tuple(self._call(*tensors))


def export_onnx(model, specs, call, opset_version):
    """The ``onnx.ModelProto`` of ``call`` on inputs shaped as ``specs`` (see the module docstring)."""
    module = _InferenceCall(model, call)
    examples = tuple(_example(spec, index) for index, spec in enumerate(specs))
    dynamic = tuple({axis: torch.export.Dim.DYNAMIC for axis, size in enumerate(spec.shape) if size is None}
                    or None for spec in specs)
    with _quiet(), eval_mode(module), _fresh_rnn_dispatch(), torch.no_grad():
        try:
            # torch.onnx runs torch.export itself: it swaps in loop-based LSTM/GRU decompositions
            # so that a dynamic time axis stays dynamic.
            onnx_program = torch.onnx.export(module, examples, dynamic_shapes=(dynamic,), dynamo=True,
                                             opset_version=opset_version, verbose=False, optimize=True,
                                             report=False)
        except Exception as error:  # torch raises several kinds: report them in one way
            if _is_capture_error(error):
                raise _trace_failure(_root_cause(error), specs) from error
            raise _translation_failure(error, module, examples) from error
    return onnx_program.model_proto


def _example(spec, index):
    shape = [(_EXAMPLE_BATCH if axis == 0 else _EXAMPLE_OTHER + axis) if size is None else size
             for axis, size in enumerate(spec.shape)]
    dtype = getattr(torch, standardize_dtype(spec.dtype))
    if dtype.is_floating_point or dtype.is_complex:
        generator = torch.Generator().manual_seed(index)
        return torch.rand(shape, generator=generator).to(dtype)
    return torch.zeros(shape, dtype=dtype)  # valid indices for Embedding and lookups


@contextlib.contextmanager
def _fresh_rnn_dispatch():
    """torch.onnx swaps in loop-based LSTM/GRU kernels for the export, but ATen keeps a dispatch cache
    per op that outlives the swap: without clearing it, every export after the first in a process
    gets the unrolled kernel, which fixes the time axis."""
    ops = [torch.ops.aten.lstm.input, torch.ops.aten.gru.input]

    def clear():
        for op in ops:
            getattr(op, "_dispatch_cache", {}).clear()

    clear()
    try:
        yield
    finally:
        clear()


@contextlib.contextmanager
def _quiet():
    # torch.onnx logs a line per optional torchvision op it cannot register and warns about
    # constants; none of it is the user's business.
    loggers = [logging.getLogger(name) for name in ("torch.onnx", "torch.export", "torch._export",
                                                     "torch.fx.experimental.symbolic_shapes")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _is_capture_error(error):
    from torch.onnx._internal.exporter._errors import TorchExportError

    return isinstance(error, TorchExportError)


def _root_cause(error):
    while error.__cause__ is not None:
        error = error.__cause__
    return error


def _trace_failure(error, specs):
    text = str(error)
    if any(key in text for key in ("specialized", "Constraints violated", "inferred a static shape")):
        shapes = {spec.name: spec.shape for spec in specs}
        where = re.search(r"\['tensors'\]\[(\d+)\](?:\.size\(\)|\.shape)\[(\d+)\]", text)
        axis = (f"axis {where.group(2)} of input '{specs[int(where.group(1))].name}'" if where
                else "a dynamic (None) axis of the input signature")
        return ValueError(
            f"The export cannot keep {axis} dynamic: the model needs one fixed size there (e.g. a Reshape or "
            "Flatten to a fixed size, or a recurrent layer that runs step by step such as SimpleRNN, a masked "
            "LSTM/GRU or `unroll=True`). Give that axis its size in `input_signature`. "
            f"Received: shapes={shapes}"
        )
    return ValueError(f"The model could not be traced for ONNX export: {type(error).__name__}: {_first_lines(text)}")


def _translation_failure(error, module, examples):
    causes = list(_causes(error))
    text = "\n".join(str(e) for e in causes)
    found = re.search(r"No ONNX function found for <OpOverload\(op='([^']+)', overload='([^']+)'\)>", text)
    if found:
        op = f"{found.group(1)}.{found.group(2)}"
        node = _failing_node(causes)
        torch_fn = node.meta.get("torch_fn") if node is not None else None
        function = torch_fn[1].rpartition(".")[2] if torch_fn else None
        layers = layers_calling(module.model, lambda: module(*examples), op, function)
        called = f" (called as `{function}`)" if function and function not in op else ""
        return ValueError(
            f"{describe(layers) or 'A layer of the model'} uses the torch op `{op}`{called}, which has "
            "no ONNX translation in torch.onnx (onnxscript). Replace that layer, or export from the JAX "
            f"backend. Received: op={op}"
        )
    summary = text.split("## Exception summary", 1)[-1]
    return ValueError(f"torch.onnx could not translate the model: {_first_lines(_plain(summary))}")


def _causes(error):
    while error is not None:
        yield error
        error = error.__cause__


def _failing_node(causes):
    """The graph node torch.onnx was translating when it failed (a local of its translation loop)."""
    node = None
    for error in causes:
        frame = error.__traceback__
        while frame is not None:
            candidate = frame.tb_frame.f_locals.get("node")
            if isinstance(candidate, torch.fx.Node):
                node = candidate
            frame = frame.tb_next
    return node


def _first_lines(text, count=6):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:count])[:1500]


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
