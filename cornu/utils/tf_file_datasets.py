"""The ``tf.data`` side of the ``*_dataset_from_directory`` utilities, and the choice of return type.

Return type (``format``):

- ``"tf"`` (Keras's default): a ``tf.data.Dataset`` built as Keras builds it when TensorFlow is
  installed; without TensorFlow, a cornu ``FileDataset`` (a ``PyDataset``) instead, so the same
  program runs with no TensorFlow at all.
- ``"numpy"`` (cornu only; ``"py_dataset"`` is the same): the ``FileDataset`` even when
  TensorFlow is installed.
- ``"grain"``: not supported by cornu yet.
"""

import importlib

FORMATS = ("tf", "grain", "numpy")


def import_tensorflow():
    """The ``tensorflow`` module, or None when it cannot be imported."""
    try:
        return importlib.import_module("tensorflow")
    except ImportError:
        return None


def resolve_format(format):
    """``"tf"`` when a ``tf.data.Dataset`` is to be built, ``"numpy"`` for a ``FileDataset``.

    ``"py_dataset"`` (the name the audio/timeseries utilities use) means ``"numpy"``; the
    shared override of ``cornu.utils.dataset_format`` applies when that module exists.
    """
    if format not in FORMATS + ("py_dataset",):
        raise ValueError(
            '`format` should be either "tf" or "grain" (or cornu\'s "numpy", for a PyDataset of NumPy '
            f"batches). Received: format={format}"
        )
    if format == "grain":
        raise ValueError(
            'cornu does not build grain datasets yet: pass format="numpy" for a `PyDataset` of NumPy '
            'batches, or format="tf" for a tf.data.Dataset. Received: format=grain'
        )
    if format in ("numpy", "py_dataset"):
        return "numpy"
    try:
        from cornu.utils.dataset_format import resolve_dataset_format
    except ImportError:
        resolve_dataset_format = None
    if resolve_dataset_format is not None:
        return "tf" if resolve_dataset_format(format) == "tf" else "numpy"
    return "tf" if import_tensorflow() is not None else "numpy"


def _labels_dataset(tf, labels, label_mode, num_classes):
    dataset = tf.data.Dataset.from_tensor_slices(labels)
    if label_mode == "binary":
        return dataset.map(lambda y: tf.expand_dims(tf.cast(y, "float32"), -1), num_parallel_calls=tf.data.AUTOTUNE)
    if label_mode == "categorical":
        return dataset.map(lambda y: tf.one_hot(y, num_classes), num_parallel_calls=tf.data.AUTOTUNE)
    return dataset


def _tf_crop_to_aspect_ratio(tf, image, size):
    shape = tf.shape(image)
    height, width = shape[0], shape[1]
    as_float = lambda v: tf.cast(v, "float32")  # noqa: E731
    crop_height = tf.cast(as_float(width * size[0]) / size[1], "int32")
    crop_height = tf.maximum(tf.minimum(height, crop_height), 1)
    crop_width = tf.cast(as_float(height * size[1]) / size[0], "int32")
    crop_width = tf.maximum(tf.minimum(width, crop_width), 1)
    top = tf.cast(as_float(height - crop_height) / 2, "int32")
    left = tf.cast(as_float(width - crop_width) / 2, "int32")
    return image[top:top + crop_height, left:left + crop_width, :]


def tf_image_loader(size, num_channels, interpolation, data_format, crop_to_aspect_ratio, pad_to_aspect_ratio):
    """A ``path -> image`` function of TensorFlow ops, as Keras's image datasets load files."""
    tf = import_tensorflow()

    def load(path):
        image = tf.image.decode_image(tf.io.read_file(path), channels=num_channels, expand_animations=False)
        if crop_to_aspect_ratio:
            image = tf.image.resize(_tf_crop_to_aspect_ratio(tf, image, size), size, method=interpolation)
        elif pad_to_aspect_ratio:
            image = tf.image.resize_with_pad(image, size[0], size[1], method=interpolation)
        else:
            image = tf.image.resize(image, size, method=interpolation)
        if data_format == "channels_first":
            image = tf.transpose(image, (2, 0, 1))
            image.set_shape((num_channels, size[0], size[1]))
        else:
            image.set_shape((size[0], size[1], num_channels))
        return image

    return load


def tf_text_loader(max_length):
    """A ``path -> string`` function of TensorFlow ops (the first ``max_length`` bytes)."""
    tf = import_tensorflow()

    def load(path):
        text = tf.io.read_file(path)
        return text if max_length is None else tf.strings.substr(text, 0, max_length)

    return load


def tf_file_dataset(file_paths, labels, label_mode, num_classes, load, batch_size, shuffle, seed,
                    shuffle_buffer_size):
    """``(load(path), label)`` pairs (or ``load(path)``) as a batched, prefetched ``tf.data.Dataset``."""
    tf = import_tensorflow()
    dataset = tf.data.Dataset.from_tensor_slices(file_paths)
    if label_mode:
        dataset = tf.data.Dataset.zip((dataset, _labels_dataset(tf, labels, label_mode, num_classes)))
    if shuffle:
        dataset = dataset.shuffle(buffer_size=shuffle_buffer_size or 1024, seed=seed)
    if label_mode:
        dataset = dataset.map(lambda x, y: (load(x), y), num_parallel_calls=tf.data.AUTOTUNE)
    else:
        dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.prefetch(tf.data.AUTOTUNE)
