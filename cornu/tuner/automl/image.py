"""``ImageClassifier`` and ``ImageRegressor``: AutoML on images."""

from cornu import layers
from cornu.tuner.automl import data_checks
from cornu.tuner.automl.auto_task import AutoTask
from cornu.tuner.automl.blocks import (ClassificationHead, ImageAugmentation, ImageFeatures, RegressionHead,
                                       adapted_normalization)


class _ImageTask(AutoTask):
    """Images ``(n, height, width)`` or ``(n, height, width, channels)`` -> Normalization (adapted per
    channel) -> optional augmentation -> conv net or residual net -> global pooling -> head.

    The exported model takes images in the layout ``fit`` was given (a 3-D ``x`` gets its channel
    axis from a ``Reshape`` inside the model). ``block_type`` (``"vanilla"``/``"resnet"``) and
    ``augment`` (``True``/``False``) narrow the search, as AutoKeras's ``ImageBlock`` does; ``None``
    searches both.
    """

    def _check_x(self, x, arg="x"):
        x = data_checks.as_array(x, arg, self.task_name)
        if x.ndim not in (3, 4):
            raise ValueError(f"{self.task_name} takes `{arg}` as images of shape (num_samples, height, width) or "
                             f"(num_samples, height, width, channels) (channels last). Received: {arg}.shape={x.shape}")
        data_checks.check_numeric(x, arg, self.task_name, "pixel values")
        return x.astype("float32")

    def _make_inputs(self, train_x):
        sample_shape = train_x.shape[1:]
        channels_last = sample_shape if len(sample_shape) == 3 else sample_shape + (1,)
        normalization_data = train_x.reshape((-1,) + channels_last)

        def make_inputs(hp):
            inputs = layers.Input(shape=sample_shape, name="image")
            x = inputs if len(sample_shape) == 3 else layers.Reshape(channels_last)(inputs)
            return inputs, adapted_normalization(normalization_data)(x)

        return make_inputs

    def _blocks(self, train_x):
        block_types = ("vanilla", "resnet") if self.block_type is None else (self.block_type,)
        modes = {None: ("none", "translate", "flip_and_translate"), False: ("none",),
                 True: ("translate", "flip_and_translate")}[self.augment]
        return [ImageAugmentation(modes=modes, seed=self.seed), ImageFeatures(block_types=block_types)]


def _check_space(block_type, augment):
    if block_type not in (None, "vanilla", "resnet"):
        raise ValueError("`block_type` must be None (search both), 'vanilla' (a plain conv net) or 'resnet'. "
                         f"Received: block_type={block_type!r}")
    if augment not in (None, True, False):
        raise ValueError(f"`augment` must be None (search it), True or False. Received: augment={augment!r}")


class ImageClassifier(_ImageTask):
    """Finds an image classifier (small conv or residual nets, optional augmentation) with ``cornu.tuner``.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = cornu.datasets.digits.load_data()
    >>> clf = ImageClassifier(max_trials=2, overwrite=True)
    >>> clf.fit(x_train, y_train, epochs=5)
    >>> clf.evaluate(x_test, y_test)  # [loss, accuracy]
    """

    task_name = "ImageClassifier"
    default_project_name = "image_classifier"

    def __init__(self, num_classes=None, max_trials=100, directory=None, project_name=None, objective="val_loss",
                 tuner=None, overwrite=False, seed=None, loss=None, metrics=None, block_type=None, augment=None,
                 **kwargs):
        super().__init__(max_trials=max_trials, directory=directory, project_name=project_name, objective=objective,
                         tuner=tuner, overwrite=overwrite, seed=seed, loss=loss, metrics=metrics, **kwargs)
        _check_space(block_type, augment)
        self.num_classes = num_classes
        self.block_type = block_type
        self.augment = augment

    def _make_head(self):
        return ClassificationHead(self.task_name, expected_classes=self.num_classes)


class ImageRegressor(_ImageTask):
    """Finds an image regressor (small conv or residual nets, optional augmentation) with ``cornu.tuner``.

    Example:
    >>> reg = ImageRegressor(max_trials=2, overwrite=True)
    >>> reg.fit(images, brightness, epochs=5)
    """

    task_name = "ImageRegressor"
    default_project_name = "image_regressor"

    def __init__(self, output_dim=None, max_trials=100, directory=None, project_name=None, objective="val_loss",
                 tuner=None, overwrite=False, seed=None, loss=None, metrics=None, block_type=None, augment=None,
                 **kwargs):
        super().__init__(max_trials=max_trials, directory=directory, project_name=project_name, objective=objective,
                         tuner=tuner, overwrite=overwrite, seed=seed, loss=loss, metrics=metrics, **kwargs)
        _check_space(block_type, augment)
        self.output_dim = output_dim
        self.block_type = block_type
        self.augment = augment

    def _make_head(self):
        return RegressionHead(self.task_name, expected_output_dim=self.output_dim)
