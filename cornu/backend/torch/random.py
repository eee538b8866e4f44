"""PyTorch random ops. ``seed`` is an int32 tensor of shape (2,) drawn by a
SeedGenerator; it seeds a fresh ``torch.Generator`` so results are stateless."""

import numpy as np
import torch

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.torch.core import DEFAULT_DEVICE, convert_to_tensor, to_torch_dtype

SEED_DTYPE = "int32"


def _seed_int(seed):
    values = seed.tolist() if isinstance(seed, torch.Tensor) else np.asarray(seed).tolist()
    return int(values[0]) * 1_000_003 + int(values[1]) & 0x7FFFFFFFFFFFFFFF


def _generator(seed):
    if torch.compiler.is_compiling():
        # Inside a compiled step the seed's value is not known while tracing: draw from torch's
        # global generator, which compiled graphs advance themselves.
        return None
    g = torch.Generator(device=DEFAULT_DEVICE)
    g.manual_seed(_seed_int(seed))
    return g


def _standard_gamma(alpha, seed):
    """``torch._standard_gamma`` draws from the global generator only: seed it inside a forked
    RNG state, so the draw depends on ``seed`` alone and the global state is left as it was."""
    on_cuda = alpha.device.type == "cuda"
    with torch.random.fork_rng(devices=[alpha.device] if on_cuda else []):
        if on_cuda:
            torch.cuda.manual_seed(_seed_int(seed))
        else:
            torch.default_generator.manual_seed(_seed_int(seed))
        return torch._standard_gamma(alpha)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = to_torch_dtype(standardize_dtype(dtype))
    out = torch.randn(tuple(shape), generator=_generator(seed), dtype=dtype, device=DEFAULT_DEVICE)
    return out * stddev + mean


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = to_torch_dtype(standardize_dtype(dtype))
    out = torch.rand(tuple(shape), generator=_generator(seed), dtype=dtype, device=DEFAULT_DEVICE)
    return out * (maxval - minval) + minval


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = to_torch_dtype(standardize_dtype(dtype))
    generator = _generator(seed)
    # Rejection sampling: draw once, redraw only the ~4.6% outside two standard deviations
    # (torch's trunc_normal_ runs an inverse-CDF pass over the whole tensor, ~3x slower).
    out = torch.randn(tuple(shape), generator=generator, dtype=dtype, device=DEFAULT_DEVICE)
    index = ((out < -2) | (out > 2)).nonzero(as_tuple=True)
    while index[0].numel():
        redraw = torch.randn(index[0].numel(), generator=generator, dtype=dtype, device=out.device)
        out[index] = redraw
        rejected = (redraw < -2) | (redraw > 2)
        index = tuple(i[rejected] for i in index)
    return out * stddev + mean


def randint(shape, minval, maxval, dtype="int32", seed=None):
    out = torch.randint(int(minval), int(maxval), tuple(shape), generator=_generator(seed), device=DEFAULT_DEVICE)
    return out.to(to_torch_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    keep = 1.0 - rate
    shape = inputs.shape if noise_shape is None else tuple(
        inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape)
    )
    mask = torch.rand(tuple(shape), generator=_generator(seed), device=inputs.device) < keep
    return torch.where(mask, inputs / keep, torch.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    perm = torch.randperm(x.shape[axis], generator=_generator(seed), device=x.device)
    return torch.index_select(x, axis, perm)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    probs = torch.softmax(logits.to(torch.float64 if logits.dtype == torch.float64 else torch.float32), dim=-1)
    samples = torch.multinomial(probs, num_samples, replacement=True, generator=_generator(seed))
    return samples.to(to_torch_dtype(dtype))


def _filled(value, shape, dtype):
    return torch.broadcast_to(torch.as_tensor(value, dtype=dtype, device=DEFAULT_DEVICE), tuple(shape)).contiguous()


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = to_torch_dtype(standardize_dtype(dtype))
    compute = torch.float64 if dtype == torch.float64 else torch.float32
    counts, probabilities = _filled(counts, shape, compute), _filled(probabilities, shape, compute)
    return torch.binomial(counts, probabilities, generator=_generator(seed)).to(dtype)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = to_torch_dtype(standardize_dtype(dtype))
    compute = torch.float64 if dtype == torch.float64 else torch.float32
    return _standard_gamma(_filled(alpha, shape, compute), seed).to(dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = to_torch_dtype(standardize_dtype(dtype))
    compute = torch.float64 if dtype == torch.float64 else torch.float32
    # Beta(a, b) = X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), drawn from one seeded stream.
    both = _standard_gamma(torch.stack([_filled(alpha, shape, compute), _filled(beta, shape, compute)]), seed)
    return (both[0] / (both[0] + both[1])).to(dtype)


def set_global_seed(seed):
    """Seeds torch's global generator (used by code outside cornu's seeded ops)."""
    torch.manual_seed(int(seed))
