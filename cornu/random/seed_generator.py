"""SeedGenerator: random state held in a variable, so randomness threads
through compiled (pure) steps."""

import numpy as np

from cornu import backend
from cornu.backend.common import global_state
from cornu.serialization.registry import keras_export


@keras_export("keras.random.SeedGenerator")
class SeedGenerator:
    """Produces a new seed each time ``next()`` is called.

    Its state is a non-trainable variable ``[seed, counter]`` (Keras's layout, so
    seeded draws on JAX equal Keras's), so a layer that owns
    one (e.g. ``Dropout``) carries its randomness through the JAX train step.

    Example:
    >>> gen = cornu.random.SeedGenerator(seed=42)
    >>> x = cornu.random.normal((2, 3), seed=gen)
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
        self.name = name or global_state.uniquify("seed_generator")
        if seed is None:
            seed = int(np.random.randint(1, 2**31 - 1))
        if not isinstance(seed, (int, np.integer)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self._initial_seed = int(seed)
        dtype = backend.random.SEED_DTYPE
        with backend.name_scope(self.name, caller=self):
            self.state = backend.Variable(
                lambda shape, dtype: backend.convert_to_tensor(np.array([self._initial_seed, 0], dtype=dtype), dtype=dtype),
                shape=(2,),
                dtype=dtype,
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered=True):
        # Copy: on torch `assign` mutates the variable's tensor in place.
        seed_state = backend.numpy.copy(self.state.value)
        new_seed = backend.numpy.add(seed_state, backend.convert_to_tensor(np.array([0, 1]), dtype=backend.random.SEED_DTYPE))
        self.state.assign(new_seed)
        return seed_state

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def draw_seed(seed):
    """Turns ``seed`` (an int, a SeedGenerator, or None) into a backend seed tensor."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return backend.convert_to_tensor(np.array([int(seed), 0]), dtype=backend.random.SEED_DTYPE)
    if seed is None:
        generator = global_state.get_global_attribute("global_seed_generator")
        if generator is None:
            generator = SeedGenerator()
            global_state.set_global_attribute("global_seed_generator", generator)
        return generator.next()
    if backend.is_tensor(seed):
        return seed
    raise ValueError(
        "Argument `seed` must be an int, a cornu.random.SeedGenerator or None. "
        f"Received: seed={seed!r}"
    )
