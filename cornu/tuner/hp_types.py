"""The hyperparameter kinds: ``Int``, ``Float``, ``Choice``, ``Boolean``, ``Fixed``, and ``Parent``.

Each kind knows its default, its finite list of ``values`` (what ``GridSearch`` walks) and how a
number in ``[0, 1)`` maps to a value (``prob_to_value``), with KerasTuner 1.4's semantics: an
``Int``'s ``max_value`` is included, ``step`` is an additive distance with ``sampling="linear"``
and a multiplier with ``"log"``/``"reverse_log"``.

Example:
>>> hp = Int("units", 8, 64, step=8)
>>> list(hp.values)
[8, 16, 24, 32, 40, 48, 56, 64]
"""

import math

_SAMPLINGS = ("linear", "log", "reverse_log")


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _index_of(prob, count):
    return min(int(math.floor(prob * count)), count - 1)


class Parent:
    """The condition "the hyperparameter ``name`` takes one of ``values``" (``conditional_scope``)."""

    def __init__(self, name, values):
        self.name = name
        values = _as_list(values)
        if not values:
            raise ValueError(f"A condition needs at least one parent value. Received: values={values!r}")
        first = values[0]
        if isinstance(first, str):
            values = [str(v) for v in values]
        elif isinstance(first, int) and not isinstance(first, bool):
            values = [int(v) for v in values]
        elif not isinstance(first, (bool, float)):
            raise TypeError("Parent values must be int, float, str or bool. "
                            f"Received: values={values!r} of type {type(first).__name__}")
        self.values = values

    def is_active(self, values):
        return self.name in values and values[self.name] in self.values

    def __eq__(self, other):
        return isinstance(other, Parent) and (other.name, other.values) == (self.name, self.values)

    def __repr__(self):
        return f"Parent(name={self.name!r}, values={self.values!r})"

    def get_config(self):
        return {"name": self.name, "values": list(self.values)}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def serialize_condition(condition):
    return {"class_name": "Parent", "config": condition.get_config()}


def deserialize_condition(config):
    if isinstance(config, Parent):
        return config
    return Parent.from_config(config["config"])


class HyperParameter:
    """The base of every hyperparameter kind: a name, a default and the conditions that activate it.

    Example:
    >>> Int("layers", 1, 3).default
    1
    """

    def __init__(self, name, default=None, conditions=None):
        self.name = name
        self._default = default
        self.conditions = [deserialize_condition(c) if isinstance(c, dict) else c for c in _as_list(conditions)]

    @property
    def default(self):
        return self._default

    @property
    def values(self):
        """Every value this hyperparameter can take (a sample of 10 for a continuous range)."""
        raise NotImplementedError

    def random_sample(self, seed=None):
        import random

        return self.prob_to_value(random.Random(seed).random())

    def prob_to_value(self, prob):
        raise NotImplementedError

    def value_to_prob(self, value):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "default": self.default,
                "conditions": [serialize_condition(c) for c in self.conditions]}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["conditions"] = [deserialize_condition(c) for c in config.get("conditions", [])]
        return cls(**config)


