"""The parts of Keras 3's public API that cornu does not have yet, and what asking for one does.

Every public name of Keras 3.15 either exists in cornu or is listed here. Asking for a listed
name (``keras.utils.legacy``, ``from keras.visualization import plot_image_gallery``) raises
:class:`MissingFeatureError`, a ``NotImplementedError`` that names the feature and the issue
that brings it, instead of a bare ``AttributeError``. It is also an ``AttributeError``, so
``hasattr(keras.utils, "legacy")`` stays ``False`` and feature probes keep working. The
README's "Not in cornu yet" list is this table; a test keeps the two equal.

Example:
>>> import cornu
>>> cornu.utils.legacy
Traceback (most recent call last):
  ...
cornu.missing_features.MissingFeatureError: `keras.utils.legacy` is not in cornu yet ...
"""

import dis
import sys

# feature -> (what it is, the open issue that brings it, or None when no issue does yet)
FEATURES = {
    "visualization": ("the image and bounding-box plots", None),
    "distillation": ("knowledge distillation", None),
    "legacy serialization": ("the Keras 2 serialization functions", None),
    "low-bit quantization": ("int4, float8, GPTQ and AWQ quantization (int8 is there)", None),
    "policy maps": ("per-layer-path dtype policy maps", None),
}

# namespace -> {name: feature}; a namespace mapped to a feature lacks every name.
MISSING = {
    "utils": {"legacy": "legacy serialization"},
    "visualization": "visualization",
    "distillation": "distillation",
    "legacy": "legacy serialization",
}


# Names that exist with Keras's parameters (so isinstance checks and signatures hold) but raise
# NotImplementedError when used: namespace -> {name: feature}.
STUBS = {
    "quantizers": dict.fromkeys(["Int4QuantizationConfig", "Float8QuantizationConfig", "GPTQConfig",
                                 "AWQConfig", "abs_max_quantize_grouped_with_zero_point",
                                 "fake_quant_with_min_max_vars"], "low-bit quantization"),
    "dtype_policies": {**dict.fromkeys(["QuantizedFloat8DTypePolicy", "Int4DTypePolicy", "GPTQDTypePolicy",
                                        "AWQDTypePolicy"], "low-bit quantization"),
                       "DTypePolicyMap": "policy maps"},
}


class MissingFeatureError(NotImplementedError, AttributeError):
    """A public Keras name that cornu does not have yet (see the README's list)."""


class MissingModuleError(NotImplementedError, ImportError):
    """A public Keras module that cornu does not have yet (see the README's list)."""


def feature_of(namespace, name=None):
    """The feature that ``keras.<namespace>[.<name>]`` belongs to, or None when cornu has it."""
    parts = namespace.split(".") if namespace else []
    if name is not None:
        parts.append(name)
    for depth in range(len(parts) + 1):
        entry = MISSING.get(".".join(parts[:depth]))
        if isinstance(entry, str):
            return entry
        if isinstance(entry, dict) and depth < len(parts) and parts[depth] in entry:
            return entry[parts[depth]]
    return None


def explain(public_name, feature):
    """The message for asking for ``public_name``, part of ``feature``."""
    what, issue = FEATURES[feature]
    where = f"issue {issue} brings it" if issue else "no open issue covers it yet"
    return (f"`{public_name}` is not in cornu yet: it is part of {what} ({where}; the README lists "
            f"every missing Keras name). Received: {public_name}")


def _called_by_from_import(depth):
    # `from m import name` turns an AttributeError into a generic ImportError that drops our
    # message, so that one caller gets a plain NotImplementedError instead.
    frame = sys._getframe(depth)
    code = frame.f_code.co_code
    return 0 <= frame.f_lasti < len(code) and dis.opname[code[frame.f_lasti]] == "IMPORT_FROM"


def module_getattr(module_name):
    """A module ``__getattr__`` for ``cornu.<namespace>`` that explains the missing names.

    Example (in ``cornu/layers/__init__.py``):
    >>> __getattr__ = module_getattr(__name__)
    """
    namespace = module_name[len("cornu."):] if module_name.startswith("cornu.") else ""

    def __getattr__(name):
        feature = None if name.startswith("__") else feature_of(namespace, name)
        if feature is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        public = ".".join(part for part in ("keras", namespace, name) if part)
        error = NotImplementedError if _called_by_from_import(2) else MissingFeatureError
        raise error(explain(public, feature))

    return __getattr__
