"""``cornu.datasets``: small datasets. ``digits`` ships with cornu (no download)."""

from cornu.datasets import digits

__all__ = ["digits"]
