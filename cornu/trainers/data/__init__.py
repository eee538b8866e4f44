"""Data adapters: one per kind of input, each yielding batches of NumPy/backend arrays."""

from cornu.trainers.data.adapter import get_data_adapter, unpack_x_y_sample_weight, pack_x_y_sample_weight

__all__ = ["get_data_adapter", "unpack_x_y_sample_weight", "pack_x_y_sample_weight"]
