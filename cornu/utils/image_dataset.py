"""``image_dataset_from_directory``: a labelled image dataset from a directory of image files."""

import functools

from cornu.backend import standardize_data_format
from cornu.serialization.registry import keras_export
from cornu.utils import dataset_directory, image_decoding, tf_file_datasets
from cornu.utils.file_dataset import FileDataset

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


@keras_export("keras.utils.image_dataset_from_directory", "keras.preprocessing.image_dataset_from_directory")
def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    data_format=None,
    format="tf",
    verbose=True,
):
    """A dataset of batches of ``(images, labels)`` read from the image files under ``directory``.

    With ``labels="inferred"``, each subdirectory of ``directory`` is a class (``class_names``
    sets which ones and their order); files are listed in Keras's order (``.bmp``, ``.gif``,
    ``.jpeg``, ``.jpg``, ``.png``; an animated GIF gives its first frame), optionally shuffled,
    split into training/validation, decoded and resized to ``image_size``.

    Args:
        directory: the directory of images (one subdirectory per class with ``"inferred"``).
        labels: ``"inferred"``, None (images only), or a list of integer labels, one per file
            in the sorted order of the file paths.
        label_mode: ``"int"`` (int32), ``"categorical"`` (one-hot float32), ``"binary"``
            (float32 ``(batch, 1)``, two classes only) or None (no labels).
        class_names: with ``"inferred"``, the subdirectories to use, in label order.
        color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"`` (3, 4 or 1 channels).
        batch_size: images per batch; None yields single images.
        image_size: ``(height, width)`` (or one int) of every image.
        shuffle: shuffle the files (and reshuffle every epoch); else alphanumeric order.
        seed: the shuffle seed; needed with ``validation_split`` and ``shuffle``.
        validation_split: the fraction of files kept for validation (the last ones).
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns the two datasets).
        interpolation: the resize method, as ``keras.ops.image.resize``.
        follow_links: walk into linked subdirectories; a link resolving outside ``directory``
            is refused with a ``ValueError``.
        crop_to_aspect_ratio: take the largest centered crop with the target aspect ratio
            before resizing, so nothing is distorted.
        pad_to_aspect_ratio: resize to fit and pad with zeros instead.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global one).
        format: ``"tf"`` (Keras's default) returns a ``tf.data.Dataset`` when TensorFlow is
            installed and, without TensorFlow, a cornu ``PyDataset`` of NumPy batches (decoded
            lazily by worker threads; it has ``class_names`` and ``file_paths``, ``fit``
            accepts it and ``for images, labels in dataset`` iterates it). ``"numpy"``
            (cornu only) returns that ``PyDataset`` even with TensorFlow installed.
            ``"grain"`` is not supported yet.
        verbose: print how many files and classes were found.

    Returns:
        A dataset (two for ``subset="both"``) with ``class_names`` and ``file_paths``
        attributes. Images are float32 (``"nearest"`` keeps uint8, as TensorFlow does).

    Example:
    >>> train, val = cornu.utils.image_dataset_from_directory(
    ...     "flowers/", image_size=(96, 96), validation_split=0.2, subset="both", seed=1)
    >>> train.class_names
    ['daisy', 'rose', 'tulip']
    >>> model.fit(train, validation_data=val, epochs=5)
    """
    labels, label_mode = dataset_directory.check_label_arguments(labels, label_mode, class_names)
    if color_mode not in image_decoding.COLOR_MODES:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: color_mode={color_mode}')
    num_channels = image_decoding.COLOR_MODES[color_mode]
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"Invalid `image_size` value. Expected a tuple of 2 integers. Received: image_size={image_size}")
    image_size = tuple(int(v) for v in image_size)
    interpolation = interpolation.lower()
    if interpolation not in image_decoding.INTERPOLATIONS:
        raise ValueError(
            f"Argument `interpolation` should be one of {image_decoding.INTERPOLATIONS}. "
            f"Received: interpolation={interpolation}"
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`.")
    kind = tf_file_datasets.resolve_format(format)
    if kind == "numpy" and interpolation not in image_decoding.HOST_INTERPOLATIONS:
        raise ValueError(
            f"Without TensorFlow, `interpolation` must be one of {image_decoding.HOST_INTERPOLATIONS}. "
            f"Received: interpolation={interpolation}"
        )
    seed, class_names, parts = dataset_directory.index_and_split(
        directory, labels, label_mode, class_names, ALLOWLIST_FORMATS, shuffle, seed, validation_split, subset,
        follow_links, verbose,
    )
    for index, (paths, _) in enumerate(parts):
        if not paths:
            which = {0: "training ", 1: "validation "}[index] if len(parts) == 2 else ""
            raise ValueError(f"No {which}images found in directory {directory}. Allowed formats: {ALLOWLIST_FORMATS}")
    data_format = standardize_data_format(data_format)
    num_classes = len(class_names) if class_names else 0
    options = (image_size, num_channels, interpolation, data_format, crop_to_aspect_ratio, pad_to_aspect_ratio)
    datasets = []
    for index, (paths, part_labels) in enumerate(parts):
        part_shuffle = shuffle and index == 0  # the validation part of "both" is never shuffled
        datasets.append(_make_dataset(kind, paths, part_labels, label_mode, num_classes, class_names, batch_size,
                                      part_shuffle, seed, options))
    return datasets if len(datasets) == 2 else datasets[0]


def _make_dataset(kind, paths, labels, label_mode, num_classes, class_names, batch_size, shuffle, seed, options):
    size, num_channels, interpolation, data_format, crop, pad = options
    if kind == "tf":
        load = tf_file_datasets.tf_image_loader(size, num_channels, interpolation, data_format, crop, pad)
        dataset = tf_file_datasets.tf_file_dataset(
            paths, labels, label_mode, num_classes, load, batch_size, shuffle, seed,
            batch_size * 8 if batch_size is not None else 1024,
        )
    else:
        image_decoding.prepare_host_decoding()
        load = functools.partial(
            image_decoding.load_image_batch, size=size, num_channels=num_channels, interpolation=interpolation,
            crop_to_aspect_ratio=crop, pad_to_aspect_ratio=pad, data_format=data_format,
        )
        encoded = None if not label_mode else dataset_directory.encode_labels(labels, label_mode, num_classes)
        dataset = FileDataset(paths, encoded, load, batch_size=batch_size, shuffle=shuffle, seed=seed,
                              class_names=class_names)
    dataset.class_names = class_names
    dataset.file_paths = list(paths)
    return dataset

