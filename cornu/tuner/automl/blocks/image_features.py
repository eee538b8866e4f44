"""``ImageFeatures``: images to one feature vector, through a conv net or a residual net."""

from cornu import layers
from cornu.tuner.automl.blocks.conv_block import ConvBlock
from cornu.tuner.automl.blocks.resnet_block import ResNetBlock


class ImageFeatures:
    """Runs a ``ConvBlock`` or a ``ResNetBlock`` (the ``block_type`` choice), then global pooling.

    Example:
    >>> features = ImageFeatures().build(hp, images)
    """

    def __init__(self, name="image_block", block_types=("vanilla", "resnet")):
        self.name = name
        self.block_types = block_types
        self.blocks = {"vanilla": ConvBlock(), "resnet": ResNetBlock()}

    def build(self, hp, inputs):
        block_type = hp.Choice(f"{self.name}/block_type", list(self.block_types))
        x = self.blocks[block_type].build(hp, inputs)
        reduction = hp.Choice(f"{self.name}/reduction", ["global_avg", "global_max"])
        pool = layers.GlobalAveragePooling2D() if reduction == "global_avg" else layers.GlobalMaxPooling2D()
        return pool(x)
