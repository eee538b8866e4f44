"""``Model.input_shape``/``output_shape`` and ``Layer.input``/``output`` against the real Keras:
the same values for Functional and Sequential models, and the same errors for a layer never called
(``Layer.input_shape``/``output_shape`` do not exist in Keras 3, so not here either)."""

import pytest

import cornu as keras


def _functional(lib):
    a = lib.Input((4,), name="a")
    dense = lib.layers.Dense(3, name="d")
    return lib.Model(a, dense(a)), dense


def _two_in_two_out(lib):
    x1, x2 = lib.Input((2,), name="x1"), lib.Input((3,), name="x2")
    return lib.Model([x1, x2], [lib.layers.Dense(1, name="o1")(x1), lib.layers.Dense(2, name="o2")(x2)])


def _sequential(lib):
    return lib.Sequential([lib.Input((4,)), lib.layers.Dense(2), lib.layers.Dense(5)])


@pytest.mark.parametrize("make", [_functional, _two_in_two_out, _sequential])
def test_model_shapes_match_keras(make, keras_ref):
    ours, theirs = make(keras), make(keras_ref)
    ours, theirs = (m[0] if isinstance(m, tuple) else m for m in (ours, theirs))
    assert ours.input_shape == theirs.input_shape
    assert ours.output_shape == theirs.output_shape


def test_single_io_shapes_are_tuples():
    model, _ = _functional(keras)
    assert model.input_shape == (None, 4)
    assert model.output_shape == (None, 3)
    assert _two_in_two_out(keras).output_shape == [(None, 1), (None, 2)]


def test_layer_input_and_output_are_the_first_call_site(keras_ref):
    for lib in (keras, keras_ref):
        model, dense = _functional(lib)
        first_input, first_output = dense.input, dense.output
        assert tuple(first_input.shape) == (None, 4) and tuple(first_output.shape) == (None, 3)
        assert first_input is model.inputs[0]
        dense(lib.Input((4,)))  # a second call site: Keras still answers with the first one
        assert dense.input is first_input and dense.output is first_output
    sequential = _sequential(keras)
    assert tuple(sequential.layers[1].output.shape) == (None, 5)
    assert sequential.layers[1].input is sequential.layers[0].output


@pytest.mark.parametrize("attr", ["input", "output"])
def test_never_called_layer_raises_as_keras(attr, keras_ref):
    messages = []
    for lib in (keras, keras_ref):
        layer = lib.layers.Dense(2, name="lonely")
        with pytest.raises(AttributeError) as info:
            getattr(layer, attr)
        messages.append(str(info.value))
    expected = f"The layer lonely has never been called and thus has no defined {attr}."
    assert messages[1] == expected
    # On torch a layer is a torch.nn.Module, whose __getattr__ answers for a property that raised
    # AttributeError: Keras on torch gives the same "'Dense' object has no attribute" message.
    assert messages[0] in (expected, f"'Dense' object has no attribute '{attr}'")
    if keras.backend.backend() != "torch":
        assert messages[0] == expected


@pytest.mark.parametrize("attr", ["input_shape", "output_shape"])
def test_layers_have_no_shape_attributes_as_in_keras(attr, keras_ref):
    for lib in (keras, keras_ref):
        _, dense = _functional(lib)
        assert not hasattr(dense, attr)


@pytest.mark.parametrize("attr", ["input_shape", "output_shape"])
def test_unbuilt_sequential_shapes_raise_as_keras(attr, keras_ref):
    messages = []
    for lib in (keras, keras_ref):
        model = lib.Sequential([lib.layers.Dense(2)], name="seq")
        with pytest.raises(AttributeError) as info:
            getattr(model, attr)
        messages.append(str(info.value))
    assert messages[1] == f"Sequential model 'seq' has no defined {attr.replace('_', ' ')} yet."
    if keras.backend.backend() == "torch":  # torch.nn.Module.__getattr__ answers, as in Keras on torch
        assert messages[0] in (messages[1], f"'Sequential' object has no attribute '{attr}'")
    else:
        assert messages[0] == messages[1]
