"""Batches from a Python generator or any iterable yielding ``x``, ``(x, y)`` or ``(x, y, sample_weight)``."""

import itertools


class GeneratorDataAdapter:
    """Iterates a generator; the first batch is peeked (to build the model) and then replayed."""

    def __init__(self, generator):
        self._iterable = generator
        self._iterator = iter(generator)
        try:
            self._first = next(self._iterator)
        except StopIteration:
            raise ValueError("The generator yielded no data: it must yield at least one batch.")
        self._first_used = False
        self.num_batches = len(generator) if hasattr(generator, "__len__") else None
        self.batch_size = None

    def get_numpy_iterator(self):
        if not self._first_used:
            self._first_used = True
            batches = itertools.chain([self._first], self._iterator)
        elif self._iterator is self._iterable or not hasattr(self._iterable, "__iter__"):
            batches = self._iterator
        else:
            self._iterator = iter(self._iterable)
            batches = self._iterator
        for batch in batches:
            yield batch if isinstance(batch, tuple) else (batch,)

    def peek(self):
        return self._first if isinstance(self._first, tuple) else (self._first,)
