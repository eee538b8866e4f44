"""TensorFlow backend core: Variable, tensor conversion, shape inference, control flow.

Tensors are ``tf.Tensor`` (eager, or symbolic inside a ``tf.function``); a cornu
``Variable`` holds a ``tf.Variable`` and TF ops, ``tf.GradientTape`` and
``tf.train.Checkpoint`` accept it as they accept the ``tf.Variable`` itself.
"""

import sys

import numpy as np
import optree

_KERAS_WAS_IMPORTED = "keras" in sys.modules
import tensorflow as tf  # noqa: E402

# TensorFlow imports the installed Keras as it loads: `cornu.install_as_keras()` may set that copy aside.
FRAMEWORK_IMPORTED_KERAS = not _KERAS_WAS_IMPORTED and "keras" in sys.modules

from cornu.backend.common import scopes, symbolic
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.variables import VariableBase

SUPPORTS_SPARSE_TENSORS = False
# TF's eager runtime is not safe to drive from several Python threads at once (tensorflow#78338).
IS_THREAD_SAFE = False

DEFAULT_DEVICE = "GPU:0" if tf.config.list_logical_devices("GPU") else "CPU:0"

_PYTHON_SCALARS = (bool, int, float, complex)
_INT32_RANGE = (-(2**31), 2**31)

_AGGREGATIONS = {
    "none": tf.VariableAggregation.NONE,
    "sum": tf.VariableAggregation.SUM,
    "mean": tf.VariableAggregation.MEAN,
    "only_first_replica": tf.VariableAggregation.ONLY_FIRST_REPLICA,
}
_SYNCHRONIZATIONS = {
    "none": tf.VariableSynchronization.NONE,
    "on_read": tf.VariableSynchronization.ON_READ,
    "on_write": tf.VariableSynchronization.ON_WRITE,
    "auto": tf.VariableSynchronization.AUTO,
}


def to_tf_dtype(dtype):
    """The ``tf.DType`` of a dtype name, NumPy dtype, Python type or ``tf.DType``.

    Example:
    >>> to_tf_dtype("bfloat16")
    tf.bfloat16
    """
    if isinstance(dtype, tf.DType):
        return dtype
    return tf.as_dtype(standardize_dtype(dtype))


_EAGER_TENSOR = type(tf.constant(0))

# Argument types that are never symbolic (cornu/ops/decorator.py checks an op argument's exact
# type against this set before walking it).
LEAF_TYPES = (_EAGER_TENSOR, tf.Tensor, tf.Variable, tf.DType, np.ndarray, np.generic)


