"""Metric-learning losses: Circle loss over pairs of embeddings."""

from cornu import backend
from cornu import ops
from cornu.losses.loss import Loss
from cornu.losses.loss_function_wrapper import LossFunctionWrapper
from cornu.serialization.registry import keras_export


def positive_negative_masks(query_labels, key_labels, remove_diagonal=True):
    """Boolean ``(n_query, n_key)`` masks of same-label and different-label pairs.

    With ``remove_diagonal`` an item is not its own positive.
    """
    if ops.ndim(query_labels) == 1:
        query_labels = ops.reshape(query_labels, (-1, 1))
    if ops.ndim(key_labels) == 1:
        key_labels = ops.reshape(key_labels, (-1, 1))
    positive = ops.equal(query_labels, ops.transpose(key_labels))
    negative = ops.logical_not(positive)
    if remove_diagonal:
        diagonal = ops.eye(ops.size(query_labels), ops.size(key_labels), k=0, dtype="bool")
        positive = ops.logical_and(positive, ops.logical_not(diagonal))
    return positive, negative


@keras_export("keras.losses.circle")
def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss between L2-normalized embeddings ``y_pred`` with integer labels ``y_true``.

    Each embedding is compared (cosine distance) with the reference embeddings
    (``y_pred`` itself by default); same-label pairs are pulled together and
    other pairs pushed apart, each weighted by how far it is from its optimum.

    Example:
    >>> emb = cornu.ops.normalize(cornu.ops.convert_to_tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]))
    >>> per_sample = circle([0, 0, 1], emb)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, "int32")
    ref_embeddings = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    ref_labels = y_true if ref_labels is None else ops.cast(ref_labels, "int32")
    optim_pos, optim_neg = margin, 1 + margin
    delta_pos, delta_neg = margin, 1 - margin

    distances = ops.maximum(1 - ops.matmul(y_pred, ops.transpose(ref_embeddings)), 0.0)
    positive_mask, negative_mask = positive_negative_masks(y_true, ref_labels, remove_diagonal=remove_diagonal)
    positive = ops.cast(positive_mask, distances.dtype)
    negative = ops.cast(negative_mask, distances.dtype)

    pos_weights = ops.maximum((optim_pos + distances) * positive, 0.0)
    neg_weights = ops.maximum((optim_neg - distances) * negative, 0.0)
    pos_logits = -1 * gamma * pos_weights * (delta_pos - distances)
    neg_logits = gamma * neg_weights * (delta_neg - distances)
    minus_inf = ops.full_like(distances, float("-inf"))
    p_loss = ops.logsumexp(ops.where(positive_mask, pos_logits, minus_inf), axis=1)
    n_loss = ops.logsumexp(ops.where(negative_mask, neg_logits, minus_inf), axis=1)
    loss = ops.softplus(p_loss + n_loss)
    backend.set_keras_mask(loss, ops.greater(loss, 0))
    return loss


@keras_export("keras.losses.Circle")
class Circle(LossFunctionWrapper):
    """Circle loss for metric learning on L2-normalized embeddings.

    Args:
        gamma: scale of the similarity logits.
        margin: relaxation margin between positive and negative pairs.
        remove_diagonal: whether an item is excluded from its own positives.

    Example:
    >>> loss = Circle()
    >>> value = loss([0, 0, 1], cornu.ops.normalize(cornu.ops.convert_to_tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])))
    """

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            name=name,
            reduction=reduction,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def get_config(self):
        return {
            **Loss.get_config(self),
            "gamma": self.gamma,
            "margin": self.margin,
            "remove_diagonal": self.remove_diagonal,
        }
