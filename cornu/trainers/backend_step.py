"""What the trainer reads from the backend's ``step.py`` (the contract is
``cornu/backend/common/step_protocol.py``): whether it trains, what ``jit_compile``
means there, and how a step's arguments are laid out.

Example:
>>> resolve_jit_compile("auto", run_eagerly=False)  # True on JAX, False on torch and NumPy
"""

import optree

from cornu import backend
from cornu.backend.common.step_protocol import training_unsupported_error


def resolve_jit_compile(jit_compile, run_eagerly):
    """``jit_compile`` as the backend runs it: "auto" is the backend's default, and
    ``run_eagerly`` or a backend without a compiler always means False."""
    steps = backend.step()
    if run_eagerly or not steps.SUPPORTS_JIT_COMPILE:
        return False
    return steps.JIT_COMPILE_BY_DEFAULT if jit_compile == "auto" else bool(jit_compile)


def check_training_supported():
    """Raises before any work on an inference-only backend (NumPy)."""
    if not backend.step().SUPPORTS_TRAINING:
        raise training_unsupported_error(backend.backend())


def state_and_data(args):
    """A step's arguments in Keras's per-backend signature: ``(state, data)`` on a stateful
    backend (JAX), ``(data,)`` on an eager one (no state)."""
    return (None, args[0]) if len(args) == 1 else args


def count_samples(x):
    """The number of samples in ``x`` (an array or a nested structure of them)."""
    leaf = x if getattr(x, "shape", None) is not None else optree.tree_leaves(x)[0]
    count = leaf.shape[0]
    # A traced step (TensorFlow's, after a second batch size) may leave the batch size free.
    return count if count is not None else backend.shape(leaf)[0]
