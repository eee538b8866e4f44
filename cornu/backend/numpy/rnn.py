"""NumPy recurrent loops: ``rnn`` runs the step function in a Python loop over time.

``lstm``/``gru`` have no fused NumPy kernel: they raise ``NotImplementedError``
and the layers run their cells through ``rnn``. The loop itself is shared by
every backend and lives in ``cornu/backend/common/rnn_loop.py`` (backend packages
never import each other: importing ``cornu.backend.numpy.*`` under another
backend rebinds ``cornu.backend.numpy``).
"""

from cornu.backend.common.rnn_loop import NUMPY_ARRAYS, python_rnn_loop


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False,
        input_length=None, time_major=False, zero_output_for_mask=False, return_all_outputs=True):
    """Runs ``step_function(input_t, states) -> (output_t, new_states)`` over the time axis.

    Returns ``(last_output, outputs, new_states)``; ``outputs`` has every step's
    output (in processing order, so reversed with ``go_backwards``) or, with
    ``return_all_outputs=False``, only the last one (time length 1).

    Example:
    >>> last, outputs, states = rnn(lambda x, s: (x + s[0], [x + s[0]]), np.ones((2, 3, 4)), [np.zeros((2, 4))])
    """
    return python_rnn_loop(NUMPY_ARRAYS, step_function, inputs, initial_states, go_backwards=go_backwards,
                           mask=mask, constants=constants, time_major=time_major,
                           zero_output_for_mask=zero_output_for_mask, return_all_outputs=return_all_outputs)


def lstm(inputs, initial_state_h, initial_state_c, mask, kernel, recurrent_kernel, bias, activation,
         recurrent_activation, return_sequences=False, go_backwards=False, unroll=False, zero_output_for_mask=False):
    """No fused LSTM on NumPy: the layer falls back to its cell and ``rnn``."""
    raise NotImplementedError("The NumPy backend has no fused LSTM kernel.")


def gru(inputs, initial_state, mask, kernel, recurrent_kernel, bias, activation, recurrent_activation,
        return_sequences=False, go_backwards=False, unroll=False, reset_after=True, zero_output_for_mask=False):
    """No fused GRU on NumPy: the layer falls back to its cell and ``rnn``."""
    raise NotImplementedError("The NumPy backend has no fused GRU kernel.")
