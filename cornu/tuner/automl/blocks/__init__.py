"""The pieces AutoML search spaces are made of: each builds layers on a tensor from a ``hp``."""

from cornu.tuner.automl.blocks.classification_head import ClassificationHead
from cornu.tuner.automl.blocks.conv_block import ConvBlock
from cornu.tuner.automl.blocks.dense_block import DenseBlock
from cornu.tuner.automl.blocks.image_augmentation import ImageAugmentation
from cornu.tuner.automl.blocks.image_features import ImageFeatures
from cornu.tuner.automl.blocks.normalization import adapted_normalization
from cornu.tuner.automl.blocks.regression_head import RegressionHead
from cornu.tuner.automl.blocks.resnet_block import ResNetBlock
from cornu.tuner.automl.blocks.sequence_reduction import SequenceReduction
from cornu.tuner.automl.blocks.text_to_sequence import TextVectorizers, TokenEmbedding

__all__ = ["ClassificationHead", "ConvBlock", "DenseBlock", "ImageAugmentation", "ImageFeatures", "RegressionHead",
           "ResNetBlock", "SequenceReduction", "TextVectorizers", "TokenEmbedding", "adapted_normalization"]
