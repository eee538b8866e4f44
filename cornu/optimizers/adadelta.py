"""Adadelta: step sizes from running averages of squared gradients and updates."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer
from cornu.serialization.registry import keras_export


@keras_export("keras.optimizers.Adadelta")
class Adadelta(Optimizer):
    """Adadelta: ``delta = -rms(accumulated_delta) / rms(accumulated_grad) * g``, ``w += lr * delta``.

    Example:
    >>> opt = cornu.optimizers.Adadelta(learning_rate=1.0, rho=0.95)
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
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
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        """Creates ``accumulated_grad`` and ``accumulated_delta_var`` slots."""
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, grad, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        grad = ops.cast(grad, variable.dtype)
        rho = self.rho
        index = self._get_variable_index(variable)
        accumulated_grad = self._accumulated_grads[index]
        accumulated_delta = self._accumulated_delta_vars[index]

        def rms(x):
            return ops.sqrt(ops.add(x, self.epsilon))

        self.assign(accumulated_grad, ops.add(rho * accumulated_grad, ops.multiply(1 - rho, ops.square(grad))))
        delta = ops.negative(ops.divide(ops.multiply(rms(accumulated_delta), grad), rms(accumulated_grad)))
        self.assign(
            accumulated_delta, ops.add(ops.multiply(rho, accumulated_delta), ops.multiply(1 - rho, ops.square(delta)))
        )
        self.assign_add(variable, ops.multiply(lr, delta))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
