"""The state half of ``Layer``: variables, sub-layers, weights lists, losses.

State is found by walking the layer's attributes (lists, tuples and dicts are
opened), so assigning a Variable, a Layer, a Metric or a SeedGenerator to an
attribute is all it takes to track it.
"""

import functools
import weakref

import numpy as np

from cornu import backend
from cornu.backend.common.global_state import bump_structure_version, memoized_structure
from cornu.random.seed_generator import SeedGenerator

# Layers that hold per-call losses; cleared at the start of each outermost call.
LAYERS_WITH_LOSSES = weakref.WeakSet()
_FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


def remembered_walk(method):
    """Makes a no-argument method's list result (a walk over the structure) remembered while a
    ``structure_memo`` is open; callers get their own copy of the list."""
    key = method.__qualname__

    @functools.wraps(method)
    def remembered(self):
        return list(memoized_structure(self, key, lambda: method(self)))

    return remembered


class LayerState:
    """Mixin of ``Layer``: creating and finding variables, weights and losses."""

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True, regularizer=None,
                   constraint=None, aggregation="none", overwrite_with_gradient=False, name=None):
        """Creates a variable owned by this layer (call it from ``build``).

        Example:
        >>> self.kernel = self.add_weight(shape=(4, 8), initializer="glorot_uniform", name="kernel")
        """
        from cornu import constraints, initializers, regularizers

        if isinstance(shape, str):
            raise ValueError(
                "The first argument of `add_weight` is the shape; pass the variable's name as "
                f"`name=`. Received: shape={shape!r}"
            )
        shape = () if shape is None else shape
        dtype = backend.standardize_dtype(dtype) if dtype is not None else self.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if dtype in _FLOAT_DTYPES else "zeros"
        initializer = initializers.get(initializer)
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(
                initializer=initializer, shape=shape, dtype=dtype, trainable=trainable, autocast=autocast,
                aggregation=aggregation, name=name,
            )
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        self._own_variables.append(variable)
        return variable

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True, regularizer=None,
                     constraint=None, aggregation="none", name=None):
        """Alias of :meth:`add_weight` with ``shape`` and ``initializer`` required."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               autocast=autocast, regularizer=regularizer, constraint=constraint,
                               aggregation=aggregation, name=name)

    _untracked_attrs = ()

    def _tracked_values(self):
        """Attribute values in assignment order, with lists/tuples/dicts opened."""
        skip = self._untracked_attrs
        for key, value in vars(self).items():
            if key in ("_inbound_nodes", "_outbound_nodes", "_init_args", "_own_variables") or key in skip:
                continue
            if isinstance(value, (list, tuple)):
                yield from _flatten_containers(value)
            elif isinstance(value, dict):
                yield from _flatten_containers(list(value.values()))
            else:
                yield value

    @property
    @remembered_walk
    def _layers(self):
        seen = set()
        layers = []
        for value in self._tracked_values():
            if isinstance(value, LayerState) and value is not self and id(value) not in seen:
                seen.add(id(value))
                layers.append(value)
        return layers

    @remembered_walk
    def _own_state(self):
        """Own variables: ``add_weight`` ones, then Variables assigned as attributes."""
        seen = {id(v) for v in self._own_variables}
        extra = []
        for value in self._tracked_values():
            if isinstance(value, backend.Variable) and id(value) not in seen:
                seen.add(id(value))
                extra.append(value)
        return self._own_variables + extra

    @staticmethod
    def _own_in_keras_order(own):
        """Variables created trainable first, then the others, each in creation order.

        The flag at creation decides, as in Keras: freezing a weight later does
        not move it (weight files and ``get_weights()`` depend on this order).
        """
        return [v for v in own if v._created_trainable] + [v for v in own if not v._created_trainable]

    @remembered_walk
    def _seed_generators(self):
        return [v for v in self._tracked_values() if isinstance(v, SeedGenerator)]

    def _flatten_layers(self, include_self=True, recursive=True):
        return list(memoized_structure(
            self, ("_flatten_layers", include_self, recursive),
            lambda: self._walk_flatten_layers(include_self, recursive)))

    def _walk_flatten_layers(self, include_self, recursive):
        result = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            result.append(layer)
            if recursive:
                stack.extend(reversed(layer._layers))
        return result

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for layer in self._flatten_layers():
            layer._trainable = value
        bump_structure_version()

    def _unique(self, variables):
        seen = set()
        out = []
        for v in variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    @property
    @remembered_walk
    def weights(self):
        """All weight variables: this layer's own, then its sub-layers' (no seeds, no metrics)."""
        own = self._own_state()
        out = self._own_in_keras_order(own)
        for layer in self._layers:
            out.extend(layer.weights)
        return self._unique(out)

    @property
    @remembered_walk
    def trainable_weights(self):
        if not self._trainable:
            return []
        out = [v for v in self._own_in_keras_order(self._own_state()) if v.trainable]
        for layer in self._layers:
            out.extend(layer.trainable_weights)
        return self._unique(out)

    @property
    @remembered_walk
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        out = [v for v in self._own_in_keras_order(self._own_state()) if not v.trainable]
        for layer in self._layers:
            out.extend(layer.non_trainable_weights)
        return self._unique(out)

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    @remembered_walk
    def non_trainable_variables(self):
        """Non-trainable weights plus the state of seed generators."""
        out = list(self.non_trainable_weights)
        for layer in self._flatten_layers():
            out.extend(g.state for g in layer._seed_generators())
        return self._unique(out)

    @property
    @remembered_walk
    def variables(self):
        out = list(self.weights)
        for layer in self._flatten_layers():
            out.extend(g.state for g in layer._seed_generators())
        return self._unique(out)

    @property
    def metrics_variables(self):
        out = []
        for metric in self.metrics:
            out.extend(metric.variables)
        return out

    @property
    @remembered_walk
    def metrics(self):
        from cornu.metrics import Metric

        out = []
        for layer in self._flatten_layers():
            out.extend(v for v in layer._tracked_values() if isinstance(v, Metric))
        return out

    def count_params(self):
        """Total number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. "
                "Build it first by calling it on data or with `layer.build(input_shape)`."
            )
        return int(sum(np.prod(v.shape, dtype="int64") for v in self.weights))

    def get_weights(self):
        """The weights as a list of NumPy arrays."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Sets the weights from a list of arrays (same order and shapes as ``get_weights()``)."""
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f"Layer '{self.name}' expects {len(variables)} weights, but the weight list has "
                f"{len(weights)} elements. Received: weights of length {len(weights)}"
            )
        for variable, value in zip(variables, weights):
            if tuple(np.shape(value)) != tuple(variable.shape):
                raise ValueError(
                    f"Layer '{self.name}' weight shape {variable.shape} is not compatible with provided "
                    f"weight shape {np.shape(value)}."
                )
        for variable, value in zip(variables, weights):
            variable.assign(value)

    # --------------------------------------------------------------- losses
    def add_loss(self, loss):
        """Adds a loss term (a scalar tensor) to be minimised during training."""
        scope = backend.get_stateless_scope()
        if scope is not None and scope.collect_losses:
            scope.add_loss(loss)
            return
        self._losses.append(loss)
        LAYERS_WITH_LOSSES.add(self)

    def _clear_losses(self):
        for layer in list(LAYERS_WITH_LOSSES):
            layer._losses = []

    @property
    def losses(self):
        """Losses added during the last call plus the weight regularization penalties."""
        out = []
        for layer, own in self._loss_sources():
            out.extend(layer._losses)
            for variable in own:
                if variable.regularizer is not None and variable.trainable:
                    out.append(variable.regularizer(variable.value))
        return out

    @remembered_walk
    def _loss_sources(self):
        """Every layer with its own variables, in the order ``losses`` reports them."""
        return [(layer, layer._own_state()) for layer in self._flatten_layers()]


def _flatten_containers(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _flatten_containers(v)
        elif isinstance(v, dict):
            yield from _flatten_containers(list(v.values()))
        else:
            yield v