class _Numerical(HyperParameter):
    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None, **kwargs):
        super().__init__(name=name, default=default, **kwargs)
        self.min_value, self.max_value, self.step = min_value, max_value, step
        self.sampling = (sampling or "linear").lower() if isinstance(sampling, str) or sampling is None else sampling
        kind = type(self).__name__
        if min_value > max_value:
            raise ValueError(f"For HyperParameters.{kind}(name={name!r}), min_value must not exceed max_value: "
                             f"swap them or fix the range. Received: min_value={min_value}, max_value={max_value}")
        if self.sampling not in _SAMPLINGS:
            raise ValueError(f"For HyperParameters.{kind}(name={name!r}), sampling must be one of "
                             f"{_SAMPLINGS}. Received: sampling={sampling!r}")
        if self.sampling != "linear" and min_value <= 0:
            raise ValueError(f"For HyperParameters.{kind}(name={name!r}), sampling={self.sampling!r} needs a "
                             f"positive range: raise min_value above 0. Received: min_value={min_value}")
        if self.sampling != "linear" and step is not None and step <= 1:
            raise ValueError(f"For HyperParameters.{kind}(name={name!r}), a {self.sampling} step is a "
                             f"multiplier and must be greater than 1. Received: step={step}")

    # -- the continuous map from [0, 1) onto the range (KerasTuner's formulas)
    def _from_unit(self, prob, max_value):
        low = self.min_value
        if self.sampling == "linear":
            return low + prob * (max_value - low)
        if self.sampling == "log":
            return low * math.pow(max_value / low, prob)
        return max_value + low - low * math.pow(max_value / low, 1 - prob)

    def _to_unit(self, value, max_value):
        low = self.min_value
        if max_value == low:
            return 0.5
        if self.sampling == "linear":
            return (value - low) / (max_value - low)
        if self.sampling == "log":
            return math.log(value / low) / math.log(max_value / low)
        return 1.0 - math.log((max_value + low - value) / low) / math.log(max_value / low)

    # -- the finite grid when a step is given
    def _grid_size(self):
        if self.sampling == "linear":
            return int((self.max_value - self.min_value) // self.step + 1)
        return int(math.log(self.max_value / self.min_value, self.step) + 1e-8) + 1

    def _grid_value(self, index):
        if self.sampling == "linear":
            return self.min_value + index * self.step
        if self.sampling == "log":
            return self.min_value * math.pow(self.step, index)
        return self.max_value + self.min_value - self.min_value * math.pow(self.step, index)

    def _grid_index(self, value):
        if self.sampling == "linear":
            return int(round((value - self.min_value) / self.step))
        if self.sampling == "log":
            return int(round(math.log(value / self.min_value, self.step)))
        return int(round(math.log((self.max_value - value + self.min_value) / self.min_value, self.step)))

    @property
    def values(self):
        if self.step is None:
            return tuple({self.prob_to_value(i * 0.1 + 0.05) for i in range(10)})
        return tuple(self._grid_value(i) for i in range(self._grid_size()))

    def get_config(self):
        config = super().get_config()
        config.update(min_value=self.min_value, max_value=self.max_value, step=self.step, sampling=self.sampling)
        return config


def _check_int(value, arg, name):
    if value is None or int(value) != value:
        raise ValueError(f"For HyperParameters.Int(name={name!r}), {arg} must be an integer. "
                         f"Received: {arg}={value!r}")
    return int(value)


class Int(_Numerical):
    """An integer in ``[min_value, max_value]`` (both included), optionally on a ``step`` grid.

    Example:
    >>> list(Int("batch_size", 2, 32, step=2, sampling="log").values)
    [2, 4, 8, 16, 32]
    """

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None, **kwargs):
        if step is not None:
            step = _check_int(step, "step", name)
        elif sampling in (None, "linear"):
            step = 1
        super().__init__(name=name, min_value=_check_int(min_value, "min_value", name),
                         max_value=_check_int(max_value, "max_value", name), step=step, sampling=sampling,
                         default=default, **kwargs)

    @property
    def default(self):
        return self.min_value if self._default is None else self._default

    @property
    def values(self):
        return tuple(int(v) for v in super().values)

    def prob_to_value(self, prob):
        if self.step is None:
            return int(self._from_unit(prob, self.max_value + 1))
        return int(self._grid_value(_index_of(prob, self._grid_size())))

    def value_to_prob(self, value):
        if self.step is None:
            return self._to_unit(value + 0.5, self.max_value + 1)
        return (self._grid_index(value) + 0.5) / self._grid_size()

    def get_config(self):
        config = super().get_config()
        config["default"] = self._default
        return config

    def __repr__(self):
        return (f"Int(name: {self.name!r}, min_value: {self.min_value}, max_value: {self.max_value}, "
                f"step: {self.step}, sampling: {self.sampling}, default: {self.default})")


class Float(_Numerical):
    """A float in ``[min_value, max_value]``, optionally on a ``step`` grid.

    Example:
    >>> hp = Float("lr", 1e-4, 1e-1, sampling="log")
    >>> 1e-4 <= hp.prob_to_value(0.5) <= 1e-1
    True
    """

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None, **kwargs):
        super().__init__(name=name, min_value=float(min_value), max_value=float(max_value),
                         step=None if step is None else float(step), sampling=sampling, default=default, **kwargs)

    @property
    def default(self):
        return self.min_value if self._default is None else self._default

    def prob_to_value(self, prob):
        if self.step is None:
            return self._from_unit(prob, self.max_value)
        return self._grid_value(_index_of(prob, self._grid_size()))

    def value_to_prob(self, value):
        if self.step is None:
            return self._to_unit(value, self.max_value)
        return (self._grid_index(value) + 0.5) / self._grid_size()

    def __repr__(self):
        return (f"Float(name: {self.name!r}, min_value: {self.min_value}, max_value: {self.max_value}, "
                f"step: {self.step}, sampling: {self.sampling}, default: {self.default})")


