"""A temporary ceiling on how much a load may grow the process, for allocations that cannot
be charged before they happen.

Two kinds of work allocate from sizes nobody can check beforehand: the HDF5 library reading a
variable-length string or a compressed chunk (it trusts length fields stored in the file), and
the NumPy backend inferring a layer's output shape on real stand-in arrays (the output size
follows from constants in the config). While a load runs, such work runs under an
address-space limit (``RLIMIT_AS`` on Linux, only for its duration) set to what the load may
still spend: an allocation past it fails, and the failure becomes ``LoadBudgetExceeded``
instead of gigabytes of memory. Outside a load, or where the limit cannot be set, it does
nothing. The limit is process-wide, so another thread allocating during that short window
could fail too.

Example:
>>> with allocation_ceiling(1 << 20, "reading attribute 'model_config'"):
...     value = attrs["model_config"]
"""

import contextlib
import os

from cornu.backend.common.load_budget import HOW_TO_RAISE, LoadBudgetExceeded, active_budget

try:
    import resource
except ImportError:  # not on Linux/macOS: the work runs without the ceiling
    resource = None

# Room left above the allowed bytes for the libraries' own bookkeeping (metadata and chunk caches).
_CEILING_SLACK_BYTES = 256 << 20


def _address_space_bytes():
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read(64).split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def allocation_ceiling(extra_bytes, what):
    """Lets the enclosed read grow the process by at most ``extra_bytes`` (plus slack); more fails.

    Outside a load, or where the address space cannot be measured, this does nothing.

    Example:
    >>> with allocation_ceiling(4096, "reading attribute 'name'"):
    ...     value = attrs["name"]
    """
    used = _address_space_bytes() if resource is not None and active_budget() is not None else None
    if used is None:
        yield
        return
    old_soft, old_hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = used + int(extra_bytes) + _CEILING_SLACK_BYTES
    if old_soft != resource.RLIM_INFINITY:
        ceiling = min(ceiling, old_soft)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, old_hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    except (MemoryError, OSError) as e:
        if not _looks_like_allocation_failure(e):
            raise
        budget = active_budget()
        message = (
            f"Refusing to load '{budget.source}': {what} asked for more memory than the file declares "
            f"(a length field, a compressed chunk or a size in the config lies about its size; {extra_bytes} "
            f"bytes were allowed). {HOW_TO_RAISE}"
        )
        budget.refusal = budget.refusal or message
        raise LoadBudgetExceeded(message) from e
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (old_soft, old_hard))


def _looks_like_allocation_failure(error):
    if isinstance(error, MemoryError):
        return True
    text = str(error).lower()
    return "memory" in text or "allocat" in text
