"""``keras.wrappers``, the scikit-learn wrappers: not in cornu yet.

Every name asked of it raises ``cornu.missing_features.MissingFeatureError``, which says which
issue brings it; the README lists what is missing.
"""

from cornu.missing_features import module_getattr

__getattr__ = module_getattr(__name__)
