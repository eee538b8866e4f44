"""``LossScaleOptimizer``: dynamic loss scaling around another optimizer, for float16 training.

Multiplying the loss by a large factor keeps small float16 gradients from
underflowing. The scale adapts: a step whose gradients hold an inf or NaN
is skipped and halves the scale; ``dynamic_growth_steps`` finite steps in a
row double it.

The update is a pure function of the state: the inner optimizer's step is
computed and kept with ``ops.where`` only when the gradients are finite, so
the same code runs eagerly (torch, numpy, eager JAX) and inside a jitted
JAX step.
"""

from cornu import backend
from cornu import initializers
from cornu import ops
from cornu.optimizers.optimizer import Optimizer
from cornu.serialization.registry import keras_export

# Arguments of Optimizer that belong on the inner optimizer instead.
_BASE_OPTIMIZER_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


def _current_value(scope, variable):
    value = scope.get_current_value(variable)
    return variable.value if value is None else value


@keras_export("keras.optimizers.LossScaleOptimizer", "keras.mixed_precision.LossScaleOptimizer")
class LossScaleOptimizer(Optimizer):
    """Wraps ``inner_optimizer`` with a dynamically adjusted loss scale.

    Compute gradients of ``optimizer.scale_loss(loss)``; ``apply`` divides
    them by the scale before handing them to the inner optimizer.

    Args:
        inner_optimizer: The optimizer that applies the (unscaled) gradients.
        initial_scale: The starting loss scale.
        dynamic_growth_steps: The scale doubles after this many consecutive
            steps with finite gradients.
        name: The optimizer's name.

    Example:
    >>> opt = cornu.optimizers.LossScaleOptimizer(cornu.optimizers.SGD(0.1))
    >>> scaled_loss = opt.scale_loss(loss)   # take gradients of this
    >>> opt.apply(scaled_grads, variables)   # unscaled inside; skipped if not finite
    """

    def __init__(self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set `loss_scale_factor` "
                "directly on the `inner_optimizer`. Received: dynamic=False"
            )
        for arg_name, default in _BASE_OPTIMIZER_DEFAULTS.items():
            if arg_name not in kwargs:
                continue
            value = kwargs.pop(arg_name)
            if value != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg_name}`. Instead, set `{arg_name}` on the "
                    f"`inner_optimizer`. Received: {arg_name}={value!r}"
                )
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs.keys())}`.")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The scale is this optimizer's job; a static factor on the inner one would apply twice.
        self.inner_optimizer.loss_scale_factor = None

    def build(self, var_list):
        """Creates ``step_counter`` and ``dynamic_scale``, then builds the inner optimizer."""
        self.step_counter = self.add_variable(
            shape=(), dtype="int32", initializer=initializers.Zeros(), aggregation="none", name="step_counter"
        )
        self.dynamic_scale = self.add_variable(
            shape=(),
            dtype="float32",
            initializer=initializers.Constant(self.initial_scale),
            aggregation="none",
            name="dynamic_scale",
        )
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self):
        """This optimizer's variables followed by the inner optimizer's."""
        return self._variables + self.inner_optimizer.variables

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        """The inner optimizer's step count (skipped steps do not count)."""
        return self.inner_optimizer.iterations

    def check_finite(self, grads):
        """A scalar bool tensor: whether every gradient is free of inf and NaN."""
        finite = [ops.all(ops.isfinite(g)) for g in grads if g is not None]
        return ops.all(ops.stack(finite)) if finite else ops.convert_to_tensor(True)

    def scale_loss(self, loss):
        """``loss`` times the current scale (``initial_scale`` before the optimizer is built).

        Example:
        >>> scaled = opt.scale_loss(loss)
        """
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return ops.multiply(loss, scale)

    # ---------------------------------------------------------------- updates

    def _unscale(self, grads, scale):
        return [
            g if g is None or getattr(v, "overwrite_with_gradient", False) else ops.divide(g, ops.cast(scale, g.dtype))
            for g, v in zip(grads, self._trainable_variables)
        ]

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Pure version of ``apply``: returns ``(new_trainable_values, new_optimizer_values)``.

        ``optimizer_variables`` follows ``self.variables`` (own variables, then
        the inner optimizer's). Runs inside ``jax.jit``.

        Example:
        >>> new_weights, new_state = opt.stateless_apply(
        ...     [v.value for v in opt.variables], grads, [v.value for v in weights])
        """
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built (its variables must exist). "
                "Build it with `optimizer.build(trainable_variables)`."
            )
        if len(optimizer_variables) != len(self.variables):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors matching "
                f"{type(self).__name__}().variables one-to-one. Received a list of length "
                f"{len(optimizer_variables)}, but expected {len(self.variables)} values."
            )
        optimizer_variables = list(optimizer_variables)
        trainable_variables = list(trainable_variables)
        num_own = len(self._variables)
        own_values, inner_values = optimizer_variables[:num_own], optimizer_variables[num_own:]
        counter_index = next(i for i, v in enumerate(self._variables) if v is self.step_counter)
        scale_index = next(i for i, v in enumerate(self._variables) if v is self.dynamic_scale)
        counter = own_values[counter_index]
        scale = own_values[scale_index]

        finite = self.check_finite(grads)
        # The inner step is always computed and kept only when the gradients are finite: a select
        # traces under jit and, unlike `cond`, costs no retrace when called eagerly on JAX.
        new_trainable, new_inner = self.inner_optimizer.stateless_apply(
            inner_values, self._unscale(grads, scale), trainable_variables
        )
        new_trainable = [ops.where(finite, new, old) for new, old in zip(new_trainable, trainable_variables)]
        new_inner = [ops.where(finite, new, old) for new, old in zip(new_inner, inner_values)]
        grow = ops.logical_and(finite, ops.equal(counter, self.dynamic_growth_steps - 1))
        zero = ops.zeros_like(counter)
        new_counter = ops.where(finite, ops.where(grow, zero, counter + 1), zero)
        new_scale = ops.where(finite, ops.where(grow, scale * 2.0, scale), scale * 0.5)
        new_own = list(own_values)
        new_own[counter_index] = ops.cast(new_counter, self.step_counter.dtype)
        new_own[scale_index] = ops.cast(new_scale, self.dynamic_scale.dtype)
        return new_trainable, new_own + new_inner

    def apply(self, grads, trainable_variables=None):
        """Unscales ``grads`` and applies them with the inner optimizer, or skips the step if any is not finite.

        Example:
        >>> opt.apply(grads, model.trainable_variables)
        """
        if not self.built:
            if trainable_variables is None:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a list of "
                    "variables. Call `optimizer.build(trainable_variables)` first."
                )
            trainable_variables = list(trainable_variables)
            with backend.name_scope(self.name, caller=self):
                self.build(trainable_variables)
            self.built = True
        grads = list(grads)
        if trainable_variables is not None:
            trainable_variables = list(trainable_variables)
            self._check_variables_are_known(trainable_variables)
            # Put the gradients in the order the optimizer was built with; absent variables get None.
            ordered = [None] * len(self._trainable_variables)
            for g, v in zip(grads, trainable_variables):
                ordered[self._get_variable_index(v)] = g
            grads = ordered
        variables = self.variables
        values = [ops.convert_to_tensor(v.value) for v in variables]
        weights = [ops.convert_to_tensor(v.value) for v in self._trainable_variables]
        new_weights, new_values = self.stateless_apply(values, grads, weights)
        for variable, value in zip(self._trainable_variables, new_weights):
            variable.assign(value)
        for variable, value in zip(variables, new_values):
            variable.assign(value)

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        return {
            "name": self.name,
            "inner_optimizer": serialize_keras_object(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        config = dict(config)
        inner_optimizer = deserialize_keras_object(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner_optimizer, **config)
