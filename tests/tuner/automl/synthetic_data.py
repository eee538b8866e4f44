"""Small learnable data sets for the AutoML task tests (seeded, so every run sees the same data)."""

import numpy as np

WORDS = ("the", "a", "film", "plot", "actor", "scene", "music", "story", "was", "very")


def table(n, num_features=4, seed=0):
    """Rows whose class is the sign of a linear score, with a margin: ``(x, labels as 'neg'/'pos')``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n * 2, num_features)).astype("float32") * 3 + 10  # far from 0 mean / unit variance
    score = x[:, 0] - x[:, 1]
    keep = np.abs(score) > 1.0
    x, score = x[keep][:n], score[keep][:n]
    return x, np.where(score > 0, "pos", "neg")


def sentences(n, seed=0):
    """Sentences of filler words with one opinion word: ``(texts, 'good'/'bad' labels, counts of 'great')``."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        positive = rng.random() < 0.5
        words = list(rng.choice(WORDS, size=int(rng.integers(4, 9))))
        opinion = rng.choice(["great", "good", "fine"] if positive else ["awful", "bad", "dull"])
        words.insert(int(rng.integers(0, len(words) + 1)), opinion)
        texts.append(" ".join(words))
        labels.append("good" if positive else "bad")
    texts = np.array(texts)
    return texts, np.array(labels), np.char.count(texts, "great").astype("float32")


def one_hot(labels, num_classes):
    return np.eye(num_classes, dtype="float32")[labels]
