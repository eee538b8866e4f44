"""NumPy-like ops written once over an array namespace ``xp`` (``numpy`` or ``jax.numpy``).

Where the JAX and NumPy backends would be the same code with ``jnp`` for ``np``, the code lives
here, in factories that take the namespace and the backend's conversion helpers and return
plain functions. Each backend module binds them with :func:`install` and keeps beside them
only what genuinely differs (JAX tracing details, NumPy's scalar and promotion fixes).

The concerns are those of ``cornu.ops.numpy`` (one module each); their public names, the same
on every backend, are in :mod:`.names`.

Example:
>>> import numpy as np
>>> from cornu.backend.common.array_namespace_ops.shape import shape_functions
>>> functions = shape_functions(np, to_array=np.asarray, promote=None, same_dtype=None, to_dtype=np.dtype)
>>> functions["ravel"]([[1, 2], [3, 4]])
array([1, 2, 3, 4])
"""


def install(module_globals, functions):
    """Defines ``functions`` (name -> function) in a backend module as if written there.

    The functions take the module's name, so their ``repr``, pickling and error messages
    point at the backend module that exposes them.

    Example:
    >>> import types
    >>> module = types.ModuleType("demo")
    >>> install(vars(module), {"ravel": lambda x: x})
    >>> module.ravel.__module__, module.ravel.__qualname__
    ('demo', 'ravel')
    """
    module = module_globals["__name__"]
    for name, function in functions.items():
        function.__module__ = module
        function.__qualname__ = name
        module_globals[name] = function


def public(functions, names):
    """The entries of ``functions`` (typically a factory's ``locals()``) listed in ``names``.

    Example:
    >>> public({"ravel": 1, "_helper": 2}, ("ravel", "reshape"))
    {'ravel': 1}
    """
    return {name: functions[name] for name in names if name in functions}
