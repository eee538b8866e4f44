"""``KerasFileEditor``: inspect and edit the weights inside `.keras` and `.weights.h5` files.

The file's weights become a nested dict: one dict per saved object, keyed by
its path elements (``layers`` -> ``dense``), holding its variables as NumPy
arrays under their names (``"0"``, ``"1"``, ...) next to the dicts of its
child objects. Edits change that dict; ``save`` writes it back in Keras's
`.weights.h5` layout.

Files are opened with the same checks as any cornu load (zip safety for
`.keras`, no links, external storage, virtual datasets, plugin filters or
size bombs in the HDF5 file).

Two deliberate differences from Keras 3.15.1's editor, which loses data in
these cases: an object whose own ``vars`` group is empty but whose children
hold weights (an ``LSTM`` and its ``cell``) keeps its children, and the root
model's own variables are saved back to the root ``vars`` group. A bare name
given to an edit method is found wherever it occurs once (Keras 3.15.1
miscounts and often asks for a full path), and ``compare`` counts each
matching weight once.
"""

import collections
import math
import os
import pprint

import h5py

from cornu.serialization.registry import keras_export

_MAX_DATASET_BYTES = 1 << 32  # as Keras: one weight array above 4 GiB is refused
_MAX_RANK = 64


def _console():
    import rich.console

    return rich.console.Console(highlight=False)


def _highlight(text):
    return f"[color(33)]{text}[/]"


def _bold(text):
    return f"[bold]{text}[/]"


def _plural(count):
    return "" if count == 1 else "s"


def _read_array(dataset, where):
    from cornu.saving.weights_store import _read_dataset

    shape = dataset.shape or ()
    if len(shape) > _MAX_RANK:
        raise ValueError(f"The weights file holds an array of rank {len(shape)} at '{where}'; the limit is {_MAX_RANK}.")
    size = math.prod(shape) * dataset.dtype.itemsize
    if size > _MAX_DATASET_BYTES:
        raise ValueError(
            f"The weights file holds an array of {size} bytes at '{where}', over the {_MAX_DATASET_BYTES}-byte limit "
            "for one weight."
        )
    return _read_dataset(dataset)


def _read_object(group, inner_path, metadata):
    """The nested dict of the object stored in ``group``: its ``vars`` arrays first, then its children."""
    own = collections.OrderedDict()
    children = collections.OrderedDict()
    for key in group.keys():
        value = group[key]
        path = f"{inner_path}/{key}"
        if isinstance(value, h5py.Dataset):
            own[key] = _read_array(value, path)
        elif key == "vars" and isinstance(value, h5py.Group):
            if value.attrs:
                metadata[inner_path] = dict(value.attrs)
            own.update(_read_object(value, inner_path, metadata))
        elif isinstance(value, h5py.Group):
            content = _read_object(value, path, metadata)
            if content:
                children[key] = content
    own.update(children)
    return own


def _read_root(h5_file):
    metadata = {}
    return _read_object(h5_file, "", metadata), metadata


def _check_weights_argument(weights):
    if not isinstance(weights, dict):
        raise ValueError(
            "Argument `weights` should be a dict where keys are weight names (usually '0', '1', etc.) and values "
            f"are NumPy arrays. Received: type(weights)={type(weights)}"
        )


