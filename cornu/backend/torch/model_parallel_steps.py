"""How a torch step runs under a multi-process ``ModelParallel``: variables are DTensors laid out
by the ``LayoutMap`` (``dtensor_layouts.py``), and the step is the one-device step on them.

- Batches: with ``auto_shard_dataset=True`` every process's data yields the global batch and the
  step sees it as a DTensor split along the mesh's batch axis (processes that differ only in the
  model axes hold the same rows); with False each process's data already yields its rows.
- Gradients: ``torch.autograd.grad`` on DTensors; torch's sharding propagation reduces the
  gradients of replicated variables over the batch axis and keeps split ones split.
- Metrics and predictions: the loss, targets and predictions are gathered to whole tensors
  (``full_tensor``) before the metrics see them, so every process holds the metrics of the
  global batch and ``predict`` returns every row on every process.

Example:
>>> placement = ModelParallelPlacement(model, "train", distribution)
>>> logs = placement.run(step, batch)
"""

import optree
import torch

from cornu.backend.torch import distribution as engine
from cornu.backend.torch import dtensor_layouts
from cornu.backend.torch.active_placement import running


class ModelParallelPlacement:
    splits_variables = True

    def __init__(self, model, kind, distribution):
        self.model = model
        self.kind = kind
        self.distribution = distribution
        self.mesh = engine.torch_mesh(distribution.device_mesh)

    def run(self, step, data):
        """``step(data)`` with the batch split along the mesh's batch axis."""
        data = optree.tree_map(self._distributed_leaf, data, none_is_leaf=True)
        with running(self):
            output = step(data)
        if self.kind == "predict":
            return optree.tree_map(dtensor_layouts.full, output, none_is_leaf=True)
        return output

    def _distributed_leaf(self, x):
        shape = getattr(x, "shape", None)
        if not shape or getattr(getattr(x, "dtype", None), "kind", "f") in "USO":
            return x  # scalars and strings stay whole
        if dtensor_layouts.is_distributed(x):
            return x
        if self.distribution.auto_shard_dataset:
            return dtensor_layouts.shard_batch(x, self.distribution, self.mesh)
        return dtensor_layouts.local_rows_as_batch(x, self.distribution, self.mesh)

    def global_metrics_update(self, update_metrics):
        """``update_metrics`` fed with whole tensors (the global batch) on every process."""
        def update(loss, x, y, y_pred, sample_weight):
            whole = lambda tree: optree.tree_map(_whole, tree, none_is_leaf=True)  # noqa: E731
            return update_metrics(whole(loss), whole(x), whole(y), whole(y_pred), whole(sample_weight))

        return update


def _whole(x):
    return dtensor_layouts.full(x).detach() if isinstance(x, torch.Tensor) else x
