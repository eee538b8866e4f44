"""Helpers shared by the test suite: side-by-side runners for the real Keras, small models and
data, and ``requirements`` (optional dependencies and fixture files: a skip on a developer's
machine, an error in CI). Test files import them as ``from tests.helpers.layer_compare import ...``.
"""
