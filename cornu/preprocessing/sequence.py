"""``keras.preprocessing.sequence``: ``pad_sequences``.

Example:
>>> from cornu.preprocessing.sequence import pad_sequences
>>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
array([[2, 3],
       [0, 4]], dtype=int32)
"""

from cornu.utils.sequence_utils import pad_sequences  # noqa: F401
