"""LAMB: Adam steps rescaled per layer by the ratio of weight norm to update norm."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer
from cornu.serialization.registry import keras_export


@keras_export("keras.optimizers.Lamb")
class Lamb(Optimizer):
    """LAMB (You et al., 2019), for large-batch training.

    The bias-corrected Adam direction ``u = m_hat / (sqrt(v_hat) + epsilon)``
    is scaled by the trust ratio ``||w|| / ||u||`` (1 when either norm is 0).

    Args:
        learning_rate, beta_1, beta_2, epsilon: as for ``Adam``.
        Other arguments: as for ``Optimizer``.

    Example:
    >>> opt = cornu.optimizers.Lamb(learning_rate=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
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

    def build(self, var_list):
        """Creates ``momentum`` and ``velocity`` slots."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), step)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), step)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m.value), 1 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v.value), 1 - self.beta_2))
        m_hat = ops.divide(m.value, 1.0 - beta_1_power)
        v_sqrt = ops.add(ops.sqrt(ops.divide(v.value, 1.0 - beta_2_power)), self.epsilon)
        update = ops.divide(m_hat, v_sqrt)
        weight_norm = ops.sqrt(ops.sum(ops.power(variable.value, 2)))
        update_norm = ops.sqrt(ops.sum(ops.power(update, 2)))
        one = ops.ones((), dtype)
        ratio = ops.where(
            ops.greater(weight_norm, 0),
            ops.where(ops.greater(update_norm, 0), weight_norm / update_norm, one),
            one,
        )
        self.assign_sub(variable, ratio * lr * update)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
