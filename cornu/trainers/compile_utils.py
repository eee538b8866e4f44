"""What ``compile`` turns its ``loss`` and ``metrics`` arguments into.

``CompileLoss`` matches losses to model outputs (single, list, or dict by
output name) and sums them with ``loss_weights``. ``CompileMetrics`` resolves
metric identifiers once the target and prediction shapes are known (so
``"accuracy"`` becomes binary, categorical or sparse-categorical accuracy,
as in Keras) and updates them each step.
"""

import optree

from cornu import backend
from cornu import ops


def _flatten(structure):
    return optree.tree_leaves(structure, none_is_leaf=True)


def _match_to_outputs(spec, output_names, what):
    """Returns one entry of ``spec`` per output (None where no entry applies)."""
    n = len(output_names)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in output_names]
        if unknown:
            raise ValueError(
                f"In the dict argument `{what}`, keys {unknown} do not match the model's output names "
                f"{output_names}. Received: {what}={spec}"
            )
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if len(spec) != n:
            raise ValueError(
                f"`{what}` should have one entry per model output ({n} outputs: {output_names}). "
                f"Received: {what}={spec}"
            )
        return list(spec)
    if n == 1:
        if isinstance(spec, (list, tuple)) and what == "loss":
            if len(spec) != 1:
                raise ValueError(f"The model has a single output; `loss` should be one loss. Received: loss={spec}")
            return [spec[0]]
        return [spec]
    return [spec] * n


def _get_loss(identifier):
    from cornu import losses as losses_module

    loss = losses_module.get(identifier)
    if isinstance(loss, losses_module.Loss):
        return loss
    if not callable(loss):
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
    name = identifier if isinstance(identifier, str) else getattr(loss, "__name__", "loss")
    return losses_module.LossFunctionWrapper(loss, name=name)


