"""Random initializers: plain distributions, variance scaling, orthogonal.

Seeding follows Keras: an int seed (or no seed, which draws one int at
construction) makes every call of the same initializer return the same
values; a ``SeedGenerator`` seed gives new values on every call.
"""

import math
import random as python_random

import numpy as np

from cornu import ops
from cornu import random
from cornu.initializers.initializer import Initializer
from cornu.serialization.registry import keras_export

# sqrt(scale / fan) is the stddev *after* truncation at two standard deviations;
# this is the stddev of a unit normal truncated to [-2, 2].
_TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


def _serialize_seed(seed):
    if isinstance(seed, random.SeedGenerator):
        from cornu.serialization.keras_objects import serialize_keras_object

        return serialize_keras_object(seed)
    return seed


class RandomInitializer(Initializer):
    """Base of the seeded initializers: holds the seed and serializes it."""

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = python_random.randint(1, int(1e9))
        elif isinstance(seed, dict):
            from cornu.serialization.keras_objects import deserialize_keras_object

            seed = deserialize_keras_object(seed)
        elif isinstance(seed, np.integer):
            seed = int(seed)
        if isinstance(seed, bool) or not isinstance(seed, (int, random.SeedGenerator)):
            raise ValueError(
                "`seed` must be an int or a `cornu.random.SeedGenerator`. Pass an int for "
                f"reproducible values. Received: seed={seed!r}"
            )
        self.seed = seed

    def get_config(self):
        return {"seed": _serialize_seed(self._init_seed)}


@keras_export("keras.initializers.RandomNormal", "keras.initializers.random_normal")
class RandomNormal(RandomInitializer):
    """Samples from a normal distribution ``N(mean, stddev**2)``.

    Example:
    >>> init = cornu.initializers.RandomNormal(mean=0.0, stddev=1.0, seed=1)
    >>> values = init((2, 2))
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@keras_export("keras.initializers.TruncatedNormal", "keras.initializers.truncated_normal")
class TruncatedNormal(RandomInitializer):
    """Samples from ``N(mean, stddev**2)``, redrawing values beyond two standard deviations.

    Example:
    >>> values = cornu.initializers.TruncatedNormal(stddev=1.0, seed=1)((3, 3))
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.truncated_normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@keras_export("keras.initializers.RandomUniform", "keras.initializers.random_uniform")
class RandomUniform(RandomInitializer):
    """Samples uniformly from ``[minval, maxval)``.

    Example:
    >>> values = cornu.initializers.RandomUniform(-1.0, 1.0, seed=1)((3,))
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.uniform(shape, minval=self.minval, maxval=self.maxval, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(shape, input_axes=None, output_axes=None):
    """``(fan_in, fan_out)`` of a weight shape.

    2D shapes are ``(inputs, outputs)``; longer shapes are convolution kernels
    ``(*spatial, in_channels, out_channels)`` whose spatial size multiplies both
    fans. ``input_axes``/``output_axes`` (both given) pick the axes explicitly.

    Example:
    >>> compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return int(math.prod(shape[a] for a in input_axes)), int(math.prod(shape[a] for a in output_axes))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


