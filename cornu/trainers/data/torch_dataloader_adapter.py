"""Batches from a ``torch.utils.data.DataLoader``, on every backend.

Nothing here imports torch: the loader is iterated as any Python iterable and
its tensors become NumPy unless the active backend is torch.
"""

from cornu.trainers.data.array_conversion import batch_for_backend
from cornu.trainers.data.data_adapter import PeekableIterableAdapter
from cornu.trainers.data.packing import standardize_batch


def is_torch_dataloader(x):
    """True for a ``torch.utils.data.DataLoader`` (or subclass), detected by class name."""
    return any(
        cls.__name__ == "DataLoader" and "torch.utils.data" in str(cls.__module__) for cls in type(x).__mro__
    )


class TorchDataLoaderAdapter(PeekableIterableAdapter):
    """Iterates a torch ``DataLoader`` once per pass; its own sampler decides the order.

    Example:
    >>> loader = torch.utils.data.DataLoader(dataset, batch_size=32)
    >>> model.fit(loader, epochs=3)  # works on the jax backend too
    """

    source_name = "torch DataLoader"

    def __init__(self, dataloader):
        super().__init__()
        self._dataloader = dataloader
        self.batch_size = dataloader.batch_size
        self.num_batches = len(dataloader) if hasattr(dataloader.dataset, "__len__") else None

    def _iterate(self):
        for batch in self._dataloader:
            yield batch_for_backend(standardize_batch(batch, source="torch DataLoader"))
