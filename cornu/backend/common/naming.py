"""Keras's naming rules: class names to snake_case, and unique default names.

Example:
>>> to_snake_case("BatchNormalization"), to_snake_case("Conv2DTranspose"), to_snake_case("ReLU")
('batch_normalization', 'conv2d_transpose', 're_lu')
"""

import re

from cornu.backend.common import global_state

_NON_WORD = re.compile(r"\W+")
_CAPITALIZED_WORD = re.compile(r"(.)([A-Z][a-z]+)")
_LOWER_THEN_UPPER = re.compile(r"([a-z])([A-Z])")


def to_snake_case(name):
    """``name`` in snake_case, exactly as Keras derives layer, loss, metric and weight-group names.

    Characters that cannot be in an identifier are dropped; an underscore goes before each
    capitalized word and between a lowercase letter and a following capital (digits stay
    attached: ``"Conv2D"`` -> ``"conv2d"``).

    Example:
    >>> to_snake_case("MeanSquaredError"), to_snake_case("AUC"), to_snake_case("F1Score")
    ('mean_squared_error', 'auc', 'f1_score')
    """
    name = _NON_WORD.sub("", name)
    name = _CAPITALIZED_WORD.sub(r"\1_\2", name)
    return _LOWER_THEN_UPPER.sub(r"\1_\2", name).lower()


def auto_name(class_name):
    """A unique default name for an instance of ``class_name``: ``dense``, ``dense_1``, ... (until
    ``clear_session``).

    Example:
    >>> auto_name("Dense"), auto_name("Dense")
    ('dense', 'dense_1')
    """
    return global_state.uniquify(to_snake_case(class_name))
