"""Running Keras code as written: ``keras`` and its submodules resolving to cornu.

Python resolves ``from keras import layers`` through the module named ``keras``, so
``import cornu as keras`` cannot serve it. :func:`install_as_keras` adds an import
hook that makes ``keras`` mean ``cornu`` (``keras.layers`` is ``cornu.layers``, and
so on), in the spirit of ``pymysql.install_as_MySQLdb()``. It is never done
implicitly: call it before the first ``import keras``, or run a script with
``python -m cornu script.py``.
"""

import importlib
import importlib.abc
import importlib.util
import sys

from cornu import backend, missing_features

ALIAS = "keras"

class _KerasAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``keras`` and ``keras.<sub>`` and hands out the cornu module of the same path."""

    def __init__(self):
        self._specs = {}  # alias name -> the cornu module's own spec, restored after loading

    def find_spec(self, fullname, path=None, target=None):
        if fullname != ALIAS and not fullname.startswith(ALIAS + "."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        rest = spec.name[len(ALIAS):]
        first = rest[1:].split(".", 1)[0]
        if first == "src":
            raise ImportError(
                f"`{spec.name}` is Keras's private source tree, which cornu does not mirror. Import the "
                f"public name instead (e.g. `from keras import layers`). Received: {spec.name}"
            )
        target = "cornu" + rest
        try:
            module = importlib.import_module(target)
        except ModuleNotFoundError as error:
            if error.name != target and not target.startswith(f"{error.name}."):
                raise
            namespace = rest[1:]
            parent, _, leaf = namespace.rpartition(".")
            feature = missing_features.feature_of(namespace) or missing_features.feature_of(parent, leaf)
            if feature is not None:
                raise missing_features.MissingModuleError(
                    missing_features.explain(spec.name, feature)) from None
            raise ImportError(f"`{spec.name}` cannot be imported while `keras` resolves to cornu: "
                              f"cornu has no such module. Received: {spec.name}") from None
        # The import system sets `__spec__` on the module it gets; the cornu module keeps its own.
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module):
        own_spec = self._specs.pop(module.__spec__.name, None)  # module.__spec__ is the alias's here
        if own_spec is not None:
            module.__spec__ = own_spec


def _installed():
    return any(isinstance(finder, _KerasAlias) for finder in sys.meta_path)


def install_as_keras():
    """Makes ``import keras`` (and ``from keras.layers import Dense``, ``import keras.backend as K``,
    ...) import cornu, for the rest of this process.

    Call it before anything imports ``keras``. It is idempotent.

    Example:
    >>> import cornu
    >>> cornu.install_as_keras()
    >>> import keras
    >>> keras.layers.Dense is cornu.layers.Dense
    True
    """
    if _installed():
        return
    loaded = sys.modules.get(ALIAS)
    if loaded is not None and getattr(backend.core, "FRAMEWORK_IMPORTED_KERAS", False):
        # The backend's framework (TensorFlow) imported the real Keras for itself, not the program:
        # the program's `import keras` gets cornu, TensorFlow keeps its references to that copy.
        for name in [name for name in sys.modules if name == ALIAS or name.startswith(ALIAS + ".")]:
            del sys.modules[name]
        loaded = None
    if loaded is not None and not getattr(loaded, "__name__", "").startswith("cornu"):
        raise RuntimeError(
            "The real `keras` package is already imported, so `keras` cannot resolve to cornu any more. "
            "Call `cornu.install_as_keras()` before the first `import keras` (or run the script with "
            f"`python -m cornu script.py`). Received: keras loaded from {getattr(loaded, '__file__', '?')}"
        )
    sys.meta_path.insert(0, _KerasAlias())
