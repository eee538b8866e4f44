"""The backend-independent part of ``Variable``: naming, paths, the stateless
scope, deferred initialization, autocasting, and tensor-like operators."""

import numpy as np

from cornu.backend.common import global_state
from cornu.backend.common import load_budget
from cornu.backend.common import scopes
from cornu.backend.common.dtypes import standardize_dtype


def _itemsize_dtype(dtype):
    # bfloat16 and float8 names are not NumPy dtypes; they are as wide as these.
    if dtype == "bfloat16":
        return "float16"
    return "uint8" if dtype.startswith("float8") or dtype.startswith("int4") or dtype.startswith("uint4") else dtype


def standardize_shape(shape):
    if shape is None:
        raise ValueError("A shape is required here. Received: shape=None")
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError(f"Cannot interpret the shape {shape!r}. Pass a tuple of ints.")
    out = []
    for d in shape:
        if d is None:
            out.append(None)
            continue
        if hasattr(d, "__int__") and not isinstance(d, bool):
            d = int(d)
        else:
            raise ValueError(f"Cannot convert '{shape}' to a shape: every dim must be an int or None.")
        if d < 0:
            raise ValueError(f"Negative dimensions are not allowed. Received: shape={shape}")
        out.append(d)
    return tuple(out)


def _no_initializer_lookup(name):
    raise ValueError(
        "An initializer given by name is looked up in cornu.initializers, which is not imported yet: "
        f"`import cornu` first, or pass a callable or an array. Received: initializer={name!r}"
    )


# What the packages above the backend teach every Variable when cornu is imported (see
# ``install_weight_hooks``): the backend never imports cornu.initializers, cornu.regularizers
# or cornu.constraints.
_WEIGHT_HOOKS = {"initializer_from_name": _no_initializer_lookup, "is_regularizer": callable, "is_constraint": callable}


def install_weight_hooks(initializer_from_name, is_regularizer, is_constraint):
    """Installs how a Variable resolves an initializer name (``Variable("zeros", shape=...)``,
    as Keras allows) and recognises a regularizer and a constraint (their setters refuse
    anything else). Called once, when ``cornu.layers`` is imported.

    Example:
    >>> install_weight_hooks(initializers.get, lambda r: isinstance(r, Regularizer),
    ...                      lambda c: isinstance(c, Constraint))
    """
    _WEIGHT_HOOKS.update(
        initializer_from_name=initializer_from_name, is_regularizer=is_regularizer, is_constraint=is_constraint
    )


class AutocastScope:
    """Inside it, float variables with ``autocast=True`` read as ``dtype``."""

    _current = None

    def __init__(self, dtype):
        self.dtype = standardize_dtype(dtype) if dtype is not None else None

    def __enter__(self):
        self._previous = AutocastScope._current
        AutocastScope._current = self.dtype
        return self

    def __exit__(self, *exc):
        AutocastScope._current = self._previous


