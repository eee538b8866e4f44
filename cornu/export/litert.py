"""``model.export(path, format="litert")``: a LiteRT (``.tflite``) file of the model's inference pass.

The front (this module) is the same on every backend: it works out the input specs
(``input_signature.py``), has the selected backend convert the model, and writes the file
atomically. The exported model has one signature, ``serving_default``, whose inputs are named
after the input specs and whose outputs are ``output_0``, ``output_1``, ...

What each backend does (``cornu/backend/<name>/litert_export.py``):

- JAX: ``jax.export`` to StableHLO, then LiteRT's MLIR converter (the ``litert-converter``
  package); no TensorFlow. Every ``None`` axis stays dynamic, unless an op only converts with a
  fixed batch (basic slicing ``x[:, :3]`` of a symbolic batch becomes a gather LiteRT lacks): then
  the batch is 1 and a ``UserWarning`` says so. Recurrent layers are unrolled (they need a known
  number of time steps).
- torch: ``litert-torch`` on a ``torch.export`` of the model. It tries to keep every ``None`` axis
  dynamic; where its lowering cannot (litert-torch 0.10 with JAX 0.10 fails on most models with
  a dynamic batch), the file has a fixed size there: the signature's size, 1 for a ``None`` axis,
  and a ``UserWarning`` says so. Pass an ``input_signature`` with the batch size you will run.
- TensorFlow: TensorFlow's converter (``tf.lite.TFLiteConverter``) on a ``tf.function`` of the
  inference pass; every ``None`` axis stays dynamic, recurrent layers become ``WHILE`` loops, and
  only LiteRT's built-in ops are allowed unless ``target_spec`` says otherwise (as in Keras,
  converter settings are keyword arguments).
- NumPy: not available (export from JAX, torch or TensorFlow after loading the model there).

Backend contract::

    export_litert(model, specs, call, **kwargs) -> (content, exported_shapes)

``specs`` is a flat list of ``InputSpec`` (unique ``name``, ``None`` for a dynamic axis, a
``dtype`` string); ``call(*tensors)`` returns a tuple of output tensors (``training=False``);
``content`` is the flatbuffer's bytes and ``exported_shapes`` the input shapes as written
(``None`` where the axis stayed dynamic). A layer or op LiteRT cannot take raises ``ValueError``
naming the layer and the op.

Before anything is written, the file is run once with the ``ai-edge-litert`` interpreter on an
example batch and compared with the model (``litert_check.py``): a converter that produced a
dynamic-batch file the runtime cannot run (seen: ``Conv2DTranspose`` from JAX) gets a second try
with batch 1, and a file that still does not match is an error, never a silently wrong file.

Example:
>>> model.export("model.tflite", format="litert")
>>> from ai_edge_litert.interpreter import Interpreter
>>> runner = Interpreter(model_path="model.tflite").get_signature_runner("serving_default")
>>> runner(input_layer=x)["output_0"]   # inputs are named after the model's Input layers
"""

import warnings

from cornu import backend, tree
from cornu.export import litert_check
from cornu.export.input_signature import flat_specs, input_specs, pack_like
from cornu.layers.input_spec import InputSpec
from cornu.saving.atomic import write_bytes_atomically

