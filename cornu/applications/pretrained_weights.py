"""The ``weights=`` argument of every application builder: its checks, and the loading of
Keras's published ImageNet files (downloaded once through ``get_file``, hash-checked, cached).

Example (inside a builder):
>>> check_weights_argument(weights, classes, include_top, "resnet50")
>>> model = Functional(inputs, outputs, name="resnet50")
>>> load_pretrained_weights(model, weights, file_name="resnet50_weights_tf_dim_ordering_tf_"
...                         "kernels.h5", file_hash=HASH, base_url=BASE_WEIGHTS_PATH)
"""

import os

from cornu.utils.file_download import get_file


def _is_existing_path(weights):
    try:
        return os.path.exists(os.fspath(weights))
    except TypeError:
        return False


def check_weights_argument(weights, classes, include_top, model_name):
    """Raises Keras's ``ValueError`` for a ``weights`` argument a builder cannot use.

    ``weights`` must be ``None``, ``"imagenet"`` or the path of an existing file; with
    ``"imagenet"`` and ``include_top=True``, ``classes`` must be 1000 (the published classifier).

    Example:
    >>> check_weights_argument("imagenet", 10, True, "resnet50")
    Traceback (most recent call last):
      ...
    ValueError: If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. ...
    """
    if not (weights is None or weights == "imagenet" or _is_existing_path(weights)):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), `imagenet` (pre-training on ImageNet), or the path to "
                         f"the weights file to be loaded. Received: weights={weights} "
                         f"(building {model_name})")
    if weights == "imagenet" and include_top and classes != 1000:
        # Keras's wording: include_top=False is how to put another classifier on top.
        raise ValueError('If using `weights="imagenet"` with `include_top=True`, `classes` should '
                         f"be 1000. Received classes={classes}")


def load_pretrained_weights(model, weights, *, file_name, file_hash, base_url,
                            cache_subdir="models"):
    """Loads ``weights`` into a freshly built application ``model``.

    ``None`` leaves the random initialization; ``"imagenet"`` fetches ``base_url + file_name``
    into the cache (``get_file`` checks ``file_hash`` and reuses a good cached copy) and loads
    it; any other value is a path given to ``model.load_weights``.

    Returns:
        The path loaded, or ``None``.

    Example:
    >>> load_pretrained_weights(model, "imagenet", file_name="vgg16_weights_tf_dim_ordering_tf_"
    ...                         "kernels_notop.h5", file_hash=HASH, base_url=WEIGHTS_PATH)
    """
    if weights is None:
        return None
    if weights == "imagenet":
        path = get_file(file_name, base_url + file_name, cache_subdir=cache_subdir,
                        file_hash=file_hash)
    else:
        path = weights
    model.load_weights(path)
    return path
