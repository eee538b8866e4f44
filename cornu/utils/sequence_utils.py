"""``pad_sequences``: lists of sequences to one padded (or truncated) NumPy array."""

import numpy as np

_SIDES = ("pre", "post")


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pads (or truncates) every sequence to ``maxlen`` steps.

    Args:
        sequences: a list of sequences (lists or arrays; steps may themselves be arrays, all of
            one shape).
        maxlen: the length of the result; default the longest sequence.
        dtype: the result's dtype (``"int32"`` by default; strings or ``object`` for text).
        padding: ``"pre"`` or ``"post"``: which side gets the padding.
        truncating: ``"pre"`` or ``"post"``: which side loses steps in a longer sequence.
        value: the padding value.

    Returns:
        An array of shape ``(len(sequences), maxlen) + step_shape``.

    Example:
    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
    array([[2, 3],
           [0, 4]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"`sequences` must be a list of sequences. Received: sequences={sequences!r}")
    if padding not in _SIDES:
        raise ValueError(f'`padding` must be "pre" or "post". Received: padding={padding!r}')
    if truncating not in _SIDES:
        raise ValueError(f'`truncating` must be "pre" or "post". Received: truncating={truncating!r}')
    lengths, step_shape = [], None
    for i, sequence in enumerate(sequences):
        if not hasattr(sequence, "__len__"):
            raise ValueError(
                f"Each item of `sequences` must be a sequence (list or array). Received: sequences[{i}]={sequence!r}"
            )
        lengths.append(len(sequence))
        if step_shape is None and len(sequence):
            step_shape = np.asarray(sequence).shape[1:]
    step_shape = step_shape or ()
    if maxlen is None:
        if not lengths:
            raise ValueError(
                "`sequences` is empty, so `maxlen` cannot be inferred: pass at least one sequence, or "
                f"`maxlen`. Received: sequences={sequences!r}"
            )
        maxlen = max(lengths)
    if maxlen == 0 and truncating == "pre" and any(lengths):
        # Keras fails here too (`sequence[-0:]` keeps every step, which cannot fit in 0 steps).
        raise ValueError(
            '`maxlen=0` with `truncating="pre"` cannot truncate a non-empty sequence: pass '
            f'`truncating="post"` or a positive `maxlen`. Received: maxlen={maxlen}'
        )
    # As Keras: only str/bytes dtypes or the `object` type itself take a string padding value.
    is_text = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_text:
        raise ValueError(
            f"`dtype` {dtype} cannot hold the string padding value {value!r}. Pass `dtype=object` "
            "for text sequences."
        )
    out = np.full((len(lengths), maxlen) + tuple(step_shape), value, dtype=dtype)
    for i, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != tuple(step_shape):
            raise ValueError(
                f"Every step must have the shape of the first non-empty sequence's steps, {tuple(step_shape)}. "
                f"Received: sequences[{i}] with steps of shape {kept.shape[1:]}"
            )
        if padding == "post":
            out[i, :len(kept)] = kept
        else:
            out[i, maxlen - len(kept):] = kept
    return out
