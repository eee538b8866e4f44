"""``HyperParameters``: the search space and the current values, filled define-by-run.

A hypermodel declares what it tunes while it builds (``hp.Int("units", 8, 64)``); the call returns
the value for the current trial. Outside a search (``HyperParameters()`` on its own) every
hyperparameter takes its default, as in KerasTuner. During a search the tuner binds the object to
an Optuna trial, and each new active hyperparameter is asked of it (``optuna_space.suggest``).

Example:
>>> hp = HyperParameters()
>>> hp.Int("units", 8, 64, step=8)
8
>>> with hp.conditional_scope("units", [16]):
...     hp.Float("dropout", 0.0, 0.5) is None       # inactive: units is 8
True
>>> hp.values
{'units': 8}
"""

import contextlib
import copy

from cornu.tuner import hp_types


class HyperParameters:
    """The container of a search space (``space``) and of the current trial's values (``values``).

    Only active hyperparameters have a value: one declared inside a ``conditional_scope`` whose
    condition does not hold returns ``None`` and is absent from ``values``.

    Example:
    >>> hp = HyperParameters()
    >>> hp.Choice("activation", ["relu", "tanh"])
    'relu'
    >>> hp.get("activation")
    'relu'
    """

    def __init__(self):
        self._name_scopes = []
        self._conditions = []
        self._hps = {}
        self._space = []
        self.values = {}
        self.active_scopes = []
        self.inactive_scopes = []
        # Set by the tuner for one trial: a function hp -> value for a newly met active hp.
        self._value_source = None

    # ------------------------------------------------------------------ scopes
    @contextlib.contextmanager
    def name_scope(self, name):
        """Prefixes the names of the hyperparameters declared inside with ``name/``."""
        self._name_scopes.append(name)
        try:
            yield
        finally:
            self._name_scopes.pop()

    @contextlib.contextmanager
    def conditional_scope(self, parent_name, parent_values):
        """Hyperparameters declared inside are active only when ``parent_name`` is in ``parent_values``.

        An inactive one is still recorded in the space but returns ``None``, and is not tuned in that
        trial. The Python code inside runs either way.

        Example:
        >>> hp = HyperParameters()
        >>> kind = hp.Choice("model", ["mlp", "cnn"])
        >>> with hp.conditional_scope("model", ["cnn"]):
        ...     filters = hp.Int("filters", 8, 32)
        >>> filters is None
        True
        """
        parent_name = self._get_name(parent_name)
        if parent_name not in self._hps:
            raise ValueError(f"`conditional_scope` names a parent hyperparameter that is not defined yet: "
                             f"declare it before the scope. Received: parent_name={parent_name!r}")
        condition = hp_types.Parent(parent_name, parent_values)
        self._conditions.append(condition)
        scopes = self.active_scopes if condition.is_active(self.values) else self.inactive_scopes
        scopes.append(copy.deepcopy(self._conditions))
        try:
            yield
        finally:
            self._conditions.pop()

    @contextlib.contextmanager
    def _maybe_conditional_scope(self, parent_name, parent_values):
        if parent_name:
            with self.conditional_scope(parent_name, parent_values):
                yield
        else:
            yield

    # ------------------------------------------------------------------ activity and look-up
    def is_active(self, hyperparameter):
        """Whether a hyperparameter (object or name) is active for the current values."""
        if isinstance(hyperparameter, hp_types.HyperParameter):
            return self._conditions_hold(hyperparameter.conditions)
        return any(self._conditions_hold(hp.conditions) for hp in self._hps.get(str(hyperparameter), []))

    def _conditions_hold(self, conditions):
        return all(condition.is_active(self.values) for condition in conditions)

    def _find(self, name, conditions):
        for hp in self._hps.get(name, []):
            if hp.conditions == conditions:
                return hp
        return None

    def get(self, name):
        """The current value of ``name``; a ``ValueError`` if it is inactive, a ``KeyError`` if unknown."""
        name = self._get_name(name)
        if name in self.values:
            return self.values[name]
        if name in self._hps:
            raise ValueError(f"The hyperparameter {name!r} is inactive in this trial (its conditional_scope's "
                             "condition does not hold): read it only where its condition holds.")
        raise KeyError(f"{name} does not exist.")

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        try:
            self.get(name)
            return True
        except (KeyError, ValueError):
            return False

    @property
    def space(self):
        """Every hyperparameter declared so far (inactive ones included), in declaration order."""
        return self._space

    # ------------------------------------------------------------------ declaring
    def _retrieve(self, hp):
        existing = self._find(hp.name, hp.conditions)
        if existing is not None:
            if type(existing) is not type(hp):
                raise ValueError(
                    f"The hyperparameter {hp.name!r} is redefined with another type: it was declared as "
                    f"{type(existing).__name__} and now as {type(hp).__name__}. Give the new one another name. "
                    f"Received: {hp!r}")
            if not self.is_active(existing):
                return None
            if hp.name not in self.values:  # became active since it was declared: give it a value now
                source = self._value_source
                self.values[hp.name] = existing.default if source is None else source(existing)
            return self.values[hp.name]
        return self._register(hp)

    def _register(self, hyperparameter, overwrite=False):
        hp = hyperparameter
        for condition in hp.conditions:
            if condition.name == hp.name:
                raise ValueError(f"A conditional hyperparameter cannot have the name of its parent: rename "
                                 f"one of them. Received: name={hp.name!r}, parent_name={condition.name!r}")
        hp = type(hp).from_config(hp.get_config())
        self._hps.setdefault(hp.name, []).append(hp)
        self._space.append(hp)
        if not self.is_active(hp):
            return None
        if overwrite or hp.name not in self.values:
            source = self._value_source
            self.values[hp.name] = hp.default if source is None else source(hp)
        return self.values[hp.name]

    def Choice(self, name, values, ordered=None, default=None, parent_name=None, parent_values=None):
        """One of ``values``; returns the value for the current trial (``None`` when inactive).

        Example:
        >>> HyperParameters().Choice("optimizer", ["adam", "sgd"], default="sgd")
        'sgd'
        """
        with self._maybe_conditional_scope(parent_name, parent_values):
            return self._retrieve(hp_types.Choice(name=self._get_name(name), values=values, ordered=ordered,
                                                  default=default, conditions=self._conditions))

    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None, parent_name=None,
            parent_values=None):
        """An integer in ``[min_value, max_value]`` (both included); ``step`` adds (linear) or multiplies (log).

        Example:
        >>> HyperParameters().Int("layers", 1, 4, default=2)
        2
        """
        with self._maybe_conditional_scope(parent_name, parent_values):
            return self._retrieve(hp_types.Int(name=self._get_name(name), min_value=min_value, max_value=max_value,
                                               step=step, sampling=sampling, default=default,
                                               conditions=self._conditions))

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None, parent_name=None,
              parent_values=None):
        """A float in ``[min_value, max_value]``, sampled linearly, in log scale or reverse log scale.

        Example:
        >>> HyperParameters().Float("lr", 1e-4, 1e-2, sampling="log")
        0.0001
        """
        with self._maybe_conditional_scope(parent_name, parent_values):
            return self._retrieve(hp_types.Float(name=self._get_name(name), min_value=min_value,
                                                 max_value=max_value, step=step, sampling=sampling,
                                                 default=default, conditions=self._conditions))

    def Boolean(self, name, default=False, parent_name=None, parent_values=None):
        """``True`` or ``False``.

        Example:
        >>> HyperParameters().Boolean("batch_norm")
        False
        """
        with self._maybe_conditional_scope(parent_name, parent_values):
            return self._retrieve(hp_types.Boolean(name=self._get_name(name), default=default,
                                                   conditions=self._conditions))

    def Fixed(self, name, value, parent_name=None, parent_values=None):
        """A value that is recorded but not tuned.

        Example:
        >>> HyperParameters().Fixed("epochs", 3)
        3
        """
        with self._maybe_conditional_scope(parent_name, parent_values):
            return self._retrieve(hp_types.Fixed(name=self._get_name(name), value=value,
                                                 conditions=self._conditions))

    # ------------------------------------------------------------------ copying and config
    def get_config(self):
        """``{"space": [...], "values": {...}}`` in KerasTuner's layout."""
        return {"space": [hp_types.serialize(hp) for hp in self._space], "values": dict(self.values)}

    @classmethod
    def from_config(cls, config):
        """The ``HyperParameters`` that ``get_config`` described."""
        hps = cls()
        for item in config["space"]:
            hp = hp_types.deserialize(item)
            hps._hps.setdefault(hp.name, []).append(hp)
            hps._space.append(hp)
        hps.values = dict(config["values"])
        return hps

    def copy(self):
        """An independent copy (space and values)."""
        return HyperParameters.from_config(self.get_config())

    def merge(self, hps, overwrite=True):
        """Adds the hyperparameters of ``hps`` (a ``HyperParameters`` or a list) not already declared here."""
        space = hps.space if isinstance(hps, HyperParameters) else list(hps)
        for hp in space:
            if self._find(hp.name, hp.conditions) is None:
                self._register(hp, overwrite)
        if isinstance(hps, HyperParameters) and overwrite:
            for name, value in hps.values.items():
                if name in self.values or any(self.is_active(h) for h in self._hps.get(name, [])):
                    self.values[name] = value

    def ensure_active_values(self):
        """Gives a value to every active hyperparameter lacking one and drops the values of inactive ones."""
        for hp in self._space:
            if self.is_active(hp):
                if hp.name not in self.values:
                    self.values[hp.name] = hp.random_sample()
            else:
                self.values.pop(hp.name, None)

    def _get_name(self, name, name_scopes=None):
        scopes = self._name_scopes if name_scopes is None else name_scopes
        return "/".join(list(scopes) + [str(name)]) if scopes else str(name)
