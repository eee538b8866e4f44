"""CTC loss (class and function) against the real Keras 3."""

import numpy as np
import pytest

from cornu import losses, ops

RNG = np.random.default_rng(5)
# Labels padded with 0 (the blank); the second label repeats a class, which needs a blank in between.
Y_TRUE = np.array([[1, 2, 3, 0], [2, 2, 0, 0], [3, 0, 0, 0]], dtype="int32")
Y_PRED = RNG.normal(size=(3, 7, 4)).astype("float32")


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_ctc_function_matches_keras(keras_ref):
    ours = to_np(losses.ctc(Y_TRUE, Y_PRED))
    theirs = np.asarray(keras_ref.losses.ctc(Y_TRUE, Y_PRED))
    assert ours.shape == (3,)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", None])
def test_ctc_class_matches_keras(keras_ref, reduction):
    weights = np.array([1.0, 0.5, 2.0], dtype="float32")
    ours = losses.CTC(reduction=reduction)
    theirs = keras_ref.losses.CTC(reduction=reduction)
    np.testing.assert_allclose(
        to_np(ours(Y_TRUE, Y_PRED, sample_weight=weights)),
        np.asarray(theirs(Y_TRUE, Y_PRED, sample_weight=weights)),
        rtol=1e-5,
        atol=1e-5,
    )


def test_ctc_config_round_trip(keras_ref):
    loss = losses.CTC(name="my_ctc")
    assert loss.get_config() == keras_ref.losses.CTC(name="my_ctc").get_config()
    rebuilt = losses.deserialize(losses.serialize(loss))
    assert isinstance(rebuilt, losses.CTC) and rebuilt.name == "my_ctc"
    assert losses.get("ctc") is losses.ctc
    assert isinstance(losses.get("CTC"), losses.CTC)


def test_ctc_rejects_wrong_ranks():
    with pytest.raises(ValueError, match="y_true"):
        losses.ctc(Y_TRUE[0], Y_PRED)
    with pytest.raises(ValueError, match="y_pred"):
        losses.ctc(Y_TRUE, Y_PRED[0])
