"""CTC (connectionist temporal classification) loss, for unaligned sequence labelling."""

from cornu import ops
from cornu.losses.loss import Loss
from cornu.losses.loss_function_wrapper import LossFunctionWrapper
from cornu.serialization.registry import keras_export


@keras_export("keras.losses.ctc")
def ctc(y_true, y_pred):
    """Per-sample CTC loss of integer label sequences given per-frame class logits.

    Args:
        y_true: ``(batch, max_label_length)`` class ids, padded with 0 (class 0
            is the blank/mask: a label's length is its count of non-zero ids).
        y_pred: ``(batch, max_time, num_classes)`` logits; every frame counts.

    Returns:
        A ``(batch,)`` tensor of negative log-likelihoods.

    Example:
    >>> ctc([[1, 2]], cornu.ops.zeros((1, 4, 3)))  # about [2.89]
    """
    if len(ops.shape(y_true)) != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in integer format. "
            f"Received: y_true.shape={ops.shape(y_true)}"
        )
    if len(ops.shape(y_pred)) != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, num_classes)`. "
            f"Received: y_pred.shape={ops.shape(y_pred)}"
        )
    mask_index = 0
    batch_size, max_time = ops.shape(y_pred)[0], ops.shape(y_pred)[1]
    output_length = max_time * ops.ones((batch_size,), dtype="int32")
    target_length = ops.cast(ops.sum(ops.cast(ops.not_equal(y_true, mask_index), "int32"), axis=-1), "int32")
    return ops.ctc_loss(y_true, y_pred, target_length, output_length, mask_index=mask_index)


@keras_export("keras.losses.CTC")
class CTC(LossFunctionWrapper):
    """CTC loss: the negative log-likelihood of each label sequence over all its alignments.

    ``y_true`` holds ``(batch, max_label_length)`` class ids padded with 0
    (the blank class); ``y_pred`` holds ``(batch, max_time, num_classes)`` logits.

    Example:
    >>> loss = cornu.losses.CTC()
    >>> value = loss([[1, 2, 0]], cornu.ops.zeros((1, 5, 3)))
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)