class Variable(VariableBase, tf.__internal__.types.Tensor, tf.__internal__.tracking.Trackable):
    """A cornu variable whose value is a ``tf.Variable``.

    TF ops take it directly (``tf.matmul(x, v)``), ``tf.GradientTape`` watches it like the
    ``tf.Variable`` it holds, and ``tf.train.Checkpoint`` / ``tf.saved_model.save`` save it
    as that ``tf.Variable``.

    Example:
    >>> v = Variable(np.ones((2,), "float32"), name="w")
    >>> with tf.GradientTape() as tape:
    ...     loss = tf.reduce_sum(v * v)
    >>> tape.gradient(loss, v.value).numpy()
    array([2., 2.], dtype=float32)
    """

    # Makes `tf.GradientTape.watch` and `tape.gradient(..., variable)` use `handle`.
    _should_act_as_resource_variable = True

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True, aggregation="none",
                 synchronization="auto", name=None, layout=None, **kwargs):
        arguments = dict(shape=shape, dtype=dtype, trainable=trainable, autocast=autocast, aggregation=aggregation,
                         synchronization=synchronization, name=name, layout=layout, **kwargs)
        if callable(initializer) or isinstance(initializer, str):
            # The initial value is computed eagerly even when a variable is first created
            # inside a `tf.function` (a layer built during a traced step): a tf.Variable
            # cannot be initialized from a graph tensor.
            with tf.init_scope():
                super().__init__(initializer, **arguments)
        else:
            super().__init__(initializer, **arguments)

    def _initialize(self, value):
        if isinstance(value, tf.Variable):
            self._value = value
            return
        self._value = tf.Variable(
            convert_to_tensor(value, dtype=self._dtype),
            trainable=self._trainable,
            name=self._name,
            aggregation=_AGGREGATIONS[self._aggregation],
            synchronization=_SYNCHRONIZATIONS.get(self._synchronization, tf.VariableSynchronization.AUTO),
        )

    def _deferred_initialize(self):
        if self._value is None:
            with tf.init_scope():
                self._initialize(self._initializer(self._shape, dtype=self._dtype))

    def _direct_assign(self, value):
        self._value.assign(value if value.dtype == self._value.dtype else tf.cast(value, self._value.dtype))

    def _convert_to_tensor(self, value, dtype=None):
        return convert_to_tensor(value, dtype=dtype)

    def _placeholder_value(self):
        return tf.zeros(self._shape, dtype=to_tf_dtype(self._dtype))

    def _on_trainable_change(self):
        # `tf.GradientTape` watches the variables it sees read only if they are trainable, and
        # tf.Variable has no public setter: keep its flag in step with cornu's (unfreezing a layer).
        if isinstance(self._value, tf.Variable) and hasattr(self._value, "_trainable"):
            self._value._trainable = self._trainable

    @property
    def handle(self):
        """The resource handle of the held ``tf.Variable`` (what ``tf.GradientTape`` watches)."""
        if self._value is None:
            raise ValueError(f"Variable '{self.path}' is not initialized yet: build its layer first.")
        return self._value.handle

    def __tf_tensor__(self, dtype=None, name=None):
        return tf.convert_to_tensor(self.value, dtype=dtype, name=name)

    # What `tf.train.Checkpoint` and `tf.saved_model.save` call: act as the held tf.Variable.
    @property
    def _shared_name(self):
        return self._value._shared_name

    def _serialize_to_tensors(self):
        return self._value._serialize_to_tensors()

    def _restore_from_tensors(self, restored_tensors):
        return self._value._restore_from_tensors(restored_tensors)

    def _copy_trackable_to_cpu(self, object_map):
        self._value._copy_trackable_to_cpu(object_map)
        object_map[self] = tf.Variable(object_map[self._value])

    def _export_to_saved_model_graph(self, object_map, tensor_map, options, **kwargs):
        resources = self._value._export_to_saved_model_graph(object_map, tensor_map, options, **kwargs)
        object_map[self] = tf.Variable(object_map[self._value])
        return resources

    def _write_object_proto(self, proto, options):
        return self._value._write_object_proto(proto, options)


