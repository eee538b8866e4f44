"""The interface every data adapter offers to ``EpochIterator``."""


class DataAdapter:
    """Turns one kind of user data into batches ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.

    Subclasses implement ``get_numpy_iterator`` (one pass over the data) and
    ``peek`` (the first batch, to build the model before training). Passing an
    instance of a subclass to ``fit`` uses it as is.

    Attributes:
        num_batches: batches in one pass, or None when unknown or infinite.
        batch_size: samples per batch, or None when the source decides.
        restartable: False when the data can be read only once (a generator).
        cheap_batches: True when a batch is a slice of arrays already in memory: on a CPU
            device such a batch is prepared inline, which costs less than handing it over
            from a background thread (~0.1 ms per step).

    Example:
    >>> class Ones(DataAdapter):
    ...     num_batches = 2
    ...     def get_numpy_iterator(self):
    ...         return iter([(np.ones((4, 3)), np.ones((4, 1)))] * 2)
    ...     def peek(self):
    ...         return (np.ones((4, 3)), np.ones((4, 1)))
    >>> model.fit(Ones(), epochs=2)
    """

    num_batches = None
    batch_size = None
    restartable = True
    cheap_batches = False

    def get_numpy_iterator(self):
        """An iterator over one pass of batches (tuples of NumPy arrays or backend tensors)."""
        raise NotImplementedError

    def peek(self):
        """The first batch as a tuple, without losing it for the first pass."""
        raise NotImplementedError

    def on_epoch_begin(self):
        """Called (on the main thread) before each epoch's first batch is requested."""

    def on_epoch_end(self):
        """Called (on the main thread) after each epoch, once no batch is being prepared."""


class PeekableIterableAdapter(DataAdapter):
    """Shared logic for re-iterable sources (data loaders, datasets): the iterator opened
    to peek at the first batch is kept and serves the first pass, so nothing is read twice."""

    def __init__(self):
        self._peeked = None  # (first_batch, live_iterator) until the next pass starts

    def _iterate(self):
        """A fresh iterator over standardized batches (one pass)."""
        raise NotImplementedError

    def peek(self):
        if self._peeked is None:
            iterator = self._iterate()
            try:
                first = next(iterator)
            except StopIteration:
                raise ValueError(
                    f"The {self.source_name} yielded no batch: it must yield at least one batch."
                ) from None
            self._peeked = (first, iterator)
        return self._peeked[0]

    def get_numpy_iterator(self):
        if self._peeked is None:
            return self._iterate()
        first, rest = self._peeked
        self._peeked = None
        return _chain_first(first, rest)


def _chain_first(first, rest):
    yield first
    yield from rest
