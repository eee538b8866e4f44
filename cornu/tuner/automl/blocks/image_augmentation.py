"""``ImageAugmentation``: tunable random flips and translations, active only in training."""

from cornu import layers


class ImageAugmentation:
    """Adds random augmentation layers, chosen by the ``augmentation`` hyperparameter.

    ``"none"`` adds nothing; ``"translate"`` shifts images by up to ``translation_factor`` of their
    size; ``"flip_and_translate"`` also flips them left-right (not for digits or text in images,
    which is why it is a choice). The layers are identities at inference, so exported models
    predict the same with or without them.

    Example:
    >>> x = ImageAugmentation().build(hp, images)
    """

    def __init__(self, name="image_augmentation", modes=("none", "translate", "flip_and_translate"),
                 translation_factor=0.1, seed=None):
        self.name = name
        self.modes = modes
        self.translation_factor = translation_factor
        self.seed = seed

    def build(self, hp, inputs):
        mode = hp.Choice(f"{self.name}/augmentation", list(self.modes))
        x = inputs
        if mode == "flip_and_translate":
            x = layers.RandomFlip("horizontal", seed=self.seed)(x)
        if mode in ("translate", "flip_and_translate"):
            factor = self.translation_factor
            x = layers.RandomTranslation(factor, factor, fill_mode="constant", seed=self.seed)(x)
        return x
