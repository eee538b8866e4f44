"""``OptimizerMap`` and ``MultiOptimizer``: a different optimizer for different variables.

A ``MultiOptimizer`` owns no update rule of its own: ``build`` asks its map
which sub-optimizer each model variable belongs to and builds every
sub-optimizer on its share, and ``apply`` hands each sub-optimizer the
gradients of its own variables. Its ``variables`` are its iteration counter
and learning-rate placeholder followed by every sub-optimizer's variables, in
the order Keras uses, so ``stateless_apply`` (the pure JAX step) and the
``.keras`` weights file see the whole state.
"""

import collections.abc
import re

from cornu import backend
from cornu.optimizers.loss_scale_optimizer import LossScaleOptimizer
from cornu.optimizers.optimizer import Optimizer
from cornu.serialization.registry import keras_export


def _check_sub_optimizer(optimizer, what):
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            f"{what} must be a Keras `Optimizer` instance (e.g. `keras.optimizers.Adam()`). "
            f"Received: optimizer={optimizer!r}"
        )
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(
            f"{what} cannot be a `LossScaleOptimizer`: set `loss_scale_factor` on the `MultiOptimizer` "
            f"instead. Received: optimizer={optimizer!r}"
        )
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(
            f"{what} cannot be a `MultiOptimizer`: nesting them is not supported. Put all the patterns "
            f"in one `OptimizerMap`. Received: optimizer={optimizer!r}"
        )


