"""Batches from a Python generator object yielding ``x``, ``(x, y)`` or ``(x, y, sample_weight)``."""

from cornu.trainers.data.array_conversion import batch_for_backend
from cornu.trainers.data.batch_errors import add_batch_note
from cornu.trainers.data.data_adapter import DataAdapter
from cornu.trainers.data.packing import standardize_batch


class GeneratorDataAdapter(DataAdapter):
    """Reads a generator once. Its first batch is taken right away (to check it and to
    build the model) and given back at the start of the first pass.

    The generator cannot be rewound: once it is exhausted, there is no more
    data, so pass ``steps_per_epoch`` to spread one long (or infinite)
    generator over several epochs.

    Example:
    >>> def batches():
    ...     while True:
    ...         yield x_batch, y_batch
    >>> model.fit(batches(), steps_per_epoch=100, epochs=5)
    """

    restartable = False

    def __init__(self, generator):
        self._generator = generator
        try:
            first = next(generator)
        except StopIteration:
            raise ValueError(
                "When passing a Python generator to a model, it must yield at least one batch. "
                "Received an empty (or already exhausted) generator."
            ) from None
        self._first = batch_for_backend(standardize_batch(first, source="generator"))
        self._first_pending = True
        self._position = 0  # of the batch last taken from the generator (its passes are one long pass)

    def _read(self):
        if self._first_pending:
            self._first_pending = False
            yield self._first
        while True:
            self._position += 1
            try:
                batch = next(self._generator)
            except StopIteration:
                return
            except Exception as error:
                raise add_batch_note(error, "generator", self._position)
            yield batch_for_backend(standardize_batch(batch, source="generator"))

    def get_numpy_iterator(self):
        """The rest of the generator (starting with the peeked batch if it was not used yet)."""
        return self._read()

    def peek(self):
        return self._first
