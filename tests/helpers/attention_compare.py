"""Helpers for running an attention layer side by side in cornu and in the real Keras."""

import numpy as np

import cornu

from tests.helpers.layer_compare import assert_close, assert_same_weights_layout, to_numpy


def random_array(shape, seed, scale=1.0):
    return (np.random.default_rng(seed).normal(size=shape) * scale).astype("float32")


def paired_layers(keras_ref, class_name, **kwargs):
    """The same layer in cornu and Keras. Zeros initializers: Keras on JAX compiles random initializers
    once per shape (seconds); every weight gets random values before comparing anyway."""
    if class_name in ("MultiHeadAttention", "GroupQueryAttention"):
        kwargs.setdefault("kernel_initializer", "zeros")
    return getattr(cornu.layers, class_name)(**kwargs), getattr(keras_ref.layers, class_name)(**kwargs)


def give_same_random_weights(layer, ref, seed=7, scale=0.5):
    """Random weights in ``ref`` (small, so softmax stays well-conditioned), copied into ``layer``."""
    assert_same_weights_layout(layer, ref)
    assert [w.path for w in layer.weights] == [w.path for w in ref.weights]
    rng = np.random.default_rng(seed)
    ref.set_weights([(rng.normal(size=tuple(w.shape)) * scale).astype("float32") for w in ref.weights])
    layer.set_weights([np.asarray(w) for w in ref.get_weights()])


def assert_outputs_match(ours, theirs, atol=1e-5, rtol=1e-5):
    """Compares single outputs or (output, scores) pairs, shapes and values."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_outputs_match(a, b, atol, rtol)
        return
    expected = np.asarray(theirs)
    assert tuple(ours.shape) == expected.shape
    assert to_numpy(ours).dtype == expected.dtype
    assert_close(ours, expected, atol=atol, rtol=rtol)


def run_side_by_side(layer, ref, args, call_kwargs=None, atol=1e-5):
    """Builds both layers on ``args``, gives them the same weights and compares their outputs."""
    call_kwargs = call_kwargs or {}
    ref(*args, **call_kwargs)
    layer(*args, **call_kwargs)
    give_same_random_weights(layer, ref)
    expected = ref(*args, **call_kwargs)
    out = layer(*args, **call_kwargs)
    assert_outputs_match(out, expected, atol=atol)
    return out, expected
