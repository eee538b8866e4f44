"""Bad arguments raise clear errors that name the op and what it received, on every
backend and for symbolic inputs, instead of a raw JAX/PyTorch/NumPy traceback."""

import numpy as np
import pytest

from cornu import backend, ops

A23 = np.ones((2, 3), "float32")
A4 = np.ones((4,), "float32")
A42 = np.ones((4, 2), "float32")

CASES = [
    # (id, call, error type, fragments the message must contain)
    ("broadcast", lambda: ops.add(A23, A4), ValueError, ["add:", "cannot be broadcast", "(2, 3)", "(4,)", "Received: x1.shape=(2, 3)"]),
    ("broadcast-where", lambda: ops.where(A23 > 0, A23, A4), ValueError, ["where:", "cannot be broadcast"]),
    ("broadcast-maximum", lambda: ops.maximum(A23, A42), ValueError, ["maximum:", "(4, 2)"]),
    ("axis-sum", lambda: ops.sum(A23, axis=2), ValueError, ["sum:", "`axis=2` is out of range", "rank 2", "Received: x.shape=(2, 3)"]),
    ("axis-negative", lambda: ops.mean(A23, axis=-3), ValueError, ["mean:", "out of range"]),
    ("axis-tuple", lambda: ops.max(A23, axis=(0, 5)), ValueError, ["max:", "out of range"]),
    ("axis-repeated", lambda: ops.sum(A23, axis=(1, -1)), ValueError, ["sum:", "repeats an axis"]),
    ("axis-softmax", lambda: ops.softmax(A23, axis=4), ValueError, ["softmax:", "out of range"]),
    ("axis-expand_dims", lambda: ops.expand_dims(A23, 4), ValueError, ["expand_dims:", "out of range"]),
    ("axis-moveaxis", lambda: ops.moveaxis(A23, 0, 3), ValueError, ["moveaxis:", "`destination=3`"]),
    ("matmul", lambda: ops.matmul(A23, A42), ValueError, ["matmul:", "inner dimensions", "x1.shape[-1]=3", "x2.shape[-2]=4"]),
    ("matmul-vector", lambda: ops.matmul(A23, A4), ValueError, ["matmul:", "x2.shape[-1]=4"]),
    ("dot", lambda: ops.dot(A23, A42), ValueError, ["dot:", "inner dimensions"]),
    ("tensordot", lambda: ops.tensordot(A23, A42, axes=1), ValueError, ["tensordot:", "contracted dimensions"]),
    ("reshape", lambda: ops.reshape(A23, (4, 2)), ValueError, ["reshape:", "6 elements", "(4, 2)", "Received: x.shape=(2, 3)"]),
    ("reshape-infer", lambda: ops.reshape(A23, (4, -1)), ValueError, ["reshape:", "6 elements"]),
    ("concatenate-shape", lambda: ops.concatenate([A23, A42]), ValueError, ["concatenate:", "except axis 0", "(2, 3), (4, 2)"]),
    ("concatenate-rank", lambda: ops.concatenate([A23, A4]), ValueError, ["concatenate:", "same rank"]),
    ("concatenate-axis", lambda: ops.concatenate([A23, A23], axis=2), ValueError, ["concatenate:", "out of range"]),
    ("stack", lambda: ops.stack([A23, A42]), ValueError, ["stack:", "same shape"]),
    ("dtype-bitwise", lambda: ops.bitwise_and(A23, A23), TypeError, ["bitwise_and:", "integer and boolean", "Received: x.shape=(2, 3), x.dtype=float32"]),
    ("dtype-shift", lambda: ops.left_shift(A23, 1), TypeError, ["left_shift:", "integer"]),
]


@pytest.mark.parametrize("call, error, fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_arguments_raise_clear_errors(call, error, fragments):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "Received:" in message


def test_errors_keep_the_backend_error_as_cause():
    with pytest.raises(ValueError) as info:
        ops.add(A23, A4)
    assert info.value.__cause__ is not None


def test_symbolic_inputs_get_the_same_errors():
    x, y = backend.KerasTensor((None, 3)), backend.KerasTensor((None, 4))
    with pytest.raises(ValueError, match="add:.*cannot be broadcast"):
        ops.add(x, y)
    with pytest.raises(ValueError, match="matmul:.*inner dimensions"):
        ops.matmul(x, backend.KerasTensor((4, 2)))
    with pytest.raises(ValueError, match="sum:.*out of range"):
        ops.sum(x, axis=3)


def test_op_specific_checks_come_first():
    with pytest.raises(ValueError, match=r"glu needs an even size .* Received"):
        ops.glu(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="stft.*`sequence_stride` must be a positive integer"):
        ops.stft(np.ones((16,), "float32"), 8, 0, 8)
    with pytest.raises(TypeError, match="stft needs float32 or float64"):
        ops.stft(np.ones((16,), "int32"), 8, 4, 8)
    with pytest.raises(ValueError, match="rearrange: .*both sides"):
        ops.rearrange(A23, "a b -> a")
    with pytest.raises(ValueError, match="rearrange: .*cannot be split"):
        ops.rearrange(A23, "a (b c) -> a b c", c=2)
    with pytest.raises(ValueError, match="strategy"):
        ops.ctc_decode(np.ones((1, 3, 2), "float32"), [3], strategy="best")


def test_good_calls_are_unchanged():
    np.testing.assert_allclose(ops.convert_to_numpy(ops.add(A23, 1.0)), A23 + 1.0)
    assert ops.add.__name__ == "add" and ops.add.__module__ == "cornu.ops.numpy"
    assert ops.conv.__module__ == "cornu.ops.nn" and ops.ctc_decode.__module__ == "cornu.ops.nn"
