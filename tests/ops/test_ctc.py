"""CTC loss and decoding against brute force: every alignment of a tiny problem enumerated in NumPy."""

import itertools

import numpy as np
import pytest

from cornu import backend, ops

from tests.helpers.ops.gradients import autodiff, finite_differences

RNG = np.random.default_rng(3)
LOGITS = RNG.normal(size=(3, 5, 4)).astype("float32")  # batch 3, 5 steps, 3 labels + blank
TARGETS = np.array([[1, 2, 0], [3, 3, 0], [2, 0, 0]], "int32")
TARGET_LENGTHS = np.array([2, 2, 1], "int32")
OUTPUT_LENGTHS = np.array([5, 4, 3], "int32")


def log_softmax(x):
    x = x.astype(np.float64)
    return x - np.log(np.sum(np.exp(x - x.max(-1, keepdims=True)), -1, keepdims=True)) - x.max(-1, keepdims=True)


def collapse(alignment, blank):
    out, previous = [], None
    for label in alignment:
        if label != previous and label != blank:
            out.append(int(label))
        previous = label
    return tuple(out)


def sequence_log_probs(logits, length, blank):
    """log P(labels) for every label sequence, by summing over all alignments."""
    log_p = log_softmax(logits[:length])
    totals = {}
    for alignment in itertools.product(range(logits.shape[-1]), repeat=length):
        score = sum(log_p[t, c] for t, c in enumerate(alignment))
        key = collapse(alignment, blank)
        totals[key] = np.logaddexp(totals.get(key, -np.inf), score)
    return totals


def test_ctc_loss_matches_brute_force():
    loss = ops.convert_to_numpy(ops.ctc_loss(TARGETS, LOGITS, TARGET_LENGTHS, OUTPUT_LENGTHS))
    assert backend.standardize_dtype(ops.ctc_loss(TARGETS, LOGITS, TARGET_LENGTHS, OUTPUT_LENGTHS).dtype) == "float32"
    for b in range(3):
        totals = sequence_log_probs(LOGITS[b], OUTPUT_LENGTHS[b], blank=0)
        expected = -totals[tuple(TARGETS[b, : TARGET_LENGTHS[b]])]
        np.testing.assert_allclose(loss[b], expected, rtol=1e-5, err_msg=f"sample {b}")


def test_ctc_loss_other_blank_and_impossible_labels():
    targets = np.array([[0, 1], [2, 2]], "int32")
    loss = ops.convert_to_numpy(ops.ctc_loss(targets, LOGITS[:2], [2, 2], [4, 2], mask_index=3))
    totals = sequence_log_probs(LOGITS[0], 4, blank=3)
    np.testing.assert_allclose(loss[0], -totals[(0, 1)], rtol=1e-5)
    assert np.isinf(loss[1]) and loss[1] > 0  # "2 2" needs 3 steps (a blank between), only 2 given


def test_ctc_loss_of_half_precision_logits_is_float32():
    out = ops.ctc_loss(TARGETS, ops.cast(LOGITS, "float16"), TARGET_LENGTHS, OUTPUT_LENGTHS)
    assert backend.standardize_dtype(out.dtype) == "float32"
    np.testing.assert_allclose(ops.convert_to_numpy(out), ops.convert_to_numpy(ops.ctc_loss(TARGETS, LOGITS, TARGET_LENGTHS, OUTPUT_LENGTHS)), rtol=1e-2)


def test_greedy_decode_matches_reference():
    for merge, blank in [(True, 0), (False, 2)]:
        paths, scores = ops.ctc_decode(LOGITS, OUTPUT_LENGTHS, merge_repeated=merge, mask_index=blank)
        paths, scores = ops.convert_to_numpy(paths), ops.convert_to_numpy(scores)
        assert paths.shape == (1, 3, 5) and scores.shape == (3, 1) and paths.dtype == np.int32
        for b in range(3):
            best = LOGITS[b, : OUTPUT_LENGTHS[b]].argmax(-1)
            labels = collapse(best, blank) if merge else tuple(int(c) for c in best if c != blank)
            np.testing.assert_array_equal(paths[0, b], list(labels) + [-1] * (5 - len(labels)))
            np.testing.assert_allclose(scores[b, 0], -LOGITS[b, : OUTPUT_LENGTHS[b]].max(-1).sum(), rtol=1e-5)


@pytest.mark.parametrize("blank", [0, 3])
def test_beam_search_finds_the_most_likely_label_sequences(blank):
    # A beam at least as wide as the number of prefixes makes prefix beam search exact.
    paths, scores = ops.ctc_decode(LOGITS, OUTPUT_LENGTHS, strategy="beam_search", beam_width=100, top_paths=3, mask_index=blank)
    paths, scores = ops.convert_to_numpy(paths), ops.convert_to_numpy(scores)
    assert paths.shape == (3, 3, 5) and scores.shape == (3, 3)
    for b in range(3):
        totals = sequence_log_probs(LOGITS[b], OUTPUT_LENGTHS[b], blank)
        best = sorted(totals.items(), key=lambda kv: -kv[1])[:3]
        for k, (labels, log_p) in enumerate(best):
            np.testing.assert_array_equal(paths[k, b], list(labels) + [-1] * (5 - len(labels)), err_msg=f"sample {b} path {k}")
            np.testing.assert_allclose(scores[b, k], log_p, rtol=1e-4, err_msg=f"sample {b} path {k}")


@pytest.mark.requires_trainable_backend
def test_ctc_loss_gradient_matches_finite_differences():
    logits = LOGITS[:2, :4]
    targets, target_lengths, output_lengths = TARGETS[:2], TARGET_LENGTHS[:2], np.array([4, 3], "int32")

    def loss(x):
        return ops.sum(ops.ctc_loss(targets, x, target_lengths, output_lengths))

    np.testing.assert_allclose(autodiff(loss, logits), finite_differences(loss, logits), rtol=2e-2, atol=2e-3)