@keras_export("keras.optimizers.OptimizerMap")
class OptimizerMap(collections.abc.MutableMapping):
    """Maps variable paths (exact strings or regular expressions) to optimizers.

    A lookup first tries the key as an exact path, then every key of the map
    as a pattern that must match the whole path (``re.fullmatch``); a path
    matched by no key gets ``default_optimizer``, a path matched by several
    is an error. Calling the map on a variable looks up ``variable.path``.

    Args:
        default_optimizer: The optimizer of every variable no key matches.
        optimizer_map: An optional dict ``{path_or_pattern: optimizer}``.

    Example:
    >>> optimizer_map = cornu.optimizers.OptimizerMap(default_optimizer=cornu.optimizers.SGD(0.01))
    >>> optimizer_map["encoder/.*"] = cornu.optimizers.Adam(1e-3)
    >>> optimizer_map["encoder/dense/kernel"].name
    'adam'
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(
                "`default_optimizer` must be a Keras `Optimizer` instance. "
                f"Received: default_optimizer={default_optimizer!r}"
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(
                "`optimizer_map` must be a dict mapping variable paths or patterns to optimizers. "
                f"Received: optimizer_map={optimizer_map!r}"
            )
        self._default_optimizer = default_optimizer
        self._optimizer_map = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self):
        """The optimizer of the variables no key matches."""
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Multiple optimizers assigned to variable {key}: it matches each of the patterns {matches}. "
                "Make the patterns of the `OptimizerMap` exclusive."
            )
        if matches:
            return self._optimizer_map[matches[0]]
        return self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(
                f"'{key}' already exists in the OptimizerMap with value {self._optimizer_map[key]}. "
                "Use each key only once (delete it first to replace its optimizer)."
            )
        if not isinstance(key, str):
            raise ValueError(f"`OptimizerMap` keys must be strings (paths or patterns). Received: key={key!r}")
        _check_sub_optimizer(optimizer, "An `OptimizerMap` value")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        """The optimizer of ``variable`` (looked up by its path)."""
        return self[variable.path]

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        return {
            "default_optimizer": serialize_keras_object(self._default_optimizer),
            "optimizer_map": serialize_keras_object(self._optimizer_map),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        default_optimizer = deserialize_keras_object(config.get("default_optimizer"), custom_objects=custom_objects)
        optimizer_map = deserialize_keras_object(config.get("optimizer_map"), custom_objects=custom_objects)
        return cls(default_optimizer, optimizer_map)

    def __repr__(self):
        return f"<OptimizerMap default={self._default_optimizer.name} keys={list(self._optimizer_map)}>"


@keras_export("keras.optimizers.MultiOptimizer")
class MultiOptimizer(Optimizer):
    """Delegates each variable to its own optimizer.

    ``optimizers`` lists the sub-optimizers (those named by the map first,
    then the default, then any a callable map returns while building); each
    keeps its own learning rate, slots and iteration count, and callbacks
    such as ``LearningRateScheduler`` update every one of them. The
    ``MultiOptimizer`` itself has no learning rate: reading or setting
    ``learning_rate`` is an error.

    Args:
        optimizer_map: An ``OptimizerMap``, or a callable taking a variable
            and returning its optimizer.
        loss_scale_factor: Scales the loss (``scale_loss``) and is passed on
            to every sub-optimizer, replacing theirs, so gradients are
            unscaled once.
        name: The optimizer's name.

    Example:
    >>> optimizer = cornu.optimizers.MultiOptimizer(
    ...     cornu.optimizers.OptimizerMap(
    ...         default_optimizer=cornu.optimizers.SGD(0.01),
    ...         optimizer_map={".*encoder/.*": cornu.optimizers.Adam(1e-3)},
    ...     )
    ... )
    >>> model.compile(optimizer=optimizer, loss="mse")
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not callable(optimizer_map):
            raise TypeError(
                "`optimizer_map` must be an `OptimizerMap` or a callable that returns the optimizer of a "
                f"variable. Received: optimizer_map={optimizer_map!r}"
            )
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        self._inner_optimizers = []
        self._var_to_optimizer_idx = {}
        candidates = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        if default is not None:
            candidates.append(default)
        for optimizer in candidates:
            self._add_inner_optimizer(optimizer)

    def _add_inner_optimizer(self, optimizer):
        for index, known in enumerate(self._inner_optimizers):
            if known is optimizer:
                return index
        optimizer.loss_scale_factor = self.loss_scale_factor
        self._inner_optimizers.append(optimizer)
        return len(self._inner_optimizers) - 1

    # ------------------------------------------------------------------ build

    def build(self, var_list):
        """Routes every variable to its optimizer and builds each sub-optimizer on its variables."""
        if self.built:
            return
        var_list = list(var_list)
        self._var_to_optimizer_idx = {}
        self._trainable_variables_indices = {}
        shares = [[] for _ in self._inner_optimizers]
        for i, variable in enumerate(var_list):
            optimizer = self._optimizer_map(variable)
            _check_sub_optimizer(optimizer, f"The optimizer returned for variable {variable.path}")
            index = self._add_inner_optimizer(optimizer)
            if index == len(shares):
                shares.append([])
            self._var_to_optimizer_idx[self._var_key(variable)] = index
            self._trainable_variables_indices[self._var_key(variable)] = i
            shares[index].append(variable)
        for optimizer, variables in zip(self._inner_optimizers, shares):
            if variables:
                optimizer.build(variables)
        super().build(var_list)

    # ------------------------------------------------------------- properties

    @property
    def optimizers(self):
        """The sub-optimizers, in the order their variables are saved."""
        return self._inner_optimizers

    @property
    def variables(self):
        """This optimizer's own variables, then each sub-optimizer's."""
        variables = self._variables[:]
        for optimizer in self._inner_optimizers:
            variables.extend(optimizer.variables)
        return variables

    @property
    def learning_rate(self):
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer: each sub-optimizer has its own. "
            "Read it on the sub-optimizers instead (`optimizer.optimizers[i].learning_rate`)."
        )

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(
            "Learning rate cannot be set on a MultiOptimizer: each sub-optimizer has its own. "
            f"Set it on the sub-optimizers instead (`optimizer.optimizers[i].learning_rate`). Received: {value}"
        )

    @property
    def loss_scale_factor(self):
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for optimizer in self.__dict__.get("_inner_optimizers", ()):
            optimizer.loss_scale_factor = value

    @property
    def iterations(self):
        """Steps taken by the ``MultiOptimizer`` (each sub-optimizer also counts its own)."""
        return self._iterations

    # ------------------------------------------------------------------ apply

    def _split_by_optimizer(self, grads, variables):
        shares = [([], []) for _ in self._inner_optimizers]
        for grad, variable in zip(grads, variables):
            sub_grads, sub_vars = shares[self._var_to_optimizer_idx[self._var_key(variable)]]
            sub_grads.append(grad)
            sub_vars.append(variable)
        return shares

    def apply(self, grads, trainable_variables=None):
        """Applies each sub-optimizer to the gradients of its own variables.

        Example:
        >>> optimizer.apply(grads, model.trainable_variables)
        """
        if len(grads) == 0:
            return
        grads = [None if g is None else backend.convert_to_tensor(g) for g in grads]
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a "
                    "list of variables. Call `optimizer.build(trainable_variables)` first."
                )
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                "Gradients must match trainable variables one-to-one. "
                f"Received {len(grads)} gradients and {len(trainable_variables)} variables."
            )
        self._check_variables_are_known(trainable_variables)
        shares = self._split_by_optimizer(grads, trainable_variables)
        for optimizer, (sub_grads, sub_vars) in zip(self._inner_optimizers, shares):
            if sub_vars:
                optimizer.apply(sub_grads, sub_vars)
        self._iterations.assign_add(1)

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Pure ``apply``: ``optimizer_variables`` follows ``self.variables`` (sub-optimizers included).

        Returns ``(new_trainable_values, new_optimizer_values)``.

        Example:
        >>> new_weights, new_state = optimizer.stateless_apply(
        ...     [v.value for v in optimizer.variables], grads, [v.value for v in weights])
        """
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built (its variables must exist). "
                "Build it with `optimizer.build(trainable_variables)`."
            )
        variables = self.variables
        if len(optimizer_variables) != len(variables):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors matching "
                f"{type(self).__name__}().variables one-to-one. Received a list of length "
                f"{len(optimizer_variables)}, but expected {len(variables)} values."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "Argument `trainable_variables` must be a list of tensors matching the variables the "
                f"optimizer was built with. Received {len(trainable_variables)} values, but the optimizer "
                f"was built with {len(self._trainable_variables)} variables."
            )
        mapping = list(zip(self._trainable_variables, trainable_variables)) + list(zip(variables, optimizer_variables))
        with backend.StatelessScope(state_mapping=mapping) as scope:
            self.apply(grads)
        new_trainable = [_current_value(scope, v) for v in self._trainable_variables]
        new_optimizer = [_current_value(scope, v) for v in variables]
        return new_trainable, new_optimizer

    def finalize_variable_values(self, var_list):
        """Lets each sub-optimizer finalize its own variables (e.g. write in its EMA)."""
        if not self.built:
            return
        var_list = list(var_list)
        for optimizer, (_, sub_vars) in zip(self._inner_optimizers, self._split_by_optimizer(var_list, var_list)):
            if sub_vars:
                optimizer.finalize_variable_values(sub_vars)

    # ----------------------------------------------------------------- saving

    def set_weights(self, weights):
        """Assigns one array per variable of ``self.variables`` (own ones first, then each sub-optimizer's)."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Call "
                "`optimizer.build(trainable_variables)` to create the optimizer weights first."
            )
        weights = list(weights)
        if len(weights) != len(self.variables):
            raise ValueError(
                f"`set_weights()` expects one array per optimizer variable: {len(self.variables)} arrays. "
                f"Received: {len(weights)} arrays"
            )
        own = len(self._variables)
        for variable, weight in zip(self._variables, weights[:own]):
            variable.assign(weight)
        start = own
        for optimizer in self._inner_optimizers:
            count = len(optimizer.variables)
            if optimizer.built:
                optimizer.set_weights(weights[start : start + count])
            else:
                for variable, weight in zip(optimizer.variables, weights[start : start + count]):
                    variable.assign(weight)
            start += count

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        return {
            "optimizer_map": serialize_keras_object(self._optimizer_map),
            "loss_scale_factor": self.loss_scale_factor,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        config = dict(config)
        config["optimizer_map"] = deserialize_keras_object(config.get("optimizer_map"), custom_objects=custom_objects)
        return cls(**config)


def _current_value(scope, variable):
    value = scope.get_current_value(variable)
    return variable.value if value is None else value
