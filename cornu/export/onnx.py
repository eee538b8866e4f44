"""``model.export(path, format="onnx")``: an ONNX file of the model's inference pass, from any backend.

The front (this module) is the same on every backend: it works out the input specs
(``input_signature.py``), has the selected backend trace the model into an ``onnx.ModelProto``,
then names the graph's inputs and outputs, checks that every ``None`` dimension stayed dynamic,
runs ``onnx.checker`` and writes the file atomically.

Default opset: ``DEFAULT_OPSET = 20`` (torch's own default; onnxruntime >= 1.17 and
onnxruntime-web run it). Pass ``opset_version=`` for another.

Backend contract (each backend package has a module ``onnx_export``, reached through
``cornu.backend.backend_module("onnx_export")``; the front never names a backend)::

    export_onnx(model, specs, call, opset_version) -> onnx.ModelProto

- ``model``: the cornu ``Layer``/``Model`` that owns the variables ``call`` reads (on torch an
  ``nn.Module``; its parameters become initializers), or, for an ``ExportArchive`` endpoint over
  several tracked layers, a list of them (possibly empty). Variables ``call`` reads that ``model``
  does not own may be baked in as constants.
- ``specs``: a flat list of ``cornu.InputSpec`` with unique ``name``, full ``shape`` (``None`` =
  dynamic: the batch axis and every other ``None`` axis must stay symbolic in the file) and a
  ``dtype`` string.
- ``call(*tensors) -> tuple of tensors``: the inference computation on the backend's tensors,
  one positional tensor per spec, flat outputs (already ``training=False``). Trace exactly it.
- Returns an ``onnx.ModelProto`` (not bytes) with exactly ``len(specs)`` graph inputs in the
  order of ``specs`` and one graph output per returned tensor in order. Names and ``dim_param``
  symbols may be anything: the front renames inputs to ``spec.name``, outputs to ``output_<i>``
  (``output_0`` for one output) and the symbols to ``batch`` / ``<input>_dim<axis>``.
- A layer or op with no ONNX mapping raises ``ValueError`` naming the layer (its ``name`` and
  class) and the op; never return a graph that computes something else. A ``None`` dimension that
  the backend could only export as a fixed size is an error too (the front also checks it).
- Imports of onnx / onnxscript / jax2onnx stay inside the function.

Keras's torch exporter falls back to TorchScript and fixes dynamic sizes to 1; cornu keeps the
batch and every ``None`` axis dynamic on every backend.

Example:
>>> model.export("model.onnx", format="onnx")
>>> session = onnxruntime.InferenceSession("model.onnx")
>>> session.run(None, {session.get_inputs()[0].name: x})[0]
"""

from cornu import backend, ops, tree
from cornu.export.input_signature import flat_specs, input_specs, pack_like
from cornu.saving.atomic import write_bytes_atomically

DEFAULT_OPSET = 20
# onnx's own limit on one serialized protobuf.
_PROTOBUF_LIMIT = 2**31 - 1


def export_onnx(model, filepath, verbose=None, input_signature=None, opset_version=None, **kwargs):
    """Exports ``model``'s inference pass (``model(x, training=False)``) to an ONNX file.

    Args:
        model: a built cornu model (or one ``input_signature`` describes).
        filepath: where to write the ``.onnx`` file (atomically).
        verbose: print where the file went. Defaults to None (True, as in Keras).
        input_signature: optional; see ``cornu.export.input_signature``. The batch axis and every
            ``None`` axis stay dynamic.
        opset_version: the ONNX opset. Defaults to ``DEFAULT_OPSET`` (20).

    Example:
    >>> export_onnx(model, "model.onnx", opset_version=18)
    """
    if kwargs:
        raise ValueError(f"Unrecognized arguments for ONNX export: {sorted(kwargs)}. It takes `opset_version`. "
                         f"Received: kwargs={kwargs}")
    specs = input_specs(model, input_signature)
    proto = onnx_proto(model, specs, lambda inputs: model(inputs, training=False), opset_version)
    write_onnx(proto, filepath, verbose)
    return filepath


