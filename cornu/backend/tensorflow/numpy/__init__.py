"""TensorFlow implementations of the NumPy-like ops.

TensorFlow kernels take operands of one dtype and never promote, so binary ops bring their
inputs to Keras's ``result_type`` first (weak Python scalars, the JAX lattice); integer inputs
of float functions become floatx; kernels TensorFlow lacks for a dtype (small unsigned
integers, half floats on CPU) run in a wider dtype and cast back. Every op works eagerly and
inside ``tf.function`` (dimensions that may be unknown are read with ``tf.shape``).

The ops live in one file per concept, as in ``cornu.ops.numpy`` (which lists them); private
helpers shared by them (and by ``math``, ``linalg``, ``nn``, ...) are in ``_common``.
"""

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.tensorflow.numpy._common import (  # noqa: F401
    ARGUMENT_ERRORS, UNTRANSLATED_ERRORS, _float_input, _float_pair, _t,
)
from cornu.backend.tensorflow.numpy.arithmetic import *  # noqa: F401,F403
from cornu.backend.tensorflow.numpy.creation import *  # noqa: F401,F403
from cornu.backend.tensorflow.numpy.indexing import *  # noqa: F401,F403
from cornu.backend.tensorflow.numpy.logic import *  # noqa: F401,F403
from cornu.backend.tensorflow.numpy.math_functions import *  # noqa: F401,F403
from cornu.backend.tensorflow.numpy.products import *  # noqa: F401,F403
from cornu.backend.tensorflow.numpy.reductions import *  # noqa: F401,F403
from cornu.backend.tensorflow.numpy.shape import *  # noqa: F401,F403

__all__ = list(names.ALL) + ["UNTRANSLATED_ERRORS"]
