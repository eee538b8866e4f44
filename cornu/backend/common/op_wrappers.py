"""Wrappers that turn one of a backend's kernels into a NumPy-style op: the inputs are first
promoted by the backend's own rules (given as functions), then the kernel runs on them.

Example:
>>> binary, binary_float, unary_float = op_wrappers(promote, float_pair, float_input)
>>> add = binary(torch.add)           # add(int32 tensor, 1.5) -> float32 tensor
"""


def _named(apply, fn, default):
    apply.__name__ = getattr(fn, "__name__", default)
    return apply


def op_wrappers(promote, float_pair, float_input):
    """``(binary, binary_float, unary_float)``: ``fn(x1, x2)`` on ``promote(x1, x2)``,
    ``fn(x1, x2)`` on ``float_pair(x1, x2)`` (at least a float), ``fn(x)`` on ``float_input(x)``."""

    def binary(fn):
        def apply(x1, x2):
            return fn(*promote(x1, x2))

        return _named(apply, fn, "binary")

    def binary_float(fn):
        def apply(x1, x2):
            return fn(*float_pair(x1, x2))

        return _named(apply, fn, "binary")

    def unary_float(fn):
        def apply(x):
            return fn(float_input(x))

        return _named(apply, fn, "unary")

    return binary, binary_float, unary_float
