"""``backend.rnn.rnn`` on its own: the loop's contract, checked against a plain NumPy reference."""

import ast
import pathlib

import numpy as np
import pytest

from cornu import backend

from tests.helpers.layer_compare import to_numpy


def _step(x_t, states):
    """A leaky accumulator: h = 0.5 * h + x; the output is 2 * h (so it is not the state itself)."""
    h = states[0] * 0.5 + x_t
    return h * 2.0, [h]


def _reference(x, h0, mask, go_backwards, zero_output_for_mask):
    """The loop written out in NumPy, with the masking rule of ``cornu.backend.*.rnn``."""
    batch, steps, _ = x.shape
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    h, previous, outputs = h0.copy(), None, []
    for t in order:
        out_t, (new_h,) = _step(x[:, t], [h])
        if mask is not None:
            keep = mask[:, t][:, None]
            if previous is None:
                previous = h0.copy()  # the first state has the output's shape: it stands for it
            fill = np.zeros_like(out_t) if zero_output_for_mask else previous
            out_t = np.where(keep, out_t, fill)
            new_h = np.where(keep, new_h, h)
            previous = out_t
        h = new_h
        outputs.append(out_t)
    return outputs[-1], np.stack(outputs, 1), h


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
@pytest.mark.parametrize("unroll", [False, True])
def test_loop_matches_the_numpy_reference(go_backwards, masked, zero_output_for_mask, unroll):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 2)).astype("float32")
    h0 = rng.normal(size=(3, 2)).astype("float32")
    mask = np.array([[1, 1, 0, 1, 0], [0, 0, 1, 1, 1], [0, 0, 0, 0, 0]], dtype=bool) if masked else None
    last, outputs, states = backend.rnn.rnn(
        _step, backend.convert_to_tensor(x), [backend.convert_to_tensor(h0)], go_backwards=go_backwards,
        mask=None if mask is None else backend.convert_to_tensor(mask), unroll=unroll,
        zero_output_for_mask=zero_output_for_mask)
    expected_last, expected_outputs, expected_h = _reference(x, h0, mask, go_backwards, zero_output_for_mask)
    np.testing.assert_allclose(to_numpy(last), expected_last, atol=1e-6)
    np.testing.assert_allclose(to_numpy(outputs), expected_outputs, atol=1e-6)
    np.testing.assert_allclose(to_numpy(states[0]), expected_h, atol=1e-6)


def test_time_major_inputs_and_only_the_last_output():
    x = np.random.default_rng(1).normal(size=(5, 3, 2)).astype("float32")  # (time, batch, features)
    h0 = np.zeros((3, 2), "float32")
    last, outputs, states = backend.rnn.rnn(_step, backend.convert_to_tensor(x), [backend.convert_to_tensor(h0)],
                                            time_major=True, return_all_outputs=False)
    expected_last, _, expected_h = _reference(np.swapaxes(x, 0, 1), h0, None, False, False)
    assert tuple(outputs.shape) == (1, 3, 2)
    np.testing.assert_allclose(to_numpy(outputs)[0], expected_last, atol=1e-6)
    np.testing.assert_allclose(to_numpy(last), expected_last, atol=1e-6)
    np.testing.assert_allclose(to_numpy(states[0]), expected_h, atol=1e-6)


def test_nested_states_keep_their_structure():
    def step(x_t, states):
        (a,), (b, c) = states
        return a + b, [[a + x_t], [b + 1.0, c * 2.0]]

    zeros = backend.convert_to_tensor(np.zeros((2, 3), "float32"))
    ones = backend.convert_to_tensor(np.ones((2, 3), "float32"))
    _, _, states = backend.rnn.rnn(step, backend.convert_to_tensor(np.ones((2, 4, 3), "float32")),
                                   [[zeros], [zeros, ones]])
    assert len(states) == 2 and len(states[0]) == 1 and len(states[1]) == 2
    np.testing.assert_allclose(to_numpy(states[1][1]), np.full((2, 3), 16.0))
    np.testing.assert_allclose(to_numpy(states[0][0]), np.full((2, 3), 4.0))


def _signatures(path):
    """Function name -> argument names and defaults, read from source (importing another backend's
    package would rebind ``cornu.backend.numpy`` and friends)."""
    tree = ast.parse(path.read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in ("rnn", "lstm", "gru"):
            args = node.args
            found[node.name] = ([a.arg for a in args.args], [ast.unparse(d) for d in args.defaults])
    return found


def test_every_backend_has_the_same_rnn_signatures():
    root = pathlib.Path(backend.__file__).parent
    signatures = [_signatures(root / name / "rnn.py") for name in ("jax", "torch", "numpy")]
    assert signatures[0] == signatures[1] == signatures[2]
    assert set(signatures[0]) == {"rnn", "lstm", "gru"}
    assert signatures[0]["rnn"][0] == [
        "step_function", "inputs", "initial_states", "go_backwards", "mask", "constants", "unroll",
        "input_length", "time_major", "zero_output_for_mask", "return_all_outputs"]