@keras_export("keras.initializers.VarianceScaling", "keras.initializers.variance_scaling")
class VarianceScaling(RandomInitializer):
    """Scales its distribution to the weight's fan so activations keep their variance.

    With ``n`` the fan chosen by ``mode`` (``"fan_in"``, ``"fan_out"`` or
    ``"fan_avg"``): normal distributions get ``stddev = sqrt(scale / n)``
    (measured after truncation for ``"truncated_normal"``) and ``"uniform"``
    samples from ``[-limit, limit]`` with ``limit = sqrt(3 * scale / n)``.

    Example:
    >>> init = cornu.initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform")
    >>> values = init((64, 32))
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be a positive float. Received: scale={scale}")
        modes = ("fan_in", "fan_out", "fan_avg")
        if mode not in modes:
            raise ValueError(f"Invalid `mode`: use one of {modes}. Received: mode={mode!r}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        distributions = ("uniform", "truncated_normal", "untruncated_normal")
        if distribution not in distributions:
            raise ValueError(
                f"Invalid `distribution`: use one of {distributions}. Received: distribution={distribution!r}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, fan)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / _TRUNCATED_NORMAL_STDDEV
            return random.truncated_normal(shape, mean=0.0, stddev=stddev, dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random.normal(shape, mean=0.0, stddev=math.sqrt(variance), dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: only the seed and axes are arguments."""

    _scale = 1.0
    _mode = "fan_in"
    _distribution = "truncated_normal"

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(
            scale=self._scale,
            mode=self._mode,
            distribution=self._distribution,
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self):
        return {
            "seed": _serialize_seed(self._init_seed),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


@keras_export("keras.initializers.GlorotUniform", "keras.initializers.glorot_uniform")
class GlorotUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]`` with ``limit = sqrt(6 / (fan_in + fan_out))`` (Xavier).

    Example:
    >>> values = cornu.initializers.GlorotUniform(seed=0)((4, 3))
    """

    _scale, _mode, _distribution = 1.0, "fan_avg", "uniform"


@keras_export("keras.initializers.GlorotNormal", "keras.initializers.glorot_normal")
class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))`` (Xavier).

    Example:
    >>> values = cornu.initializers.GlorotNormal(seed=0)((4, 3))
    """

    _scale, _mode, _distribution = 1.0, "fan_avg", "truncated_normal"


@keras_export("keras.initializers.LecunNormal", "keras.initializers.lecun_normal")
class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(1 / fan_in)`` (pairs with ``selu``).

    Example:
    >>> values = cornu.initializers.LecunNormal(seed=0)((4, 3))
    """

    _scale, _mode, _distribution = 1.0, "fan_in", "truncated_normal"


@keras_export("keras.initializers.LecunUniform", "keras.initializers.lecun_uniform")
class LecunUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]`` with ``limit = sqrt(3 / fan_in)``.

    Example:
    >>> values = cornu.initializers.LecunUniform(seed=0)((4, 3))
    """

    _scale, _mode, _distribution = 1.0, "fan_in", "uniform"


@keras_export("keras.initializers.HeNormal", "keras.initializers.he_normal")
class HeNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / fan_in)`` (for ReLU networks).

    Example:
    >>> values = cornu.initializers.HeNormal(seed=0)((4, 3))
    """

    _scale, _mode, _distribution = 2.0, "fan_in", "truncated_normal"


@keras_export("keras.initializers.HeUniform", "keras.initializers.he_uniform")
class HeUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]`` with ``limit = sqrt(6 / fan_in)``.

    Example:
    >>> values = cornu.initializers.HeUniform(seed=0)((4, 3))
    """

    _scale, _mode, _distribution = 2.0, "fan_in", "uniform"


@keras_export(
    "keras.initializers.Orthogonal",
    "keras.initializers.orthogonal",
    "keras.initializers.OrthogonalInitializer",
)
class Orthogonal(RandomInitializer):
    """An orthogonal matrix times ``gain``, from the QR decomposition of a normal sample.

    Shapes with more than two dimensions are flattened to
    ``(prod(shape[:-1]), shape[-1])`` first; with fewer rows than columns the
    rows are orthonormal, otherwise the columns.

    Example:
    >>> w = cornu.initializers.Orthogonal(seed=0)((4, 4))  # w.T @ w == I
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(
                "The orthogonal initializer needs a tensor of rank 2 or more. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        sample = random.normal((max(rows, cols), min(rows, cols)), seed=self.seed, dtype=dtype)
        q, r = ops.qr(sample)
        # Fix the sign of each column so the result is uniform over orthogonal matrices.
        q = q * ops.sign(ops.diag(r))
        if rows < cols:
            q = ops.transpose(q)
        return ops.cast(self.gain, q.dtype) * ops.reshape(q, shape)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}
