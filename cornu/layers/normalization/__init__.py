"""Normalization layers."""

from cornu.layers.normalization.batch_normalization import BatchNormalization
from cornu.layers.normalization.layer_normalization import LayerNormalization
