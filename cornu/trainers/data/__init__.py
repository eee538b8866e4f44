"""Data adapters: one per kind of input, each yielding batches ``(x,)``, ``(x, y)`` or
``(x, y, sample_weight)`` of NumPy arrays (or the backend's own tensors)."""

from cornu.trainers.data.adapter_selection import get_data_adapter
from cornu.trainers.data.data_adapter import DataAdapter
from cornu.trainers.data.packing import pack_x_y_sample_weight, unpack_x_y_sample_weight

__all__ = ["DataAdapter", "get_data_adapter", "pack_x_y_sample_weight", "unpack_x_y_sample_weight"]
