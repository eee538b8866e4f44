"""``DenseBlock``: a tunable multi-layer perceptron."""

from cornu import layers


class DenseBlock:
    """Stacks ``num_layers`` Dense + ReLU layers (each optionally batch-normalized), with dropout.

    Tuned: ``num_layers``, ``units`` per layer, ``dropout``, ``use_batchnorm``.

    Example:
    >>> outputs = DenseBlock().build(hp, inputs)  # hp: a cornu.tuner.HyperParameters
    """

    def __init__(self, name="dense_block", num_layers=(1, 3), units=(16, 32, 64, 128, 256),
                 dropout=(0.0, 0.25, 0.5)):
        self.name = name
        self.num_layers = num_layers
        self.units = units
        self.dropout = dropout

    def build(self, hp, inputs):
        num_layers = hp.Int(f"{self.name}/num_layers", *self.num_layers)
        use_batchnorm = hp.Boolean(f"{self.name}/use_batchnorm", default=False)
        dropout = hp.Choice(f"{self.name}/dropout", list(self.dropout))
        x = inputs
        for i in range(num_layers):
            units = hp.Choice(f"{self.name}/units_{i}", list(self.units), default=32)
            x = layers.Dense(units, use_bias=not use_batchnorm)(x)
            if use_batchnorm:
                x = layers.BatchNormalization()(x)
            x = layers.ReLU()(x)
            if dropout > 0:
                x = layers.Dropout(dropout)(x)
        return x
