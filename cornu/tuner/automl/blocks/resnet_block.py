"""``ResNetBlock``: a small tunable residual network."""

from cornu import layers


def _residual_unit(x, filters, stride):
    shortcut = x
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if stride != 1 or shortcut.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(shortcut)
        shortcut = layers.BatchNormalization()(shortcut)
    return layers.ReLU()(layers.Add()([y, shortcut]))


class ResNetBlock:
    """A convolutional stem, then ``num_stages`` stages of ``units_per_stage`` residual units.

    Each later stage halves the image (stride 2, while it is large enough) and doubles the filters.
    Tuned: ``num_stages``, ``units_per_stage``, ``filters``.

    Example:
    >>> feature_maps = ResNetBlock().build(hp, images)
    """

    def __init__(self, name="resnet_block", num_stages=(1, 3), units_per_stage=(1, 2), filters=(16, 32)):
        self.name = name
        self.num_stages = num_stages
        self.units_per_stage = units_per_stage
        self.filters = filters

    def build(self, hp, inputs):
        num_stages = hp.Int(f"{self.name}/num_stages", *self.num_stages)
        units = hp.Int(f"{self.name}/units_per_stage", *self.units_per_stage)
        filters = hp.Choice(f"{self.name}/filters", list(self.filters))
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(inputs)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
        for stage in range(num_stages):
            for unit in range(units):
                downsample = stage > 0 and unit == 0 and min(x.shape[1:3]) >= 2
                x = _residual_unit(x, filters * 2 ** stage, 2 if downsample else 1)
        return x
