"""cornu: deep learning with the Keras 3 API on JAX, PyTorch and NumPy.

    import cornu as keras

or, for code that says ``import keras``, ``cornu.install_as_keras()`` first (or
``python -m cornu script.py``). The backend is chosen at import: ``CORNU_BACKEND`` (or ``KERAS_BACKEND``),
else ``~/.cornu/cornu.json``, else JAX.
"""

__version__ = "0.1.0"

from cornu import activations
from cornu import backend
from cornu import callbacks
from cornu import config
from cornu import constraints
from cornu import datasets
from cornu import dtype_policies
from cornu import initializers
from cornu import layers
from cornu import losses
from cornu import metrics
from cornu import mixed_precision
from cornu import models
from cornu import ops
from cornu import optimizers
from cornu import quantizers
from cornu import random
from cornu import regularizers
from cornu import saving
from cornu import tree
from cornu import utils
# Namespaces of Keras 3 that cornu does not have yet: asking them for a name says which issue
# brings it (cornu.missing_features).
from cornu import applications, distillation, distribution, export, legacy, preprocessing
from cornu import visualization, wrappers
from cornu.backend import KerasTensor, StatelessScope, Variable, name_scope
from cornu.dtype_policies import DTypePolicy, FloatDTypePolicy
from cornu.initializers import Initializer
from cornu.keras_alias import install_as_keras
from cornu.layers import Input, InputSpec, Layer
from cornu.losses import Loss
from cornu.metrics import Metric
from cornu.models import Model, Sequential
from cornu.ops.operation import Operation
from cornu.ops.function import Function
from cornu.layers.remat import RematScope, remat
from cornu.utils.backend_utils import SymbolicScope, device
from cornu.optimizers import Optimizer
from cornu.quantizers import Quantizer
from cornu.regularizers import Regularizer



def version():
    """cornu's version string, as ``keras.version()`` gives Keras's.

    Example:
    >>> cornu.version()
    '0.1.0'
    """
    return __version__
