"""PyTorch backend core: Variable, tensor conversion, shape inference, control flow."""

import contextlib
import functools
import sys

import ml_dtypes
import numpy as np
import torch

from cornu.backend.common import global_state, load_budget, scopes, symbolic
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.variables import VariableBase
from cornu.backend.torch.dtensor_flag import HAS_DTENSORS

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True

DEFAULT_DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
# True while shape inference runs a function on meta tensors: variables then read as meta too.
_META_RUN = [False]

TORCH_DTYPES = {
    "float16": torch.float16, "float32": torch.float32, "float64": torch.float64,
    "bfloat16": torch.bfloat16, "uint8": torch.uint8, "uint16": torch.uint16,
    "uint32": torch.uint32, "uint64": torch.uint64, "int8": torch.int8,
    "int16": torch.int16, "int32": torch.int32, "int64": torch.int64,
    "bool": torch.bool, "complex64": torch.complex64, "complex128": torch.complex128,
}


_PYTHON_SCALARS = (bool, int, float)


def to_torch_dtype(dtype):
    if isinstance(dtype, torch.dtype):
        return dtype
    return TORCH_DTYPES[standardize_dtype(dtype)]


def without_grad(fn):
    """``torch.no_grad()`` as a decorator that costs nothing when gradients are already off (a
    training step's updates all run inside one ``no_grad`` block)."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        if torch.is_grad_enabled():
            with torch.no_grad():
                return fn(*args, **kwargs)
        return fn(*args, **kwargs)

    return call


# Argument types that are never symbolic, known before any step is compiled: ops check an
# argument's type against this set (cornu/ops/decorator.py), and torch.compile guards on the
# set, so a type first met after a step was compiled would make that step compile again.
LEAF_TYPES = (torch.Tensor, torch.nn.Parameter, torch.dtype, torch.device, np.ndarray)

class Variable(VariableBase):
    def _initialize(self, value):
        value = convert_to_tensor(value, dtype=self._dtype)
        requires_grad = self._trainable and value.is_floating_point()
        value = value.detach().clone()
        if global_state.get_global_attribute("distribution") is not None:
            from cornu.backend.torch import dtensor_layouts  # ModelParallel: a DTensor by the LayoutMap

            value = dtensor_layouts.place_variable(self, value)
            HAS_DTENSORS[0] = HAS_DTENSORS[0] or dtensor_layouts.is_distributed(value)
        self._value = torch.nn.Parameter(value, requires_grad=requires_grad)

    @without_grad
    def _direct_assign(self, value):
        if HAS_DTENSORS[0] and type(self._value).__name__ == "DTensor":
            from cornu.backend.torch import dtensor_layouts

            dtensor_layouts.assign_into(self._value, value)
            return
        self._value.copy_(value)

    def _on_trainable_change(self):
        if self._value is not None and self._value.is_floating_point():
            self._value.requires_grad_(self._trainable)

    def _convert_to_tensor(self, value, dtype=None):
        return convert_to_tensor(value, dtype=dtype)

    @property
    def value(self):
        # The base getter called directly: ``torch.compile`` cannot trace ``super().value``.
        value = _BASE_VALUE(self)
        if _META_RUN[0] and value.device.type != "meta":
            return torch.empty(value.shape, dtype=value.dtype, device="meta")
        return value

    def _placeholder_value(self):
        return torch.zeros(self._shape, dtype=to_torch_dtype(self._dtype), device=DEFAULT_DEVICE)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        args = [a.value if isinstance(a, Variable) else a for a in args]
        kwargs = {k: (v.value if isinstance(v, Variable) else v) for k, v in (kwargs or {}).items()}
        return func(*args, **kwargs)


_BASE_VALUE = VariableBase.value.fget


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if type(x) is torch.Tensor or isinstance(x, torch.Tensor):
        if dtype is None:
            return x
        tdtype = to_torch_dtype(dtype)
        return x if x.dtype == tdtype else x.to(tdtype)
    if isinstance(x, Variable):
        return convert_to_tensor(x.value, dtype)
    if type(x) in _PYTHON_SCALARS:
        # Straight to a tensor, without NumPy: ``torch.compile`` traces this (it cannot trace
        # an ndarray's dtype). Ints reach narrow int dtypes through int64, so that they wrap
        # around as they do through NumPy.
        tdtype = to_torch_dtype(dtype if dtype is not None else result_type(type(x)))
        device = _DEVICE_STACK[-1] if _DEVICE_STACK else DEFAULT_DEVICE
        if type(x) is not int or tdtype.is_floating_point or tdtype in (torch.int64, torch.bool):
            return torch.tensor(x, dtype=tdtype, device=device)
        if -(2**63) <= x < 2**63:
            return torch.tensor(x, dtype=torch.int64, device=device).to(tdtype)
    if isinstance(x, KerasTensor):
        x.__array__()
    if torch.compiler.is_compiling():
        return _traced_constant(x, dtype)
    if dtype is None:
        if isinstance(x, (bool, int, float, complex)):
            dtype = result_type(type(x))
        elif isinstance(x, (list, tuple)):
            if any(isinstance(v, torch.Tensor) for v in _flat(x)):
                return torch.stack([convert_to_tensor(v) for v in x])
            arr = np.asarray(x)
            dtype = "int32" if arr.dtype.kind in "iu" else (result_type(float) if arr.dtype.kind == "f" else None)
            x = arr
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if x.dtype == ml_dtypes.bfloat16:
        t = torch.from_numpy(x.view(np.uint16).copy()).view(torch.bfloat16)
    else:
        if not x.flags.writeable or not x.flags.c_contiguous:
            x = np.ascontiguousarray(x).copy()
        t = torch.from_numpy(x)
    device = _DEVICE_STACK[-1] if _DEVICE_STACK else DEFAULT_DEVICE
    if device != "cpu":
        t = t.to(device)
    if dtype is not None:
        t = t.to(to_torch_dtype(dtype))
    return t


def _traced_constant(x, dtype):
    """An array or list constant inside a ``torch.compile``d function: the graph holds it as a
    tensor (the NumPy path reads ``ndarray.dtype``, which the compiler cannot trace). Python
    lists of ints become int32 and of floats floatx, as outside; lists holding tensors are
    stacked (``as_tensor`` would cut their gradients)."""
    if isinstance(x, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in _flat(x)):
        return torch.stack([convert_to_tensor(v, dtype) for v in x])
    t = torch.as_tensor(x, device=_DEVICE_STACK[-1] if _DEVICE_STACK else DEFAULT_DEVICE)
    if dtype is None and isinstance(x, (list, tuple)):
        dtype = "int32" if t.dtype == torch.int64 else (result_type(float) if t.is_floating_point() else None)
    return t if dtype is None else t.to(to_torch_dtype(dtype))


def _flat(x):
    for v in x:
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        else:
            yield v


def convert_to_numpy(x):
    if isinstance(x, Variable):
        x = x.value
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if HAS_DTENSORS[0] and hasattr(x, "full_tensor"):  # a DTensor (ModelParallel): all get the whole value
            x = x.full_tensor()
        if x.device.type != "cpu":
            x = x.cpu()
        if x.dtype == torch.bfloat16:
            return x.view(torch.uint16).numpy().view(ml_dtypes.bfloat16)
        return x.numpy()
    if isinstance(x, (list, tuple)) and any(isinstance(e, (torch.Tensor, Variable)) for e in x):
        return np.array([convert_to_numpy(e) for e in x])  # tensors that require grad stack too
    return np.asarray(x)


def is_tensor(x):
    return isinstance(x, torch.Tensor)


def shape(x):
    return tuple(x.shape)


def cast(x, dtype):
    return convert_to_tensor(x, dtype=dtype)


def _run_on_standins(fn, specs, fill):
    def make(device):
        return [
            torch.empty(tuple(fill if d is None else d for d in s.shape), dtype=to_torch_dtype(s.dtype), device=device)
            for s in specs
        ]

    with torch.no_grad():
        try:
            _META_RUN[0] = True
            out = fn(make("meta"))
        except Exception:
            _META_RUN[0] = False
            # Some kernels have no meta implementation: run on small real zeros (during a model
            # load, only if they fit its budget).
            load_budget.check_fits([(tuple(fill if d is None else d for d in s.shape),
                                     torch.empty((), dtype=to_torch_dtype(s.dtype)).element_size()) for s in specs],
                                   "the stand-in tensors torch needs to infer a layer's output shape")
            with scopes.StatelessScope():
                out = fn([t.zero_() for t in make(DEFAULT_DEVICE)])
        finally:
            _META_RUN[0] = False

    def to_spec(x):
        if isinstance(x, torch.Tensor):
            return KerasTensor(tuple(x.shape), dtype=standardize_dtype(x.dtype))
        return x

    import optree

    return optree.tree_map(to_spec, out, none_is_leaf=True)


def compute_output_spec(fn, *args, **kwargs):
    return symbolic.compute_output_spec(_run_on_standins, fn, *args, **kwargs)


def stop_gradient(x):
    return convert_to_tensor(x).detach()


def cond(pred, true_fn, false_fn):
    return true_fn() if bool(pred) else false_fn()


def fori_loop(lower, upper, body_fun, init_val):
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    i = 0
    while (maximum_iterations is None or i < maximum_iterations) and bool(cond(*state)):
        out = body(*state)
        state = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        i += 1
    return state if is_tuple else state[0]


def _to_batch_tensor(a):
    # String arrays stay NumPy: only host-side text layers read them.
    return convert_to_tensor(a) if isinstance(a, np.ndarray) and a.dtype.kind not in "USO" else a


def device_put_batch(batch):
    if type(batch) is tuple and all(type(a) is np.ndarray for a in batch):
        return tuple(_to_batch_tensor(a) for a in batch)  # the common (x, y) case, without a tree walk
    import optree

    return optree.tree_map(_to_batch_tensor, batch, none_is_leaf=True)


def batches_need_transfer():
    """Whether ``device_put_batch`` copies batches to an accelerator (worth overlapping with
    the running step on a background thread)."""
    return DEFAULT_DEVICE != "cpu"


def clear_caches():
    """Drops ``torch.compile``'s compiled functions and guards (when it was used at all)."""
    dynamo = sys.modules.get("torch._dynamo")
    if dynamo is not None:
        dynamo.reset()


