"""Global seeding: one call makes a cornu program reproducible."""

import random

import numpy as np

from cornu import backend
from cornu.backend.common import global_state
from cornu.serialization.registry import keras_export

GLOBAL_RANDOM_SEED = "global_random_seed"


@keras_export("keras.utils.set_random_seed")
def set_random_seed(seed):
    """Seeds Python's ``random``, NumPy and cornu's global seed generator.

    cornu's global ``SeedGenerator`` (used by ``cornu.random`` functions called
    with ``seed=None``) is dropped and recreated from the NumPy state on next
    use, so it restarts deterministically. If the backend offers a
    ``random.set_global_seed`` hook (e.g. to seed torch's own generator), it is
    called too.

    Args:
        seed: an integer.

    Example:
    >>> cornu.utils.set_random_seed(1337)
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(
            f"Expected `seed` argument to be an integer. Received: seed={seed!r} (of type {type(seed)})"
        )
    global_state.set_global_attribute(GLOBAL_RANDOM_SEED, seed)
    global_state.set_global_attribute("global_seed_generator", None)
    random.seed(seed)
    np.random.seed(seed)
    seed_backend = getattr(backend.random, "set_global_seed", None)
    if seed_backend is not None:
        seed_backend(seed)


def get_random_seed():
    """The seed given to ``set_random_seed``, or None if it was never called."""
    return global_state.get_global_attribute(GLOBAL_RANDOM_SEED)