class VariableBase:
    """A mutable, named tensor: layer weights, optimizer slots, metric state.

    Subclassed once per backend, which provides ``_initialize``,
    ``_direct_assign`` and ``_convert_to_tensor``.

    Example:
    >>> v = cornu.Variable(initializer="zeros", shape=(2,), name="w")
    >>> v.assign([1.0, 2.0]).tolist() if hasattr(v.value, "tolist") else None
    """

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
        layout=None,
        **kwargs,
    ):
        if kwargs:
            raise TypeError("Variable() got unexpected keyword arguments (cornu's backends take none "
                            f"beyond Keras's). Received: {sorted(kwargs)}")
        global_state.bump_structure_version()
        name = name or global_state.uniquify("variable")
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"Argument `name` must be a string without '/'. Received: name={name!r}")
        if aggregation not in ("none", "mean", "sum", "only_first_replica", None):
            raise ValueError(
                "Invalid `aggregation`: expected one of 'none', 'mean', 'sum', "
                f"'only_first_replica'. Received: aggregation={aggregation!r}"
            )
        self._name = name
        parent = scopes.current_path()
        self._path = f"{parent}/{name}" if parent else name
        self._trainable = bool(trainable)
        self._created_trainable = self._trainable
        self._autocast = bool(autocast)
        self._aggregation = aggregation or "none"
        self._synchronization = synchronization
        self._layout = layout
        self._regularizer = None
        self._constraint = None
        self._overwrite_with_gradient = False
        self._value = None
        if isinstance(initializer, str):
            initializer = _WEIGHT_HOOKS["initializer_from_name"](initializer)
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the `shape` argument "
                    f"is required. Received: initializer={initializer}, shape=None"
                )
            self._shape = standardize_shape(shape)
            self._dtype = standardize_dtype(dtype)
            self._initializer = initializer
            if load_budget.active_budget() is not None:  # only while a file loads: no cost otherwise
                load_budget.charge_array(self._shape, np.dtype(_itemsize_dtype(self._dtype)).itemsize,
                                         f"variable '{self._path}' of shape {self._shape}")
            if scopes.in_stateless_scope():
                scopes.get_stateless_scope().defer_initialization(self)
            else:
                self._initialize(self._initializer(self._shape, dtype=self._dtype))
        else:
            value = self._convert_to_tensor(initializer, dtype=dtype)
            self._dtype = standardize_dtype(value.dtype)
            self._shape = tuple(value.shape)
            self._initializer = None
            self._initialize(value)

    def _deferred_initialize(self):
        if self._value is None:
            self._initialize(self._initializer(self._shape, dtype=self._dtype))

    @property
    def value(self):
        value = None
        if scopes.in_stateless_scope():
            value = scopes.get_stateless_scope().get_current_value(self)
        if value is None:
            value = self._value
            if value is None:
                value = self._placeholder_value()
        cast_to = AutocastScope._current
        if cast_to is not None and self._autocast and self._dtype != cast_to and self._dtype in (
            "float16", "bfloat16", "float32", "float64"
        ):
            from cornu.backend import cast

            value = cast(value, cast_to)
        return value

    def _placeholder_value(self):
        # Only reached while tracing shapes before deferred initialization runs.
        from cornu.backend import numpy as bnp

        return bnp.zeros(self._shape, dtype=self._dtype)

    def assign(self, value):
        value = self._convert_to_tensor(value, dtype=self._dtype)
        if tuple(value.shape) != self._shape:
            raise ValueError(
                f"The shape of the assigned value must match the variable's. Variable "
                f"'{self._path}' has shape {self._shape}. Received: value.shape={tuple(value.shape)}"
            )
        if scopes.in_stateless_scope():
            scopes.get_stateless_scope().add_update(self, value)
        else:
            self._direct_assign(value)
        return value

    def assign_add(self, value):
        return self.assign(self.value + value)

    def assign_sub(self, value):
        return self.assign(self.value - value)

    def numpy(self):
        """A NumPy copy of the value (never a view that later updates would change)."""
        from cornu.backend import convert_to_numpy

        return np.array(convert_to_numpy(self.value))

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        return arr.astype(dtype) if dtype is not None else arr

    @property
    def name(self):
        return self._name

    @property
    def path(self):
        return self._path

    @property
    def shape(self):
        return self._shape

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def dtype(self):
        cast_to = AutocastScope._current
        if cast_to is not None and self._autocast and self._dtype in ("float16", "bfloat16", "float32", "float64"):
            return cast_to
        return self._dtype

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        global_state.bump_structure_version()
        self._on_trainable_change()

    def _on_trainable_change(self):
        pass

    @property
    def autocast(self):
        return self._autocast

    @property
    def aggregation(self):
        return self._aggregation

    @property
    def synchronization(self):
        return self._synchronization

    @property
    def regularizer(self):
        return self._regularizer

    @regularizer.setter
    def regularizer(self, value):
        if value is not None and not _WEIGHT_HOOKS["is_regularizer"](value):
            raise ValueError(f"Invalid `regularizer`: expected a cornu Regularizer. Received: regularizer={value!r}")
        self._regularizer = value

    @property
    def constraint(self):
        return self._constraint

    @constraint.setter
    def constraint(self, value):
        if value is not None and not _WEIGHT_HOOKS["is_constraint"](value):
            raise ValueError(f"Invalid `constraint`: expected a cornu Constraint. Received: constraint={value!r}")
        self._constraint = value

    @property
    def overwrite_with_gradient(self):
        return self._overwrite_with_gradient

    @overwrite_with_gradient.setter
    def overwrite_with_gradient(self, value):
        self._overwrite_with_gradient = bool(value)

    def __repr__(self):
        value = "<uninitialized>" if self._value is None else np.asarray(self.numpy())
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={value}>"

    def __getitem__(self, key):
        return self.value[key]

    def __int__(self):
        return int(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __bool__(self):
        return bool(self.numpy())

    def __len__(self):
        return self._shape[0]

