"""How a torch step runs under ``DataParallel`` over several processes (``torchrun``).

- Batches: with ``auto_shard_dataset=True`` (the default) the data yields the global batch and
  process ``r`` keeps its contiguous rows ``[r * n / W, (r + 1) * n / W)``, so the step sees
  what one process would see split in W; with False each process's data already yields its rows.
- Gradients: the forward pass runs through ``torch.nn.parallel.DistributedDataParallel``
  wrapping the cornu model (a ``torch.nn.Module``), and ``backward`` lets DDP average the
  gradients bucket by bucket while backward still runs. DDP also broadcasts process 0's
  weights when it wraps the model, so every process starts from the same weights.
- Metrics: the loss is averaged and ``y``, ``y_pred`` and ``sample_weight`` are gathered
  from every process before the metrics are updated, so every process holds the metrics of the
  global batch (the same on every process, as one process would compute them); the callbacks
  that only process 0 runs then read the same numbers. When the loss is the only metric and no
  one reads a step's logs (the trainer defers the step results), each process adds its own
  losses to the loss tracker and the trackers' sums are added up once, when the runner finishes
  the epoch: one collective an epoch instead of one a step.
- Predict: each process predicts its rows and the outputs are gathered, so every process
  returns every prediction.

Example:
>>> placement = DataParallelPlacement.for_runner(model, "train")   # None on one process
>>> logs = placement.run(step, batch)
"""

import weakref

import optree
import torch
import torch.distributed as dist

from cornu.backend.torch import distribution as engine
from cornu.backend.torch.active_placement import running

_DDP_MODULES = weakref.WeakKeyDictionary()  # model -> (ids of its trainable parameters, DDP wrapper)


