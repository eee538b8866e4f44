"""What the torch exporters (ONNX, LiteRT) share: running a module in inference mode, and
finding which cornu layers call an ATen op that an exporter could not translate, to name
them in the error.

``layers_calling`` runs the model once eagerly with a ``TorchDispatchMode`` that records,
for every ATen op, the innermost cornu layer whose ``call`` was running. It runs only after
an export already failed, to word the error.

Example:
>>> layers_calling(model, lambda: module(x), "aten.cumprod.default")
[<Lambda name=running_product>]
"""

import contextlib

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from cornu.backend.common.scoped_layer_calls import model_layers, wrapped_layer_calls


@contextlib.contextmanager
def eval_mode(module):
    """``module`` and its sub-modules in eval mode while the block runs, as they were after."""
    modes = {m: m.training for m in module.modules()}
    module.eval()
    try:
        yield
    finally:
        for m, training in modes.items():
            m.training = training


def layers_calling(model, run, *ops):
    """The innermost layers of ``model`` (no repeats, in call order) that call one of the ATen
    ``ops`` (``aten.name.overload``, ``aten.name`` or ``name``; an op a tracer decomposed may run
    eagerly under another name) while ``run()`` runs; empty when none could be found."""
    bases = {_base_name(op) for op in ops if op}
    stack, found = [], []
    try:
        with _layer_stack(model, stack), _Recorder(bases, stack, found), torch.no_grad():
            run()
    except Exception:  # noqa: BLE001 - a diagnosis only: an eager failure leaves it without a name
        pass
    return list(dict.fromkeys(found))


def describe(layers):
    """``"Layer 'a' (Dense), 'b' (Lambda)"`` for an error message, or None for no layer."""
    if not layers:
        return None
    return "Layer " + ", ".join(f"'{getattr(layer, 'name', layer)}' ({type(layer).__name__})" for layer in layers)


def _base_name(op):
    parts = op.split(".")
    return parts[1] if parts[0] == "aten" and len(parts) > 1 else parts[0]


class _Recorder(TorchDispatchMode):
    def __init__(self, bases, stack, found):
        super().__init__()
        self._bases, self._stack, self._found = bases, stack, found

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if self._stack and func.__name__.split(".")[0] in self._bases:
            self._found.append(self._stack[-1])
        return func(*args, **(kwargs or {}))


def _all_layers(model):
    """Every cornu layer of ``model``, or of each model of a list (an ExportArchive's)."""
    if isinstance(model, (list, tuple, torch.nn.ModuleList)):
        return list(dict.fromkeys(layer for part in model for layer in _all_layers(part)))
    return model_layers(model)


def _layer_stack(model, stack):
    return wrapped_layer_calls(_all_layers(model), lambda call, layer, index: _tracked(call, layer, stack))


def _tracked(call, layer, stack):
    def tracked_call(*args, **kwargs):
        stack.append(layer)
        try:
            return call(*args, **kwargs)
        finally:
            stack.pop()

    return tracked_call
