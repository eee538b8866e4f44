"""A stand-in model for callback tests: weights, optimizer, save calls, stop flag.

The root conftest hands them to tests as the ``fake_model`` and ``fake_classes`` fixtures.
"""

import numpy as np


class FakeOptimizer:
    def __init__(self, learning_rate=0.01, name="adam"):
        self.learning_rate = learning_rate
        self.name = name


class FakeMetric:
    def __init__(self, name, direction):
        self.name = name
        self._direction = direction


class FakeMetricsContainer:
    """Like compiled metrics: a container whose `.metrics` holds the real ones."""

    def __init__(self, metrics):
        self.metrics = metrics


class FakeModel:
    def __init__(self, name="fake"):
        self.name = name
        self.stop_training = False
        self.optimizer = FakeOptimizer()
        self.layers = []
        self.metrics = []
        self._weights = [np.zeros((2, 2), "float32"), np.zeros((2,), "float32")]
        self.saved = []  # (method, filepath)

    def get_weights(self):
        return [w.copy() for w in self._weights]

    def set_weights(self, weights):
        self._weights = [np.array(w) for w in weights]

    def bump_weights(self, value):
        """Makes the weights tell which epoch they come from."""
        self._weights = [np.full_like(w, value) for w in self._weights]

    def save(self, filepath, overwrite=True):
        self.saved.append(("save", filepath))
        with open(filepath, "w") as f:
            f.write("model")

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(("save_weights", filepath))
        with open(filepath, "w") as f:
            f.write("weights")
