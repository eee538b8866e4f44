"""``split_dataset`` for PyTorch, as Keras does it: ``random_split`` of a ``TensorDataset``.

Like the interop layers' ``native.py``, this file holds torch's own objects (a user asked for
torch ``Subset``s), so it is one of the few places outside ``cornu/backend`` that imports
torch, lazily, only when called.
"""

import numpy as np
import optree

from cornu.utils import split_sizes


def split_torch(dataset, arrays_of, left_size, right_size, shuffle, seed):
    """Two torch ``Subset``s of ``dataset`` (a torch ``Dataset``, or arrays made into a
    ``TensorDataset`` through ``arrays_of(dataset) -> (arrays, batch_size)``)."""
    import torch
    from torch.utils.data import Dataset, TensorDataset, random_split

    if not isinstance(dataset, Dataset):
        arrays, _ = arrays_of(dataset)
        leaves = optree.tree_leaves(arrays)
        dataset = TensorDataset(*(torch.from_numpy(np.ascontiguousarray(leaf)) for leaf in leaves))
    left_size, right_size = split_sizes.rescale(left_size, right_size, len(dataset))
    generator = None
    if shuffle:
        generator = torch.Generator()
        if seed is not None:
            generator.manual_seed(seed)
        else:
            generator.seed()
    return tuple(random_split(dataset, [left_size, right_size], generator=generator))
