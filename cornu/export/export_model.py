"""``model.export(filepath, format=...)``: one front that sends each format to its own module.

Each format lives in ``cornu/export/<module>.py`` and exposes
``export_<format>(model, filepath, verbose=None, input_signature=None, **kwargs)``; the module is
imported only when its format is asked for, so importing cornu never imports onnx, TensorFlow
or LiteRT. ``tf_saved_model`` (Keras's default) needs the TensorFlow backend.

Example:
>>> model.export("model.onnx", format="onnx")
>>> model.export("web_model", format="tfjs")
>>> model.export("serving/my_model/1")  # a SavedModel, on the TensorFlow backend
"""

import importlib

# format -> (module under cornu.export, function), in the order the error message lists them.
FORMATS = {
    "onnx": ("onnx", "export_onnx"),
    "litert": ("litert", "export_litert"),
    "tfjs": ("tfjs", "export_tfjs"),
    # TensorFlow backend only: elsewhere `export_saved_model` says so and names the other formats.
    "tf_saved_model": ("saved_model", "export_saved_model"),
}

# Keras formats cornu cannot write yet, and why.
NOT_YET = {
    "openvino": "OpenVINO export is not in cornu; export to ONNX (`format=\"onnx\"`), which OpenVINO reads",
    "torch": (
        "writing a `torch.export` program (`.pt2`) is not in cornu; export to ONNX (`format=\"onnx\"`), "
        "or call `torch.export.export` on the model yourself (on torch every cornu model is a `torch.nn.Module`)"
    ),
}


def export_model(model, filepath, format="tf_saved_model", verbose=None, input_signature=None, **kwargs):
    """Exports ``model`` for inference to ``filepath`` in ``format`` (see ``Model.export``).

    Example:
    >>> export_model(model, "model.onnx", format="onnx", opset_version=18)
    """
    exporter = format_exporter(format)
    return exporter(model, filepath, verbose=verbose, input_signature=input_signature, **kwargs)


def format_exporter(format):
    """The ``export_<format>`` function for ``format``; a clear error for anything else."""
    if format in NOT_YET:
        raise ValueError(f"Cannot export to format={format!r}: {NOT_YET[format]}. Received: format={format!r}")
    if format not in FORMATS:
        raise ValueError(
            f"Unrecognized export format. Supported formats are: {list(FORMATS)} (Keras's {list(NOT_YET)} are "
            f"not available in cornu yet). Received: format={format!r}"
        )
    module_name, function = FORMATS[format]
    module = importlib.import_module(f"cornu.export.{module_name}")
    return getattr(module, function)
