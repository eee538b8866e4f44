"""Learning-rate schedules: callables ``step -> learning rate``.

Each schedule is plain ``cornu.ops`` maths on the step with no data-dependent
Python branch, so it runs eagerly and inside a traced JAX train step alike.
"""

import math

from cornu import ops
from cornu.serialization.object_namespace import ObjectNamespace
from cornu.serialization.registry import keras_export


def _check_positive_steps(value, name):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


@keras_export("keras.optimizers.schedules.LearningRateSchedule")
class LearningRateSchedule:
    """Base class of learning-rate schedules.

    Subclasses implement ``__call__(step)`` and, to be saved with a model,
    ``get_config()``.

    Example:
    >>> class InverseStep(cornu.optimizers.schedules.LearningRateSchedule):
    ...     def __init__(self, initial_learning_rate):
    ...         self.initial_learning_rate = initial_learning_rate
    ...     def __call__(self, step):
    ...         return self.initial_learning_rate / (step + 1)
    >>> opt = cornu.optimizers.SGD(learning_rate=InverseStep(0.1))
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` in order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        """Builds the schedule from the output of ``get_config()``."""
        return cls(**config)


def _float_tensor(value):
    return ops.convert_to_tensor(value)


@keras_export("keras.optimizers.schedules.ExponentialDecay")
class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``.

    With ``staircase=True`` the exponent is floored, so the rate drops in steps.

    Example:
    >>> schedule = cornu.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96)
    >>> float(schedule(1000))  # 0.096
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_positive_steps(decay_steps, "decay_steps")

    def __call__(self, step):
        initial = _float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        p = ops.divide(ops.cast(step, dtype), ops.cast(self.decay_steps, dtype))
        if self.staircase:
            p = ops.floor(p)
        return ops.multiply(initial, ops.power(ops.cast(self.decay_rate, dtype), p))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@keras_export("keras.optimizers.schedules.PiecewiseConstantDecay")
class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[1]`` up to ``boundaries[1]``, ..., then ``values[-1]``.

    Example:
    >>> schedule = cornu.optimizers.schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    >>> float(schedule(150))
    0.5
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and values={values} "
                f"of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = ops.convert_to_tensor(step)
        values = [ops.convert_to_tensor(v) for v in self.values]
        dtype = values[0].dtype
        boundaries = [ops.cast(b, step.dtype) for b in self.boundaries]
        # Count the boundaries the step has passed; that count indexes `values`.
        result = ops.multiply(ops.cast(ops.less_equal(step, boundaries[0]), dtype), values[0])
        for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            inside = ops.logical_and(ops.greater(step, low), ops.less_equal(step, high))
            result = result + ops.multiply(ops.cast(inside, dtype), value)
        return result + ops.multiply(ops.cast(ops.greater(step, boundaries[-1]), dtype), values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@keras_export("keras.optimizers.schedules.PolynomialDecay")
class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``.

    ``(initial - end) * (1 - step / decay_steps) ** power + end``, with the step
    capped at ``decay_steps``; with ``cycle=True`` the horizon instead grows to
    the next multiple of ``decay_steps``.

    Example:
    >>> schedule = cornu.optimizers.schedules.PolynomialDecay(0.1, 100, end_learning_rate=0.01)
    >>> float(schedule(50))  # 0.055
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_positive_steps(decay_steps, "decay_steps")

    def __call__(self, step):
        initial = _float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        end = ops.cast(self.end_learning_rate, dtype)
        step = ops.cast(step, dtype)
        horizon = ops.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = ops.where(ops.equal(step, 0), ops.ones_like(step), ops.ceil(step / self.decay_steps))
            horizon = ops.multiply(horizon, multiplier)
        else:
            step = ops.minimum(step, horizon)
        remaining = 1 - ops.divide(step, horizon)
        return ops.add(ops.multiply(initial - end, ops.power(remaining, ops.cast(self.power, dtype))), end)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


@keras_export("keras.optimizers.schedules.InverseTimeDecay")
class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (the ratio floored if ``staircase``).

    Example:
    >>> schedule = cornu.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
    >>> float(schedule(2))  # 0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_positive_steps(decay_steps, "decay_steps")

    def __call__(self, step):
        initial = _float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        p = ops.divide(ops.cast(step, dtype), ops.cast(self.decay_steps, dtype))
        if self.staircase:
            p = ops.floor(p)
        return ops.divide(initial, ops.add(ops.cast(1, dtype), ops.multiply(ops.cast(self.decay_rate, dtype), p)))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@keras_export("keras.optimizers.schedules.CosineDecay")
class CosineDecay(LearningRateSchedule):
    """Cosine decay over ``decay_steps``, optionally after a linear warmup.

    Without ``warmup_target``: ``initial * ((1 - alpha) * 0.5 * (1 + cos(pi * t)) + alpha)``
    with ``t = min(step, decay_steps) / decay_steps``. With it, the rate first
    rises linearly from ``initial_learning_rate`` to ``warmup_target`` over
    ``warmup_steps``, then decays from ``warmup_target``.

    Example:
    >>> schedule = cornu.optimizers.schedules.CosineDecay(
    ...     0.0, decay_steps=1000, warmup_target=0.1, warmup_steps=100)
    >>> float(schedule(50))  # 0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_positive_steps(decay_steps, "decay_steps")

    def _decay(self, step, decay_steps, decay_from, dtype):
        fraction = ops.divide(step, decay_steps)
        cosine = 0.5 * (1.0 + ops.cos(ops.multiply(ops.convert_to_tensor(math.pi, dtype=dtype), fraction)))
        return ops.multiply(decay_from, (1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        initial = _float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        decay_steps = ops.cast(self.decay_steps, dtype)
        step = ops.cast(step, dtype)
        if self.warmup_target is None:
            return self._decay(ops.minimum(step, decay_steps), decay_steps, initial, dtype)
        target = ops.cast(self.warmup_target, dtype)
        warmup_steps = ops.cast(self.warmup_steps, dtype)
        step = ops.minimum(step, decay_steps + warmup_steps)
        in_warmup = ops.less(step, warmup_steps)
        # Guard the division: with warmup_steps == 0 the warmup branch is never selected.
        safe_warmup_steps = ops.where(in_warmup, warmup_steps, ops.ones_like(warmup_steps))
        warmup = (target - initial) * ops.divide(step, safe_warmup_steps) + initial
        decayed = self._decay(step - warmup_steps, decay_steps, target, dtype)
        return ops.where(in_warmup, warmup, decayed)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


@keras_export("keras.optimizers.schedules.CosineDecayRestarts")
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    The first period lasts ``first_decay_steps``; each restart lasts ``t_mul``
    times longer than the previous one and starts from ``m_mul`` times its
    peak rate. Within a period the rate decays to ``alpha * peak``.

    Example:
    >>> schedule = cornu.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=100)
    >>> float(schedule(100))  # back to 0.1 at the first restart
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_positive_steps(first_decay_steps, "first_decay_steps")

    def __call__(self, step):
        initial = _float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        alpha = ops.cast(self.alpha, dtype)
        t_mul = ops.cast(self._t_mul, dtype)
        m_mul = ops.cast(self._m_mul, dtype)
        fraction = ops.cast(step, dtype) / ops.cast(self.first_decay_steps, dtype)
        if self._t_mul == 1.0:
            restart = ops.floor(fraction)
            fraction = fraction - restart
        else:
            # Periods grow geometrically: find the period index from the
            # partial sum 1 + t + t^2 + ... of period lengths.
            restart = ops.floor(ops.log(1.0 - fraction * (1.0 - t_mul)) / ops.log(t_mul))
            elapsed = (1.0 - ops.power(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - elapsed) / ops.power(t_mul, restart)
        peak_factor = ops.power(m_mul, restart)
        cosine = 0.5 * peak_factor * (1.0 + ops.cos(ops.convert_to_tensor(math.pi, dtype=dtype) * fraction))
        return ops.multiply(initial, (1 - alpha) * cosine + alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


ALL_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        LearningRateSchedule,
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}
serialize, deserialize = ObjectNamespace(
    "learning rate schedule", "keras.optimizers.schedules", ALL_SCHEDULES, argument="learning_rate_schedule"
).public_functions(example='{"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10}}', with_get=False)
