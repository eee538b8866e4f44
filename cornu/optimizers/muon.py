"""Muon: momentum steps orthogonalized by a Newton-Schulz iteration, AdamW for the rest."""

import math
import re

from cornu import ops
from cornu.optimizers.optimizer import Optimizer
from cornu.serialization.registry import keras_export


@keras_export("keras.optimizers.Muon")
class Muon(Optimizer):
    """Muon (Jordan et al., 2024) for 2D weights; AdamW for every other variable.

    A 2D variable takes a (Nesterov) momentum step whose direction is
    replaced by its nearest semi-orthogonal matrix (``ns_steps`` quintic
    Newton-Schulz iterations with coefficients ``muon_a/b/c``), scaled by
    ``sqrt(max(rows, cols)) * rms_rate``. Variables that are not 2D, whose
    path contains "embedding" (with ``exclude_embeddings``) or matches a
    regex of ``exclude_layers`` use AdamW with ``learning_rate * adam_lr_ratio``.

    Args:
        learning_rate: The step size.
        adam_beta_1, adam_beta_2, epsilon: AdamW's moment rates and epsilon.
        adam_weight_decay: Weight decay of the AdamW variables.
        weight_decay: Weight decay of the Muon variables.
        exclude_layers: Regexes of variable paths to train with AdamW.
        exclude_embeddings: Train embeddings with AdamW.
        muon_a, muon_b, muon_c: Newton-Schulz coefficients.
        adam_lr_ratio: Learning-rate multiplier of the AdamW variables.
        momentum: Momentum of the Muon variables.
        ns_steps: Number of Newton-Schulz iterations.
        nesterov: Use Nesterov momentum.
        rms_rate: Scale matching the update RMS to AdamW's (None: no scaling).
        Other arguments: as for ``Optimizer``.

    Example:
    >>> opt = cornu.optimizers.Muon(learning_rate=0.02, exclude_layers=["head"])
    """

    def __init__(
        self,
        learning_rate=0.001,
        adam_beta_1=0.9,
        adam_beta_2=0.999,
        adam_weight_decay=0.004,
        epsilon=1e-7,
        weight_decay=0.004,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        exclude_layers=None,
        exclude_embeddings=True,
        muon_a=3.4445,
        muon_b=-4.775,
        muon_c=2.0315,
        adam_lr_ratio=1,
        momentum=0.95,
        ns_steps=5,
        nesterov=True,
        rms_rate=0.2,
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
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = exclude_layers or []
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable):
        if len(variable.shape) != 2:
            return True
        if self.exclude_embeddings and "embedding" in variable.path.lower():
            return True
        return any(re.search(pattern, variable.path) for pattern in self.exclude_layers)

    def build(self, var_list):
        """Creates a ``momentum`` slot per variable, plus a ``velocity`` for the AdamW ones."""
        if self.built:
            return
        super().build(var_list)
        self.momentums = [None] * len(var_list)
        self.adam_velocities = [None] * len(var_list)
        for var in var_list:
            if getattr(var, "overwrite_with_gradient", False):
                continue
            index = self._get_variable_index(var)
            self.momentums[index] = self.add_variable_from_reference(var, name="momentum")
            if self._should_use_adamw(var):
                self.adam_velocities[index] = self.add_variable_from_reference(var, name="velocity")

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        m = self.momentums[index]
        v = self.adam_velocities[index]
        if v is not None:
            self._adamw_update_step(gradient, variable, learning_rate * self.adam_lr_ratio, m, v)
        else:
            self._muon_update_step(gradient, variable, learning_rate, m)

    def _muon_update_step(self, gradient, variable, lr, m):
        self.assign_add(m, ops.add(gradient, m.value * (self.momentum - 1)))
        direction = ops.add(gradient, self.momentum * m.value) if self.nesterov else m.value
        update = self.zeropower_via_newtonschulz5(direction, self.ns_steps)
        self.assign_sub(variable, self.lr_adjust(lr * update))

    def _adamw_update_step(self, gradient, variable, learning_rate, m, v):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.adam_beta_1, dtype), step)
        beta_2_power = ops.power(ops.cast(self.adam_beta_2, dtype), step)
        alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m.value), 1 - self.adam_beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v.value), 1 - self.adam_beta_2))
        self.assign_sub(variable, ops.divide(ops.multiply(m.value, alpha), ops.add(ops.sqrt(v.value), self.epsilon)))

    def transpose_last_axis(self, x):
        """``x`` with its last two axes swapped."""
        order = list(range(len(x.shape)))
        order[-2], order[-1] = order[-1], order[-2]
        return ops.transpose(x, order)

    def lr_adjust(self, x):
        """Scales an orthogonalized update so its RMS is comparable to AdamW's."""
        if self.rms_rate is None:
            return x
        return x * math.sqrt(max(x.shape[0], x.shape[1])) * self.rms_rate

    def zeropower_via_newtonschulz5(self, x, steps):
        """The nearest semi-orthogonal matrix to ``x``, by ``steps`` quintic Newton-Schulz iterations."""
        shape = tuple(x.shape)
        if len(shape) < 2:
            raise ValueError(f"Expected gradient or momentum to have at least 2 dimensions. Received: shape={shape}")
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = shape[-2] > shape[-1]
        if tall:
            x = self.transpose_last_axis(x)
        x = x / (ops.norm(x, axis=(-2, -1), keepdims=True) + 1e-7)
        for _ in range(steps):
            gram = ops.matmul(x, self.transpose_last_axis(x))
            poly = b * gram + c * ops.matmul(gram, gram)
            x = a * x + ops.matmul(poly, x)
        if tall:
            x = self.transpose_last_axis(x)
        return x

    def _apply_weight_decay(self, variables):
        # Muon and AdamW variables decay at their own rates.
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            rate = self.adam_weight_decay if self._should_use_adamw(variable) else self.weight_decay
            if rate is None:
                continue
            wd = ops.cast(rate, variable.dtype)
            lr = ops.cast(self.learning_rate, variable.dtype)
            variable.assign(variable.value - variable.value * wd * lr)

    def get_config(self):
        return {
            **super().get_config(),
            "adam_beta_1": self.adam_beta_1,
            "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon,
            "exclude_layers": self.exclude_layers,
            "muon_a": self.muon_a,
            "muon_b": self.muon_b,
            "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio,
            "momentum": self.momentum,
            "ns_steps": self.ns_steps,
            "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay,
            "rms_rate": self.rms_rate,
        }
