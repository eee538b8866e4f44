"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer
from cornu.serialization.registry import keras_export


@keras_export("keras.optimizers.SGD")
class SGD(Optimizer):
    """Gradient descent with momentum.

    Without momentum: ``w -= learning_rate * g``. With momentum:
    ``velocity = momentum * velocity - learning_rate * g`` then
    ``w += velocity`` (Nesterov: ``w += momentum * velocity - learning_rate * g``).

    Example:
    >>> opt = cornu.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
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
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum}")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        """Creates one ``momentum`` slot per variable when ``momentum != 0``."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    @property
    def fused_update_rule(self):
        """"sgd" for SGD's own update: a backend may then run it fused."""
        return "sgd" if type(self).update_step is SGD.update_step else None

    def fused_slots(self, variables):
        """``(momentums,)`` aligned with ``variables`` (all None without momentum)."""
        if not self.momentums:
            return ([None] * len(variables),)
        return ([self.momentums[self._get_variable_index(v)] for v in variables],)

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        if self.momentum == 0 or self.momentums[self._get_variable_index(variable)] is None:
            self.assign_sub(variable, ops.multiply(gradient, lr))
            return
        m = self.momentums[self._get_variable_index(variable)]
        momentum = ops.cast(self.momentum, variable.dtype)
        self.assign(m, ops.subtract(ops.multiply(m, momentum), ops.multiply(gradient, lr)))
        if self.nesterov:
            self.assign_add(variable, ops.subtract(ops.multiply(m, momentum), ops.multiply(gradient, lr)))
        else:
            self.assign_add(variable, m)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
