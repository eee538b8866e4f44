"""``keras.wrappers``: Keras models as scikit-learn estimators.

``SKLearnClassifier``, ``SKLearnRegressor`` and ``SKLearnTransformer`` subclass scikit-learn's
own base classes, so defining them imports scikit-learn. ``import cornu`` must not pay for
that (nor need scikit-learn installed), so this package defines the classes on first access:
``cornu.wrappers.SKLearnClassifier`` or ``from cornu.wrappers import SKLearnClassifier``
imports ``cornu.wrappers.sklearn_estimators`` (and scikit-learn) then, and caches the names here.

Example:
>>> from cornu.wrappers import SKLearnRegressor
>>> reg = SKLearnRegressor(make_model, fit_kwargs={"epochs": 10, "verbose": 0}).fit(X, y)
"""

_LAZY_NAMES = ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer")

__all__ = list(_LAZY_NAMES)


def __getattr__(name):
    if name not in _LAZY_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from cornu.wrappers import sklearn_estimators as estimators  # imports scikit-learn

    for public in _LAZY_NAMES:
        globals()[public] = getattr(estimators, public)
    return globals()[name]


def __dir__():
    return sorted(set(globals()) | set(_LAZY_NAMES))