@keras_export("keras.saving.KerasFileEditor")
class KerasFileEditor:
    """Inspects and edits the weights of a `.keras` or `.weights.h5` file.

    Useful to adapt an old weights file after changing a model's architecture.

    Args:
        filepath: path of a local `.keras` or `.weights.h5` file.

    Example:
    >>> editor = KerasFileEditor("my_model.weights.h5")
    >>> editor.summary()
    >>> editor.delete_object("layers/dense_2")
    >>> editor.add_object("layers/einsum_dense", weights={"0": kernel, "1": bias})
    >>> editor.save("edited_model.weights.h5")
    """

    def __init__(self, filepath):
        from cornu.saving.keras_archive import CONFIG_FILENAME, KerasArchiveReader
        from cornu.saving.weights_store import H5WeightsReader

        self.filepath = filepath
        self.metadata = None
        self.config = None
        self.model = None
        self.console = _console()
        path = os.fspath(filepath)
        from cornu.saving.load_budget import loading

        # The file is untrusted: its reads count against a load budget, as `load_model`'s do.
        with loading(path):
            if path.endswith(".keras"):
                with KerasArchiveReader(path) as archive:
                    self.config = archive.read_json(CONFIG_FILENAME)
                    self.metadata = archive.read_json("metadata.json") if archive.has("metadata.json") else None
                    with archive.open_weights() as reader:
                        self.weights_dict, self.object_metadata = _read_root(reader._file)
            elif path.endswith(".weights.h5"):
                if not os.path.exists(path):
                    raise FileNotFoundError(f"Weights file not found: filepath={path}")
                from cornu.saving import safe_files

                opened = safe_files.open_regular(path)  # a pipe or device would block or never end
                # h5py opens exactly the checked file; the reader checks links, external storage, plugins and bombs
                with safe_files.reopen_by_descriptor(opened, lambda name: H5WeightsReader(name, source=path)) as reader:
                    self.weights_dict, self.object_metadata = _read_root(reader._file)
            else:
                raise ValueError(
                    f"Invalid filename: expected a `.keras` `.weights.h5` extension. Received: filepath={filepath}"
                )
        self.console.print(self._generate_filepath_info(rich_style=True))
        if self.metadata is not None:
            self.console.print(self._generate_metadata_info(rich_style=True))

    # ------------------------------------------------------------ display
    def summary(self):
        """Prints the weight structure of the opened file.

        Example:
        >>> KerasFileEditor("model.weights.h5").summary()
        """
        self.console.print("Weights structure")
        self._print_weights_structure(self.weights_dict, prefix=" " * 2)

    def _generate_filepath_info(self, rich_style=False):
        filepath = f"'{self.filepath}'"
        return f"Keras model file {_highlight(filepath) if rich_style else filepath}"

    def _generate_config_info(self, rich_style=False):
        return pprint.pformat(self.config)

    def _generate_metadata_info(self, rich_style=False):
        version = self.metadata.get("keras_version")
        date = self.metadata.get("date_saved")
        if rich_style:
            version, date = _highlight(version), _highlight(date)
        return f"Saved with Keras {version} - date: {date}"

    def _print_weights_structure(self, weights_dict, prefix="", inner_path=""):
        items = list(weights_dict.items())
        for index, (key, value) in enumerate(items):
            path = f"{inner_path}/{key}"
            is_last = index == len(items) - 1
            connector = "> " if index == 0 and not inner_path else ("└─ " if is_last else "├─ ")
            if isinstance(value, dict):
                label = f"{prefix}{connector}{_bold(key)}"
                name = self.object_metadata.get(path, {}).get("name")
                if name is not None:
                    label += f" ('{name.decode() if isinstance(name, bytes) else name}')"
                self.console.print(label)
                self._print_weights_structure(value, prefix + ("    " if is_last else "│   "), path)
            elif hasattr(value, "shape"):
                self.console.print(f"{prefix}{connector}{_bold(key)}: shape={value.shape}, dtype={value.dtype}")
            else:
                self.console.print(f"{prefix}{connector}{key}: {value}")

    # ------------------------------------------------------------ compare
    def compare(self, reference_model):
        """Lists every mismatch between the opened file and ``reference_model``.

        Returns:
            A dict with `'status'` (`'success'` or `'error'`), `'error_count'` and `'match_count'`.

        Example:
        >>> KerasFileEditor("model.weights.h5").compare(model)["status"]
        'success'
        """
        self.console.print("Running comparison")
        reference = weight_spec_of(reference_model)
        checked = set()
        errors, matches = self._compare(self.weights_dict, reference, "", "saved file", "reference model", checked)
        reverse_errors, _ = self._compare(reference, self.weights_dict, "", "reference model", "saved file", checked)
        errors += reverse_errors
        self.console.print("─────────────────────")
        if errors == 0:
            self.console.print("[color(28)][bold]Comparison successful:[/] saved file is compatible with the "
                               "reference model[/]")
            self.console.print(f"    Found {matches} matching weight{_plural(matches)}")
        else:
            self.console.print(f"[color(160)][bold]Found {errors} error{_plural(errors)}:[/] saved file is not "
                               "compatible with the reference model[/]")
        return {"status": "success" if errors == 0 else "error", "error_count": errors, "match_count": matches}

    def _compare(self, target, reference, base_path, target_name, reference_name, checked):
        errors = matches = 0
        for key, value in reference.items():
            path = f"{base_path}/{key}"
            if path in checked:
                continue
            if key not in target:
                errors += 1
                checked.add(path)
                kind = "Object" if isinstance(value, dict) else "Weight"
                self.console.print(f"[color(160)]...{kind} [bold]{path}[/] present in {reference_name}, missing "
                                   f"from {target_name}[/]")
                if isinstance(value, dict):
                    self.console.print(f"    In {reference_name}, {path} contains the following keys: "
                                       f"{list(value.keys())}")
            elif isinstance(value, dict):
                if not isinstance(target[key], dict):
                    errors += 1
                    checked.add(path)
                    self.console.print(f"[color(160)]...[bold]{path}[/] is an object in {reference_name} and a "
                                       f"weight in {target_name}[/]")
                    continue
                sub_errors, sub_matches = self._compare(target[key], value, path, target_name, reference_name,
                                                        checked)
                errors += sub_errors
                matches += sub_matches
            elif isinstance(target[key], dict) or tuple(target[key].shape) != tuple(value.shape):
                errors += 1
                checked.add(path)
                target_shape = "an object" if isinstance(target[key], dict) else f"shape={tuple(target[key].shape)}"
                self.console.print(f"[color(160)]...Weight shape mismatch for [bold]{path}[/][/]\n"
                                   f"    In {reference_name}: shape={tuple(value.shape)}\n"
                                   f"    In {target_name}: {target_shape}")
            else:
                matches += 1
        return errors, matches

    # ------------------------------------------------------------ edits
    def _find(self, name):
        """Every ``(parent dict, key)`` where key ``name`` occurs, depth first."""
        found = []

        def visit(d):
            for key, value in d.items():
                if isinstance(value, dict):
                    visit(value)
            if name in d:
                found.append((d, name))

        visit(self.weights_dict)
        return found

    def _locate(self, source_name):
        """The ``(parent dict, key)`` of the object named or pathed ``source_name``."""
        if "/" in source_name:
            elements = source_name.split("/")
            parent = self.weights_dict
            for element in elements[:-1]:
                if not isinstance(parent, dict) or element not in parent:
                    raise ValueError(f"Path '{source_name}' not found in model.")
                parent = parent[element]
            if not isinstance(parent, dict) or elements[-1] not in parent:
                raise ValueError(f"Path '{source_name}' not found in model.")
            return parent, elements[-1]
        found = self._find(source_name)
        if len(found) > 1:
            raise ValueError(f"Name '{source_name}' occurs more than once in the model; try passing a complete path")
        if not found:
            raise ValueError(
                f"Source name '{source_name}' does not appear in the model. Use `editor.summary()` to list all "
                "objects."
            )
        return found[0]

    def rename_object(self, object_name, new_name):
        """Renames an object of the file (e.g. a layer).

        Args:
            object_name: name or path of the object (e.g. `"dense_2"` or `"layers/dense_2"`).
            new_name: the new name (a leaf name, not a path).

        Example:
        >>> editor.rename_object("layers/dense_3", "dense_2")
        """
        if "/" in new_name:
            raise ValueError(
                f"Argument `target_name` should be a leaf name, not a full path name. Received: target_name='{new_name}'"
            )
        parent, key = self._locate(object_name)
        parent[new_name] = parent.pop(key)

    def delete_object(self, object_name):
        """Removes an object (e.g. a layer) and its weights from the file.

        Example:
        >>> editor.delete_object("layers/dense_2")
        """
        parent, key = self._locate(object_name)
        parent.pop(key)

    def add_object(self, object_path, weights):
        """Adds a new object with ``weights`` (a dict such as `{"0": kernel, "1": bias}`).

        Args:
            object_path: full path of the new object (e.g. `"layers/dense_2"`); its parent must exist.
            weights: dict mapping weight names to arrays.

        Example:
        >>> editor.add_object("layers/dense_2", weights={"0": np.zeros((4, 2)), "1": np.zeros(2)})
        """
        _check_weights_argument(weights)
        parent = self.weights_dict
        elements = object_path.split("/")
        for element in elements[:-1]:
            if not isinstance(parent, dict) or element not in parent:
                raise ValueError(f"Path '{'/'.join(elements[:-1])}' not found in model.")
            parent = parent[element]
        parent[elements[-1]] = weights

    def delete_weight(self, object_name, weight_name):
        """Removes the weight ``weight_name`` (e.g. `"1"`) from an object.

        Example:
        >>> editor.delete_weight("layers/dense", "1")
        """
        parent, key = self._locate(object_name)
        if weight_name not in parent[key]:
            raise ValueError(
                f"Weight {weight_name} not found in object {object_name}. Weights found: {list(parent[key].keys())}"
            )
        parent[key].pop(weight_name)

    def add_weights(self, object_name, weights):
        """Adds weights (a dict such as `{"2": array}`) to an existing object.

        Example:
        >>> editor.add_weights("layers/dense", {"1": np.zeros(2)})
        """
        _check_weights_argument(weights)
        parent, key = self._locate(object_name)
        parent[key].update(weights)

    # ------------------------------------------------------------ saving
    def save(self, filepath):
        """Writes the edited weights to a `.weights.h5` file (atomically).

        Example:
        >>> editor.save("edited.weights.h5")
        """
        from cornu.saving.atomic import atomic_path
        from cornu.saving.weights_store import H5WeightsWriter

        filepath = os.fspath(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"Invalid `filepath` argument: expected a `.weights.h5` extension. Received: "
                             f"filepath={filepath}")

        def write(writer, weights, path):
            arrays = {k: v for k, v in weights.items() if not isinstance(v, dict)}
            for key, value in weights.items():
                if isinstance(value, dict) and value:
                    write(writer, value, f"{path}/{key}" if path else key)
            if arrays:
                store = writer.make(path)
                for key, value in arrays.items():
                    store[key] = value

        with atomic_path(filepath) as temp:
            with H5WeightsWriter(temp) as writer:
                write(writer, self.weights_dict, "")

    def resave_weights(self, filepath):
        """Same as :meth:`save`.

        Example:
        >>> editor.resave_weights("edited.weights.h5")
        """
        self.save(filepath)


def weight_spec_of(model):
    """The nested dict of ``{name: KerasTensor(shape, dtype)}`` the model's weights file would hold.

    Example:
    >>> weight_spec_of(model)["layers"]["dense"]["0"].shape
    (4, 2)
    """
    from cornu.backend import KerasTensor, standardize_dtype
    from cornu.saving import object_walk

    spec = {}
    for path, obj in object_walk.walk(model):
        store = {}
        if hasattr(obj, "save_own_variables"):
            obj.save_own_variables(store)
        elif object_walk.object_type(obj) == "Optimizer":
            store = {str(i): v for i, v in enumerate(obj.variables)}
        if not store:
            continue
        node = spec
        for element in path.split("/") if path else []:
            node = node.setdefault(element, {})
        for key in sorted(store):
            value = store[key]
            node[key] = KerasTensor(tuple(value.shape), dtype=standardize_dtype(value.dtype))
    return spec
