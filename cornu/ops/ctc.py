"""Connectionist temporal classification: ``ctc_loss`` and ``ctc_decode`` (part of ``cornu.ops.nn``).

The loss calls each backend's kernel (PyTorch's fused ``ctc_loss``; a ``lax.scan``
forward pass on JAX; the same recursion in NumPy). Decoding is written once here
from backend ops: greedy decoding, and a prefix beam search whose state has fixed
shapes, so it also runs inside ``jax.jit``.
"""

from cornu import backend
from cornu.ops.decorator import op

_n = backend.numpy
_LOG_ZERO = -1e30  # "log 0" that keeps logaddexp free of NaNs
_VALID = -1e29  # scores above this belong to real hypotheses


@op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sample CTC loss of integer label sequences ``target`` under ``output`` logits.

    ``target`` is ``(batch, max_label_length)`` (padding beyond ``target_length`` is
    ignored), ``output`` is ``(batch, max_time, num_classes)`` logits, and class
    ``mask_index`` is the blank. A label sequence that no alignment can produce
    (too long for its ``output_length``) costs ``inf``.

    Example: ``ctc_loss([[1, 2]], ops.zeros((1, 4, 3)), [2], [4])  # [2.8904]``
    """
    target, output = backend.convert_to_tensor(target), backend.convert_to_tensor(output)
    if len(target.shape) != 2 or len(output.shape) != 3 or target.shape[0] != output.shape[0]:
        raise ValueError(
            "ctc_loss expects `target` of shape (batch, max_label_length) and `output` of shape "
            f"(batch, max_time, num_classes) with the same batch size. "
            f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    return backend.nn.ctc_loss(target, output, target_length, output_length, mask_index=mask_index)


@op
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1, merge_repeated=True, mask_index=0):
    """Decodes CTC outputs ``(batch, max_time, num_classes)`` into label sequences.

    Returns ``(paths, scores)``: ``paths`` is ``(top_paths, batch, max_time)`` int32
    label sequences padded with -1, ``scores`` is ``(batch, top_paths)``. With
    ``strategy="greedy"`` (one path) the labels are the per-step argmax with repeats
    merged (``merge_repeated``) and blanks (``mask_index``) dropped, and the score is
    minus the sum of the chosen ``inputs``. With ``strategy="beam_search"`` a prefix
    beam search over ``log_softmax(inputs)`` keeps ``beam_width`` prefixes and returns
    the ``top_paths`` most likely with their log probabilities.

    Example: ``ctc_decode(logits, [4, 3])[0][0]  # best label sequence per sample``
    """
    inputs = backend.convert_to_tensor(inputs)
    if len(inputs.shape) != 3:
        raise ValueError(f"ctc_decode expects inputs of shape (batch, max_time, num_classes). Received: inputs.shape={tuple(inputs.shape)}")
    inputs = backend.cast(inputs, backend.result_type(inputs.dtype, "float32"))
    lengths = backend.convert_to_tensor(sequence_lengths, "int32")
    if strategy == "greedy":
        return _greedy_decode(inputs, lengths, merge_repeated, mask_index)
    if strategy == "beam_search":
        if top_paths > beam_width:
            raise ValueError(f"`top_paths` cannot exceed `beam_width`. Received: top_paths={top_paths}, beam_width={beam_width}")
        return _beam_search(inputs, lengths, int(beam_width), int(top_paths), int(mask_index))
    raise ValueError(f"`strategy` must be 'greedy' or 'beam_search'. Received: strategy={strategy!r}")


def _greedy_decode(inputs, lengths, merge_repeated, mask_index):
    steps = inputs.shape[1]
    labels = backend.cast(_n.argmax(inputs, axis=-1), "int32")
    scores = _n.max(inputs, axis=-1)
    beyond = _n.greater_equal(_n.arange(steps)[None, :], lengths[:, None])
    labels = _n.where(beyond, mask_index, labels)
    scores = _n.where(beyond, 0.0, scores)
    if merge_repeated:
        repeated = _n.equal(labels[:, 1:], labels[:, :-1])
        labels = _n.concatenate([labels[:, :1], _n.where(repeated, mask_index, labels[:, 1:])], axis=1)
    blank = _n.equal(labels, mask_index)
    labels = _n.where(blank, -1, labels)
    # Move the kept labels to the front, in time order.
    order = _n.argsort(_n.where(blank, steps, _n.arange(steps)[None, :]), axis=-1)
    labels = _n.take_along_axis(labels, order, axis=-1)
    return _n.expand_dims(labels, 0), -_n.sum(scores, axis=1, keepdims=True)


def _beam_search_decode(inputs, lengths, beam_width, top_paths, mask_index):
    """Prefix beam search. Each of the ``beam_width`` hypotheses is a label prefix with
    two log scores: paths ending in a blank and paths ending in its last label."""
    batch, steps, classes = inputs.shape
    log_probs = backend.nn.log_softmax(inputs, axis=-1)
    neg = _LOG_ZERO
    state = (
        _n.full((batch, beam_width, steps), -1, dtype="int32"),  # prefixes, -1 padded
        _n.zeros((batch, beam_width), dtype="int32"),  # prefix lengths
        _n.full((batch, beam_width), -1, dtype="int32"),  # last label (-1: empty prefix)
        _n.where(_n.equal(_n.arange(beam_width), 0)[None, :], 0.0, _n.full((batch, beam_width), neg, "float32")),
        _n.full((batch, beam_width), neg, dtype="float32"),  # ending in a label
    )
    time = _n.arange(steps)
    # Like Keras, the first step is always read, whatever the sequence length.
    active = _n.logical_or(_n.less(time[:, None], lengths[None, :]), _n.equal(time, 0)[:, None])

    def step(state, x):
        log_p, is_active = x
        new = _beam_step(state, log_p, beam_width, classes, mask_index, steps)
        keep = tuple(_n.reshape(is_active, (batch,) + (1,) * (len(s.shape) - 1)) for s in state)
        return tuple(_n.where(k, n, s) for k, n, s in zip(keep, new, state)), None

    (paths, _, _, ends_blank, ends_label), _ = backend.math.scan(step, state, (_n.moveaxis(log_probs, 1, 0), active))
    scores, best = backend.math.top_k(_n.logaddexp(ends_blank, ends_label), top_paths)
    paths = _n.take_along_axis(paths, _n.broadcast_to(best[:, :, None], (batch, top_paths, steps)), axis=1)
    return _n.moveaxis(paths, 1, 0), scores


# Compiled once per shape on JAX, where the scan would otherwise be retraced on every eager call.
_beam_search = backend.math.compiled(_beam_search_decode, static_argnames=("beam_width", "top_paths", "mask_index"))


def _beam_step(state, log_p, width, classes, mask_index, steps):
    paths, lengths, last, ends_blank, ends_label = state
    batch = log_p.shape[0]
    neg = _LOG_ZERO
    total = _n.logaddexp(ends_blank, ends_label)
    valid = _n.greater(total, _VALID)
    # Staying on the same prefix: emit a blank, or repeat the last label.
    stay_blank = total + log_p[:, mask_index][:, None]
    repeat = _n.take_along_axis(log_p, _n.maximum(last, 0), axis=1)
    stay_label = _n.where(_n.greater_equal(last, 0), ends_label + repeat, neg)
    # Extending prefix j by label c: a repeat of its last label needs a blank in between.
    same = _n.equal(_n.arange(classes)[None, None, :], last[:, :, None])
    extend = _n.where(same, ends_blank[:, :, None], total[:, :, None]) + log_p[:, None, :]
    extend = _n.where(_n.equal(_n.arange(classes), mask_index)[None, None, :], neg, extend)
    # A hypothesis i whose prefix is prefix j plus one label is also reached by extending j:
    # fold that extension into i and drop it from the candidates.
    position = _n.arange(steps)[None, None, None, :]
    agrees = _n.logical_or(
        _n.equal(paths[:, :, None, :], paths[:, None, :, :]), _n.greater_equal(position, lengths[:, None, :, None])
    )
    parent = _n.logical_and(_n.all(agrees, axis=-1), _n.equal(lengths[:, None, :], lengths[:, :, None] - 1))
    parent = _n.logical_and(parent, _n.logical_and(valid[:, :, None], valid[:, None, :]))  # (batch, i, j)
    last_index = _n.broadcast_to(_n.maximum(last, 0)[:, None, :], (batch, width, width))
    from_parent = _n.swapaxes(_n.take_along_axis(extend, last_index, axis=2), 1, 2)  # extend[b, j, last_i] at [b, i, j]
    stay_label = _n.logaddexp(stay_label, _n.max(_n.where(parent, from_parent, neg), axis=2))
    last_one_hot = _n.equal(_n.maximum(last, 0)[:, :, None], _n.arange(classes)[None, None, :])
    taken = _n.any(_n.logical_and(_n.swapaxes(parent, 1, 2)[:, :, :, None], last_one_hot[:, None, :, :]), axis=2)
    extend = _n.where(taken, neg, extend)
    # Keep the best `width` of the `width` stays and `width * classes` extensions.
    candidates = _n.concatenate([_n.logaddexp(stay_blank, stay_label), _n.reshape(extend, (batch, width * classes))], axis=1)
    _, chosen = backend.math.top_k(candidates, width)
    is_stay = _n.less(chosen, width)
    source = _n.where(is_stay, chosen, (chosen - width) // classes)
    label = backend.cast(_n.where(is_stay, -1, (chosen - width) % classes), "int32")
    source_lengths = _n.take_along_axis(lengths, source, axis=1)
    new_paths = _n.take_along_axis(paths, _n.broadcast_to(source[:, :, None], (batch, width, steps)), axis=1)
    write = _n.logical_and(_n.logical_not(is_stay)[:, :, None], _n.equal(position[0], source_lengths[:, :, None]))
    new_paths = _n.where(write, label[:, :, None], new_paths)
    new_lengths = source_lengths + backend.cast(_n.logical_not(is_stay), "int32")
    new_last = _n.where(is_stay, _n.take_along_axis(last, source, axis=1), label)
    new_blank = _n.where(is_stay, _n.take_along_axis(stay_blank, source, axis=1), neg)
    extension_scores = _n.take_along_axis(_n.reshape(extend, (batch, width * classes)), _n.maximum(chosen - width, 0), axis=1)
    new_label = _n.where(is_stay, _n.take_along_axis(stay_label, source, axis=1), extension_scores)
    return new_paths, new_lengths, new_last, new_blank, new_label


__all__ = ["ctc_loss", "ctc_decode"]