def onnx_proto(model, specs, fn, opset_version=None):
    """The checked ``onnx.ModelProto`` of ``fn(inputs)`` on inputs shaped as ``specs`` (a structure
    of ``InputSpec``); ``model`` owns the variables ``fn`` reads."""
    import onnx

    opset = DEFAULT_OPSET if opset_version is None else opset_version
    if not isinstance(opset, int) or isinstance(opset, bool) or opset < 1:
        raise ValueError(f"`opset_version` must be a positive int (e.g. {DEFAULT_OPSET}). "
                         f"Received: opset_version={opset_version!r}")
    flat = flat_specs(specs)
    structure = specs

    def call(*tensors):
        inputs = pack_like(structure, tensors)
        return tuple(tree.flatten(fn(inputs)))

    exporter = _backend_exporter()
    _build_before_tracing(model, fn, structure, flat)
    proto = exporter.export_onnx(model, flat, call, opset)
    _name_graph(proto, flat)
    onnx.checker.check_model(proto)
    _check_against_the_model(proto, call, flat)
    return proto


# Sizes for the dynamic axes when checking the file: not the ones a backend traces with, so that
# a size fixed inside the graph shows.
_CHECK_BATCH, _CHECK_OTHER = 3, 5


def _check_against_the_model(proto, call, flat):
    """Runs the graph with onnxruntime at other sizes of the dynamic axes and compares it with the
    model: a backend exporter that fixed a size inside the graph (or computes something else) is an
    error here, not a file that fails or misleads later. Skipped, with a warning, without onnxruntime."""
    import numpy as np

    try:
        import onnxruntime
    except ImportError:
        import warnings

        warnings.warn("onnxruntime is not installed: the ONNX file was not checked against the model "
                      "(pip install onnxruntime).", stacklevel=3)
        return
    rng = np.random.default_rng(0)
    feed = {}
    for spec in flat:
        shape = tuple((_CHECK_BATCH if axis == 0 else _CHECK_OTHER + axis) if size is None else size
                      for axis, size in enumerate(spec.shape))
        kind = np.dtype(spec.dtype).kind if spec.dtype != "bfloat16" else "f"
        feed[spec.name] = (rng.uniform(-1, 1, shape).astype(spec.dtype) if kind in "fc"
                           else np.zeros(shape, spec.dtype))
    expected = [np.asarray(backend.convert_to_numpy(t)) for t in call(*[ops.convert_to_tensor(v) for v in feed.values()])]
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    problem = None
    try:
        session = onnxruntime.InferenceSession(proto.SerializeToString(), options, providers=["CPUExecutionProvider"])
        got = session.run(None, feed)
    except Exception as error:  # onnxruntime raises its own classes
        problem = f"onnxruntime could not run it ({str(error).splitlines()[0][:400]})"
    else:
        for index, (a, b) in enumerate(zip(got, expected)):
            tolerance = 1e-2 if a.dtype in (np.float16,) else 1e-4
            if a.shape != b.shape or not np.allclose(a.astype("float64"), b.astype("float64"), atol=tolerance,
                                                      rtol=tolerance):
                problem = f"output {index} differs from the model's (shape {a.shape} vs {b.shape})"
                break
    if problem:
        sizes = {name: value.shape for name, value in feed.items()}
        raise ValueError(
            f"The exported ONNX graph does not compute the model at other sizes of its dynamic axes: {problem}. "
            "The backend's exporter fixed a size inside the graph. Give the dynamic axes fixed sizes in "
            "`input_signature`, or export from another backend. Nothing was written. "
            f"Received: checked input shapes={sizes}"
        )


