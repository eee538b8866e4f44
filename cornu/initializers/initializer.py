"""The ``Initializer`` base class."""

from cornu.serialization.registry import keras_export


@keras_export("keras.initializers.Initializer", "keras.Initializer")
class Initializer:
    """Base of all initializers: a callable ``(shape, dtype=None) -> tensor``.

    Subclasses implement ``__call__`` and, when they take arguments,
    ``get_config`` so the initializer can be saved and rebuilt.

    Example:
    >>> class Fives(cornu.initializers.Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return cornu.ops.full(shape, 5.0, dtype=dtype)
    >>> Fives()((2,))  # [5.0, 5.0]
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self):
        """The constructor arguments, as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Builds an initializer from the output of ``get_config()``.

        Example:
        >>> init = RandomUniform.from_config(RandomUniform(-1, 1).get_config())
        """
        return cls(**config)

    def clone(self):
        """A new initializer with the same config."""
        return self.__class__.from_config(self.get_config())
