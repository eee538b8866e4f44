"""The text preprocessing layers: ``StringLookup``, ``IntegerLookup`` and ``TextVectorization``."""

from cornu.layers.preprocessing.text.integer_lookup import IntegerLookup
from cornu.layers.preprocessing.text.string_lookup import StringLookup
from cornu.layers.preprocessing.text.text_vectorization import TextVectorization

__all__ = ["IntegerLookup", "StringLookup", "TextVectorization"]