def _read_variable(x):
    value = x.value
    return tf.convert_to_tensor(value) if isinstance(value, tf.Variable) else value


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` as a ``tf.Tensor`` (of ``dtype`` if given), with Keras's TensorFlow dtype rules:
    Python ints become int32 (int64 when too large), floats floatx, lists of them likewise;
    NumPy arrays keep their dtype. Sparse and ragged tensors become dense (cornu has no
    sparse tensors).

    Example:
    >>> convert_to_tensor([1, 2]).dtype
    tf.int32
    """
    if isinstance(x, VariableBase):
        x = _read_variable(x)
    elif isinstance(x, tf.Variable):
        x = tf.convert_to_tensor(x)
    if tf.is_tensor(x):
        if isinstance(x, tf.SparseTensor):
            x = tf.sparse.to_dense(x)
        elif isinstance(x, tf.RaggedTensor):
            x = x.to_tensor()
        elif isinstance(x, tf.IndexedSlices):
            x = tf.convert_to_tensor(x)
        if dtype is None:
            return x
        tdtype = to_tf_dtype(dtype)
        return x if x.dtype == tdtype else tf.cast(x, tdtype)
    if isinstance(x, KerasTensor):
        x.__array__()  # raises: a symbolic tensor has no value
    if type(x) in _PYTHON_SCALARS:
        if dtype is None:
            if type(x) is int and not _INT32_RANGE[0] <= x < _INT32_RANGE[1]:
                return tf.constant(x, dtype=tf.int64)
            return tf.constant(x, dtype=to_tf_dtype(result_type(type(x))))
        return _constant_as(x, to_tf_dtype(dtype))
    if isinstance(x, (list, tuple)):
        if any(tf.is_tensor(v) or isinstance(v, (VariableBase, tf.Variable)) for v in _flat(x)):
            return _stack(x, dtype)
        if dtype is None:
            arr = np.asarray(x)
            if arr.dtype.kind in "iu" and arr.dtype.itemsize == 8:
                fits = arr.size == 0 or (arr.min() >= _INT32_RANGE[0] and arr.max() < _INT32_RANGE[1])
                dtype = "int32" if fits else "int64"
            elif arr.dtype.kind == "f":
                dtype = result_type(float)
            x = arr
    elif not isinstance(x, (np.ndarray, np.generic)):
        x = np.asarray(x)
    if dtype is None:
        return tf.convert_to_tensor(x)
    return _constant_as(x, to_tf_dtype(dtype))


def _constant_as(x, tdtype):
    """A constant of ``tdtype`` from a host value. Floats convert straight to a float dtype (no
    detour through float32 for float64); TF refuses floats for ints and ints for bools, so
    those convert first and cast (ints wrap around as through NumPy)."""
    if tdtype.is_floating or tdtype.is_complex:
        try:
            return tf.convert_to_tensor(x, dtype=tdtype)
        except (TypeError, ValueError):
            pass
    t = tf.convert_to_tensor(x)
    return t if t.dtype == tdtype else tf.cast(t, tdtype)


def _stack(values, dtype):
    """Stacks a list mixing tensors, variables and Python numbers; Python numbers are weak
    (``[float16 tensor, 2.0]`` stays float16), as in ``result_type``."""
    parts = [_stack(v, None) if isinstance(v, (list, tuple)) else v for v in values]
    if dtype is None:
        dtype = result_type(*[type(p) if type(p) in _PYTHON_SCALARS else _dtype_of(p) for p in parts])
    tdtype = to_tf_dtype(dtype)
    return tf.stack([convert_to_tensor(p, dtype=tdtype) for p in parts])


def _dtype_of(x):
    if isinstance(x, VariableBase):
        return x.dtype
    return x.dtype if tf.is_tensor(x) or isinstance(x, (np.ndarray, np.generic)) else convert_to_tensor(x).dtype


def _flat(x):
    for v in x:
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        else:
            yield v


def convert_to_numpy(x):
    """A NumPy array with the value of ``x`` (a tensor, variable, or anything array-like).

    Example:
    >>> convert_to_numpy(tf.constant([1, 2]))
    array([1, 2], dtype=int32)
    """
    if isinstance(x, VariableBase):
        x = x.value
    if isinstance(x, (tf.SparseTensor, tf.RaggedTensor, tf.IndexedSlices)):
        x = convert_to_tensor(x)
    if isinstance(x, _EAGER_TENSOR):
        return x.numpy()
    if isinstance(x, (tf.Tensor, tf.Variable)):
        if not tf.executing_eagerly():
            raise ValueError(
                "A symbolic tf.Tensor (inside a `tf.function` or shape inference) has no value to convert "
                "to NumPy. Use cornu ops on it instead, or run the code eagerly "
                f"(e.g. `model.compile(run_eagerly=True)`). Received: x={x!r}"
            )
        return x.numpy()
    if isinstance(x, (list, tuple)) and any(isinstance(e, (tf.Tensor, tf.Variable, VariableBase)) for e in _flat(x)):
        return np.array([convert_to_numpy(e) for e in x])
    return np.asarray(x)


def is_tensor(x):
    """Whether ``x`` is a TF tensor (a cornu ``Variable`` is not one, as on other backends)."""
    return tf.is_tensor(x) and not isinstance(x, VariableBase)


def shape(x):
    """The shape of ``x`` as a tuple: ints where known statically; inside a ``tf.function``, a
    dim unknown while tracing (e.g. the batch size) is a scalar int32 tensor, as in Keras."""
    if not tf.is_tensor(x) or isinstance(x, VariableBase):
        x = convert_to_tensor(x)
    if x.shape.rank is None:
        raise ValueError(f"`shape` needs a tensor of known rank. Received: x={x!r} with unknown rank.")
    dims = x.shape.as_list()
    if None in dims:
        dynamic = tf.shape(x)
        dims = [dynamic[i] if d is None else d for i, d in enumerate(dims)]
    return tuple(dims)


def cast(x, dtype):
    return convert_to_tensor(x, dtype=dtype)


def _to_keras_tensor(x):
    if isinstance(x, VariableBase):
        return KerasTensor(x.shape, dtype=x.dtype)
    if isinstance(x, (tf.Tensor, tf.Variable)):
        if x.shape.rank is None:
            raise ValueError(f"Shape inference gave an output of unknown rank. Received: {x!r}")
        return KerasTensor(tuple(x.shape.as_list()), dtype=standardize_dtype(x.dtype))
    return x


def _trace_on_placeholders(fn, specs, fill):
    """Runs ``fn`` on graph placeholders of ``specs`` in a scratch graph: ``None`` dims stay
    unknown unless ``fill`` replaces them."""
    with tf.__internal__.FuncGraph("cornu_shape_inference").as_default():
        placeholders = [
            tf.compat.v1.placeholder(
                shape=tuple(fill if (d is None and fill is not None) else d for d in s.shape),
                dtype=to_tf_dtype(s.dtype),
            )
            for s in specs
        ]
        out = fn(placeholders)
        return optree.tree_map(_to_keras_tensor, out, none_is_leaf=True)


def compute_output_spec(fn, *args, **kwargs):
    """The KerasTensor outputs of ``fn`` on KerasTensor inputs, found by tracing ``fn`` on
    graph placeholders (unknown dims stay unknown). Functions that need static dims in Python
    fall back to running on two sets of concrete-shaped placeholders."""
    leaves, treedef = optree.tree_flatten((args, kwargs), none_is_leaf=True)
    positions = [i for i, leaf in enumerate(leaves) if isinstance(leaf, KerasTensor)]
    specs = [leaves[i] for i in positions]

    def call_with(tensors):
        filled = list(leaves)
        for i, t in zip(positions, tensors):
            filled[i] = t
        a, k = optree.tree_unflatten(treedef, filled)
        return fn(*a, **k)

    try:
        with scopes.StatelessScope(), scopes.SymbolicScope():
            return _trace_on_placeholders(call_with, specs, None)
    except (TypeError, ValueError) as error:
        if not any(d is None for spec in specs for d in spec.shape):
            raise
        try:
            return symbolic.compute_output_spec(_trace_on_placeholders, fn, *args, **kwargs)
        except Exception:
            raise error from None


def stop_gradient(x):
    return tf.stop_gradient(convert_to_tensor(x))


def _static_bool(pred):
    """``pred`` as a Python bool when it is known without running a graph, else None."""
    if isinstance(pred, (bool, np.bool_)):
        return bool(pred)
    if isinstance(pred, np.ndarray) and pred.size == 1:
        return bool(pred)
    if isinstance(pred, (int, float)) and not isinstance(pred, bool):
        return bool(pred)
    return None


def cond(pred, true_fn, false_fn):
    static = _static_bool(pred)
    if static is not None:
        return true_fn() if static else false_fn()
    pred = convert_to_tensor(pred)
    if pred.dtype != tf.bool:
        pred = tf.cast(pred, tf.bool)
    if tf.executing_eagerly():
        return true_fn() if bool(pred) else false_fn()
    return tf.cond(pred, true_fn=true_fn, false_fn=false_fn)


def fori_loop(lower, upper, body_fun, init_val):
    static_count = None
    if isinstance(lower, (int, np.integer)) and isinstance(upper, (int, np.integer)):
        static_count = max(int(upper) - int(lower), 0)  # a known trip count: XLA can differentiate it
    lower_t = convert_to_tensor(lower) if tf.is_tensor(lower) else convert_to_tensor(lower, dtype="int32")
    upper_t = convert_to_tensor(upper, dtype=lower_t.dtype)
    return tf.while_loop(
        lambda i, val: i < upper_t,
        lambda i, val: (i + 1, body_fun(i, val)),
        (lower_t, init_val),
        maximum_iterations=static_count,
    )[1]


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (tuple, list))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)

    def step(*state):
        out = body(*state)
        return tuple(out) if is_tuple else (out,)

    def keep_going(*state):
        return convert_to_tensor(cond(*state), dtype="bool")

    out = tf.while_loop(keep_going, step, loop_vars, maximum_iterations=maximum_iterations)
    return tuple(out) if is_tuple else out[0]


def _to_batch_tensor(a):
    # String arrays stay NumPy: only host-side text layers read them.
    return tf.convert_to_tensor(a) if isinstance(a, np.ndarray) and a.dtype.kind not in "USO" else a


def device_put_batch(batch):
    """The batch with every numeric NumPy array as a ``tf.Tensor`` (on the default device);
    tensors pass through untouched."""
    if type(batch) is tuple and all(type(a) is np.ndarray for a in batch):
        return tuple(_to_batch_tensor(a) for a in batch)  # the common (x, y) case, without a tree walk
    return optree.tree_map(_to_batch_tensor, batch, none_is_leaf=True)


def batches_need_transfer():
    """Whether ``device_put_batch`` copies batches to an accelerator (worth overlapping with
    the running step on a background thread)."""
    return not DEFAULT_DEVICE.startswith("CPU")


def clear_caches():
    """Nothing to drop: compiled steps (``tf.function``s) belong to the models that made them."""


def remat(f):
    """``f`` with gradient checkpointing (``tf.recompute_grad``): its intermediate values are
    recomputed in the backward pass instead of kept. Only tensor arguments are differentiated;
    other arguments (``training=True``, shapes, ...) reach ``f`` as they are."""

    def rematerialized(*args, **kwargs):
        leaves, treedef = optree.tree_flatten((args, kwargs), none_is_leaf=True)
        traced = [tf.is_tensor(leaf) or isinstance(leaf, np.ndarray) for leaf in leaves]

        def with_tensors(*tensors):
            tensors = iter(tensors)
            call_args, call_kwargs = optree.tree_unflatten(
                treedef, [next(tensors) if is_traced else leaf for leaf, is_traced in zip(leaves, traced)]
            )
            return f(*call_args, **call_kwargs)

        inputs = [convert_to_tensor(leaf) for leaf, is_traced in zip(leaves, traced) if is_traced]
        return tf.recompute_grad(with_tensors)(*inputs)

    return rematerialized


def get_device():
    """The device new tensors go to: the innermost ``device_scope``'s, else ``DEFAULT_DEVICE``."""
    return _DEVICE_STACK[-1] if _DEVICE_STACK else DEFAULT_DEVICE


_DEVICE_STACK = []


class device_scope:
    """A context in which new tensors live on ``device_name`` (``"cpu"``, ``"gpu:0"``,
    ``"/GPU:1"``): ``tf.device``.

    Example:
    >>> with device_scope("cpu"):
    ...     t = convert_to_tensor([1.0])
    """

    def __init__(self, device_name):
        if not isinstance(device_name, str):
            raise ValueError(
                "Invalid value for argument `device_name`: expected a string like 'gpu:0' or 'cpu'. "
                f"Received: device_name={device_name!r}"
            )
        name = device_name.lstrip("/").upper().replace("DEVICE:", "")
        kind, _, index = name.partition(":")
        available = [d.name for d in tf.config.list_logical_devices()]
        full = f"/device:{kind}:{index or 0}"
        if kind not in {d.device_type for d in tf.config.list_logical_devices()} or not any(
            a.endswith(f"{kind}:{index or 0}") for a in available
        ):
            raise ValueError(
                f"Unknown device {device_name!r} for TensorFlow. Available devices: {available}. "
                f"Received: device_name={device_name!r}"
            )
        self._name = f"{kind}:{index or 0}"
        self._tf_scope = tf.device(full)

    def __enter__(self):
        _DEVICE_STACK.append(self._name)
        self._tf_scope.__enter__()
        return self._name

    def __exit__(self, *exc):
        self._tf_scope.__exit__(*exc)
        _DEVICE_STACK.pop()