def remat(f):
    """``f`` with gradient checkpointing (``torch.utils.checkpoint``, non-reentrant): its
    intermediate values are recomputed in the backward pass instead of kept."""
    import torch.utils.checkpoint

    def rematerialized(*args, **kwargs):
        return torch.utils.checkpoint.checkpoint(f, *args, use_reentrant=False, **kwargs)

    return rematerialized


# The devices of the `device_scope`s entered (innermost last); empty: DEFAULT_DEVICE.
_DEVICE_STACK = []


def get_device():
    """The device new tensors go to: the innermost ``device_scope``'s, else ``DEFAULT_DEVICE``."""
    return _DEVICE_STACK[-1] if _DEVICE_STACK else DEFAULT_DEVICE


@contextlib.contextmanager
def device_scope(device_name):
    """A context in which new tensors live on ``device_name`` (``"cpu"``, ``"gpu:0"`` (meaning
    ``"cuda:0"``), ``"cuda:1"``, ``"mps"`` or a ``torch.device``)."""
    if isinstance(device_name, str):
        name = device_name.lower().replace("gpu", "cuda")
    elif isinstance(device_name, torch.device):
        name = str(device_name)
    else:
        raise ValueError(
            "Invalid value for argument `device_name`: expected a string like 'gpu:0' or 'cpu'. "
            f"Received: device_name={device_name!r}"
        )
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise ValueError(f"Unknown torch device ({error}). Received: device_name={device_name!r}") from None
    _DEVICE_STACK.append(str(device))
    try:
        with device:  # factory functions called without `device=` follow it too
            yield device
    finally:
        _DEVICE_STACK.pop()
