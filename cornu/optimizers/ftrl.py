"""FTRL-Proximal: follow the regularized leader, with L1/L2 regularization built into the step."""

from cornu import initializers
from cornu import ops
from cornu.optimizers.optimizer import Optimizer
from cornu.serialization.registry import keras_export


@keras_export("keras.optimizers.Ftrl")
class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013), suited to large sparse linear models.

    Keeps a per-coordinate ``accumulator`` of squared gradients and a
    ``linear`` term; each step solves for the weights in closed form, so L1
    regularization yields exact zeros.

    Args:
        learning_rate: The step size.
        learning_rate_power: <= 0; how the per-coordinate rate shrinks with the
            accumulator (-0.5: like Adagrad; 0: a fixed rate).
        initial_accumulator_value: >= 0, the accumulators' start value.
        l1_regularization_strength: >= 0.
        l2_regularization_strength: >= 0 (stabilization penalty).
        l2_shrinkage_regularization_strength: >= 0, an L2 penalty on the
            weights themselves (magnitude shrinkage).
        beta: Added to the denominator as ``beta / (2 * lr)`` of L2 (as in the paper).
        Other arguments: as for ``Optimizer``.

    Example:
    >>> opt = cornu.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        if learning_rate_power > 0.0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. "
                f"Received: learning_rate_power={learning_rate_power}."
            )
        for arg, value in (
            ("initial_accumulator_value", initial_accumulator_value),
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
        ):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: {arg}={value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        """Creates an ``accumulator`` (at ``initial_accumulator_value``) and a ``linear`` slot per variable."""
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list,
            ["accumulator", "linear"],
            initializer=[initializers.Constant(self.initial_accumulator_value), "zeros"],
        )

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        accumulator = self._accumulators[index]
        linear = self._linears[index]
        power = -self.learning_rate_power
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)

        weights = variable.value
        shrunk_gradient = ops.add(gradient, ops.multiply(2 * self.l2_shrinkage_regularization_strength, weights))
        new_accumulator = ops.add(accumulator.value, ops.square(gradient))
        sigma = ops.divide(ops.subtract(ops.power(new_accumulator, power), ops.power(accumulator.value, power)), lr)
        self.assign_add(linear, ops.subtract(shrunk_gradient, ops.multiply(sigma, weights)))
        quadratic = ops.add(ops.divide(ops.power(new_accumulator, power), lr), 2 * l2)
        l1 = self.l1_regularization_strength
        # Closed-form minimizer: zero where |linear| <= l1, else shrunk towards zero.
        self.assign(variable, ops.divide(ops.subtract(ops.clip(linear.value, -l1, l1), linear.value), quadratic))
        self.assign(accumulator, new_accumulator)

    def get_config(self):
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
