"""Preprocessing layers: feature scaling and normalization inside the model."""
