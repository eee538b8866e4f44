"""Eager ``model(x)`` calls are not compiled on this backend (see the JAX backend's
``compiled_call``): every call runs eagerly. A Functional graph's call instead replays its
call plan (``call_plan.py``): the same torch kernels with little Python around them."""

from cornu.backend.torch.call_plan import run_graph_plan  # noqa: F401  (used by Functional.call)
from cornu.backend.torch.call_plan_kernels import NOT_HANDLED  # noqa: F401

# Whether ``model(x)`` is compiled even with ``jit_compile=False`` (TensorFlow's graphs are).
TRACES_WITHOUT_JIT = False


def make_compiled_call(model, call_eagerly):
    return None
