"""Shared pieces for the data-input tests: tiny data, a tiny model, datasets of
every kind yielding the same batches, a fake ``tf.data.Dataset`` and a timeout."""

import contextlib
import signal

import numpy as np

import cornu
from cornu import layers

N, FEATURES, BATCH = 24, 4, 8


def make_data(n=N, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, FEATURES)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.1).astype("float32")
    return x, y


def make_model(seed=3):
    cornu.utils.set_random_seed(seed)
    model = cornu.Sequential([cornu.Input((FEATURES,)), layers.Dense(3, activation="tanh"), layers.Dense(1)])
    model.compile(optimizer=cornu.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def batches_of(x, y, batch_size=BATCH):
    return [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(x), batch_size)]


class ArrayBatches(cornu.utils.PyDataset):
    """A PyDataset over in-memory arrays (module level, so worker processes can use it)."""

    def __init__(self, x, y, batch_size=BATCH, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_begun = 0
        self.epochs_ended = 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]

    def on_epoch_begin(self):
        self.epochs_begun += 1

    def on_epoch_end(self):
        self.epochs_ended += 1


class EndlessBatches(cornu.utils.PyDataset):
    """An infinite PyDataset: batch ``i`` holds the value ``i`` (``num_batches`` is None)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    @property
    def num_batches(self):
        return None

    def __getitem__(self, index):
        return np.full((2, FEATURES), index, "float32"), np.zeros((2, 1), "float32")


class FailingBatches(ArrayBatches):
    """Raises on batch 1, to check that worker errors reach the caller."""

    def __getitem__(self, index):
        if index == 1:
            raise RuntimeError("batch 1 is broken")
        return super().__getitem__(index)


class DatasetV2:
    """Stands in for ``tf.data.Dataset``: same class name and module, NumPy iteration."""

    def __init__(self, elements, cardinality=None):
        self._elements = elements
        self._cardinality = len(elements) if cardinality is None else cardinality

    def as_numpy_iterator(self):
        return iter(self._elements)

    def cardinality(self):
        return np.int64(self._cardinality)


DatasetV2.__module__ = "tensorflow.python.data.ops.dataset_ops"


class BatchDataset(DatasetV2):
    """A subclass, as ``dataset.batch(...)`` returns in TensorFlow."""


BatchDataset.__module__ = "tensorflow.python.data.ops.batch_op"


@contextlib.contextmanager
def time_limit(seconds):
    """Fails the test with TimeoutError if the block runs longer than ``seconds`` (main thread only)."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"the block did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def resident_bytes():
    """This process's resident memory, from /proc/self/statm."""
    import os

    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
