"""``keras.export``: model export for inference (ONNX, LiteRT, TF.js; SavedModel with the TensorFlow
backend, issue 19).

``Model.export(filepath, format=...)`` is the usual entry point (``export_model.py`` sends each
format to its module); ``ExportArchive`` builds an export from chosen endpoints. Nothing here
imports onnx, TensorFlow or LiteRT until a format is used.

Example:
>>> model.export("model.onnx", format="onnx")
>>> archive = cornu.export.ExportArchive(format="onnx")
"""

from cornu.export.export_archive import ExportArchive

__all__ = ["ExportArchive"]
