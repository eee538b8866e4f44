"""The ``Metric`` base class: state held in non-trainable variables, updated per batch.

A metric is not a layer. Its variables are created by ``add_variable`` (under
a name scope of the metric's name, so a ``Mean`` named "mean" owns
``mean/total`` and ``mean/count``), and ``variables`` lists them in creation
order followed by those of any metric assigned as an attribute. The trainer
threads exactly this list as state; the ``stateless_*`` methods run the same
code inside a ``StatelessScope`` so a pure (jitted) step can use them.
"""

from cornu import backend
from cornu import initializers
from cornu import ops
from cornu.backend.common.naming import auto_name
from cornu.losses.loss import compute_dtype_of
from cornu.serialization.registry import keras_export


@keras_export("keras.Metric", "keras.metrics.Metric")
class Metric:
    """Base class of metrics: subclass it and implement ``update_state`` and ``result``.

    Args:
        dtype: dtype of the metric's computations (``floatx()`` by default).
        name: name of the metric instance.

    Example:
    >>> class Count(cornu.metrics.Metric):
    ...     def __init__(self, name="count", dtype=None):
    ...         super().__init__(dtype=dtype, name=name)
    ...         self.n = self.add_variable(shape=(), initializer="zeros", name="n")
    ...     def update_state(self, values):
    ...         self.n.assign_add(cornu.ops.cast(cornu.ops.size(values), self.dtype))
    ...     def result(self):
    ...         return self.n.value
    >>> m = Count(); m.update_state([1, 2, 3]); float(m.result())
    3.0
    """

    def __init__(self, dtype=None, name=None):
        object.__setattr__(self, "_variables", [])
        object.__setattr__(self, "_metrics", [])
        self.name = name or auto_name(type(self).__name__)
        self._dtype = compute_dtype_of(dtype)

    def __setattr__(self, name, value):
        # Variables and metrics assigned as attributes become part of the state.
        if "_variables" in self.__dict__:
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, backend.Variable):
                    if not any(item is v for v in self._variables):
                        self._variables.append(item)
                elif isinstance(item, Metric) and item is not self:
                    if not any(item is m for m in self._metrics):
                        self._metrics.append(item)
        object.__setattr__(self, name, value)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__} forgot to call `super().__init__()` in its `__init__()` method. "
                "Call it before creating variables."
            )

    @property
    def dtype(self):
        return self._dtype

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Creates a non-trainable state variable named ``<metric name>/<name>``.

        Example:
        >>> total = metric.add_variable(shape=(), initializer="zeros", name="total")
        """
        self._check_super_called()
        with backend.name_scope(self.name.replace("/", ">"), caller=self):
            variable = backend.Variable(
                initializer=initializers.get(initializer),
                shape=shape,
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                synchronization="on_read",
                name=name,
            )
        if not any(variable is v for v in self._variables):
            self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Alias of :meth:`add_variable` kept for older code."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """This metric's variables, then those of its sub-metrics."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"Metric subclass {type(self).__name__} must implement `update_state()`.")

    def result(self):
        raise NotImplementedError(f"Metric subclass {type(self).__name__} must implement `result()`.")

    def reset_state(self):
        """Sets every variable back to zeros."""
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def _check_variable_count(self, metric_variables):
        if len(metric_variables) != len(self.variables):
            raise ValueError(
                "Argument `metric_variables` must be a list of tensors corresponding 1:1 to "
                f"{type(self).__name__}().variables. Received list with length "
                f"{len(metric_variables)}, but expected {len(self.variables)} variables."
            )

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """Runs ``update_state`` on the given variable values; returns the new values.

        The metric's own variables are left untouched.

        Example:
        >>> values = metric.stateless_update_state([v.value for v in metric.variables], y_true, y_pred)
        """
        self._check_variable_count(metric_variables)
        variables = self.variables
        with backend.StatelessScope(state_mapping=list(zip(variables, metric_variables))) as scope:
            self.update_state(*args, **kwargs)
        new_values = []
        for v, old in zip(variables, metric_variables):
            new = scope.get_current_value(v)
            new_values.append(old if new is None else new)
        return new_values

    def stateless_result(self, metric_variables):
        """``result()`` computed from the given variable values instead of the variables.

        Example:
        >>> value = metric.stateless_result(values)
        """
        self._check_variable_count(metric_variables)
        with backend.StatelessScope(state_mapping=list(zip(self.variables, metric_variables))):
            return self.result()

    def stateless_reset_state(self):
        """The variable values ``reset_state()`` would give, without changing the variables.

        Example:
        >>> values = metric.stateless_reset_state()
        """
        with backend.StatelessScope() as scope:
            self.reset_state()
        new_values = []
        for v in self.variables:
            new = scope.get_current_value(v)
            new_values.append(v.value if new is None else new)
        return new_values

    def __call__(self, *args, **kwargs):
        """Updates the state with one batch and returns the running result."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _obj_type(self):
        return "Metric"

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    def __str__(self):
        return self.__repr__()
