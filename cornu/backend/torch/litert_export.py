"""LiteRT (``.tflite``) export on the torch backend, through ``litert-torch``.

The contract is ``cornu/export/litert.py``'s:
``export_litert(model, specs, call, **kwargs) -> (content, exported_shapes)``.

The model is wrapped in a small ``nn.Module`` whose ``forward`` runs ``call`` (inference only);
``litert_torch.convert`` runs ``torch.export`` (non-strict, so cornu's Python runs as it is) and
lowers the ATen graph to a LiteRT flatbuffer.

Dynamic axes: the conversion is tried first with every ``None`` axis dynamic. litert-torch 0.10
lowers many ATen ops (``mul``, ``add`` with broadcasting, ``view``...) through JAX, which cannot
take its dynamic sizes with JAX 0.10, so most models fail that way; the conversion then runs
again with every ``None`` axis fixed to 1 (Keras's torch export does the same, always), and the
front warns. Give a batch size in ``input_signature`` to get that size.

Workarounds for litert-torch 0.10, both confined to the conversion: ``mean(x, dim, dtype=d)``
is traced as ``mean(x.to(d), dim)`` (its lowering takes no ``dtype``), and litert-torch, which
imports JAX and switches on ``jax_enable_x64``, has that setting put back afterwards.

Example:
>>> content, shapes = export_litert(model, [InputSpec(shape=(None, 3), dtype="float32", name="x")],
...                                 lambda x: (model(x, training=False),))
"""

import contextlib
import inspect
import io
import logging
import os
import re
import sys
import warnings

import torch
from torch.overrides import TorchFunctionMode

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.torch.export_diagnosis import describe, eval_mode, layers_calling

_INSTALL = "pip install litert-torch ai-edge-litert"
# Example sizes for a dynamic trace: not 0 or 1 (torch.export would fix such a size).
_DYNAMIC_BATCH = 2
_DYNAMIC_OTHER = 7
# litert_torch.convert's own arguments, which the front's and torch.export's decide.
_RESERVED = {"module", "sample_args", "sample_kwargs", "dynamic_shapes"}


class _InferenceCall(torch.nn.Module):
    """``forward(**tensors)`` runs ``call`` on the tensors in ``names`` order (keyword arguments
    give the signature's inputs their names); owns ``model`` so its parameters are the graph's."""

    def __init__(self, model, call, names):
        super().__init__()
        self.model = model
        self._call = call
        self._names = list(names)

    def forward(self, **tensors):
        return tuple(self._call(*[tensors[name] for name in self._names]))


def export_litert(model, specs, call, **kwargs):
    """Converts ``call(*tensors) -> tuple`` on inputs shaped as ``specs`` to LiteRT flatbuffer bytes.

    Args:
        model: the cornu layer or model (an ``nn.Module``) owning the variables ``call`` reads.
        specs: a flat list of input specs (``.shape`` with ``None`` for dynamic axes, ``.dtype``,
            ``.name``).
        call: the inference computation, one positional tensor per spec, returning a tuple.
        **kwargs: arguments of ``litert_torch.convert`` (e.g. ``quant_config``, ``strict_export``).

    Returns:
        ``(content, shapes)``: the ``.tflite`` bytes and the input shapes as exported (``None``
        where an axis stayed dynamic, else its fixed size).

    Example:
    >>> content, shapes = export_litert(model, specs, call)
    """
    litert_torch = _load_litert_torch()
    _check_kwargs(litert_torch, kwargs)
    module = _InferenceCall(model, call, [spec.name for spec in specs])
    dynamic = [tuple(spec.shape) for spec in specs]
    attempts = [dynamic] if any(size is None for shape in dynamic for size in shape) else []
    attempts.append([tuple(1 if size is None else size for size in shape) for shape in dynamic])
    for index, shapes in enumerate(attempts):
        try:
            return _convert(litert_torch, module, specs, shapes, kwargs), shapes
        except Exception as error:  # noqa: BLE001 - the fixed-size attempt reports for both
            if index + 1 < len(attempts):
                continue
            raise _conversion_error(error, module, specs, shapes) from error
    raise AssertionError("unreachable")


def _load_litert_torch():
    with _jax_x64_kept():
        try:
            import litert_torch
        except ImportError as error:
            raise ImportError(
                f"LiteRT export on the torch backend needs litert-torch. Install it with `{_INSTALL}`. "
                f"Received: {type(error).__name__}: {error}"
            ) from error
    return litert_torch


