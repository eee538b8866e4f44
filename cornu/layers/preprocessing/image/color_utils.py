"""Small pieces shared by the colour augmentation layers: argument checks, batch sizes, seeds."""

from cornu.random.seed_generator import SeedGenerator

_VALUE_RANGE_ERROR = "The `value_range` argument should be a list of two numbers. "


def sorted_value_range(value_range):
    """``value_range`` checked to be two numbers, as a sorted list (Keras stores it so).

    Example:
    >>> sorted_value_range((255, 0))
    [0, 255]
    """
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(_VALUE_RANGE_ERROR + f"Received: value_range={value_range}")
    return sorted(value_range)


def images_of(data):
    """The images of a layer input: ``data["images"]`` for a dict, else ``data`` itself."""
    return data["images"] if isinstance(data, dict) else data


def batch_size_of(ns, images):
    """The batch size of a rank-4 batch, 1 for a single rank-3 image (anything else is an error)."""
    shape = ns.shape(images)
    if len(shape) == 3:
        return 1
    if len(shape) == 4:
        return shape[0]
    raise ValueError(f"Expected the input image to be rank 3 or 4. Received: inputs.shape={tuple(shape)}")


def per_image_shape(ns, images):
    """``(batch, 1, 1, 1)`` for a batch, ``(1, 1, 1)`` for a single image: one value per image."""
    batch_size = batch_size_of(ns, images)
    return (batch_size, 1, 1, 1) if len(ns.shape(images)) == 4 else (1, 1, 1)


def seed_for(layer, seed=None):
    """A seed tensor for ``layer.backend.random``: a fresh draw from the layer's generator when
    ``seed`` is None (or a generator / int), else ``seed`` itself (a seed tensor an enclosing layer
    drew, which Keras reuses for every draw of the call)."""
    if seed is None or isinstance(seed, (SeedGenerator, int)):
        return layer.draw_seed(seed)
    return layer.backend.convert_to_tensor(seed)
