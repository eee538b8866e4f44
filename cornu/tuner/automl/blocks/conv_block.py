"""``ConvBlock``: a tunable stack of 2-D convolutions with pooling."""

from cornu import layers


class ConvBlock:
    """``num_blocks`` x (Conv2D-BN-ReLU twice, then 2x2 max pooling while the image is large enough).

    Tuned: ``num_blocks``, ``filters`` (doubled at each block), ``kernel_size``, ``dropout``.

    Example:
    >>> feature_maps = ConvBlock().build(hp, images)
    """

    def __init__(self, name="conv_block", num_blocks=(1, 2), filters=(16, 32, 64), kernel_size=(3, 5),
                 dropout=(0.0, 0.25)):
        self.name = name
        self.num_blocks = num_blocks
        self.filters = filters
        self.kernel_size = kernel_size
        self.dropout = dropout

    def build(self, hp, inputs):
        num_blocks = hp.Int(f"{self.name}/num_blocks", *self.num_blocks)
        filters = hp.Choice(f"{self.name}/filters", list(self.filters), default=32)
        kernel_size = hp.Choice(f"{self.name}/kernel_size", list(self.kernel_size))
        dropout = hp.Choice(f"{self.name}/dropout", list(self.dropout))
        x = inputs
        for i in range(num_blocks):
            for _ in range(2):
                x = layers.Conv2D(filters * 2 ** i, kernel_size, padding="same", use_bias=False)(x)
                x = layers.BatchNormalization()(x)
                x = layers.ReLU()(x)
            if min(x.shape[1:3]) >= 2:
                x = layers.MaxPooling2D(2)(x)
            if dropout > 0:
                x = layers.Dropout(dropout)(x)
        return x
