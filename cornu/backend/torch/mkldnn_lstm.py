"""oneDNN's LSTM layer as one opaque, differentiable op for ``torch.compile`` (CPU).

Eager ``_VF.lstm`` on CPU runs ``aten.mkldnn_rnn_layer`` forward and
``aten.mkldnn_rnn_layer_backward`` for the gradients. Inside a compiled ``torch.func.grad``
neither survives as it is: functorch differentiates with ``create_graph=True``, which picks the
op's *double-differentiable* backward (the whole time loop re-run as ~5 small ops per step),
and inductor's own lowering of the forward drops the workspace the fused backward needs. So
both kernels are wrapped here as custom ops (inductor calls them as they are) and tied together
by an ``autograd.Function`` whose backward is the fused one (no double backward). The numbers
are eager's: the same kernels, called the same way.

Example:
>>> outputs, h, c = mkldnn_lstm(inputs, h0, c0, [w_ih, w_hh, b_ih, b_hh])  # inputs (batch, time, features)
"""

import torch

_LSTM_KIND = 2  # oneDNN's rnn_kind::LSTM


@torch.library.custom_op("cornu::mkldnn_lstm_layer", mutates_args=())
def _forward(inputs: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor, b_ih: torch.Tensor, b_hh: torch.Tensor,
             h: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    args = [t.contiguous() for t in (inputs, w_ih, w_hh, b_ih, b_hh, h, c)]
    # The kernel writes the workspace its backward needs only while grad mode is on.
    with torch.enable_grad():
        return _call_forward(*args)


@_forward.register_fake
def _(inputs, w_ih, w_hh, b_ih, b_hh, h, c):
    return _call_forward(inputs, w_ih, w_hh, b_ih, b_hh, h, c)


def _call_forward(inputs, w_ih, w_hh, b_ih, b_hh, h, c):
    # `batch_first=True` with a time-major input is how eager `_VF.lstm` calls the kernel.
    return torch.ops.aten.mkldnn_rnn_layer(inputs, w_ih, w_hh, b_ih, b_hh, h, c, False, [], _LSTM_KIND, h.shape[-1], 1,
                                          True, False, True, True)


@torch.library.custom_op("cornu::mkldnn_lstm_layer_backward", mutates_args=())
def _backward(inputs: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor, b_ih: torch.Tensor, b_hh: torch.Tensor,
              h: torch.Tensor, c: torch.Tensor, outputs: torch.Tensor, h_out: torch.Tensor, c_out: torch.Tensor,
              grad_outputs: torch.Tensor | None, grad_h: torch.Tensor | None, grad_c: torch.Tensor | None,
              workspace: torch.Tensor) -> list[torch.Tensor]:
    # oneDNN reads raw memory: the compiler may hand over transposed views.
    tensors = [None if t is None else t.contiguous() for t in (
        inputs, w_ih, w_hh, b_ih, b_hh, h, c, outputs, h_out, c_out, grad_outputs, grad_h, grad_c)]
    return _call_backward(*tensors, workspace)


@_backward.register_fake
def _(inputs, w_ih, w_hh, b_ih, b_hh, h, c, outputs, h_out, c_out, grad_outputs, grad_h, grad_c, workspace):
    return _call_backward(inputs, w_ih, w_hh, b_ih, b_hh, h, c, outputs, h_out, c_out, grad_outputs, grad_h, grad_c,
                          workspace)


def _call_backward(inputs, w_ih, w_hh, b_ih, b_hh, h, c, outputs, h_out, c_out, grad_outputs, grad_h, grad_c,
                   workspace):
    return list(torch.ops.aten.mkldnn_rnn_layer_backward(
        inputs, w_ih, w_hh, b_ih, b_hh, h, c, outputs, h_out, c_out, grad_outputs, grad_h, grad_c, False, _LSTM_KIND,
        h.shape[-1], 1, True, True, False, [], True, workspace))


class _LstmLayer(torch.autograd.Function):
    """The forward kernel with the fused backward kernel as its gradient (``setup_context``
    form, which ``torch.func`` transforms require)."""

    @staticmethod
    def forward(inputs, w_ih, w_hh, b_ih, b_hh, h, c):
        return _forward(inputs, w_ih, w_hh, b_ih, b_hh, h, c)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(*inputs, *output)
        ctx.mark_non_differentiable(output[3])

    @staticmethod
    def backward(ctx, grad_outputs, grad_h, grad_c, _):
        saved = ctx.saved_tensors
        with torch.no_grad():  # (no double backward: this is the fused kernel)
            return tuple(_backward(*saved[:10], grad_outputs, grad_h, grad_c, saved[10]))


def mkldnn_lstm(inputs, h, c, params):
    """One LSTM layer on oneDNN, as eager ``_VF.lstm`` runs it on CPU.

    ``inputs`` (batch, time, features); ``h``, ``c`` (batch, units); ``params`` torch's
    ``[w_ih, w_hh]`` or ``[w_ih, w_hh, b_ih, b_hh]``. Returns ``(outputs, h, c)`` with outputs
    (batch, time, units).
    """
    w_ih, w_hh = params[0], params[1]
    if len(params) == 4:
        b_ih, b_hh = params[2], params[3]
    else:  # (adding zeros is what the kernel does without biases)
        b_ih = b_hh = torch.zeros(w_ih.shape[0], dtype=inputs.dtype, device=inputs.device)
    # (Views, not the tensors themselves: under torch.compile, a function's own input handed
    # straight to the autograd.Function fails functorch's checks, torch 2.13.)
    args = [t.view_as(t) for t in (w_ih, w_hh, b_ih, b_hh, h, c)]
    outputs, h, c, _ = _LstmLayer.apply(inputs.transpose(0, 1), *args)
    return outputs.transpose(0, 1), h, c
