"""The byte budget of one model load, charged before memory or disk is spent.

A load (``load_model``, ``load_weights``, a legacy ``.h5`` file) runs inside
``budget_scope(LoadBudget(...))``. Everything the load decompresses, reads,
extracts or allocates calls ``charge(nbytes, what)`` first: the zip and HDF5
readers for the bytes they produce, ``Variable`` for every array it creates.
The first charge past the limit raises ``LoadBudgetExceeded``, before the
allocation happens. Outside a load ``charge`` costs one context-variable read.

It lives in the backend layer because ``Variable`` charges it; the public
knobs are in ``cornu.saving.load_budget``.

Example:
>>> with budget_scope(LoadBudget(1 << 20, source="m.keras")):
...     charge(4096, "the weights of layer 'dense'")
"""

import contextlib
import contextvars

_ACTIVE = contextvars.ContextVar("cornu_load_budget", default=None)

HOW_TO_RAISE = (
    "If you trust this file, raise the limit with `cornu.saving.set_max_load_bytes(n)`, "
    "the environment variable CORNU_MAX_LOAD_BYTES, or `with cornu.saving.load_budget(n): ...`."
)


class LoadBudgetExceeded(ValueError):
    """Raised when loading a file would spend more bytes than its load budget allows."""


class LoadBudget:
    """Counts the bytes one load has spent against ``max_bytes``.

    Example:
    >>> budget = LoadBudget(100, source="m.keras")
    >>> budget.charge(60, "config.json")
    >>> budget.remaining
    40
    """

    def __init__(self, max_bytes, source=""):
        self.max_bytes = int(max_bytes)
        self.source = source
        self.used = 0
        self.refusal = None  # the first refusal's message: a load that swallowed it still fails at its end

    @property
    def remaining(self):
        return self.max_bytes - self.used

    def charge(self, nbytes, what):
        nbytes = int(nbytes)
        if nbytes < 0:
            raise ValueError(f"A load cannot be charged a negative number of bytes. Received: nbytes={nbytes}")
        if self.used + nbytes > self.max_bytes:
            where = f" '{self.source}'" if self.source else ""
            message = (
                f"Refusing to load{where}: {what} needs {nbytes} bytes, but this load has only "
                f"{max(self.remaining, 0)} of its {self.max_bytes}-byte budget left ({self.used} already "
                f"spent). {HOW_TO_RAISE}"
            )
            if self.refusal is None:
                self.refusal = message
            raise LoadBudgetExceeded(message)
        self.used += nbytes


def active_budget():
    """The budget of the load running in this context, or ``None`` outside a load."""
    return _ACTIVE.get()


def charge(nbytes, what):
    """Charges ``nbytes`` to the running load's budget (no-op outside a load).

    Example:
    >>> charge(1024, "the vocabulary of 'string_lookup'")
    """
    budget = _ACTIVE.get()
    if budget is not None:
        budget.charge(nbytes, what)


def charge_array(shape, itemsize, what):
    """Charges an array of ``shape`` and ``itemsize`` bytes per element, refusing
    absurd shapes before multiplying them out.

    Example:
    >>> charge_array((1024, 1024), 4, "variable 'dense/kernel'")
    """
    budget = _ACTIVE.get()
    if budget is None:
        return
    nbytes = int(itemsize)
    dims = list(shape)
    for i, dim in enumerate(dims):
        dim = 1 if dim is None else int(dim)
        nbytes *= dim
        # Stop multiplying as soon as the product is over the limit: a shape of many huge
        # integers would otherwise cost time before it costs memory.
        if nbytes > budget.max_bytes and i + 1 < len(dims):
            budget.charge(nbytes, f"{what} (at least)")
    budget.charge(nbytes, what)


def check_fits(shapes_and_itemsizes, what):
    """Refuses temporary arrays (``(shape, itemsize)`` pairs) that alone exceed what the running
    load has left, without charging them: e.g. the stand-in arrays a backend without abstract
    evaluation builds to infer shapes while a graph is rebuilt.

    Example:
    >>> check_fits([((83, 224, 224, 3), 4)], "the stand-ins of a symbolic call")
    """
    budget = _ACTIVE.get()
    if budget is None:
        return
    nbytes = 0
    for shape, itemsize in shapes_and_itemsizes:
        size = int(itemsize)
        for dim in shape:
            size *= 1 if dim is None else int(dim)
            if size > budget.max_bytes:
                break
        nbytes += size
        if nbytes > budget.remaining:
            budget.charge(nbytes, what)  # raises the budget's own error, before the allocation


@contextlib.contextmanager
def budget_scope(budget):
    """Makes ``budget`` the active one; an already running load keeps its own.

    Example:
    >>> with budget_scope(LoadBudget(1 << 30)) as active:
    ...     active.used
    0
    """
    outer = _ACTIVE.get()
    if outer is not None:
        yield outer
        return
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)
