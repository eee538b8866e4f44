"""``TaskHyperModel``: an AutoML search space as a ``HyperModel``: inputs, blocks, head, optimizer."""

from cornu import models, optimizers
from cornu.tuner.hypermodel import HyperModel


class TaskHyperModel(HyperModel):
    """Builds ``inputs -> blocks... -> head`` for one trial and compiles it with Adam.

    Args:
        make_inputs: a function ``(hp) -> (model_input, tensor)``; it creates the ``Input`` and any
            preprocessing adapted on the training data (a fresh copy per trial).
        blocks: objects with ``build(hp, tensor) -> tensor``, applied in order.
        head: a ``ClassificationHead`` or ``RegressionHead`` (its ``loss`` and ``metrics`` compile the model).
        input_transform: optional ``(hp, x) -> x`` run on the host on the training and validation
            inputs before each trial's ``fit`` (text: strings to this trial's token ids).
        learning_rates: the ``learning_rate`` choices (the first is the default).

    Example:
    >>> hypermodel = TaskHyperModel(make_inputs, [DenseBlock()], ClassificationHead().adapt(y))
    >>> model = hypermodel.build(cornu.tuner.HyperParameters())
    """

    def __init__(self, make_inputs, blocks, head, input_transform=None, learning_rates=(1e-3, 3e-4, 3e-3),
                 name=None):
        super().__init__(name=name)
        self.make_inputs = make_inputs
        self.blocks = list(blocks)
        self.head = head
        self.input_transform = input_transform
        self.learning_rates = learning_rates

    def build(self, hp):
        inputs, x = self.make_inputs(hp)
        for block in self.blocks:
            x = block.build(hp, x)
        outputs = self.head.build(hp, x)
        model = models.Model(inputs, outputs)
        learning_rate = hp.Choice("learning_rate", list(self.learning_rates))
        model.compile(optimizer=optimizers.Adam(learning_rate=learning_rate), loss=self.head.loss,
                      metrics=list(self.head.metrics))
        return model

    def fit(self, hp, model, x=None, y=None, validation_data=None, **kwargs):
        if self.input_transform is not None:
            x = self.input_transform(hp, x)
            if validation_data is not None:
                validation_data = (self.input_transform(hp, validation_data[0]),) + tuple(validation_data[1:])
        return model.fit(x, y, validation_data=validation_data, **kwargs)
