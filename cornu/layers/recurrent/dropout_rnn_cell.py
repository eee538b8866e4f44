"""``DropoutRNNCell``: the dropout masks of a recurrent cell, drawn once per sequence.

A recurrent cell must drop the *same* input and state units at every time
step of a sequence (a fresh mask per step would be noise, not dropout). The
``RNN`` layer draws the masks before its loop (so the loop itself stays free
of random state, which a JAX scan needs) and clears them after it.
"""

from cornu import ops
from cornu import random


class DropoutRNNCell:
    """Mixin for cells with ``dropout``, ``recurrent_dropout`` and a ``seed_generator``.

    A cell that sets ``dropout_mask_count = n`` gets a list of ``n`` masks (one
    per gate) instead of a single mask.

    Example:
    >>> class MyCell(cornu.layers.Layer, DropoutRNNCell): ...
    >>> mask = cell.get_dropout_mask(x_t)   # same mask until cell.reset_dropout_mask()
    """

    def _create_dropout_mask(self, step_input, rate):
        ones = ops.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return random.dropout(ones, rate=rate, seed=self.seed_generator)
        return [random.dropout(ones, rate=rate, seed=self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        """The input dropout mask for this sequence (drawn on first use), or None without dropout."""
        if getattr(self, "_dropout_mask", None) is None and 0.0 < self.dropout < 1.0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        """The state dropout mask for this sequence (drawn on first use), or None without it."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and 0.0 < self.recurrent_dropout < 1.0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None
