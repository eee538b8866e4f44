"""``cornu.ops``: the public op API, identical on every backend.

As in Keras, ``cornu.ops.numpy``, ``cornu.ops.nn``, ``cornu.ops.linalg`` and the
core/math ops are flattened here; ``cornu.ops.image`` stays a sub-module.
"""

from cornu.ops import image
from cornu.ops import linalg
from cornu.ops import nn
from cornu.ops import numpy
from cornu.ops.core import *  # noqa: F401,F403
from cornu.ops.einops import rearrange  # noqa: F401
from cornu.ops.linalg import *  # noqa: F401,F403
from cornu.ops.math import *  # noqa: F401,F403
from cornu.ops.nn import *  # noqa: F401,F403
from cornu.ops.numpy import *  # noqa: F401,F403
from cornu.ops.core import map, slice  # noqa: F401  (shadow builtins on purpose, as Keras does)
from cornu.ops.numpy import abs, all, any, max, min, round, sum  # noqa: F401  (shadow builtins on purpose)
from cornu.ops.decorator import any_symbolic_tensors
from cornu.ops.operation import Operation
from cornu.ops import operators  # noqa: F401  (gives KerasTensor and Variable their operators)


def _register_public_paths():
    from cornu.serialization.registry import keras_export

    for module, namespace in ((numpy, "numpy"), (nn, "nn"), (linalg, "linalg"), (image, "image")):
        for name in module.__all__:
            paths = [f"keras.ops.{namespace}.{name}"] + ([] if namespace == "image" else [f"keras.ops.{name}"])
            keras_export(*paths)(getattr(module, name))
    from cornu.ops import core as _core
    from cornu.ops import einops as _einops
    from cornu.ops import math as _math

    for module in (_core, _math, _einops):
        for name in module.__all__:
            keras_export(f"keras.ops.{name}")(getattr(module, name))


_register_public_paths()
