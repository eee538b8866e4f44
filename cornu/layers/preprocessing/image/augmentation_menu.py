"""The augmentation layers ``AugMix`` and ``RandAugment`` choose from, built as Keras builds them.

Geometric operations (shear, translation, rotation) take ``factor`` as their range; colour
operations take it with the images' ``value_range``; posterization keeps
``max(1, int(8 * factor[1]))`` bits.
"""


def make_augmentation_layer(name, factor, value_range, interpolation, seed, data_format, kwargs):
    """One augmentation layer by its attribute name (e.g. ``"random_shear"``).

    Example:
    >>> make_augmentation_layer("random_rotation", (0, 0.3), (0, 255), "bilinear", 1, None, {})
    <RandomRotation name=random_rotation, built=False>
    """
    from cornu import layers

    common = {"data_format": data_format, **kwargs}
    random_common = {"seed": seed, **common}
    colour = {"factor": factor, "value_range": value_range, **random_common}
    builders = {
        "random_shear": lambda: layers.RandomShear(x_factor=factor, y_factor=factor, interpolation=interpolation,
                                                   **random_common),
        "random_translation": lambda: layers.RandomTranslation(height_factor=factor, width_factor=factor,
                                                               interpolation=interpolation, **random_common),
        "random_rotation": lambda: layers.RandomRotation(factor=factor, interpolation=interpolation, **random_common),
        "random_posterization": lambda: layers.RandomPosterization(factor=max(1, int(8 * factor[1])),
                                                                   value_range=value_range, **random_common),
        "solarization": lambda: layers.Solarization(addition_factor=factor, threshold_factor=factor,
                                                    value_range=value_range, **random_common),
        "auto_contrast": lambda: layers.AutoContrast(value_range=value_range, **common),
        "equalization": lambda: layers.Equalization(value_range=value_range, **common),
        "random_brightness": lambda: layers.RandomBrightness(**colour),
        "random_color_degeneration": lambda: layers.RandomColorDegeneration(**colour),
        "random_contrast": lambda: layers.RandomContrast(**colour),
        "random_sharpness": lambda: layers.RandomSharpness(**colour),
    }
    if name not in builders:
        raise ValueError(f"Unknown augmentation {name!r}: expected one of {sorted(builders)}. Received: name={name!r}")
    return builders[name]()


def attach_augmentation_layers(owner, names, value_range, interpolation, data_format, kwargs):
    """Creates the sub-layers ``names`` as attributes of ``owner`` (with the owner's ``factor``
    and ``seed``); ``kwargs`` are the owner's own layer arguments, less its name."""
    sub_kwargs = {k: v for k, v in kwargs.items() if k != "name"}
    for name in names:
        setattr(owner, name, make_augmentation_layer(name, owner.factor, value_range, interpolation, owner.seed,
                                                     data_format, sub_kwargs))


def build_augmentation_layers(owner, names, input_shape):
    """Builds ``owner``'s sub-layers ``names`` on ``input_shape``."""
    for name in names:
        getattr(owner, name).build(input_shape)
