"""``InputSpec``: what a layer accepts, checked before any work is done."""

from cornu import backend
from cornu.serialization.registry import keras_export


@keras_export("keras.InputSpec", "keras.layers.InputSpec")
class InputSpec:
    """Specifies the rank, dtype and shape a layer's input must have.

    Example:
    >>> layer.input_spec = cornu.InputSpec(ndim=2, axes={-1: 16})
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = backend.standardize_dtype(dtype) if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            top = (self.ndim if self.ndim is not None else self.max_ndim) - 1
            if max(self.axes) > top:
                raise ValueError(f"Axis {max(self.axes)} is greater than the maximum allowed value: {top}")

    def get_config(self):
        return {
            "dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim, "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        fields = {k: v for k, v in self.get_config().items() if v}
        return "InputSpec(" + ", ".join(f"{k}={v}" for k, v in fields.items()) + ")"


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raises a clear ValueError when ``inputs`` do not satisfy ``input_spec``."""
    if not input_spec:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    if isinstance(inputs, dict):
        flat = list(inputs.values())
    if len(specs) != len(flat):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received {len(flat)} input tensors. '
            f"Received: inputs={inputs}"
        )
    for index, (spec, x) in enumerate(zip(specs, flat)):
        if spec is None or x is None:
            continue
        shape = tuple(x.shape)
        rank = len(shape)
        where = f'Input {index} of layer "{layer_name}"'
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and rank != spec.ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected ndim={spec.ndim}, found ndim={rank}. "
                f"Full shape received: {shape}"
            )
        if spec.max_ndim is not None and rank > spec.max_ndim:
            raise ValueError(f"{where} is incompatible with the layer: expected max_ndim={spec.max_ndim}, found ndim={rank}")
        if spec.min_ndim is not None and rank < spec.min_ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected min_ndim={spec.min_ndim}, found ndim={rank}. "
                f"Full shape received: {shape}"
            )
        if spec.dtype is not None and backend.standardize_dtype(x.dtype) != spec.dtype:
            raise ValueError(f"{where} is incompatible with the layer: expected dtype={spec.dtype}, found dtype={x.dtype}")
        for axis, value in spec.axes.items():
            if value is None:
                continue
            try:
                actual = shape[axis]
            except IndexError:
                actual = None
            if actual is not None and actual != value:
                raise ValueError(
                    f"{where} is incompatible with the layer: expected axis {axis} of input shape to have "
                    f"value {value}, but received input with shape {shape}"
                )
        if spec.shape is not None:
            for expected, actual in zip(spec.shape, shape):
                if expected is not None and actual is not None and expected != actual:
                    raise ValueError(
                        f"{where} is incompatible with the layer: expected shape={spec.shape}, found shape={shape}"
                    )
