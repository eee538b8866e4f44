"""``FeatureSpace`` (``keras.utils.FeatureSpace``): structured-data preprocessing in one object."""

from cornu.utils.feature_space.feature_space import FeatureSpace
from cornu.utils.feature_space.specs import Cross, Feature
