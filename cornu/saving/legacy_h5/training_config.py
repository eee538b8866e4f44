"""Compiling a model loaded from a legacy `.h5` file from its ``training_config``.

The optimizer, loss and metrics are rebuilt by name through cornu's own
namespaces (``cornu.optimizers``, ``cornu.losses``, ``cornu.metrics``) and
the serialization registry, so nothing outside them can be built. tf.keras 2
spellings are accepted: ``Custom>Adam``, ``lr``, ``decay`` and other options
Keras 3 optimizers no longer take (dropped), ``reduction="auto"``,
``MeanMetricWrapper`` metrics and per-output metric lists. Anything that
cannot be rebuilt leaves the model uncompiled with a warning.
"""

import inspect
import warnings

from cornu.backend.common.load_budget import LoadBudgetExceeded
from cornu.saving.excerpt import short_excerpt

_RENAMED_OPTIMIZER_ARGS = {"lr": "learning_rate"}


def _optimizer(config, custom_objects, safe_mode):
    from cornu import optimizers
    from cornu.serialization.keras_objects import deserialize_keras_object

    if isinstance(config, str):
        return optimizers.get(config)
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(f"`optimizer_config` must be a dict with a 'class_name'. Received: {short_excerpt(config)}")
    class_name = config["class_name"]
    if class_name.startswith("Custom>"):  # how tf.keras 2.11-2.15 registered its built-in optimizers
        class_name = class_name[len("Custom>"):]
    options = dict(config.get("config") or {})
    cls = optimizers.ALL_OBJECTS_DICT.get(class_name.lower())
    if cls is None:  # a user's optimizer: only a registered one or one in `custom_objects` resolves
        return optimizers.deserialize({**config, "class_name": class_name}, custom_objects=custom_objects)
    for old, new in _RENAMED_OPTIMIZER_ARGS.items():
        if old in options:
            options.setdefault(new, options.pop(old))
    if options.get("decay"):
        warnings.warn(
            f"The saved optimizer '{class_name}' used `decay={options['decay']}`, which Keras 3 optimizers no "
            "longer support; it is ignored. Use a `LearningRateSchedule` instead.",
            stacklevel=4,
        )
    accepted = inspect.signature(cls.__init__).parameters
    options = {k: v for k, v in options.items() if k in accepted}
    if isinstance(options.get("learning_rate"), dict):
        options["learning_rate"] = deserialize_keras_object(options["learning_rate"], custom_objects=custom_objects,
                                                            safe_mode=safe_mode)
    return cls(**options)


def _loss(config, custom_objects):
    from cornu import losses

    if config is None or isinstance(config, str):
        return config
    if isinstance(config, dict) and "class_name" in config:
        inner = dict(config.get("config") or {})
        if inner.get("reduction") == "auto":  # tf.keras 2's default
            inner["reduction"] = "sum_over_batch_size"
        return losses.deserialize({**config, "config": inner}, custom_objects=custom_objects)
    if isinstance(config, dict):
        return {k: _loss(v, custom_objects) for k, v in config.items()}
    if isinstance(config, list):
        return [_loss(v, custom_objects) for v in config]
    raise ValueError(f"Loss config not understood. Received: {short_excerpt(config)}")


def _metric(config, custom_objects):
    from cornu import metrics

    if config is None or isinstance(config, str):
        return config
    if isinstance(config, dict) and "class_name" in config:
        inner = config.get("config") or {}
        if config["class_name"] == "MeanMetricWrapper":  # tf.keras 2 wrapped plain metric functions
            fn = inner.get("fn")
            return fn if isinstance(fn, str) and metrics.get(fn) is not None else inner.get("name")
        return metrics.deserialize(config, custom_objects=custom_objects)
    if isinstance(config, dict):
        return {k: _metric(v, custom_objects) for k, v in config.items()}
    if isinstance(config, list):
        return [_metric(v, custom_objects) for v in config]
    raise ValueError(f"Metric config not understood. Received: {short_excerpt(config)}")


def _unwrap_single_output(model, value):
    """tf.keras 2 wrote one metrics list per output; a single-output model takes the inner list."""
    outputs = getattr(model, "outputs", None) or []
    if len(outputs) == 1 and isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        return value[0]
    return value


def compile_args(training_config, model, custom_objects=None, safe_mode=True):
    """The keyword arguments of ``model.compile`` described by a legacy ``training_config`` dict.

    Example:
    >>> compile_args({"loss": "mse", "metrics": ["mae"], "optimizer_config": {"class_name": "Adam", "config": {}}},
    ...              model)["loss"]
    'mse'
    """
    if not isinstance(training_config, dict):
        raise ValueError(f"`training_config` must be a dict. Received: {short_excerpt(training_config)}")
    return {
        "optimizer": _optimizer(training_config.get("optimizer_config"), custom_objects, safe_mode),
        "loss": _loss(training_config.get("loss"), custom_objects),
        "metrics": _unwrap_single_output(model, _metric(training_config.get("metrics"), custom_objects)),
        "weighted_metrics": _unwrap_single_output(
            model, _metric(training_config.get("weighted_metrics"), custom_objects)),
        "loss_weights": training_config.get("loss_weights"),
    }


def compile_from_training_config(model, training_config, custom_objects=None, safe_mode=True, source="the file"):
    """Compiles ``model`` as ``training_config`` says; warns and leaves it uncompiled when that is impossible.

    Returns whether the model was compiled.

    Example:
    >>> compile_from_training_config(model, {"loss": "mse", "optimizer_config": {"class_name": "SGD", "config": {}}})
    True
    """
    try:
        model.compile(**compile_args(training_config, model, custom_objects, safe_mode))
    except LoadBudgetExceeded:  # not a config problem: the whole load is refused
        raise
    except Exception as e:  # an unknown optimizer/loss/metric: Keras warns and returns the model uncompiled
        warnings.warn(
            f"The model in {source} was loaded but *not* compiled: its training configuration could not be "
            f"rebuilt ({type(e).__name__}: {short_excerpt(str(e), 300)}). Compile it manually, or pass "
            "`compile=False`.",
            stacklevel=3,
        )
        return False
    return True
