"""scikit-learn, imported here and only here, when the wrappers are first asked for.

``import cornu`` never imports this module (``cornu.wrappers`` loads it on first attribute
access). Without scikit-learn the estimator classes still exist, on stand-in base classes, so
``hasattr(cornu.wrappers, "SKLearnClassifier")`` holds as in Keras; making one raises an
``ImportError`` that says what to install.
"""

MINIMUM_VERSION = (1, 6)

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # the classes are defined anyway; constructing one explains what to install
    sklearn = None

    class BaseEstimator:
        pass

    class ClassifierMixin:
        pass

    class RegressorMixin:
        pass

    class TransformerMixin:
        pass


def _version_tuple(text):
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def require_sklearn(owner):
    """Raises a clear ``ImportError`` when scikit-learn is missing or older than 1.6."""
    if sklearn is None:
        raise ImportError(
            f"`{owner}` requires scikit-learn, which is not installed. Install it with "
            "`pip install scikit-learn` (or `pip install 'cornu[sklearn]'`)."
        )
    if _version_tuple(sklearn.__version__) < MINIMUM_VERSION:
        raise ImportError(
            f"`{owner}` requires scikit-learn>=1.6 (its estimator tags and `validate_data`). Upgrade "
            f"it with `pip install -U scikit-learn`. Received: scikit-learn {sklearn.__version__}"
        )


def validate_data(estimator, X, y=None, **kwargs):
    """scikit-learn's own input validation: sets or checks ``n_features_in_`` and
    ``feature_names_in_``, refuses NaN, empty and complex data with its usual messages."""
    from sklearn.utils.validation import validate_data as sklearn_validate_data

    if y is None:
        return sklearn_validate_data(estimator, X, **kwargs)
    return sklearn_validate_data(estimator, X, y, **kwargs)


def check_is_fitted(estimator):
    from sklearn.utils.validation import check_is_fitted as sklearn_check_is_fitted

    sklearn_check_is_fitted(estimator)


def type_of_target(y):
    from sklearn.utils.multiclass import type_of_target as sklearn_type_of_target

    return sklearn_type_of_target(y)


def routing_enabled():
    return sklearn is not None and bool(sklearn.get_config().get("enable_metadata_routing", False))
