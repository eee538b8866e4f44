"""Side-by-side helpers: the same layer in cornu and in the real Keras."""

import json

import numpy as np

from cornu import backend, ops


def to_numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


def assert_close(actual, expected, atol=1e-5, rtol=1e-5):
    np.testing.assert_allclose(to_numpy(actual).astype("float64"), np.asarray(expected).astype("float64"),
                               atol=atol, rtol=rtol)


def comparable_config(layer):
    """The layer's config without its name, as JSON would give it back (tuples become lists)."""
    config = dict(layer.get_config())
    config.pop("name", None)
    return json.loads(json.dumps(config))


def assert_same_config(cornu_layer, keras_layer):
    ours, theirs = comparable_config(cornu_layer), comparable_config(keras_layer)
    differences = {k: (ours.get(k, "<missing>"), theirs.get(k, "<missing>"))
                   for k in set(ours) | set(theirs) if ours.get(k, "<missing>") != theirs.get(k, "<missing>")}
    assert not differences, f"config differs from Keras's (cornu, keras): {differences}"


def assert_same_weights_layout(cornu_layer, keras_layer):
    assert [w.name for w in cornu_layer.weights] == [w.name for w in keras_layer.weights]
    assert [w.trainable for w in cornu_layer.weights] == [w.trainable for w in keras_layer.weights]
    assert [tuple(w.shape) for w in cornu_layer.weights] == [tuple(w.shape) for w in keras_layer.weights]
    assert [w.name for w in cornu_layer.trainable_weights] == [w.name for w in keras_layer.trainable_weights]
    assert [w.name for w in cornu_layer.non_trainable_weights] == [
        w.name for w in keras_layer.non_trainable_weights]


def randomize_keras_weights(keras_layer, seed=0, positive=()):
    """Gives every Keras weight random values (names in ``positive`` get values in [0.5, 1.5])."""
    rng = np.random.default_rng(seed)
    values = []
    for w in keras_layer.weights:
        shape = tuple(w.shape)
        if w.name in positive:
            values.append(rng.uniform(0.5, 1.5, size=shape).astype("float32"))
        else:
            values.append(rng.normal(size=shape).astype("float32"))
    keras_layer.set_weights(values)


def copy_weights(keras_layer, cornu_layer):
    cornu_layer.set_weights([np.asarray(w) for w in keras_layer.get_weights()])


def mask_of(x):
    return backend.get_keras_mask(x)
