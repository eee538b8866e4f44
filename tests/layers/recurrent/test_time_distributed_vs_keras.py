"""``TimeDistributed`` side by side with the real Keras: numbers, masks, configs, shapes, errors."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from cornu.layers.recurrent.time_distributed import TimeDistributed

from tests.helpers.layer_compare import (assert_close, assert_same_config, assert_same_weights_layout,
                                         comparable_config, copy_weights, randomize_keras_weights, to_numpy)

INNER_CASES = [
    ("Dense", dict(units=3, activation="tanh"), (2, 4, 5)),
    ("Conv2D", dict(filters=3, kernel_size=2, padding="same"), (2, 3, 5, 4, 2)),
    ("Conv2D", dict(filters=2, kernel_size=3, strides=2, data_format="channels_first"), (2, 3, 2, 7, 6)),
    ("Conv1D", dict(filters=2, kernel_size=3), (3, 4, 6, 2)),
]


def _pair(keras_ref, inner_name, **kwargs):
    ours = TimeDistributed(getattr(layers, inner_name)(**kwargs))
    theirs = keras_ref.layers.TimeDistributed(getattr(keras_ref.layers, inner_name)(**kwargs))
    return ours, theirs


def _time_mask(batch, steps, seed=3):
    mask = np.random.default_rng(seed).uniform(size=(batch, steps)) > 0.4
    mask[:, 0] = True
    return mask


@pytest.mark.parametrize("inner, kwargs, shape", INNER_CASES, ids=[c[0] + str(i) for i, c in enumerate(INNER_CASES)])
def test_outputs_weights_and_masks_match_keras(keras_ref, inner, kwargs, shape):
    ours, theirs = _pair(keras_ref, inner, **kwargs)
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    theirs.build(shape)
    randomize_keras_weights(theirs, seed=2)
    ours.build(shape)
    assert_same_weights_layout(ours, theirs)
    copy_weights(theirs, ours)
    expected = np.asarray(theirs(x))
    out = ours(x)
    assert tuple(out.shape) == expected.shape
    assert_close(out, expected)

    # A (batch, time) mask does not change the numbers and reaches the output unchanged.
    mask = _time_mask(shape[0], shape[1])
    assert_close(ours(x, mask=mask), np.asarray(theirs(x, mask=mask)))
    masked_input = backend.convert_to_tensor(x)
    backend.set_keras_mask(masked_input, backend.convert_to_tensor(mask))
    masked_output = ours(masked_input)
    assert_close(masked_output, expected)
    np.testing.assert_array_equal(to_numpy(backend.get_keras_mask(masked_output)), mask)

    # Symbolic shapes equal eager ones, with an unknown batch and with unknown batch and time.
    assert ours(cornu.KerasTensor((None,) + shape[1:])).shape == (None,) + expected.shape[1:]
    unknown_time = (None, None) + shape[2:]
    assert ours(cornu.KerasTensor(unknown_time)).shape == (None, None) + expected.shape[2:]
    assert ours.compute_output_shape(unknown_time) == tuple(theirs.compute_output_shape(unknown_time))


def test_mask_from_embedding_flows_through_a_functional_model(keras_ref):
    def build(lib, time_distributed):
        inputs = lib.Input((5,), dtype="int32")
        embedded = lib.layers.Embedding(7, 4, mask_zero=True)(inputs)
        hidden = time_distributed(lib.layers.Dense(3))(embedded)
        return lib.Model(inputs, hidden)

    ours, theirs = build(cornu, TimeDistributed), build(keras_ref, keras_ref.layers.TimeDistributed)
    randomize_keras_weights(theirs, seed=4)
    ours.set_weights(theirs.get_weights())
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 6, 0]], "int32")
    assert_close(ours(tokens), np.asarray(theirs(tokens)))
    td = ours.layers[-1]
    embedded = ours.layers[1](tokens)
    np.testing.assert_array_equal(to_numpy(backend.get_keras_mask(td(embedded))), tokens != 0)


def test_layer_that_mixes_the_batch_runs_step_by_step_like_keras(keras_ref):
    """BatchNormalization in training normalises each time step with its own batch statistics."""
    ours = TimeDistributed(layers.BatchNormalization())
    theirs = keras_ref.layers.TimeDistributed(keras_ref.layers.BatchNormalization())
    x = (np.random.default_rng(5).normal(size=(4, 3, 2)) * np.array([1.0, 5.0, 10.0])[None, :, None]).astype("float32")
    ours.build(x.shape)
    theirs.build(x.shape)
    assert_same_weights_layout(ours, theirs)
    mask = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1], [1, 1, 1]], bool)
    assert_close(ours(x, training=True, mask=mask), np.asarray(theirs(x, training=True, mask=mask)), atol=1e-4)
    for ours_weight, their_weight in zip(ours.weights, theirs.weights):
        assert_close(ours_weight.value, np.asarray(their_weight.value), atol=1e-5)


def test_config_round_trip_and_keras_config(keras_ref):
    ours, theirs = _pair(keras_ref, "Conv2D", filters=3, kernel_size=2, padding="same")
    assert_same_config(ours, theirs)
    clone = TimeDistributed.from_config(ours.get_config())
    assert comparable_config(clone) == comparable_config(ours)
    assert isinstance(clone.layer, layers.Conv2D) and clone.layer is not ours.layer

    # A config written by Keras loads in cornu, and a built one keeps working.
    from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object

    theirs.build((None, 3, 5, 5, 2))
    loaded = deserialize_keras_object(keras_ref.saving.serialize_keras_object(theirs))
    assert isinstance(loaded, TimeDistributed)
    assert loaded(np.ones((2, 3, 5, 5, 2), "float32")).shape == (2, 3, 5, 5, 3)
    again = deserialize_keras_object(serialize_keras_object(loaded))
    assert comparable_config(again) == comparable_config(loaded)


def test_training_flag_reaches_the_wrapped_layer():
    layer = TimeDistributed(layers.Dropout(0.5, seed=1))
    x = np.ones((4, 3, 8), "float32")
    np.testing.assert_array_equal(to_numpy(layer(x)), x)
    dropped = to_numpy(layer(x, training=True))
    assert (dropped == 0).any() and set(np.unique(dropped)) <= {0.0, 2.0}


def test_weights_are_shared_across_time_steps():
    layer = TimeDistributed(layers.Dense(2))
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    out = to_numpy(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out, x @ kernel + bias, atol=1e-5)
    assert len(layer.weights) == 2


@pytest.mark.parametrize("make_call, message", [
    (lambda: TimeDistributed("dense"), "Layer"),
    (lambda: TimeDistributed(layers.Dense(2, name="inner"), name="td_a")(np.ones((2, 3), "float32")),
     "at least 3 dimensions"),
    (lambda: TimeDistributed(layers.Dense(2), name="td_a")(np.ones((2, 3, 4), "float32"),
                                                           mask=np.ones((2,), bool)), "at least 2D"),
    (lambda: TimeDistributed(layers.Dense(2), name="td_a")(np.ones((2, 3, 4), "float32"),
                                                           mask=np.ones((2, 5), bool)), "timesteps"),
])
def test_clear_errors(make_call, message):
    with pytest.raises(ValueError, match=message):
        make_call()


def test_constructor_signature_matches_keras(keras_ref):
    import inspect

    ours = inspect.signature(TimeDistributed.__init__).parameters
    theirs = inspect.signature(keras_ref.layers.TimeDistributed.__init__).parameters
    assert list(ours) == list(theirs)


def test_a_saved_model_records_the_outer_build_shape_and_loads_both_ways(keras_ref, tmp_path):
    """The wrapper builds its child on (batch, ...): the build config still holds the
    (batch, time, ...) shape it was built with, as Keras writes it."""
    import json
    import zipfile

    inputs = cornu.Input((4, 3))
    model = cornu.Model(inputs, TimeDistributed(layers.Dense(2))(inputs))
    path = str(tmp_path / "td.keras")
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        saved = json.loads(zf.read("config.json"))["config"]["layers"][1]["build_config"]
    assert saved == {"input_shape": [None, 4, 3]}
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    expected = backend.convert_to_numpy(model(x))
    assert_close(backend.convert_to_numpy(cornu.saving.load_model(path)(x)), expected)
    assert_close(np.asarray(keras_ref.saving.load_model(path)(x)), expected)
