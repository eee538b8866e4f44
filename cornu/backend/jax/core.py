"""JAX backend core: Variable, tensor conversion, shape inference, control flow."""

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.common import symbolic
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.variables import VariableBase
from cornu.backend.jax import distribution

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True


class Variable(VariableBase):
    def _initialize(self, value):
        # Under a distribution (keras.distribution) the value is laid out as the variable's layout.
        self._value = distribution.place_variable(self, jnp.asarray(value, dtype=self._dtype))

    def _direct_assign(self, value):
        _sync_pending_state()
        self._value = value if self._layout is None else distribution.place_variable(self, value)

    def _placeholder_value(self):
        # A purged variable (its value is held by a running train step): sync it back first.
        if _sync_pending_state() and self._value is not None:
            return self._value
        return jnp.zeros(self._shape, dtype=self._dtype)

    def _convert_to_tensor(self, value, dtype=None):
        return convert_to_tensor(value, dtype=dtype)

    def __jax_array__(self):
        return self.value


# While a step runner holds the training state, its variables are purged (their values live in
# the runner); reading or assigning one first hands the state back. One runner at a time holds it.
_PENDING_SYNC = [None]


def hold_pending_state(sync):
    """Registers ``sync``, called (once) before any purged variable is next read or assigned."""
    _PENDING_SYNC[0] = sync


def release_pending_state(sync):
    """Forgets ``sync`` if it is still the registered one (its runner handed the state back)."""
    if _PENDING_SYNC[0] == sync:
        _PENDING_SYNC[0] = None


def _sync_pending_state():
    sync = _PENDING_SYNC[0]
    if sync is None:
        return False
    sync()
    return True


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if isinstance(x, Variable):
        x = x.value
        return x if dtype is None or standardize_dtype(x.dtype) == standardize_dtype(dtype) else x.astype(dtype)
    if isinstance(x, jax.Array):
        if dtype is None:
            return x
        dtype = standardize_dtype(dtype)
        return x if x.dtype == dtype else x.astype(dtype)
    if isinstance(x, KerasTensor):
        x.__array__()
    if dtype is None:
        if isinstance(x, (bool, int, float, complex)):
            dtype = result_type(type(x))
        elif isinstance(x, (list, tuple)):
            dtype = _infer_dtype(x)
        elif hasattr(x, "dtype") and not isinstance(x, np.ndarray):
            x = np.asarray(x)
    else:
        dtype = standardize_dtype(dtype)
    if hasattr(x, "__dlpack__") and "torch" in type(x).__module__:
        x = x.detach().cpu().numpy()
    return jnp.asarray(x, dtype=dtype)


def _infer_dtype(values):
    flat = np.asarray(values, dtype=object).ravel().tolist() if values else []
    if not flat:
        return "float32"
    kinds = {type(v) for v in flat}
    if all(k is bool for k in kinds):
        return "bool"
    if all(k in (int, bool) for k in kinds):
        return "int32"
    if all(k in (int, bool, float) for k in kinds):
        return result_type(float)
    return None


def convert_to_numpy(x):
    if isinstance(x, Variable):
        x = x.value
    if isinstance(x, jax.Array) and not x.is_fully_addressable:
        return distribution.gather_to_host(x)  # parts live on other processes
    return np.asarray(x)


def is_tensor(x):
    return isinstance(x, jax.Array)


def shape(x):
    return tuple(x.shape)


def cast(x, dtype):
    return convert_to_tensor(x, dtype=dtype)


def _run_on_standins(fn, specs, fill):
    structs = [
        jax.ShapeDtypeStruct(tuple(fill if d is None else d for d in s.shape), s.dtype) for s in specs
    ]
    out = jax.eval_shape(fn, structs)

    def to_spec(x):
        if isinstance(x, jax.ShapeDtypeStruct):
            return KerasTensor(x.shape, dtype=x.dtype)
        return x

    return jax.tree_util.tree_map(to_spec, out)


def compute_output_spec(fn, *args, **kwargs):
    return symbolic.compute_output_spec(_run_on_standins, fn, *args, **kwargs)


def stop_gradient(x):
    return jax.lax.stop_gradient(convert_to_tensor(x))


def cond(pred, true_fn, false_fn):
    return jax.lax.cond(pred, true_fn, false_fn)


def fori_loop(lower, upper, body_fun, init_val):
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (tuple, list))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)
    if maximum_iterations is not None:
        state = (0, loop_vars)
        out = jax.lax.while_loop(
            lambda s: jnp.logical_and(s[0] < maximum_iterations, cond(*s[1])),
            lambda s: (s[0] + 1, _as_tuple(body(*s[1]))),
            state,
        )[1]
    else:
        out = jax.lax.while_loop(lambda s: cond(*s), lambda s: _as_tuple(body(*s)), loop_vars)
    return out if is_tuple else out[0]


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def device_put_batch(batch):
    """Moves a nested batch of NumPy arrays to the default device.

    On the CPU the arrays stay NumPy: a jitted step takes them as they are, for ~10 us per
    call where ``jax.device_put`` costs ~25 us per array. Steps that run eagerly convert them
    first (``to_device_arrays``).
    """
    if jax.default_backend() == "cpu":
        return batch
    return to_device_arrays(batch)


def to_device_arrays(batch):
    """The batch with every NumPy array moved to the default device."""
    # String arrays stay NumPy: only host-side text layers read them.
    return jax.tree_util.tree_map(
        lambda a: jax.device_put(a) if isinstance(a, np.ndarray) and a.dtype.kind not in "USO" else a, batch)


def batches_need_transfer():
    """Whether ``device_put_batch`` copies batches to an accelerator (worth overlapping with
    the running step on a background thread)."""
    return jax.default_backend() != "cpu"


def clear_caches():
    """Nothing to drop: compiled steps belong to the models that made them."""


def remat(f):
    """``f`` with gradient checkpointing (``jax.checkpoint``): its intermediate values are
    recomputed in the backward pass instead of kept. Only array arguments are traced; Python
    values (``training=True``, shapes, ...) stay static, so ``if training:`` keeps working."""

    def rematerialized(*args, **kwargs):
        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs))
        traced = [isinstance(leaf, (jax.Array, np.ndarray)) for leaf in leaves]

        def with_arrays(*arrays):
            arrays = iter(arrays)
            call_args, call_kwargs = jax.tree_util.tree_unflatten(
                treedef, [next(arrays) if is_traced else leaf for leaf, is_traced in zip(leaves, traced)]
            )
            return f(*call_args, **call_kwargs)

        return jax.checkpoint(with_arrays)(*[leaf for leaf, is_traced in zip(leaves, traced) if is_traced])

    return rematerialized


def device_scope(device_name):
    """A context in which new arrays live on ``device_name`` (``"cpu"``, ``"gpu:1"``, ``"tpu:0"``
    or a ``jax.Device``): ``jax.default_device``."""
    if isinstance(device_name, jax.Device):
        return jax.default_device(device_name)
    if not isinstance(device_name, str):
        raise ValueError(
            "Invalid value for argument `device_name`: expected a string like 'gpu:0' or a `jax.Device`. "
            f"Received: device_name={device_name!r}"
        )
    kind, _, index = device_name.lower().partition(":")
    try:
        devices = jax.devices(kind)
        device = devices[int(index or 0)]
    except (RuntimeError, ValueError, IndexError) as error:
        raise ValueError(
            f"Unknown device {device_name!r} for JAX ({error}). Available devices: "
            f"{[f'{d.platform}:{d.id}' for d in jax.devices()]}. Received: device_name={device_name!r}"
        ) from None
    return jax.default_device(device)
