"""``HyperModel``: a model-building recipe with tunable hyperparameters, and how a trial trains it.

Subclass it and override ``build(hp)``; override ``fit(hp, model, *args, **kwargs)`` to tune the
training itself (batch size, epochs, data pipeline). A plain function ``build(hp)`` is accepted
wherever a ``HyperModel`` is.

Example:
>>> class MyHyperModel(HyperModel):
...     def build(self, hp):
...         model = cornu.Sequential([cornu.layers.Dense(hp.Int("units", 8, 64, step=8), activation="relu"),
...                                   cornu.layers.Dense(1)])
...         model.compile("adam", "mse")
...         return model
...     def fit(self, hp, model, *args, **kwargs):
...         return model.fit(*args, batch_size=hp.Choice("batch_size", [16, 32]), **kwargs)
"""


class HyperModel:
    """The base of hypermodels: ``build(hp)`` returns a compiled model; ``fit`` trains it for one trial.

    Args:
        name: optional name of the hypermodel.
        tunable: whether the hyperparameters it declares are tuned (``False``: their defaults are used).

    Example:
    >>> class Mlp(HyperModel):
    ...     def build(self, hp):
    ...         return make_model(units=hp.Int("units", 8, 64))
    """

    def __init__(self, name=None, tunable=True):
        self.name = name
        self.tunable = tunable
        self._build = self.build
        self.build = self._build_wrapper

    def build(self, hp):
        """Builds and compiles a model for the values in ``hp``; override it."""
        raise NotImplementedError("Override `HyperModel.build(hp)` to return a compiled model, or pass a "
                                  "function `build(hp)` as the tuner's `hypermodel`.")

    def _build_wrapper(self, hp, *args, **kwargs):
        if not self.tunable:
            hp = hp.copy()  # the declared hyperparameters stay at their defaults, off the tuner's space
            hp._value_source = None
        return self._build(hp, *args, **kwargs)

    def declare_hyperparameters(self, hp):
        """Declares hyperparameters ahead of ``build`` (optional)."""

    def fit(self, hp, model, *args, **kwargs):
        """Trains ``model`` for one trial; returns a ``History``, a dict of metrics or a float.

        The default calls ``model.fit(*args, **kwargs)`` with the arguments given to ``search``.
        """
        return model.fit(*args, **kwargs)


class DefaultHyperModel(HyperModel):
    """Wraps a plain ``build(hp)`` function."""

    def __init__(self, build, name=None, tunable=True):
        super().__init__(name=name, tunable=tunable)
        self._build = build

    def build(self, hp):  # replaced by the wrapper in __init__; kept for introspection
        return self._build(hp)


def get_hypermodel(hypermodel):
    """A ``HyperModel`` from a ``HyperModel``, a ``build(hp)`` callable or ``None``."""
    if hypermodel is None or isinstance(hypermodel, HyperModel):
        return hypermodel
    if not callable(hypermodel):
        raise TypeError("`hypermodel` must be a `cornu.tuner.HyperModel` instance or a function `build(hp)` "
                        "returning a compiled model. Received: "
                        f"hypermodel={hypermodel!r} of type {type(hypermodel).__name__}")
    return DefaultHyperModel(hypermodel)