class CompileLoss:
    """The loss (or losses) given to ``compile``, applied to the model's outputs."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.raw_loss = loss
        self.raw_loss_weights = loss_weights
        self.output_names = output_names or ["output"]
        entries = _match_to_outputs(loss, self.output_names, "loss")
        self.losses = [_get_loss(entry) if entry is not None else None for entry in entries]
        active = [i for i, loss in enumerate(self.losses) if loss is not None]
        self.trackers = [None] * len(self.losses)
        if len(active) > 1:
            from cornu import metrics as metrics_module

            for i in active:
                self.trackers[i] = metrics_module.Mean(name=f"{self.output_names[i]}_loss")
        if loss_weights is None:
            self.weights = [1.0] * len(self.losses)
        elif isinstance(loss_weights, (int, float)):
            self.weights = [float(loss_weights)] * len(self.losses)
        else:
            self.weights = [1.0 if w is None else float(w) for w in _match_to_outputs(loss_weights, self.output_names, "loss_weights")]

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_true_flat = _flatten(y_true) if not isinstance(y_true, dict) else self._by_output_name(y_true, "y")
        y_pred_flat = _flatten(y_pred)
        if len(y_true_flat) != len(y_pred_flat):
            raise ValueError(
                f"The model has {len(y_pred_flat)} output(s) but {len(y_true_flat)} target(s) were given. "
                "Pass one target per output."
            )
        if isinstance(sample_weight, dict):
            sample_weights = self._by_output_name(sample_weight, "sample_weight")
        elif isinstance(sample_weight, (list, tuple)):
            sample_weights = _flatten(sample_weight)
        else:
            sample_weights = [sample_weight] * len(y_pred_flat)
        total = None
        for loss_fn, weight, tracker, yt, yp, sw in zip(
            self.losses, self.weights, self.trackers, y_true_flat, y_pred_flat, sample_weights
        ):
            if loss_fn is None or yt is None:
                continue
            value = ops.cast(loss_fn(yt, yp, sample_weight=sw), backend.floatx())
            if tracker is not None:
                # Per-output losses are logged unweighted, as in Keras.
                tracker.update_state(backend.stop_gradient(value), sample_weight=_flatten(yp)[0].shape[0])
            if weight != 1.0:
                value = value * weight
            total = value if total is None else total + value
        return total

    def _by_output_name(self, values, what):
        """A dict of targets or sample weights as one entry per output, in the outputs' order.

        Keys that name no output, and missing targets for an output that has a loss, are errors
        (Keras refuses both too): a typo must not silently train without that output's loss.
        """
        unknown = [k for k in values if k not in self.output_names]
        missing = [n for n, loss in zip(self.output_names, self.losses) if loss is not None and n not in values]
        if unknown or (what == "y" and missing):
            problem = f"keys {unknown} name no output" if unknown else f"outputs {missing} have a loss but no target"
            raise ValueError(
                f"The dict `{what}` must be keyed by the model's output names {list(self.output_names)}: "
                f"{problem}. Received: {what} with keys {list(values)}"
            )
        return [values.get(n) for n in self.output_names]

    @property
    def metrics(self):
        return [t for t in self.trackers if t is not None]


def _resolve_metric(identifier, y_true, y_pred, loss_fn):
    from cornu import metrics as metrics_module

    if isinstance(identifier, str) and identifier in ("accuracy", "acc", "crossentropy", "ce"):
        true_rank, pred_rank = len(y_true.shape), len(y_pred.shape)
        is_binary = y_pred.shape[-1] == 1
        is_sparse = true_rank < pred_rank or (y_true.shape[-1] == 1 and (y_pred.shape[-1] or 2) > 1)
        loss_name = type(loss_fn).__name__ if loss_fn is not None else ""
        if "BinaryCrossentropy" in loss_name or "binary_crossentropy" in getattr(loss_fn, "name", ""):
            is_binary = True
        if identifier in ("accuracy", "acc"):
            cls = (metrics_module.BinaryAccuracy if is_binary else
                   metrics_module.SparseCategoricalAccuracy if is_sparse else metrics_module.CategoricalAccuracy)
        else:
            cls = (metrics_module.BinaryCrossentropy if is_binary else
                   metrics_module.SparseCategoricalCrossentropy if is_sparse else metrics_module.CategoricalCrossentropy)
        return cls(name=identifier)
    metric = metrics_module.get(identifier)
    if not isinstance(metric, metrics_module.Metric):
        if not callable(metric):
            raise ValueError(f"Could not interpret metric identifier: {identifier!r}")
        name = identifier if isinstance(identifier, str) else getattr(metric, "__name__", "metric")
        return metrics_module.MeanMetricWrapper(metric, name=name)
    if isinstance(identifier, str):
        metric.name = identifier
    return metric


class CompileMetrics:
    """The metrics and weighted metrics given to ``compile``, built on the first batch."""

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        self.raw_metrics = metrics
        self.raw_weighted_metrics = weighted_metrics
        self.output_names = output_names or ["output"]
        for what, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value is not None and not isinstance(value, (list, tuple, dict)):
                raise ValueError(
                    f"Expected `{what}` argument to be a list, tuple, or dict. Received: {what}={value!r} "
                    f"of type {type(value).__name__}"
                )
        self.built = False
        self.metrics = []  # flat list of metric objects
        self._plan = []  # (output_index, metric, weighted)

    def build(self, y_true, y_pred, loss=None):
        y_true_flat = _flatten(y_true) if not isinstance(y_true, dict) else [y_true.get(n) for n in self.output_names]
        y_pred_flat = _flatten(y_pred)
        multi = len(y_pred_flat) > 1
        loss_fns = loss.losses if loss is not None else [None] * len(y_pred_flat)
        for raw, weighted in ((self.raw_metrics, False), (self.raw_weighted_metrics, True)):
            if raw is None:
                continue
            if multi:
                per_output = _match_to_outputs(raw, self.output_names, "metrics")
            elif isinstance(raw, (list, tuple)) and len(raw) == 1 and isinstance(raw[0], (list, tuple)):
                per_output = [raw[0]]  # `Model(x, [y])` compiled with one list of metrics per output
            elif isinstance(raw, dict) and self.output_names and len(self.output_names) == 1:
                per_output = [raw.get(self.output_names[0])]
            else:
                per_output = [raw]
            for index, entries in enumerate(per_output):
                if entries is None:
                    continue
                if not isinstance(entries, (list, tuple)):
                    entries = [entries]
                for identifier in entries:
                    metric = _resolve_metric(identifier, y_true_flat[index], y_pred_flat[index], loss_fns[index])
                    if multi:
                        metric.name = f"{self.output_names[index]}_{metric.name}"
                    if weighted and any(m.name == metric.name for m in self.metrics):
                        metric.name = f"weighted_{metric.name}"
                    self.metrics.append(metric)
                    self._plan.append((index, metric, weighted))
        self.built = True

    @property
    def variables(self):
        out = []
        for metric in self.metrics:
            out.extend(metric.variables)
        return out

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true_flat = _flatten(y_true) if not isinstance(y_true, dict) else [y_true.get(n) for n in self.output_names]
        y_pred_flat = _flatten(y_pred)
        sample_weights = _flatten(sample_weight) if isinstance(sample_weight, (list, tuple, dict)) else [sample_weight] * len(y_pred_flat)
        for index, metric, weighted in self._plan:
            if y_true_flat[index] is None:
                continue
            if weighted:
                metric.update_state(y_true_flat[index], y_pred_flat[index], sample_weight=sample_weights[index])
            else:
                metric.update_state(y_true_flat[index], y_pred_flat[index])

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()
