"""The approximate quantile summary behind ``Discretization.adapt`` (the same numbers as Keras).

A summary is a ``(2, n)`` float array: sorted sample values and the weight (count) each stands
for. Each batch is summarized by about ``1 / epsilon`` evenly spaced order statistics; summaries
merge by a weighted merge sort and are compressed back to ``1 / epsilon`` points by
interpolating the cumulative weights. The bin boundaries are the summary compressed to
``num_bins`` points, without the last one.
"""

import numpy as np


def empty_summary():
    return np.zeros((2, 0), dtype="float32")


def summarize(values, epsilon):
    """A summary of one batch: every ``step``-th sorted value, each weighing ``step``."""
    ordered = np.sort(np.reshape(values, [-1]))
    # size / (1 / epsilon), not size * epsilon: the same rounding as Keras, so the same boundaries.
    step = max(ordered.size / (1.0 / epsilon), 1)
    picked = ordered[int(step - 1)::int(step)]
    return np.stack([picked, np.full_like(picked, step)])


def compress(summary, epsilon):
    """``summary`` reduced to ``1 / epsilon`` points (unchanged when already that small)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    targets = np.arange(0.0, 1.0, epsilon) + epsilon
    cumulative = np.cumsum(summary[1])
    fractions = cumulative / cumulative[-1]
    values = np.interp(targets, fractions, summary[0])
    kept_cumulative = np.interp(targets, fractions, cumulative)
    weights = np.diff(kept_cumulative, prepend=0.0)
    return np.stack([values, weights]).astype("float32")


def merge(first, second, epsilon):
    """Two summaries as one, sorted by value and compressed."""
    joined = np.concatenate([first, second], axis=1)
    joined = joined[:, np.argsort(joined[0])]
    return compress(joined, epsilon)


def bin_boundaries(summary, num_bins):
    """The ``num_bins - 1`` inner boundaries of equal-weight bins."""
    return compress(summary, 1.0 / num_bins)[0, :-1]
