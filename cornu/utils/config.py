"""``keras.utils.Config``: a dict of named values that also reads and writes as attributes."""

import copy
import difflib
import json

from cornu.serialization.registry import keras_export

_OWN = frozenset({"_values", "_frozen"})


@keras_export("keras.utils.Config")
class Config:
    """A dict-like set of named values, with attribute access, freezing and JSON export.

    Example:
    >>> config = Config(learning_rate=0.1)
    >>> config.momentum = 0.9
    >>> config["seed"] = 1
    >>> config.learning_rate, config["momentum"], sorted(config)
    (0.1, 0.9, ['learning_rate', 'momentum', 'seed'])
    >>> config.freeze(); config.seed = 2
    Traceback (most recent call last):
      ...
    ValueError: Cannot mutate attribute(s) because the config is frozen. ...
    """

    def __init__(self, **kwargs):
        object.__setattr__(self, "_values", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self):
        """True once ``freeze()`` was called (and ``unfreeze()`` was not)."""
        return self._frozen

    def freeze(self):
        """Refuses every later change, until ``unfreeze()``."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        """Allows changes again."""
        object.__setattr__(self, "_frozen", False)

    def _check_mutable(self, key):
        if self._frozen:
            raise ValueError("Cannot mutate attribute(s) because the config is frozen. Call "
                             f"`config.unfreeze()` first. Received: key={key!r}")

    def as_dict(self):
        """A shallow copy of the values as a plain dict."""
        return copy.copy(self._values)

    def to_json(self):
        """The values as a JSON string."""
        return json.dumps(self._values)

    def keys(self):
        return self._values.keys()

    def values(self):
        return self._values.values()

    def items(self):
        return self._values.items()

    def get(self, keyname, value=None):
        return self._values.get(keyname, value)

    def pop(self, *args):
        self._check_mutable(args[0] if args else None)
        return self._values.pop(*args)

    def update(self, *args, **kwargs):
        self._check_mutable(None)
        return self._values.update(*args, **kwargs)

    def __getattr__(self, name):
        # Only reached for names that are not real attributes or methods.
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        message = f"Unknown attribute: '{name}'."
        close = difflib.get_close_matches(name, list(values), n=1, cutoff=0.7)
        if close:
            message += f" Did you mean '{close[0]}'?"
        raise AttributeError(message)

    def __setattr__(self, name, value):
        if name in _OWN or hasattr(type(self), name):
            raise AttributeError(f"`{name}` is a method or property of Config and cannot be set as "
                                 f"a value; use `config[{name!r}] = ...`. Received: {name}={value!r}")
        self[name] = value

    def __setitem__(self, key, value):
        self._check_mutable(key)
        self._values[key] = value

    def __getitem__(self, key):
        return self._values[key]

    def __delitem__(self, key):
        self._check_mutable(key)
        del self._values[key]

    def __contains__(self, key):
        return key in self._values

    def __iter__(self):
        return iter(sorted(self._values))

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return f"<Config {self._values}>"
