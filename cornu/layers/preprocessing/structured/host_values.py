"""Bringing a layer's inputs to the host, for string and hash work that only NumPy can do."""

import numpy as np

from cornu import backend


def to_host_array(layer, inputs):
    """``inputs`` as a NumPy array; a clear error when they are traced (inside a compiled step).

    Hashing runs on the host (FarmHash and SipHash over the values' bytes): it takes NumPy data,
    Python values and eager backend tensors, but cannot run inside a compiled function, where a
    tensor has no value yet.
    """
    if isinstance(inputs, np.ndarray):
        return inputs
    if not backend.is_tensor(inputs):
        return np.asarray(inputs)
    try:
        return np.asarray(backend.convert_to_numpy(inputs))
    except Exception as error:  # a traced tensor (e.g. jax's TracerArrayConversionError)
        raise ValueError(
            f"Layer {type(layer).__name__} ('{layer.name}') hashes on the host and cannot run inside a "
            "compiled (traced) function, such as a jitted `fit`/`predict` step on JAX. Apply it to the "
            "data in the input pipeline (call it on NumPy arrays, e.g. in a PyDataset or a tf.data map), "
            "or compile the model with `jit_compile=False` (or `run_eagerly=True`). "
            f"Received: inputs={inputs!r}"
        ) from error
