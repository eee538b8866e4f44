"""PyTorch recurrent loops.

``rnn`` runs the step function in a Python loop over time (the shared loop of
``cornu.backend.common.rnn_loop``, on torch tensors). ``lstm``/``gru`` run torch's
own multi-step kernels (``torch._VF.lstm``/``gru``: cuDNN on GPU, a C++ loop on
CPU) on Keras's weights, re-laid out on the fly so gradients reach the Keras
variables. A right-padded mask runs as a packed sequence; other masks, other
activations, ``unroll=True`` and GRU's ``reset_after=False`` raise
``NotImplementedError`` so the layer falls back to its cell.
"""

import types
import warnings

import optree
import torch
from torch import _VF

from cornu.backend.common.kernel_activations import declare_kernel_activation, kernel_activation_name
from cornu.backend.common.rnn_loop import python_rnn_loop
from cornu.backend.torch.core import convert_to_tensor
from cornu.backend.torch.mkldnn_lstm import mkldnn_lstm

# torch warns once when the weights it gets are not one flat cuDNN buffer; re-laying them
# out per call is the price of keeping Keras's variables as they are.
warnings.filterwarnings("ignore", message="RNN module weights are not part of single contiguous chunk")

TORCH_ARRAYS = types.SimpleNamespace(
    unstack=lambda x, axis: list(torch.unbind(x, axis)),
    stack=lambda xs, axis: torch.stack(xs, axis),
    where=torch.where,
    zeros_like=torch.zeros_like,
    reshape=torch.reshape,
    as_bool=lambda m: convert_to_tensor(m).bool(),
    any_last=lambda m: torch.any(m, dim=-1),
    cast_like=lambda s, n: s.to(n.dtype) if s.dtype != n.dtype else s,
)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False,
        input_length=None, time_major=False, zero_output_for_mask=False, return_all_outputs=True):
    """Runs ``step_function(input_t, states) -> (output_t, new_states)`` over the time axis.

    Returns ``(last_output, outputs, new_states)``; ``outputs`` has every step's
    output (in processing order, so reversed with ``go_backwards``) or, with
    ``return_all_outputs=False``, only the last one (time length 1).

    Example:
    >>> last, outputs, states = rnn(lambda x, s: (x + s[0], [x + s[0]]), torch.ones(2, 3, 4), [torch.zeros(2, 4)])
    """
    initial_states = _on_device_of(inputs, initial_states)
    return python_rnn_loop(TORCH_ARRAYS, step_function, inputs, initial_states, go_backwards=go_backwards,
                           mask=mask, constants=constants, time_major=time_major,
                           zero_output_for_mask=zero_output_for_mask, return_all_outputs=return_all_outputs)


def _on_device_of(inputs, states):
    """States moved to the inputs' device (zeros made on the default device meet ``meta`` stand-ins
    during shape inference, and GPU inputs may meet CPU states)."""
    device = optree.tree_leaves(inputs)[0].device
    return optree.tree_map(
        lambda s: s.to(device) if isinstance(s, torch.Tensor) and s.device != device else s, states)


declare_kernel_activation("tanh", torch.tanh)
declare_kernel_activation("sigmoid", torch.sigmoid)


def _is_default_activations(activation, recurrent_activation):
    # cornu's own tanh and sigmoid are declared by the layers that use these kernels.
    return kernel_activation_name(activation) == "tanh" and kernel_activation_name(recurrent_activation) == "sigmoid"


def _right_padded_lengths(mask, batch, steps):
    """Per-row lengths when ``mask`` keeps a non-empty prefix of every row; else None."""
    mask = convert_to_tensor(mask).bool()
    if mask.device.type == "meta":  # shape inference: the mask has no values to check
        raise NotImplementedError("A mask on the meta device cannot be checked for right padding.")
    while mask.dim() > 2:
        mask = mask.any(-1)
    lengths = mask.sum(1)
    prefix = torch.arange(steps, device=mask.device)[None, :] < lengths[:, None]
    if bool(torch.all(lengths > 0)) and bool(torch.equal(prefix, mask)):
        return lengths, mask
    return None


