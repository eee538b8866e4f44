"""Recognising array-like inputs (NumPy, pandas, scipy sparse, jax/torch tensors)
and turning them into NumPy without importing a framework the user did not use.

Tensor types are recognised by walking their class's MRO for a class name and
module, so a torch tensor is detected on the JAX backend only because torch is
already loaded by whoever created it.
"""

import numpy as np
import optree

from cornu import backend


def _mro_has(value, name, module_test):
    return any(cls.__name__ == name and module_test(str(cls.__module__)) for cls in type(value).__mro__)


def is_torch_tensor(value):
    """True for a ``torch.Tensor`` (detected without importing torch)."""
    return _mro_has(value, "Tensor", lambda module: module.endswith("torch"))


def is_jax_array(value):
    """True for a ``jax.Array`` (detected without importing jax)."""
    return _mro_has(value, "Array", lambda module: module == "jax")


def is_pandas_series(value):
    return _mro_has(value, "Series", lambda module: module.startswith("pandas"))


def is_pandas_dataframe(value):
    return _mro_has(value, "DataFrame", lambda module: module.startswith("pandas"))


def is_scipy_sparse(value):
    return str(type(value).__module__).startswith("scipy.sparse") and hasattr(value, "tocsr")


def is_array_like(value):
    """Whether ``value`` can be sliced along its first axis as one array."""
    return (
        isinstance(value, np.ndarray)
        or is_torch_tensor(value)
        or is_jax_array(value)
        or is_pandas_series(value)
        or is_pandas_dataframe(value)
        or is_scipy_sparse(value)
        or hasattr(value, "__array__")
    )


def can_convert_arrays(structure):
    """True when every leaf of ``structure`` (Nones aside) is array-like, and there is at least one."""
    leaves = optree.tree_leaves(structure, none_is_leaf=False)
    return bool(leaves) and all(is_array_like(leaf) for leaf in leaves)


def _torch_to_numpy(tensor):
    tensor = tensor.detach().cpu()
    if str(tensor.dtype) == "torch.bfloat16":
        tensor = tensor.float()
    return tensor.numpy()


def leaf_to_numpy(value):
    """One array-like leaf as a NumPy array (scipy sparse stays sparse, as CSR)."""
    if isinstance(value, np.ndarray):
        return value
    if is_torch_tensor(value):
        return _torch_to_numpy(value)
    if is_pandas_series(value):
        return np.expand_dims(value.to_numpy(), axis=-1)
    if is_pandas_dataframe(value):
        return value.to_numpy()
    if is_scipy_sparse(value):
        return value.tocsr()
    return np.asarray(value)


def cast_floats_to_floatx(array):
    """Casts a float array that is not in ``floatx`` to ``floatx``, as Keras does for array inputs."""
    dtype = getattr(array, "dtype", None)
    if dtype is None or dtype == object or not backend.is_float_dtype(dtype):
        return array
    if backend.standardize_dtype(dtype) == backend.floatx():
        return array
    return array.astype(backend.floatx())


def arrays_to_numpy(structure):
    """A nested structure of array-likes as NumPy arrays, with floats in ``floatx``."""
    return optree.tree_map(lambda a: cast_floats_to_floatx(leaf_to_numpy(a)), structure, none_is_leaf=False)


def batch_for_backend(batch):
    """Turns other frameworks' tensors into NumPy, leaving the backend's device tensors alone.

    Used for batches coming from generators, datasets and data loaders. Host
    (CPU) torch tensors always go through NumPy (a zero-copy view), so the
    backend's ``device_put_batch`` moves them to its default device; a torch
    tensor already on an accelerator stays as it is on the torch backend.
    """

    def convert(value):
        if isinstance(value, np.ndarray):
            return value
        if is_torch_tensor(value):
            keep = backend.is_tensor(value) and (
                str(value.device) != "cpu" or str(value.dtype) == "torch.bfloat16"
            )
            return value if keep else _torch_to_numpy(value)
        if backend.is_tensor(value):
            return value
        if hasattr(value, "__array__") and not is_scipy_sparse(value):
            return np.asarray(value)
        return value

    return optree.tree_map(convert, batch, none_is_leaf=False)