def _check_kwargs(litert_torch, kwargs):
    accepted = set(inspect.signature(litert_torch.convert).parameters) - _RESERVED
    unknown = sorted(set(kwargs) - accepted)
    if unknown:
        raise ValueError(
            f"Unrecognized arguments for LiteRT export on the torch backend: {unknown}. It takes the arguments of "
            f"`litert_torch.convert`: {sorted(accepted)}. Received: kwargs={sorted(kwargs)}"
        )


def _convert(litert_torch, module, specs, shapes, kwargs):
    examples = {spec.name: _example(spec, shape, index) for index, (spec, shape) in enumerate(zip(specs, shapes))}
    dims = {spec.name: {axis: torch.export.Dim.DYNAMIC for axis, size in enumerate(shape) if size is None} or None
            for spec, shape in zip(specs, shapes)}
    dynamic = {"tensors": dims} if any(d is not None for d in dims.values()) else None
    with _quiet(), _jax_x64_kept(), eval_mode(module), torch.no_grad(), _LiteRTFriendlyOps():
        edge_model = litert_torch.convert(module, (), examples, dynamic_shapes=dynamic, **kwargs)
        return bytes(edge_model.model_content())


class _LiteRTFriendlyOps(TorchFunctionMode):
    """Rewrites, while the model is traced, calls that litert-torch 0.10 cannot lower into equal ones
    it can: ``mean(x, dim, dtype=d)`` (its ``aten.mean`` lowering takes no ``dtype``) becomes
    ``mean(x.to(d), dim)``, which is what the ``dtype`` argument means."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func in (torch.mean, torch.Tensor.mean) and kwargs.get("dtype") is not None and args:
            dtype = kwargs.pop("dtype")
            args = (args[0].to(dtype),) + tuple(args[1:])
        return func(*args, **kwargs)


def _example(spec, shape, index):
    sizes = [(_DYNAMIC_BATCH if axis == 0 else _DYNAMIC_OTHER + index) if size is None else size
             for axis, size in enumerate(shape)]
    dtype = getattr(torch, standardize_dtype(spec.dtype))
    if dtype.is_floating_point:
        return torch.rand(sizes, generator=torch.Generator().manual_seed(index)).to(dtype)
    return torch.zeros(sizes, dtype=dtype)  # valid indices for Embedding and lookups


def _conversion_error(error, module, specs, shapes):
    text = str(error)
    missing = re.search(r"Lowering not found: (aten\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)", text)
    executing = re.search(r"While executing %\S+ : .*?target=torch\.ops\.(aten\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)",
                          text)
    found = missing or executing
    if found is None:
        return ValueError(f"litert-torch could not convert the model (input shapes {shapes}): "
                          f"{type(error).__name__}: {_first_lines(text)}")
    op = found.group(1)
    examples = {spec.name: torch.ones([1 if s is None else s for s in shape], dtype=getattr(torch, str(spec.dtype)))
                for spec, shape in zip(specs, shapes)}
    layers = layers_calling(module.model, lambda: module(**examples), op)
    who = describe(layers) or f"A layer of the model '{getattr(module.model, 'name', '')}'"
    why = ("litert-torch has no LiteRT lowering for it" if missing
           else f"litert-torch failed to convert it ({type(error).__name__}: {_first_lines(text, 1)})")
    return ValueError(
        f"{who} uses the torch op `{op}`: {why}. Replace the layer, or export from the JAX backend. "
        f"Received: op={op}"
    )


@contextlib.contextmanager
def _jax_x64_kept():
    jax = sys.modules.get("jax")
    before = jax.config.jax_enable_x64 if jax is not None else None
    try:
        yield
    finally:
        jax = sys.modules.get("jax")
        if jax is not None:
            jax.config.update("jax_enable_x64", bool(before))


@contextlib.contextmanager
def _quiet():
    # litert-torch prints a progress tree and torch.export logs and warns about constants.
    previous = os.environ.get("LITERT_TORCH_SHOW_PROGRESS")
    os.environ["LITERT_TORCH_SHOW_PROGRESS"] = "n"
    loggers = [logging.getLogger(name) for name in ("torch.export", "torch._export", "absl",
                                                     "torch.fx.experimental.symbolic_shapes")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
        if previous is None:
            os.environ.pop("LITERT_TORCH_SHOW_PROGRESS", None)
        else:
            os.environ["LITERT_TORCH_SHOW_PROGRESS"] = previous


def _first_lines(text, count=6):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:count])[:1500]