def export_litert(model, filepath, verbose=None, input_signature=None, **kwargs):
    """Exports ``model``'s inference pass (``model(x, training=False)``) to a LiteRT ``.tflite`` file.

    Args:
        model: a built cornu model (or one ``input_signature`` describes).
        filepath: where to write the file; must end in ``.tflite`` (as in Keras). Written atomically.
        verbose: print where the file went. Defaults to None (True, as in Keras).
        input_signature: optional; see ``cornu.export.input_signature``. Defaults to the model's
            inputs. Every ``None`` axis (the batch axis of the model's inputs) stays dynamic where
            the backend's converter can keep it so; a batch size the signature states is kept.
        **kwargs: on torch, arguments of ``litert_torch.convert`` (e.g. ``quant_config``); on TensorFlow,
            settings of ``tf.lite.TFLiteConverter`` (e.g. ``optimizations``); none on JAX.

    Returns:
        ``filepath``.

    Example:
    >>> export_litert(model, "model.tflite", input_signature=[keras.InputSpec(shape=(1, 28, 28, 1))])
    """
    filepath = str(filepath)
    if not filepath.endswith(".tflite"):
        raise ValueError(f"The LiteRT export writes a `.tflite` file: give a path ending in '.tflite'. "
                         f"Received: filepath={filepath}")
    # A batch size the signature states is kept (LiteRT files are often fixed-size); a None batch,
    # as the model's own inputs have, stays dynamic where the converter can keep it so.
    specs = input_specs(model, input_signature, dynamic_batch=False)
    flat = flat_specs(specs)
    content, shapes = litert_content(model, specs, flat, lambda inputs: model(inputs, training=False), **kwargs)
    _warn_fixed_axes(flat, shapes)
    write_bytes_atomically(filepath, content)
    if verbose is None or verbose:
        print(f"Saved LiteRT artifact at '{filepath}'.")
    return filepath


def litert_content(model, specs, flat, fn, **kwargs):
    """``(content, exported_shapes)`` of ``fn(inputs)`` on inputs shaped as ``specs``, whose flat
    list (``flat_specs(specs)``) is ``flat``; ``model`` owns the variables ``fn`` reads.

    The converted file is run once against ``fn`` (``litert_check``): a dynamic-batch file that
    fails is converted again with batch 1, a fixed-size one that fails is a ``ValueError``.
    """

    def call(*tensors):
        return tuple(tree.flatten(fn(pack_like(specs, tensors))))

    exporter = _backend_exporter()
    content, shapes = exporter.export_litert(model, flat, call, **kwargs)
    if not litert_check.can_check():
        return content, shapes
    problem = litert_check.run_check(content, flat, shapes, call)
    if problem is not None and any(shape and shape[0] is None for shape in shapes):
        fixed = [InputSpec(shape=(1,) + tuple(spec.shape[1:]) if spec.shape and spec.shape[0] is None else spec.shape,
                           dtype=spec.dtype, name=spec.name) for spec in flat]
        content, shapes = exporter.export_litert(model, fixed, call, **kwargs)
        problem = litert_check.run_check(content, flat, shapes, call)
    if problem is not None:
        raise ValueError(
            f"The {backend.backend()} backend's LiteRT converter produced a file that does not run like the model: "
            f"{problem}. Nothing was written. Try a fixed `input_signature`, export from the other backend (JAX or "
            f"torch), or replace the layer the converter gets wrong. Received: input shapes={shapes}"
        )
    return content, shapes


def _backend_exporter():
    try:
        return backend.backend_module("litert_export")
    except ModuleNotFoundError as error:
        if not (error.name or "").endswith("litert_export"):
            raise
        raise NotImplementedError(
            f"LiteRT export is not available on the {backend.backend()} backend: it needs a backend that can trace "
            "the model (JAX, torch or TensorFlow). Save the model (`model.save('model.keras')`), load it with "
            f"CORNU_BACKEND=jax (or torch, or tensorflow) and export there. Received: backend={backend.backend()!r}"
        ) from error


def _warn_fixed_axes(specs, shapes):
    fixed = [f"'{spec.name}' {tuple(spec.shape)} -> {tuple(shape)}" for spec, shape in zip(specs, shapes)
             if tuple(spec.shape) != tuple(shape)]
    if fixed:
        warnings.warn(
            f"The {backend.backend()} backend's LiteRT converter could not keep every dynamic (None) axis dynamic, "
            f"so the file has fixed sizes there: {', '.join(fixed)}. Run it with inputs of exactly these shapes, or "
            "pass an `input_signature` with the sizes you need. (LiteRT lets an interpreter resize such inputs, but "
            "the results are then wrong wherever the model baked a size in: do not.)",
            stacklevel=5,  # the caller of model.export
        )
