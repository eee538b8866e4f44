"""The vectorized ``TextVectorization`` path (tokens as byte spans, NumPy vocabulary table)
against the per-token Python path and the real Keras, on random text."""

import numpy as np
import pytest

import cornu
from cornu.layers.preprocessing.text import byte_spans, text_standardize
from cornu.layers.preprocessing.text.span_vocabulary import MAX_HASHED, SpanVocabulary

_PIECES = ["a", "B", "cat", "Dog", "zebra", "THE", "w12", "ünï", "中文", "😀", "é", "longwordlongword",
           "x" * 7, "y" * 8, "z" * 9, "q" * 63, "r" * 64, "s" * 65, "t" * 200, "ab.cd", "e-mail", "!!", ".",
           "?x?", "\x00", "\x1f", "\u00a0", "A\u2003b"]
_GAPS = [" ", " ", " ", "  ", "\t", " \r ", "\x0b", "\x0c", ""]


def random_lines(rng, count):
    """Lines of random words, punctuation, Unicode and odd whitespace, some empty, some
    punctuation only, one very long."""
    lines = []
    for i in range(count):
        kind = rng.integers(8)
        if kind == 0:
            lines.append("")
        elif kind == 1:
            lines.append("".join(rng.choice(list(".,!?;:-\"'()[]{}"), size=rng.integers(1, 6))))
        else:
            words = rng.choice(_PIECES, size=rng.integers(0, 12))
            gaps = rng.choice(_GAPS, size=len(words) + 1)
            lines.append("".join(g + w for g, w in zip(gaps, words)) + gaps[-1])
    lines[count // 2] = " ".join(rng.choice(_PIECES[:12], size=3000))
    return np.array(lines)


def _plain_layer(layer):
    """``layer`` forced onto its per-token Python path (``adapt`` and ``call``)."""
    layer._spans = lambda inputs: None
    return layer


def test_span_vocabulary_matches_a_dict():
    rng = np.random.default_rng(0)
    alphabet = np.frombuffer(b"abcdefgh \x00\xc3\xa9", dtype=np.uint8)
    tokens = {bytes(rng.choice(alphabet, size=n)) for n in rng.integers(1, 90, size=3000)}
    tokens |= {b"a" * n for n in range(1, 80)} | {b"prefix16bytes!!!" + bytes([c]) for c in range(40, 60)}
    tokens |= {f"w{i} w{j}".encode() for i in range(1000, 1300) for j in range(30)}  # structured 8-9 bytes
    tokens = sorted(tokens)
    vocabulary = tokens[::2]
    table = {t: i + 2 for i, t in enumerate(vocabulary)}
    spans_vocabulary = SpanVocabulary(vocabulary, list(table.values()), default=1)
    assert spans_vocabulary.usable
    queries = tokens + [t + b"x" for t in tokens[:500]] + [t[:-1] for t in tokens[:500]] + [b""]
    buffer = b"".join(queries) + bytes(8)
    lengths = np.array([len(q) for q in queries])
    starts = np.cumsum(lengths) - lengths
    ids = spans_vocabulary.lookup(buffer, starts, lengths)
    np.testing.assert_array_equal(ids, [table.get(q, 1) for q in queries])
    assert (lengths > MAX_HASHED).any() and (ids[lengths > MAX_HASHED] > 1).any()


@pytest.mark.parametrize("standardize", ["lower_and_strip_punctuation", "lower", "strip_punctuation", None])
def test_token_and_ngram_spans_match_the_per_line_path(standardize):
    rng = np.random.default_rng(1)
    lines = random_lines(rng, 200)
    for batch in (lines, np.char.encode(lines, "utf-8"), lines.astype(object)):
        text = byte_spans.joined_buffer(batch, standardize)
        spans = byte_spans.token_spans(text, len(batch))
        documents = text_standardize.split_lines(
            text_standardize.standardize_lines(batch, standardize), "whitespace")
        assert spans.tokens() == [t for d in documents for t in d]
        np.testing.assert_array_equal(spans.counts, [len(d) for d in documents])
        for widths in ((2,), (1, 2, 3), (3, 1)):
            grams = byte_spans.ngram_spans(spans, widths)
            expected = text_standardize.make_ngrams(documents, widths)
            assert grams.tokens() == [t for d in expected for t in d]
            np.testing.assert_array_equal(grams.counts, [len(d) for d in expected])
    assert byte_spans.joined_buffer(np.array(["a\nb", "c"]), None) is None


@pytest.mark.parametrize("kwargs", [
    {"output_sequence_length": 16},
    {},
    {"ngrams": 2, "output_sequence_length": 8},
    {"ngrams": (1, 3), "standardize": "lower"},
    {"output_mode": "multi_hot"},
    {"output_mode": "count", "ngrams": 2},
    {"output_mode": "tf_idf"},
    {"output_mode": "tf_idf", "ngrams": 3, "max_tokens": 30, "pad_to_max_tokens": True},
    {"output_mode": "count", "standardize": None, "max_tokens": 50},
])
def test_fast_call_matches_the_plain_path(kwargs):
    rng = np.random.default_rng(2)
    lines = random_lines(rng, 300)
    fast = cornu.layers.TextVectorization(**kwargs)
    plain = _plain_layer(cornu.layers.TextVectorization(**kwargs))
    fast.adapt(lines[:150])
    plain.adapt(lines[:150])
    assert fast.get_vocabulary() == plain.get_vocabulary()
    assert fast._span_vocabulary().usable
    for batch in (lines, lines[:1], lines.reshape(-1, 1), lines[lines == ""][:3]):
        assert fast._span_ids(batch) is not None or len(batch) == 0
        got, expected = fast(batch), plain(batch)
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("kwargs", [
    {"output_sequence_length": 40},
    {"ngrams": 2},
    {"output_mode": "multi_hot", "ngrams": (1, 2)},
    {"output_mode": "count"},
    {"output_mode": "tf_idf", "ngrams": 2},
])
def test_random_text_matches_keras(keras_ref, kwargs):
    rng = np.random.default_rng(3)
    lines = random_lines(rng, 120)
    lines = lines[np.char.str_len(lines) < 2000]  # Keras's pad-to-longest would make a wide output
    ours = cornu.layers.TextVectorization(**kwargs)
    ref = keras_ref.layers.TextVectorization(**kwargs)
    ours.adapt(lines[:60])
    ref.adapt(lines[:60])
    assert ours.get_vocabulary() == [str(t) for t in ref.get_vocabulary()]
    np.testing.assert_allclose(ours(lines), np.asarray(ref(lines)), rtol=1e-6)
