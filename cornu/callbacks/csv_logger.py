"""``CSVLogger``: write each epoch's logs as a row of a CSV file."""

import collections.abc
import csv
import os

import numpy as np

from cornu.callbacks.callback import Callback
from cornu.serialization.registry import keras_export


def _csv_value(value):
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        return f'"[{", ".join(map(str, value))}]"'
    return value


@keras_export("keras.callbacks.CSVLogger")
class CSVLogger(Callback):
    """Streams epoch results to a CSV file: an ``epoch`` column, then one per log key.

    Columns are the sorted keys of the first epoch's logs; without validation
    logs, ``val_`` columns are added anyway (filled with ``NA``), so a file
    has the same header whether or not a run validates.

    Args:
        filename: the CSV file.
        separator: the field separator.
        append: append to an existing file (writing the header only if the
            file is empty) instead of overwriting it.

    Example:
    >>> logger = cornu.callbacks.CSVLogger("training.log")
    >>> model.fit(x, y, epochs=3, callbacks=[logger])
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        mode = "w"
        if self.append:
            mode = "a"
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not f.readline()
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            separator = self.sep

            class Dialect(csv.excel):
                delimiter = separator

            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=Dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _csv_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