def write_onnx(proto, filepath, verbose=None):
    """Writes ``proto`` to ``filepath`` atomically (a previous file stays whole on failure)."""
    data = proto.SerializeToString()
    if len(data) > _PROTOBUF_LIMIT:
        raise ValueError("The model is larger than ONNX's 2 GB limit for one file. Quantize or split it. "
                         f"Received: {len(data)} bytes")
    write_bytes_atomically(filepath, data)
    if verbose is None or verbose:
        print(f"Saved ONNX artifact at '{filepath}'.")


def _build_before_tracing(model, fn, structure, flat):
    """Runs ``fn`` once eagerly on zeros when ``model`` is not built yet, so that its weights are
    created (and initialized) here, not inside the traced graph."""
    if getattr(model, "built", True):
        return
    zeros = [ops.zeros(tuple(2 if size is None else size for size in spec.shape), spec.dtype) for spec in flat]
    fn(pack_like(structure, zeros))


def _backend_exporter():
    try:
        return backend.backend_module("onnx_export")
    except ModuleNotFoundError as error:
        if not (error.name or "").endswith("onnx_export"):
            raise
        raise NotImplementedError(
            f"ONNX export is not available on the {backend.backend()} backend yet. Export from another "
            f"backend (set CORNU_BACKEND) after loading the model there. Received: backend={backend.backend()!r}"
        ) from error


def _name_graph(proto, specs):
    """Names graph inputs after the specs, outputs ``output_<i>``, and dynamic axes readably; checks
    that every ``None`` axis is dynamic in the file."""
    graph = proto.graph
    initializers = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    if len(inputs) != len(specs):
        raise ValueError(f"The exported graph has {len(inputs)} inputs for {len(specs)} input specs. "
                         f"Received: specs={specs}")
    symbols = {}
    for value, spec in zip(inputs, specs):
        dims = value.type.tensor_type.shape.dim
        for axis, (dim, size) in enumerate(zip(dims, spec.shape)):
            if size is None and not dim.dim_param:
                raise ValueError(
                    f"Axis {axis} of input '{spec.name}' is dynamic (None) in the input signature, but the export "
                    f"fixed it to {dim.dim_value}: a layer of the model needs a fixed size there. Give that axis a "
                    f"size in `input_signature`. Received: shape={spec.shape}"
                )
            if size is None and dim.dim_param not in symbols:
                symbols[dim.dim_param] = "batch" if axis == 0 else f"{spec.name}_dim{axis}"
    used = set(symbols.values())
    if len(used) == len(symbols):
        _rename_symbols(graph, symbols)
    _rename_values(graph, inputs, [s.name for s in specs], as_input=True)
    outputs = list(graph.output)
    names = ["output_0"] if len(outputs) == 1 else [f"output_{i}" for i in range(len(outputs))]
    _rename_values(graph, outputs, names, as_input=False)


def _rename_symbols(graph, symbols):
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        for dim in value.type.tensor_type.shape.dim:
            if dim.dim_param in symbols:
                dim.dim_param = symbols[dim.dim_param]


def _rename_values(graph, values, names, as_input):
    """Renames graph inputs/outputs through an Identity node: a rename stays correct even when the
    old name is used inside subgraphs (Loop/Scan bodies)."""
    import onnx

    taken = {v.name for v in list(graph.input) + list(graph.output)}
    taken |= {o for node in graph.node for o in node.output}
    prefix_nodes = []
    for value, name in zip(values, names):
        if value.name == name:
            continue
        if name in taken:
            raise ValueError(f"Cannot name a graph {'input' if as_input else 'output'} '{name}': the exported graph "
                             f"already uses that name. Rename the model input. Received: name={name!r}")
        old = value.name
        value.name = name
        taken.add(name)
        if as_input:
            prefix_nodes.append(onnx.helper.make_node("Identity", [name], [old], name=f"rename_{name}"))
        else:
            graph.node.append(onnx.helper.make_node("Identity", [old], [name], name=f"rename_{name}"))
    for node in reversed(prefix_nodes):
        graph.node.insert(0, node)
