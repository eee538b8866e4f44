"""Listing a directory of files for the ``*_dataset_from_directory`` utilities.

Everything here matches Keras's listing exactly: the order of files (class subdirectories in
``class_names`` order, each walked root by root in sorted order, files sorted by name), the
labels, the ``class_names``, the seeded shuffle (``np.random.RandomState(seed).shuffle``) and the
training/validation split, so a cornu dataset and a Keras one built with the same arguments hold
the same files, in the same order, in the same subsets.
"""

import os

import numpy as np

from cornu.utils import io_utils

LABEL_MODES = ("int", "categorical", "binary", None)
SUBSETS = ("training", "validation", "both", None)


def check_label_arguments(labels, label_mode, class_names):
    """Validates ``labels``/``label_mode``/``class_names``; returns ``(labels, label_mode)``,
    both None when the dataset yields no labels."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple, np.ndarray)):
            raise ValueError(
                "`labels` argument should be a list/tuple of integer labels, of the same size as the number of "
                'files in the target directory. If you wish to infer the labels from the subdirectory names in '
                f'the target directory, pass `labels="inferred"`. If you wish to get a dataset that only '
                f"contains the files (no labels), pass `labels=None`. Received: labels={labels}"
            )
        if class_names:
            raise ValueError(
                'You can only pass `class_names` if `labels="inferred"`. '
                f"Received: labels={labels}, and class_names={class_names}"
            )
    if label_mode not in LABEL_MODES:
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode}"
        )
    if labels is None or label_mode is None:
        return None, None
    return labels, label_mode


def check_validation_split(validation_split, subset, shuffle, seed):
    """Raises Keras's errors for an invalid ``validation_split``/``subset``/``seed`` combination."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in SUBSETS:
        raise ValueError(f'`subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` argument, to make "
            "sure that there is no overlap between the training and validation subset."
        )


def _class_subdirectories(directory, class_names):
    found = [name for name in sorted(os.listdir(directory))
             if os.path.isdir(os.path.join(directory, name)) and not name.startswith(".")]
    if class_names is None:
        return found
    if not set(class_names).issubset(found):
        raise ValueError(
            "The `class_names` passed did not match the names of the subdirectories of the target directory. "
            f"Expected: {found} (or a subset of it), but received: class_names={class_names}"
        )
    return list(class_names)


def _is_inside(path, root):
    return os.path.commonpath([os.path.realpath(path), root]) == root


def _walk_sorted(top, follow_links, real_root):
    """``(root, file_name)`` pairs under ``top``, roots sorted by path, files by name.

    With ``follow_links`` a linked directory or file must resolve inside the listed
    directory: a link pointing elsewhere is refused (it would read files from outside what
    the caller asked to list), and a directory reached twice (a link loop) is walked once.
    """
    walked, seen = [], set()
    for root, dirs, files in os.walk(top, followlinks=follow_links):
        if follow_links:
            real = os.path.realpath(root)
            if not _is_inside(root, real_root):
                raise ValueError(
                    "`follow_links=True` only follows links that stay inside the dataset directory, but "
                    f"{root!r} resolves to {real!r}, outside it. Copy the files into the directory or "
                    "pass `follow_links=False`. Received: follow_links=True"
                )
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            for name in files:
                path = os.path.join(root, name)
                if os.path.islink(path) and not _is_inside(path, real_root):
                    raise ValueError(
                        "`follow_links=True` only follows links that stay inside the dataset directory, but "
                        f"{path!r} resolves to {os.path.realpath(path)!r}, outside it. Copy the file into "
                        "the directory or pass `follow_links=False`. Received: follow_links=True"
                    )
        walked.append((root, files))
    for root, files in sorted(walked, key=lambda item: item[0]):
        for name in sorted(files):
            yield root, name


