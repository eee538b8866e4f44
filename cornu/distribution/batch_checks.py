"""Checks, before any step runs, that the batches can be split over the data-parallel devices
of the distribution in force (every batch must split evenly along the mesh's batch axis)."""

from cornu.distribution.current import distribution


def data_parallel_size(value=None):
    """How many parts a batch is split into under ``value`` (default: the distribution in force)."""
    value = value if value is not None else distribution()
    if value is None:
        return 1
    mesh = value.device_mesh
    return dict(zip(mesh.axis_names, mesh.shape)).get(value.batch_dim_name, 1)


def check_batches_split_evenly(adapter, steps_per_epoch=None):
    """Raises when the data of ``adapter`` (arrays: sizes known up front) has a batch, or a last
    batch, that the data-parallel devices cannot share evenly.

    Example:
    >>> check_batches_split_evenly(ArrayDataAdapter(x, y, batch_size=12))  # 8 devices: raises
    """
    value = distribution()
    parts = data_parallel_size(value)
    batch_size = getattr(adapter, "batch_size", None)
    samples = getattr(adapter, "num_samples", None)
    if parts == 1 or not batch_size or (value.num_processes > 1 and not value.auto_shard_dataset):
        return
    if batch_size % parts:
        raise ValueError(
            f"`batch_size` must be a multiple of the number of data-parallel devices ({parts}, the size of the mesh "
            f"axis '{value.batch_dim_name}'): each device takes an equal share of every batch. "
            f"Received: batch_size={batch_size}, data-parallel size={parts}"
        )
    last = samples % batch_size if samples and steps_per_epoch is None else 0
    if last % parts:
        raise ValueError(
            f"The last batch holds {last} samples ({samples} samples in batches of {batch_size}), which the {parts} "
            "data-parallel devices cannot share evenly: use a number of samples that is a multiple of "
            f"{parts} (e.g. drop the last {last % parts}), or pass `steps_per_epoch`/`steps`. "
            f"Received: num_samples={samples}, batch_size={batch_size}, data-parallel size={parts}"
        )