def _check_fusable(inputs, mask, unroll, go_backwards, activation, recurrent_activation):
    if unroll or not _is_default_activations(activation, recurrent_activation):
        raise NotImplementedError("torch's fused RNN kernels need tanh/sigmoid activations and no unroll.")
    if inputs.dtype not in (torch.float32, torch.float64) and inputs.device.type != "cuda":
        raise NotImplementedError(f"torch's fused RNN kernels on CPU take float32/float64, not {inputs.dtype}.")
    if mask is None:
        return None
    if go_backwards:
        raise NotImplementedError("A masked go_backwards RNN runs step by step.")
    if torch.compiler.is_exporting():  # the padding check reads the mask's values
        raise NotImplementedError("A masked RNN runs step by step while exporting.")
    found = _right_padded_lengths(mask, inputs.shape[0], inputs.shape[1])
    if found is None:
        raise NotImplementedError("Only right-padded masks with no empty row run on torch's fused kernels.")
    return found


def _run(kernel_fn, inputs, hx, params, has_biases, padding):
    """Calls a ``torch._VF`` RNN kernel, on a packed sequence when ``padding`` gives row lengths."""
    # cuDNN wants contiguous weights, and `train=True` whenever a backward pass may follow.
    params = [p.contiguous() for p in params]
    train = torch.is_grad_enabled()
    if padding is None:
        return kernel_fn(inputs, hx, params, has_biases, 1, 0.0, train, False, True)
    lengths, _ = padding
    packed = torch.nn.utils.rnn.pack_padded_sequence(inputs, lengths.cpu(), batch_first=True, enforce_sorted=False)
    hx = tuple(h.index_select(1, packed.sorted_indices) for h in hx)
    out = kernel_fn(packed.data, packed.batch_sizes, hx, params, has_biases, 1, 0.0, train, False)
    repacked = torch.nn.utils.rnn.PackedSequence(out[0], packed.batch_sizes, packed.sorted_indices,
                                                 packed.unsorted_indices)
    outputs, _ = torch.nn.utils.rnn.pad_packed_sequence(repacked, batch_first=True, total_length=inputs.shape[1])
    finals = tuple(h.index_select(1, packed.unsorted_indices) for h in out[1:])
    return (outputs,) + finals


def _masked_outputs(outputs, last_h, padding, zero_output_for_mask):
    """Keras's masked-step rule on a packed run: padded steps repeat the last valid output (or are zero)."""
    if padding is None:
        return outputs[:, -1], outputs
    _, mask = padding
    keep = mask[:, :, None]
    fill = torch.zeros_like(outputs) if zero_output_for_mask else last_h[:, None, :].expand_as(outputs)
    outputs = torch.where(keep, outputs, fill)
    return outputs[:, -1], outputs


def _traced_lstm(inputs, h, c, kernel, recurrent_kernel, bias):
    """The LSTM as plain ops, for torch.compile where oneDNN's kernels do not apply (GPU,
    float64; not torch.export, which keeps the kernel and its dynamic time axis): the compiler
    unrolls ``_VF.lstm`` into the same steps anyway, and its own unrolling fails to differentiate
    when the inputs need no gradient (torch 2.13). The input projection of every step is one
    matmul up front."""
    projected = inputs @ kernel
    if bias is not None:
        projected = projected + bias
    outputs = []
    for step in range(inputs.shape[1]):
        i, f, g, o = (projected[:, step] + h @ recurrent_kernel).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h, c


_HAS_MKLDNN = torch.backends.mkldnn.is_available()  # (read here: torch.compile cannot trace the query)


def _runs_on_mkldnn(inputs, hx, params):
    """Whether eager ``_VF.lstm`` runs these tensors on oneDNN's LSTM (CPU, float32 or bfloat16)."""
    tensors = [inputs, *hx, *params]
    return (_HAS_MKLDNN and all(t.device.type == "cpu" for t in tensors)
            and len({t.dtype for t in tensors}) == 1 and inputs.dtype in (torch.float32, torch.bfloat16))


