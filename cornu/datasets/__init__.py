"""``cornu.datasets``: small datasets. ``digits`` ships with cornu (no download)."""

from cornu.datasets import digits

__all__ = ["digits"]

from cornu.missing_features import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
