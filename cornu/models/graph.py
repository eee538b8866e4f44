"""The graph of a Functional model: now ``cornu/ops/function.py`` (shared with ``cornu.Function``);
this module keeps the old import path working."""

from cornu.ops.function import map_graph

__all__ = ["map_graph"]
