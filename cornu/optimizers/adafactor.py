"""Adafactor: Adam-like steps with factored (row/column) second moments, for little memory."""

from cornu import backend
from cornu import ops
from cornu.optimizers.optimizer import Optimizer
from cornu.serialization.registry import keras_export


@keras_export("keras.optimizers.Adafactor")
class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018).

    For a variable of rank >= 2 the second moment is stored as a row mean
    ``r`` and a column mean ``c`` of the squared gradient instead of a full
    matrix; vectors keep a full ``velocity``. Steps are relative to the
    variable's RMS and clipped to an RMS of ``clip_threshold``.

    Args:
        learning_rate: The step size (capped by ``1 / sqrt(step)`` when
            ``relative_step`` and the rate is not a schedule).
        beta_2_decay: Decay exponent of the second moment: ``beta_2 = 1 - step^beta_2_decay``.
        epsilon_1: Added to squared gradients.
        epsilon_2: Floor of the variable RMS that scales each step.
        clip_threshold: Largest RMS of the normalized update.
        relative_step: Cap a constant learning rate by ``1 / sqrt(step)``.
        Other arguments: as for ``Optimizer``.

    Example:
    >>> opt = cornu.optimizers.Adafactor(learning_rate=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        """Creates the row/column moments ``r`` and ``c`` and a ``velocity`` slot per variable.

        Vectors get placeholder int scalars for ``r`` and ``c`` (as Keras
        does), so the saved variable list has the same layout.
        """
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for var in var_list:
            overwritten = getattr(var, "overwrite_with_gradient", False)
            if len(var.shape) < 2:
                for store in (self._r, self._c):
                    placeholder = backend.Variable(0, name=var.name, trainable=False)
                    self._track_variable(placeholder)
                    store.append(placeholder)
            elif overwritten:
                self._r.append(None)
                self._c.append(None)
            else:
                row_shape = tuple(var.shape[:-1])
                column_shape = tuple(var.shape[:-2]) + (var.shape[-1],)
                self._r.append(self.add_variable(shape=row_shape, dtype=var.dtype, name=var.name))
                self._c.append(self.add_variable(shape=column_shape, dtype=var.dtype, name=var.name))
            self._v.append(None if overwritten else self.add_variable_from_reference(var, name="velocity"))

    def _rms(self, x):
        return ops.sqrt(ops.mean(ops.square(x)))

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        one = ops.cast(1.0, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        if not callable(self._learning_rate) and self.relative_step:
            lr = ops.minimum(lr, 1 / ops.sqrt(step))
        index = self._get_variable_index(variable)
        r, c, v = self._r[index], self._c[index], self._v[index]

        rho = ops.minimum(lr, 1 / ops.sqrt(step))
        alpha = ops.maximum(ops.cast(self.epsilon_2, dtype), self._rms(variable.value)) * rho
        squared = ops.add(ops.square(gradient), self.epsilon_1)
        beta_2 = ops.subtract(1, ops.power(step, self.beta_2_decay))
        if len(variable.shape) >= 2:
            self.assign(r, ops.add(ops.multiply(beta_2, r.value), ops.multiply(1 - beta_2, ops.mean(squared, axis=-1))))
            self.assign(c, ops.add(ops.multiply(beta_2, c.value), ops.multiply(1 - beta_2, ops.mean(squared, axis=-2))))
            # The rank-1 reconstruction of the second moment: outer product of rows and columns.
            row_factor = ops.expand_dims(ops.divide(r.value, ops.mean(r.value, axis=-1, keepdims=True)), axis=-1)
            self.assign(v, ops.multiply(row_factor, ops.expand_dims(c.value, -2)))
        else:
            self.assign(v, ops.add(ops.multiply(beta_2, v.value), ops.multiply(1 - beta_2, squared)))
        update = ops.divide(gradient, ops.sqrt(v.value))
        update = ops.divide(update, ops.maximum(one, ops.divide(self._rms(update), self.clip_threshold)))
        self.assign_sub(variable, ops.multiply(alpha, update))

    def get_config(self):
        return {
            **super().get_config(),
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        }
