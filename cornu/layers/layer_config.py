"""The serialization half of ``Layer``: configs, build configs, saved variables."""

from cornu import dtype_policies
from cornu.backend.common.load_budget import LoadBudgetExceeded

_LEGACY_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size")


def _auto_config_value(value):
    """True for what JSON holds as it is: plain scalars and lists, tuples and str-keyed dicts of them."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_auto_config_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _auto_config_value(v) for k, v in value.items())
    return False


class LayerConfig:
    """Mixin of ``Layer``: ``get_config``/``from_config``, build configs, weight saving hooks."""

    def get_config(self):
        """The constructor arguments as a JSON-able dict (``cls.from_config`` rebuilds the layer)."""
        from cornu.serialization.keras_objects import serialize_keras_object

        config = {"name": self.name, "trainable": self.trainable, "dtype": serialize_keras_object(self._dtype_policy)}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = serialize_keras_object(self.activity_regularizer)
        if type(self).get_config is LayerConfig.get_config and self._init_args:
            extra = {k: v for k, v in self._init_args.items() if k not in config and k not in _LEGACY_KWARGS}
            if not all(_auto_config_value(v) for v in extra.values()):
                raise NotImplementedError(
                    f"Layer {type(self).__name__} has arguments that are not plain Python values "
                    f"({sorted(k for k, v in extra.items() if not _auto_config_value(v))}), so it cannot "
                    "produce its config automatically. Override `get_config()`:\n\n"
                    "    def get_config(self):\n"
                    "        config = super().get_config()\n"
                    "        config.update({'units': self.units, ...})\n"
                    "        return config"
                )
            config.update(extra)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = dtype_policies.get(config["dtype"])
        try:
            return cls(**config)
        except LoadBudgetExceeded:
            raise
        except Exception as e:
            from cornu.saving.excerpt import short_excerpt

            # A config read from a file can be huge: quote only a short excerpt of it.
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={short_excerpt(config)}.\n\n"
                f"Exception encountered: {short_excerpt(str(e), limit=1000)}"
            ) from e

    def get_build_config(self):
        if self._build_shapes is None:
            return None
        shapes = {k: _listify(v) for k, v in self._build_shapes.items()}
        if len(shapes) == 1 and "input_shape" in shapes:
            return {"input_shape": shapes["input_shape"]}
        if len(shapes) == 1:
            return {"input_shape": next(iter(shapes.values()))}
        return {"shapes_dict": shapes}

    def build_from_config(self, config):
        if not config or self.built:
            return
        if "input_shape" in config:
            self.build(_tuplify(config["input_shape"]))
        elif "shapes_dict" in config:
            self.build(**{k: _tuplify(v) for k, v in config["shapes_dict"].items()})

    def save_own_variables(self, store):
        """Writes this layer's own variables into ``store`` as "0", "1", ..."""
        own = self._own_state()
        for i, v in enumerate(self._own_in_keras_order(own)):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store):
        own = self._own_state()
        ordered = self._own_in_keras_order(own)
        if len(store) != len(ordered):
            raise ValueError(
                f"Layer '{self.name}' expected {len(ordered)} variables, but received {len(store)} variables "
                "during loading. Make sure the layer is built the same way as the saved one "
                f"(expected: {[v.path for v in ordered]})."
            )
        for i, v in enumerate(ordered):
            v.assign(store[str(i)])


def _listify(shape):
    if isinstance(shape, tuple):
        return [_listify(s) for s in shape] if any(isinstance(s, (tuple, list)) for s in shape) else list(shape)
    if isinstance(shape, list):
        return [_listify(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _listify(v) for k, v in shape.items()}
    return shape


def _tuplify(shape):
    if isinstance(shape, list):
        if all(d is None or isinstance(d, int) for d in shape):
            return tuple(shape)
        return [_tuplify(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _tuplify(v) for k, v in shape.items()}
    return shape