class Choice(HyperParameter):
    """One of a list of values, all int, all float, all str or all bool.

    Example:
    >>> Choice("activation", ["relu", "tanh"]).default
    'relu'
    """

    def __init__(self, name, values, ordered=None, default=None, **kwargs):
        super().__init__(name=name, default=default, **kwargs)
        if not values:
            raise ValueError(f"HyperParameters.Choice(name={name!r}) needs a non-empty list of values. "
                             f"Received: values={values!r}")
        values = list(values)
        kinds = {type(v) for v in values}
        if len(kinds) > 1:
            raise TypeError(f"HyperParameters.Choice(name={name!r}) takes values of one type only: convert "
                            f"them to one type. Received: values={values!r} of types "
                            f"{sorted(k.__name__ for k in kinds)}")
        first = values[0]
        if isinstance(first, str):
            cast = str
        elif isinstance(first, int) and not isinstance(first, bool):
            cast = int
        elif isinstance(first, (bool, float)):
            cast = None
        else:
            raise TypeError(f"HyperParameters.Choice(name={name!r}) takes int, float, str or bool values. "
                            f"Received: values={values!r} of type {type(first).__name__}")
        if cast is not None:
            values = [cast(v) for v in values]
            default = None if default is None else cast(default)
        if default is not None and default not in values:
            raise ValueError(f"HyperParameters.Choice(name={name!r}): the default must be one of the values. "
                             f"Received: values={values!r}, default={default!r}")
        self._values, self._default = values, default
        numeric = isinstance(first, (int, float)) and not isinstance(first, bool)
        if ordered and not numeric:
            raise ValueError(f"HyperParameters.Choice(name={name!r}): ordered=True needs numeric values. "
                             f"Received: values={values!r}")
        self.ordered = numeric if ordered is None else ordered

    @property
    def values(self):
        return self._values

    @property
    def default(self):
        return self._values[0] if self._default is None else self._default

    def prob_to_value(self, prob):
        return self._values[_index_of(prob, len(self._values))]

    def value_to_prob(self, value):
        return (self._values.index(value) + 0.5) / len(self._values)

    def get_config(self):
        config = super().get_config()
        config.update(values=list(self._values), ordered=self.ordered)
        return config

    def __repr__(self):
        return f"Choice(name: {self.name!r}, values: {self._values}, ordered: {self.ordered}, default: {self.default})"


class Boolean(HyperParameter):
    """``True`` or ``False``.

    Example:
    >>> Boolean("dropout").values
    (True, False)
    """

    def __init__(self, name, default=False, **kwargs):
        super().__init__(name=name, default=default, **kwargs)
        if default not in (True, False):
            raise ValueError(f"HyperParameters.Boolean(name={name!r}) takes a Python bool as default. "
                             f"Received: default={default!r}")

    @property
    def values(self):
        return (True, False)

    def prob_to_value(self, prob):
        return bool(prob >= 0.5)

    def value_to_prob(self, value):
        return 0.75 if value else 0.25

    def __repr__(self):
        return f"Boolean(name: {self.name!r}, default: {self.default})"


class Fixed(HyperParameter):
    """A value that is not tuned (int, float, str or bool).

    Example:
    >>> Fixed("epochs", 5).values
    (5,)
    """

    def __init__(self, name, value, **kwargs):
        kwargs.pop("default", None)
        super().__init__(name=name, default=value, **kwargs)
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            value = int(value)
        elif not isinstance(value, (float, str)):
            raise ValueError(f"HyperParameters.Fixed(name={name!r}) takes an int, float, str or bool. "
                             f"Received: value={value!r} of type {type(value).__name__}")
        self.value = value

    @property
    def default(self):
        return self.value

    @property
    def values(self):
        return (self.value,)

    def prob_to_value(self, prob):
        return self.value

    def value_to_prob(self, value):
        return 0.5

    def get_config(self):
        config = super().get_config()
        config.pop("default")
        config["value"] = self.value
        return config

    def __repr__(self):
        return f"Fixed(name: {self.name}, value: {self.value})"


KINDS = {cls.__name__: cls for cls in (Int, Float, Choice, Boolean, Fixed)}


def serialize(hp):
    """``{"class_name": ..., "config": ...}`` for a hyperparameter (KerasTuner's layout)."""
    return {"class_name": type(hp).__name__, "config": hp.get_config()}


def deserialize(config):
    """The hyperparameter described by ``serialize``'s output."""
    if isinstance(config, HyperParameter):
        return config
    kind = KINDS.get(config.get("class_name"))
    if kind is None:
        raise ValueError(f"Unknown hyperparameter kind: expected one of {sorted(KINDS)}. "
                         f"Received: class_name={config.get('class_name')!r}")
    return kind.from_config(config["config"])
