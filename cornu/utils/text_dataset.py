"""``text_dataset_from_directory``: a labelled text dataset from a directory of ``.txt`` files."""

import functools

import numpy as np

from cornu.serialization.registry import keras_export
from cornu.utils import dataset_directory, tf_file_datasets
from cornu.utils.file_dataset import FileDataset


def read_text_files(paths, max_length=None):
    """The contents of ``paths`` as a 1-D object array of ``str`` (the first ``max_length``
    bytes of each file, as ``tf.strings.substr``; a character cut in half is dropped)."""
    texts = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read() if max_length is None else f.read(max_length)
        texts.append(data.decode("utf-8", errors="ignore" if max_length is not None else "replace"))
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


@keras_export("keras.utils.text_dataset_from_directory", "keras.preprocessing.text_dataset_from_directory")
def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    max_length=None,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    format="tf",
    verbose=True,
):
    """A dataset of batches of ``(texts, labels)`` read from the ``.txt`` files under ``directory``.

    With ``labels="inferred"`` each subdirectory is a class; the files are listed, shuffled
    and split exactly as Keras does (see ``image_dataset_from_directory``).

    Args:
        directory: the directory of ``.txt`` files (one subdirectory per class with ``"inferred"``).
        labels: ``"inferred"``, None (texts only), or a list of integer labels, one per file
            in the sorted order of the file paths.
        label_mode: ``"int"``, ``"categorical"``, ``"binary"`` or None.
        class_names: with ``"inferred"``, the subdirectories to use, in label order.
        batch_size: texts per batch; None yields single texts.
        max_length: keep only the first ``max_length`` bytes of each file.
        shuffle: shuffle the files (and reshuffle every epoch); else alphanumeric order.
        seed: the shuffle seed; needed with ``validation_split`` and ``shuffle``.
        validation_split: the fraction of files kept for validation (the last ones).
        subset: ``"training"``, ``"validation"`` or ``"both"``.
        follow_links: walk into linked subdirectories; a link resolving outside ``directory``
            is refused with a ``ValueError``.
        format: ``"tf"`` (Keras's default) returns a ``tf.data.Dataset`` of ``tf.string`` when
            TensorFlow is installed and, without it, a cornu ``PyDataset`` whose batches are
            NumPy object arrays of ``str`` (with ``class_names`` and ``file_paths``);
            ``"numpy"`` (cornu only) returns that ``PyDataset`` even with TensorFlow.
        verbose: print how many files and classes were found.

    Returns:
        A dataset (two for ``subset="both"``) with a ``class_names`` attribute.

    Example:
    >>> train = cornu.utils.text_dataset_from_directory("reviews/", batch_size=16, seed=0, format="numpy")
    >>> texts, labels = train[0]  # a NumPy object array of str, and int32 labels
    >>> vectorize = cornu.layers.TextVectorization(max_tokens=5000)
    >>> vectorize.adapt(np.concatenate([x for x, _ in train]))
    """
    labels, label_mode = dataset_directory.check_label_arguments(labels, label_mode, class_names)
    kind = tf_file_datasets.resolve_format(format)
    seed, class_names, parts = dataset_directory.index_and_split(
        directory, labels, label_mode, class_names, (".txt",), shuffle, seed, validation_split, subset,
        follow_links, verbose,
    )
    for index, (paths, _) in enumerate(parts):
        if not paths:
            which = {0: "training ", 1: "validation "}[index] if len(parts) == 2 else ""
            raise ValueError(f"No {which}text files found in directory {directory}. Allowed format: .txt")
    num_classes = len(class_names) if class_names else 0
    datasets = []
    for index, (paths, part_labels) in enumerate(parts):
        part_shuffle = shuffle and index == 0
        if kind == "tf":
            dataset = tf_file_datasets.tf_file_dataset(
                paths, part_labels, label_mode, num_classes, tf_file_datasets.tf_text_loader(max_length),
                batch_size, part_shuffle, seed, batch_size * 8 if batch_size is not None else 1024,
            )
        else:
            encoded = None if not label_mode else dataset_directory.encode_labels(part_labels, label_mode, num_classes)
            load = functools.partial(read_text_files, max_length=max_length)
            dataset = FileDataset(paths, encoded, load, batch_size=batch_size, shuffle=part_shuffle, seed=seed,
                                  class_names=class_names)
        dataset.class_names = class_names
        dataset.file_paths = list(paths)
        datasets.append(dataset)
    return datasets if len(datasets) == 2 else datasets[0]
