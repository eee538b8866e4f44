"""``model.export(path, format="tfjs")``: a TensorFlow.js layers model, written without TensorFlow.

The result is a folder that ``tf.loadLayersModel("<url>/model.json")`` loads in a browser or in
Node.js: ``model.json`` (``format: "layers-model"``, the graph as the Keras 2 config TF.js reads,
and the ``weightsManifest``) plus ``group1-shard*of*.bin`` weight files of at most 4 MiB each. It is
made from cornu's own config and weights, so neither TensorFlow nor the ``tensorflowjs`` package is
needed, on any backend. Sequential and Functional models whose layers TF.js has (Dense, the
convolution, pooling, normalization, embedding and recurrent layers, merges, activations, ...)
export; anything TF.js would compute differently is refused with an error naming the layer.

Example:
>>> model = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(2, activation="softmax")])
>>> model.export("web_model", format="tfjs")
>>> sorted(os.listdir("web_model"))
['group1-shard1of1.bin', 'model.json']

In JavaScript::

    const model = await tf.loadLayersModel("web_model/model.json");
    model.predict(tf.tensor2d([[1, 2, 3, 4]])).print();
"""

import cornu
from cornu import backend
from cornu.export.tfjs_files import DEFAULT_SHARD_SIZE, weight_shards, write_model_folder
from cornu.export.tfjs_topology import model_topology

FORMAT = "layers-model"


def export_tfjs(model, filepath, verbose=None, input_signature=None, weight_shard_size_bytes=DEFAULT_SHARD_SIZE,
                **kwargs):
    """Writes ``model`` as a TensorFlow.js layers model into the folder ``filepath``.

    Args:
        model: a built Sequential or Functional cornu model.
        filepath: the folder to write (created; a previous TF.js export there is replaced, a folder
            holding other files is refused).
        verbose: print where the model was written. Defaults to True.
        input_signature: optional input shapes/dtypes (see ``model.export``); the batch dimension
            is always dynamic.
        weight_shard_size_bytes: the largest weight file, in bytes. Defaults to 4 MiB, as TF.js's
            converter.

    Example:
    >>> export_tfjs(model, "web_model")
    """
    if kwargs:
        raise ValueError(f"Unknown arguments for format='tfjs': {sorted(kwargs)}. It takes `verbose`, "
                         f"`input_signature` and `weight_shard_size_bytes`. Received: {kwargs}")
    topology, weights = model_topology(model, input_signature)
    manifest, shards = weight_shards(
        [(name, backend.convert_to_numpy(variable.value)) for name, variable in weights], weight_shard_size_bytes)
    model_json = model_json_dict(topology, manifest)
    write_model_folder(filepath, model_json, shards)
    if verbose is None or verbose:
        print(f"Saved a TensorFlow.js layers model to '{filepath}' (load it with "
              f"`tf.loadLayersModel('<url of the folder>/model.json')`).")
    return filepath


def model_json_dict(topology, manifest):
    """The content of ``model.json`` for a topology and a weights manifest."""
    return {
        "format": FORMAT,
        "generatedBy": f"cornu {cornu.__version__}",
        "convertedBy": f"cornu {cornu.__version__} TF.js layers-model writer",
        "modelTopology": topology,
        "weightsManifest": manifest,
    }