def _list_subdirectory(directory, subdirectory, formats, follow_links, real_root):
    top = os.path.join(directory, subdirectory)
    prefix = os.path.basename(top)
    names = []
    for root, name in _walk_sorted(top, follow_links, real_root):
        if name.lower().endswith(formats):
            names.append(os.path.join(prefix, os.path.relpath(os.path.join(root, name), top)))
    return names


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """Lists the files of ``directory`` ending in one of ``formats``, with their labels.

    Args:
        directory: the directory; with ``labels="inferred"`` each subdirectory is a class.
        labels: ``"inferred"``, None, or a list of integer labels, one per file in sorted order.
        formats: the accepted lowercase extensions, e.g. ``(".txt",)``.
        class_names: the classes to use (subdirectory names) and their order.
        shuffle: shuffle the files with ``np.random.RandomState(seed)``; else sorted order.
        seed: the shuffle seed (None draws one).
        follow_links: walk into linked subdirectories (only those inside ``directory``).
        verbose: print how many files and classes were found.

    Returns:
        ``(file_paths, labels, class_names)``: a list of paths, an int32 array of labels (or
        None) and the class names (None without labels).

    Example:
    >>> paths, labels, names = index_directory("flowers/", "inferred", (".jpg",), shuffle=False)
    """
    if not os.path.isdir(directory):
        raise ValueError(f"`directory` must be an existing directory. Received: directory={directory!r}")
    if labels == "inferred":
        subdirectories = _class_subdirectories(directory, class_names)
    else:
        if class_names is not None:
            if labels is None:
                raise ValueError("When `labels=None` (no labels), argument `class_names` cannot be specified.")
            raise ValueError(
                "When argument `labels` is specified, argument `class_names` cannot be specified (the "
                "`class_names` will be the sorted list of labels)."
            )
        subdirectories = [""]
    real_root = os.path.realpath(directory)
    names, inferred = [], []
    for index, subdirectory in enumerate(subdirectories):
        found = _list_subdirectory(directory, subdirectory, formats, follow_links, real_root)
        names += found
        inferred += [index] * len(found)

    if labels == "inferred":
        class_names = subdirectories
        labels = np.asarray(inferred, dtype="int32")
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(names):
            raise ValueError(
                "Expected the lengths of `labels` to match the number of files in the target directory. "
                f"len(labels) is {len(labels)} while we found {len(names)} files in directory {directory}."
            )
        class_names = [str(label) for label in sorted(set(labels))]
        labels = np.asarray(labels)
    if verbose:
        if labels is None:
            io_utils.print_msg(f"Found {len(names)} files.")
        else:
            io_utils.print_msg(f"Found {len(names)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, name) for name in names]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        order = np.arange(len(file_paths))
        np.random.RandomState(seed).shuffle(order)
        file_paths = [file_paths[i] for i in order]
        if labels is not None:
            labels = labels[order]
    return file_paths, labels, class_names


def split_subset(samples, labels, validation_split, subset, verbose=True):
    """The ``subset`` (``"training"`` or ``"validation"``) part of ``samples`` and ``labels``:
    the last ``int(validation_split * len(samples))`` go to validation, as in Keras."""
    if not validation_split:
        return samples, labels
    num_validation = int(validation_split * len(samples))
    if subset == "training":
        if verbose:
            io_utils.print_msg(f"Using {len(samples) - num_validation} files for training.")
        part = slice(None, -num_validation)
    elif subset == "validation":
        if verbose:
            io_utils.print_msg(f"Using {num_validation} files for validation.")
        part = slice(-num_validation, None)
    else:
        raise ValueError(f'`subset` must be either "training" or "validation", received: {subset}')
    return samples[part], (labels[part] if labels is not None else None)


def encode_labels(labels, label_mode, num_classes):
    """``labels`` (int array) as Keras yields them: int32, float32 ``(n, 1)`` for ``"binary"``,
    float32 one-hot for ``"categorical"``."""
    labels = np.asarray(labels)
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels.astype("int64")]
    return labels.astype("int32")


def index_and_split(directory, labels, label_mode, class_names, formats, shuffle, seed, validation_split,
                    subset, follow_links, verbose):
    """Checks the arguments, lists ``directory`` and splits it: returns ``(seed, class_names,
    parts)`` where ``parts`` is a list of ``(file_paths, labels)``, two for ``subset="both"``."""
    check_validation_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(
        directory, labels, formats=formats, class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose,
    )
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
            f"Received: class_names={class_names}"
        )
    subsets = ["training", "validation"] if subset == "both" else [subset]
    parts = [split_subset(paths, labels, validation_split, name, verbose) for name in subsets]
    return seed, class_names, parts
