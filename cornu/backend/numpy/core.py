"""NumPy backend core: Variable, tensor conversion, shape inference, control flow."""

import contextlib

import numpy as np

from cornu.backend.common import load_budget, symbolic
from cornu.backend.common.allocation_ceiling import allocation_ceiling
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.variables import VariableBase

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True


def to_numpy_dtype(dtype):
    name = standardize_dtype(dtype)
    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.bfloat16
    return np.dtype(name)


class Variable(VariableBase):
    def _initialize(self, value):
        self._value = np.array(value, dtype=to_numpy_dtype(self._dtype))

    def _direct_assign(self, value):
        self._value = np.asarray(value, dtype=to_numpy_dtype(self._dtype))

    def _convert_to_tensor(self, value, dtype=None):
        return convert_to_tensor(value, dtype=dtype)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if isinstance(x, VariableBase):  # any backend's Variable (preprocessing on NumPy reads them)
        x = x.value
    if isinstance(x, KerasTensor):
        x.__array__()
    if dtype is not None:
        dtype = to_numpy_dtype(dtype)
        if isinstance(x, np.ndarray) and x.dtype == dtype:
            return x
        return np.asarray(x, dtype=dtype)
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, np.generic):
        return np.asarray(x)
    if isinstance(x, (bool, int, float, complex)):
        return np.asarray(x, dtype=to_numpy_dtype(result_type(type(x))))
    if isinstance(x, (list, tuple)):
        arr = np.asarray(x)
        if arr.dtype.kind in "iu" and arr.dtype.itemsize == 8:
            return arr.astype("int32")
        if arr.dtype == np.float64:
            return arr.astype(to_numpy_dtype(result_type(float)))
        return arr
    if "torch" in type(x).__module__:
        return x.detach().cpu().numpy()
    return np.asarray(x)


def convert_to_numpy(x):
    if isinstance(x, VariableBase):
        x = x.value
    if "torch" in type(x).__module__:
        return x.detach().cpu().numpy()
    return np.asarray(x)


def is_tensor(x):
    return isinstance(x, (np.ndarray, np.generic))


def shape(x):
    return tuple(x.shape)


def cast(x, dtype):
    return convert_to_tensor(x, dtype=dtype)


def _run_on_standins(fn, specs, fill):
    # NumPy has no abstract evaluation: while a model loads, its stand-ins are real memory.
    load_budget.check_fits([(tuple(fill if d is None else d for d in s.shape), to_numpy_dtype(s.dtype).itemsize)
                            for s in specs], "the stand-in arrays NumPy needs to infer a layer's output shape")
    arrays = [np.zeros(tuple(fill if d is None else d for d in s.shape), dtype=to_numpy_dtype(s.dtype)) for s in specs]
    budget = load_budget.active_budget()
    if budget is None:
        out = fn(arrays)
    else:
        # The output's size follows from the config (e.g. a `tile` by constant repeats) and is
        # only known once it is allocated: cap what the run may allocate at what the load has left.
        with allocation_ceiling(max(budget.remaining, 0), "inferring a layer's output shape on NumPy stand-ins"):
            out = fn(arrays)

    def to_spec(x):
        if isinstance(x, (np.ndarray, np.generic)):
            return KerasTensor(np.shape(x), dtype=standardize_dtype(x.dtype))
        return x

    import optree

    return optree.tree_map(to_spec, out, none_is_leaf=True)


# NumPy's stand-ins are real arrays: small distinct sizes for unknown dims keep shape inference
# cheap (a batch of 83 made one `ops.relu` on a 224x224x64 input cost 1 GB and 5 s).
_STANDIN_FILLS = (5, 7)


def compute_output_spec(fn, *args, **kwargs):
    return symbolic.compute_output_spec_with_fills(_run_on_standins, _STANDIN_FILLS, fn, *args, **kwargs)


def stop_gradient(x):
    return x


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


def device_put_batch(batch):
    return batch


def batches_need_transfer():
    """Whether ``device_put_batch`` copies batches to an accelerator (worth overlapping with
    the running step on a background thread)."""
    return False


def clear_caches():
    """Nothing to drop: compiled steps belong to the models that made them."""


def remat(f):
    """NumPy keeps no activations for a backward pass: ``f`` is returned as it is."""
    return f


@contextlib.contextmanager
def device_scope(device_name):
    """NumPy arrays live in host memory: only ``"cpu"`` (or ``"cpu:0"``) is a device."""
    if not isinstance(device_name, str) or device_name.lower().partition(":")[0] != "cpu":
        raise ValueError(
            "The numpy backend runs on the CPU only: use device_name='cpu', or choose the jax or torch "
            f"backend for accelerators. Received: device_name={device_name!r}"
        )
    yield