class DataParallelPlacement:
    splits_variables = False

    def __init__(self, model, kind, distribution):
        self.model = model
        self.kind = kind
        self.distribution = distribution
        self.world_size = engine.num_processes()
        self.rank = engine.process_id()
        engine.check_mesh(distribution.device_mesh)
        self._check_replicated(model, distribution)

    @classmethod
    def for_runner(cls, model, kind):
        """The placement for a runner, or None when no distribution spans several processes."""
        distribution = engine.current_distribution()
        if distribution is None:
            return None
        if not engine.is_multi_process():
            engine.check_mesh(distribution.device_mesh)
            return None
        if hasattr(distribution, "_layout_map") and distribution.device_mesh.devices.size > 1:
            from cornu.backend.torch.model_parallel_steps import ModelParallelPlacement

            return ModelParallelPlacement(model, kind, distribution)
        return cls(model, kind, distribution)

    @staticmethod
    def _check_replicated(model, distribution):
        for variable in model.variables:
            layout = distribution.get_variable_layout(variable)
            axes = getattr(layout, "axes", None)
            if axes is not None and any(axis is not None for axis in axes):
                raise engine.not_built_error(
                    "A variable split over the mesh (ModelParallel)",
                    f"variable '{variable.path}' with layout axes {tuple(axes)}")

    # ---------------------------------------------------------------- running a step
    def run(self, step, data):
        """``step(data)`` on this process's rows, with this placement active for the step."""
        with running(self):
            output = step(self.local_rows(data))
        if self.kind == "predict":
            return optree.tree_map(self._gather_rows, output, none_is_leaf=True)
        return output

    def local_rows(self, data):
        if not self.distribution.auto_shard_dataset:
            return data  # each process's data already holds only its rows
        return optree.tree_map(self._local_leaf, data, none_is_leaf=True)

    def _local_leaf(self, x):
        shape = getattr(x, "shape", None)
        if not shape or getattr(getattr(x, "dtype", None), "kind", "f") in "USO":
            return x  # scalars and strings stay whole
        rows = shape[0]
        if rows % self.world_size:
            raise ValueError(
                f"A batch of {rows} samples cannot be split evenly over the {self.world_size} processes of the "
                "data-parallel run: use a batch size that is a multiple of the number of processes (and, for the "
                "last batch of an epoch, a number of samples that is a multiple of the batch size, or "
                f"`steps_per_epoch`). Received: batch_size={rows}, num_processes={self.world_size}"
            )
        part = rows // self.world_size
        return x[self.rank * part:(self.rank + 1) * part]

    # ---------------------------------------------------------------- collectives
    def _gather_rows(self, x):
        if not isinstance(x, torch.Tensor):
            return x
        original = x
        x = x.detach().contiguous()
        if x.dtype == torch.bool:
            x = x.to(torch.uint8)
        device = engine.collective_device()
        parts = [torch.empty_like(x, device=device) for _ in range(self.world_size)]
        dist.all_gather(parts, x.to(device))
        return torch.cat(parts, 0).to(device=original.device, dtype=original.dtype)

    def _mean(self, x):
        if not isinstance(x, torch.Tensor):
            return x
        total = x.detach().to(engine.collective_device(), copy=True)
        dist.all_reduce(total)
        return (total / self.world_size).to(device=x.device, dtype=x.dtype)

    def global_metrics_update(self, update_metrics):
        """``update_metrics`` fed with the whole global batch's loss, targets and predictions
        (only the loss when the model has no metrics reading the others; this process's loss
        alone when, in addition, nobody reads the step's logs: see ``finish``)."""
        if _reads_only_the_loss(self.model):
            tracker = getattr(self.model, "_loss_tracker", None)
            if getattr(self.model, "_defer_step_results", False) and _is_sum_and_count(tracker):
                self._local_loss_sums = tracker
                return update_metrics
            return lambda loss, x, y, y_pred, sample_weight: update_metrics(self._mean(loss), x, y, y_pred,
                                                                            sample_weight)

        def update(loss, x, y, y_pred, sample_weight):
            gather = lambda tree: optree.tree_map(self._gather_rows, tree, none_is_leaf=True)  # noqa: E731
            return update_metrics(self._mean(loss), x, gather(y), gather(y_pred), gather(sample_weight))

        return update

    _local_loss_sums = None  # the loss tracker holding this process's sums only

    def finish(self, failed):
        """Adds up the processes' loss-tracker sums (once an epoch; see ``global_metrics_update``).
        Skipped when the epoch failed: a peer may be gone, and the logs are not read."""
        tracker, self._local_loss_sums = self._local_loss_sums, None
        if tracker is None or failed:
            return
        variables = (tracker.total, tracker.count)
        sums = torch.stack([v.value.detach().to(torch.float64) for v in variables]).to(engine.collective_device())
        dist.all_reduce(sums)
        for variable, value in zip(variables, sums.cpu()):
            variable.assign(value.to(variable.value.dtype))

    # ---------------------------------------------------------------- DDP
    def ddp_module(self, model, params):
        """The ``DistributedDataParallel`` wrapper of ``model`` (made once; again if the
        trainable parameters changed)."""
        key = tuple(id(p) for p in params)
        entry = _DDP_MODULES.get(model)
        if entry is None or entry[0] != key:
            device = engine.collective_device()
            device_ids = [device.index] if device.type == "cuda" else None
            wrapper = torch.nn.parallel.DistributedDataParallel(model, device_ids=device_ids)
            entry = _DDP_MODULES[model] = (key, wrapper)
        return entry[1]


def _is_sum_and_count(tracker):
    """Whether ``tracker`` is a ``Mean`` whose result is ``total / count`` (so that processes' sums add up)."""
    return (type(tracker).__name__ == "Mean" and type(tracker).__module__ == "cornu.metrics.reduction_metrics"
            and hasattr(tracker, "total") and hasattr(tracker, "count"))


def _reads_only_the_loss(model):
    """True when the step's metrics are the loss alone: no compiled metrics and the trainer's own
    ``compute_metrics`` (the only reader of targets and predictions), so gathering them is waste."""
    compute_metrics = getattr(type(model), "compute_metrics", None)
    metrics = getattr(model, "_compile_metrics", None)
    no_metrics = metrics is None or (getattr(metrics, "raw_metrics", 1) is None
                                     and getattr(metrics, "raw_weighted_metrics", 1) is None)
    return no_metrics and getattr(compute_metrics, "__module__", "") == "cornu.trainers.trainer"
