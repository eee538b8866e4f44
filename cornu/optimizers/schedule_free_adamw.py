"""Schedule-free AdamW: no learning-rate schedule needed, thanks to iterate averaging."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer
from cornu.serialization.registry import keras_export


@keras_export("keras.optimizers.ScheduleFreeAdamW")
class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW (Defazio et al., 2024).

    Keeps the base iterate ``z`` (slot ``momentum``, starting at the
    weights) updated by Adam-normalized steps; the averaged iterate ``x``
    is ``x_t = (1 - 1/t) x_{t-1} + (1/t) z_t``, and the model weights hold
    the interpolation ``y = (1 - beta_1) z + beta_1 x`` where gradients are taken.

    Args:
        learning_rate: The step size (typically larger than AdamW's).
        beta_1: Interpolation between ``z`` and ``x``.
        beta_2: Decay of the squared-gradient average.
        epsilon: Added to the denominator.
        warmup_steps: Linear warmup of the learning rate over this many steps.
        Other arguments: as for ``Optimizer``.

    Example:
    >>> opt = cornu.optimizers.ScheduleFreeAdamW(learning_rate=0.0025, warmup_steps=100)
    """

    def __init__(
        self,
        learning_rate=0.0025,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        warmup_steps=0,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, var_list):
        """Creates ``momentum`` (the base iterate, a copy of each variable) and ``velocity`` slots."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        for momentum, var in zip(self._momentums, var_list):
            if momentum is not None:
                self.assign(momentum, ops.copy(var.value))

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        epsilon = ops.cast(self.epsilon, dtype)
        if self.warmup_steps > 0:
            lr = lr * ops.minimum(step / ops.cast(self.warmup_steps, dtype), 1.0)
        index = self._get_variable_index(variable)
        z = self._momentums[index]
        velocity = self._velocities[index]
        z_old = ops.copy(z.value)  # assign_sub may update z in place (torch)

        bias_correction_2 = 1 - ops.power(beta_2, step)
        self.assign_add(velocity, ops.multiply(ops.subtract(ops.square(gradient), velocity.value), 1 - beta_2))
        denom = ops.add(ops.sqrt(velocity.value / bias_correction_2), epsilon)
        self.assign_sub(z, ops.divide(ops.multiply(lr, gradient), denom))

        # Recover the average x from the current weights y, move it towards z, re-interpolate.
        weight = 1.0 / step
        x_old = ops.divide(ops.subtract(variable.value, ops.multiply(1 - beta_1, z_old)), beta_1)
        x_new = ops.add(ops.multiply(1 - weight, x_old), ops.multiply(weight, z.value))
        self.assign(variable, ops.add(ops.multiply(1 - beta_1, z.value), ops.multiply(beta_1, x_new)))

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "warmup_steps": self.warmup_steps,
        }