def lstm(inputs, initial_state_h, initial_state_c, mask, kernel, recurrent_kernel, bias, activation,
         recurrent_activation, return_sequences=False, go_backwards=False, unroll=False, zero_output_for_mask=False):
    """An LSTM on torch's kernel with Keras's weights: kernel (input_dim, 4 * units), gates i, f, c, o
    (torch's order too), recurrent_kernel (units, 4 * units), bias (4 * units,) or None.

    Returns ``(last_output, outputs, [h, c])``.
    """
    inputs = convert_to_tensor(inputs)
    padding = _check_fusable(inputs, mask, unroll, go_backwards, activation, recurrent_activation)
    kernel, recurrent_kernel = convert_to_tensor(kernel), convert_to_tensor(recurrent_kernel)
    params = [kernel.t(), recurrent_kernel.t()]
    if bias is not None:
        bias = convert_to_tensor(bias)
        params += [bias, torch.zeros_like(bias)]
    if go_backwards:
        inputs = torch.flip(inputs, (1,))
    hx = (convert_to_tensor(initial_state_h).to(inputs.device, inputs.dtype)[None],
          convert_to_tensor(initial_state_c).to(inputs.device, inputs.dtype)[None])
    if padding is None and torch.compiler.is_compiling() and not torch.compiler.is_exporting():
        if _runs_on_mkldnn(inputs, hx, params):
            outputs, h, c = mkldnn_lstm(inputs, hx[0][0], hx[1][0], params)
        else:
            outputs, h, c = _traced_lstm(inputs, hx[0][0], hx[1][0], kernel, recurrent_kernel, bias)
    else:
        outputs, h, c = _run(_VF.lstm, inputs, hx, params, bias is not None, padding)
        h, c = h[0], c[0]
    last, outputs = _masked_outputs(outputs, h, padding, zero_output_for_mask)
    if not return_sequences:
        outputs = last[:, None, :]
    return last, outputs, [h, c]


def _torch_gate_order(weights, units):
    """Keras's GRU gates (z, r, h) along the last axis to torch's (r, z, n)."""
    return torch.cat([weights[..., units:2 * units], weights[..., :units], weights[..., 2 * units:]], dim=-1)


def gru(inputs, initial_state, mask, kernel, recurrent_kernel, bias, activation, recurrent_activation,
        return_sequences=False, go_backwards=False, unroll=False, reset_after=True, zero_output_for_mask=False):
    """A GRU (``reset_after=True``) on torch's kernel with Keras's weights: kernel (input_dim, 3 * units) with
    gates z, r, h, recurrent_kernel (units, 3 * units), bias (2, 3 * units) (input and recurrent) or None.

    Returns ``(last_output, outputs, [h])``.
    """
    if not reset_after:
        raise NotImplementedError("torch's GRU kernel is the reset_after=True form.")
    inputs = convert_to_tensor(inputs)
    padding = _check_fusable(inputs, mask, unroll, go_backwards, activation, recurrent_activation)
    kernel, recurrent_kernel = convert_to_tensor(kernel), convert_to_tensor(recurrent_kernel)
    units = recurrent_kernel.shape[0]
    params = [_torch_gate_order(kernel, units).t(), _torch_gate_order(recurrent_kernel, units).t()]
    if bias is not None:
        bias = _torch_gate_order(convert_to_tensor(bias), units)
        params += [bias[0], bias[1]]
    if go_backwards:
        inputs = torch.flip(inputs, (1,))
    hx = (convert_to_tensor(initial_state).to(inputs.device, inputs.dtype)[None],)
    outputs, h = _run(_gru_kernel, inputs, hx, params, bias is not None, padding)
    h = h[0]
    last, outputs = _masked_outputs(outputs, h, padding, zero_output_for_mask)
    if not return_sequences:
        outputs = last[:, None, :]
    return last, outputs, [h]


def _gru_kernel(*args):
    # torch's GRU takes its single hidden state bare, where the LSTM takes an (h, c) tuple.
    if isinstance(args[1], tuple):
        return _VF.gru(args[0], args[1][0], *args[2:])
    return _VF.gru(args[0], args[1], args[2][0], *args[3:])
