"""What an optimizer does to gradients and weights around each ``update_step``: gradient
accumulation (``gradient_accumulation_steps``), variables overwritten with their gradient
(``overwrite_with_gradient``), gradient clipping (``clipnorm``, ``global_clipnorm``,
``clipvalue``), decoupled weight decay, and the moving average of the weights (``use_ema``). A mixin of ``Optimizer``: every method reads the
optimizer's own settings, and goes through ``cornu.ops`` so it traces under ``jax.jit``.

Example:
>>> opt = cornu.optimizers.AdamW(weight_decay=0.01, global_clipnorm=1.0, use_ema=True)
>>> opt.exclude_from_weight_decay(var_names=["bias"])
"""

import re

from cornu import ops


class StepOptions:
    """Accumulation, overwrites, clipping, weight decay and EMA for ``Optimizer`` (see the
    module docstring)."""

    def _accumulate_or_apply(self, grads, trainable_variables):
        # Every step computes the update, then keeps it only on the last step of
        # each accumulation window: a select instead of a branch traces on JAX.
        steps = self.gradient_accumulation_steps
        is_update_step = ops.equal(ops.mod(self._iterations + 1, steps), 0)
        accumulators = [self._accumulated_gradients[self._get_variable_index(v)] for v in trainable_variables]
        summed = [ops.add(g, acc.value) for g, acc in zip(grads, accumulators)]
        new_accumulators = [ops.where(is_update_step, ops.zeros_like(s), s) for s in summed]
        before_model = [ops.copy(v.value) for v in trainable_variables]
        before_optimizer = [ops.copy(v.value) for v in self._variables]
        mean_grads = self._clip_gradients([ops.divide(s, ops.cast(steps, s.dtype)) for s in summed])
        self._apply_weight_decay(trainable_variables)
        self._backend_update_step(mean_grads, trainable_variables, self.learning_rate)
        for variable, old in zip(trainable_variables, before_model):
            variable.assign(ops.where(is_update_step, variable.value, old))
        for variable, old in zip(self._variables, before_optimizer):
            variable.assign(ops.where(is_update_step, variable.value, old))
        for accumulator, value in zip(accumulators, new_accumulators):
            accumulator.assign(value)

    def _overwrite_variables_directly_with_gradients(self, grads, variables):
        """Variables with ``overwrite_with_gradient`` take their gradient as new value (float8 scales)."""
        if not any(getattr(v, "overwrite_with_gradient", False) for v in variables):
            return grads, variables
        kept_grads, kept_vars = [], []
        for g, v in zip(grads, variables):
            if not getattr(v, "overwrite_with_gradient", False):
                kept_grads.append(g)
                kept_vars.append(v)
                continue
            if self.gradient_accumulation_steps:
                is_update_step = ops.equal(ops.mod(self._iterations + 1, self.gradient_accumulation_steps), 0)
                acc = self._accumulated_gradients[self._get_variable_index(v)]
                running_max = ops.maximum(g, acc.value)
                v.assign(ops.where(is_update_step, running_max, v.value))
                acc.assign(ops.where(is_update_step, ops.zeros_like(running_max), running_max))
            else:
                v.assign(g)
        return kept_grads, kept_vars

    # ----------------------------------------------------------------- saving

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            v = self.clipvalue
            return [ops.clip(g, -v, v) for g in grads]
        return grads

    def _clip_by_norm(self, values):
        squared = ops.sum(ops.square(values), keepdims=True)
        positive = ops.greater(squared, 0)
        # sqrt only of positive values keeps the gradient of the clip finite at 0.
        norm = ops.where(positive, ops.sqrt(ops.where(positive, squared, ops.ones_like(squared))), squared)
        return ops.divide(ops.multiply(values, self.clipnorm), ops.maximum(norm, self.clipnorm))

    # ------------------------------------------------------------ weight decay

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempts variables from weight decay; call it before the optimizer is built.

        Args:
            var_list: Variables to exempt.
            var_names: Substrings (regular expressions); a variable whose name
                contains any of them is exempt, e.g. ``["bias"]``.

        Example:
        >>> opt = cornu.optimizers.AdamW(weight_decay=0.01)
        >>> opt.exclude_from_weight_decay(var_names=["bias", "gamma"])
        """
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the optimizer is built.")
        self._exclude_from_weight_decay = {self._var_key(v) for v in var_list} if var_list else set()
        self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable):
        key = self._var_key(variable)
        if key not in self._exclude_from_weight_decay_cache:
            excluded = key in self._exclude_from_weight_decay or (
                self._exclude_from_weight_decay_pattern is not None
                and self._exclude_from_weight_decay_pattern.search(variable.name) is not None
            )
            self._exclude_from_weight_decay_cache[key] = not excluded
        return self._exclude_from_weight_decay_cache[key]

    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        for variable in variables:
            if self._use_weight_decay(variable):
                lr = ops.cast(self.learning_rate, variable.dtype)
                wd = ops.cast(self.weight_decay, variable.dtype)
                variable.assign(variable - variable * wd * lr)

    # -------------------------------------------------------------------- EMA

    def _update_model_variables_moving_average(self, trainable_variables):
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            # The first step copies the variable (momentum 0), later steps average.
            not_first_step = ops.cast(ops.not_equal(self.iterations, 0), variable.dtype)
            momentum = ops.multiply(not_first_step, self.ema_momentum)
            average.assign(ops.add(ops.multiply(momentum, average), ops.multiply(ops.subtract(1, momentum), variable)))

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        if len(trainable_variables) != len(self._model_variables_moving_average):
            raise ValueError(
                f"The number of model variables ({len(trainable_variables)}) to overwrite does not match "
                f"the number of averages the optimizer keeps ({len(self._model_variables_moving_average)}). "
                "Check that the optimizer was used on this model."
            )
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is not None:
                variable.assign(average)

    def finalize_variable_values(self, var_list):
        """Writes the EMA into the model variables at the end of training (when ``use_ema``).

        Example:
        >>> opt.finalize_variable_values(model.trainable_variables)
        """
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)


def global_norm(value_list):
    """The L2 norm of all tensors in ``value_list`` taken together."""
    squared = [ops.sum(ops.square(v)) for v in value_list if v is not None]
    return ops.sqrt(ops.sum(ops.stack(squared)))


def clip_by_global_norm(value_list, clip_norm):
    """Rescales ``value_list`` so its global norm is at most ``clip_norm`` (NaN norms give NaNs)."""
    norm = global_norm(value_list)
    scale = clip_norm * ops.minimum(1.0 / norm, 1.0 / clip_norm)
    scale = scale + (norm - norm)  # propagate a NaN/inf norm into every gradient
    return [v * scale if v is not None else v for v in value_list]
