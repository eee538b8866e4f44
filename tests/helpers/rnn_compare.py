"""Helpers for the recurrent layers' side-by-side tests: the same layer in cornu and the real Keras."""

import numpy as np

from cornu.layers import recurrent

from tests.helpers.layer_compare import to_numpy


def as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def assert_outputs_close(ours, theirs, atol=1e-5):
    ours, theirs = as_list(ours), as_list(theirs)
    assert len(ours) == len(theirs), f"{len(ours)} outputs vs Keras's {len(theirs)}"
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), np.asarray(b), atol=atol, rtol=1e-5)


def random_weights(keras_layer, seed=0, scale=0.5):
    rng = np.random.default_rng(seed)
    return [(scale * rng.normal(size=tuple(w.shape))).astype("float32") for w in keras_layer.weights]


def paired_layers(keras_ref, class_name, input_shape, weight_seed=0, **kwargs):
    """A cornu layer and a Keras layer of ``class_name``, built for ``input_shape``, with the same random weights.

    Zeros initializers keep Keras from compiling its random initializers (slow); every weight is
    overwritten with random values anyway.
    """
    cheap = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"}
    kwargs = {**cheap, **kwargs}
    ours = getattr(recurrent, class_name)(**kwargs)
    theirs = getattr(keras_ref.layers, class_name)(**kwargs)
    theirs.build(input_shape)
    ours.build(input_shape)
    weights = random_weights(theirs, seed=weight_seed)
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


def sequences(shape, seed=1):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")
