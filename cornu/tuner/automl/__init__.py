"""AutoML tasks on ``cornu.tuner``, in the spirit of AutoKeras: give data, get the best model found.

Each task searches a space of sensible models (an adapted preprocessing layer, then blocks whose
sizes are hyperparameters, then a head inferred from ``y``) and keeps the best one:

>>> from cornu.tuner import automl
>>> (x_train, y_train), (x_test, y_test) = cornu.datasets.digits.load_data()
>>> clf = automl.ImageClassifier(max_trials=3, overwrite=True, directory="/tmp/search")
>>> clf.fit(x_train, y_train, epochs=5, time_budget=120)
>>> clf.evaluate(x_test, y_test)
>>> clf.export_model().save("digits.keras")  # a plain model, loadable by Keras 3
"""

from cornu.tuner.automl.auto_task import AutoTask
from cornu.tuner.automl.image import ImageClassifier, ImageRegressor
from cornu.tuner.automl.structured_data import StructuredDataClassifier, StructuredDataRegressor
from cornu.tuner.automl.text import TextClassifier, TextRegressor

__all__ = ["AutoTask", "ImageClassifier", "ImageRegressor", "StructuredDataClassifier", "StructuredDataRegressor",
           "TextClassifier", "TextRegressor"]
