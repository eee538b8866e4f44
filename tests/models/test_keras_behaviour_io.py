"""Models fed and inspected the way Keras programs do it: dict inputs keyed by input names (any
order) in every entry point, dict targets and sample weights keyed by output names, and
``get_state_tree``/``set_state_tree`` with Keras's nested structure."""

import numpy as np
import pytest

import cornu as keras

RNG = np.random.default_rng(0)
XA, XB = RNG.normal(size=(8, 2)).astype("float32"), RNG.normal(size=(8, 3)).astype("float32")
Y1, Y2 = RNG.normal(size=(8, 1)).astype("float32"), RNG.normal(size=(8, 2)).astype("float32")
W1, W2 = np.linspace(0.5, 2.0, 8).astype("float32"), np.linspace(2.0, 0.1, 8).astype("float32")


def _two_in_two_out(lib, seed=1):
    a, b = lib.Input((2,), name="a"), lib.Input((3,), name="b")
    h = lib.layers.Concatenate()([a, b])
    init = lib.initializers.GlorotUniform(seed=seed)
    # Output names sort differently from their order, so a dict laid out by sorted keys is wrong.
    out_z = lib.layers.Dense(1, name="z_out", kernel_initializer=init)(h)
    out_a = lib.layers.Dense(2, name="a_out", kernel_initializer=init)(h)
    model = lib.Model([a, b], [out_z, out_a])
    return model


def _reference(lib):
    model = _two_in_two_out(lib)
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss=["mse", "mse"])
    return model


def _same_weights(model, reference):
    model.set_weights(reference.get_weights())
    return model


def _numpy_outputs(model, xa, xb):
    outs = model.predict([xa, xb], verbose=0)
    return [np.asarray(o) for o in outs]


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_dict_inputs_in_predict_call_and_batches(order):
    model = _two_in_two_out(keras)
    expected = _numpy_outputs(model, XA, XB)
    x = {name: {"a": XA, "b": XB}[name] for name in order}
    for got in (model.predict(x, verbose=0), model(x), model.predict_on_batch(x)):
        for g, e in zip(got, expected):
            np.testing.assert_allclose(keras.ops.convert_to_numpy(g), e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_dict_inputs_in_evaluate_and_test_on_batch(order):
    model = _reference(keras)
    x = {name: {"a": XA, "b": XB}[name] for name in order}
    expected = model.evaluate([XA, XB], [Y1, Y2], verbose=0)
    np.testing.assert_allclose(model.evaluate(x, [Y1, Y2], verbose=0), expected, rtol=1e-5)
    np.testing.assert_allclose(model.test_on_batch(x, [Y1, Y2]), expected, rtol=1e-5)


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("entry", ["fit", "train_on_batch"])
def test_dict_inputs_train_like_lists(entry):
    with_list, with_dict = _reference(keras), _reference(keras)
    _same_weights(with_dict, with_list)
    x_dict = {"b": XB, "a": XA}
    if entry == "fit":
        with_list.fit([XA, XB], [Y1, Y2], batch_size=8, shuffle=False, verbose=0)
        with_dict.fit(x_dict, [Y1, Y2], batch_size=8, shuffle=False, verbose=0)
    else:
        with_list.train_on_batch([XA, XB], [Y1, Y2])
        with_dict.train_on_batch(x_dict, [Y1, Y2])
    for a, b in zip(with_list.get_weights(), with_dict.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_missing_input_key_is_a_clear_error():
    model = _two_in_two_out(keras)
    for run in (lambda: model.predict({"a": XA}, verbose=0), lambda: model({"a": XA})):
        with pytest.raises(ValueError, match=r"without the input\(s\) \['b'\].*\['a', 'b'\]"):
            run()


def test_extra_input_keys_are_ignored_as_in_keras(keras_ref):
    x = {"a": XA, "b": XB, "unused": XA}
    ours = _two_in_two_out(keras)
    theirs = _same_weights(_two_in_two_out(keras_ref), ours)
    for o, t in zip(ours.predict(x, verbose=0), theirs.predict(x, verbose=0)):
        np.testing.assert_allclose(o, t, rtol=1e-5, atol=1e-6)


def test_dict_targets_and_sample_weights_match_keras(keras_ref):
    ours = _reference(keras)
    theirs = _same_weights(_reference(keras_ref), ours)
    y = {"a_out": Y2, "z_out": Y1}
    expected = theirs.evaluate([XA, XB], [Y1, Y2], verbose=0)
    np.testing.assert_allclose(ours.evaluate([XA, XB], y, verbose=0), expected, rtol=1e-5)
    # Keras 3.15.1 fails on dict sample weights (KeyError 0); the list form is the reference.
    expected_weighted = theirs.evaluate([XA, XB], [Y1, Y2], sample_weight=[W1, W2], verbose=0)
    got = ours.evaluate([XA, XB], y, sample_weight={"a_out": W2, "z_out": W1}, verbose=0)
    np.testing.assert_allclose(got, expected_weighted, rtol=1e-5)


@pytest.mark.requires_trainable_backend
def test_fit_with_dict_targets_and_sample_weights_matches_lists():
    with_lists, with_dicts = _reference(keras), _reference(keras)
    _same_weights(with_dicts, with_lists)
    with_lists.fit([XA, XB], [Y1, Y2], sample_weight=[W1, W2], batch_size=8, shuffle=False, verbose=0)
    with_dicts.fit({"a": XA, "b": XB}, {"z_out": Y1, "a_out": Y2}, sample_weight={"a_out": W2, "z_out": W1},
                   batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(with_lists.get_weights(), with_dicts.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("y, problem", [
    ({"z_out": Y1}, r"outputs \['a_out'\] have a loss but no target"),
    ({"z_out": Y1, "a_out": Y2, "typo": Y2}, r"keys \['typo'\] name no output"),
])
def test_wrong_target_keys_are_refused_as_in_keras(y, problem, keras_ref):
    with pytest.raises(ValueError, match=problem):
        _reference(keras).evaluate([XA, XB], y, verbose=0)
    with pytest.raises(ValueError):
        _reference(keras_ref).evaluate([XA, XB], y, verbose=0)


# ------------------------------------------------------------------------------ state trees

def _trained(lib):
    """A compiled model, trained one step where the backend trains (on NumPy neither model is)."""
    model = lib.Sequential([
        lib.Input((2,), name="my_input"),
        lib.layers.BatchNormalization(name="bn"),
        lib.layers.Dense(2, name="my_dense", kernel_initializer="ones"),
    ], name="my_sequential")
    model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    if keras.backend.backend() != "numpy":
        model.fit(np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]), batch_size=2,
                  shuffle=False, verbose=0)
    return model


def _structure(tree):
    return {k: _structure(v) if isinstance(v, dict) else tuple(np.shape(v)) for k, v in tree.items()}


def test_state_tree_structure_matches_keras(keras_ref):
    ours, theirs = _trained(keras).get_state_tree("numpy_array"), _trained(keras_ref).get_state_tree("numpy_array")
    assert _structure(ours) == _structure(theirs)
    assert set(ours) == {"trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables"}
    assert isinstance(ours["trainable_variables"]["my_sequential"]["my_dense"]["kernel"], np.ndarray)


@pytest.mark.requires_trainable_backend
def test_state_tree_values_match_keras(keras_ref):
    ours, theirs = _trained(keras).get_state_tree("numpy_array"), _trained(keras_ref).get_state_tree("numpy_array")

    def compare(a, b, path=""):
        for key in b:
            if isinstance(b[key], dict):
                compare(a[key], b[key], f"{path}/{key}")
            else:
                np.testing.assert_allclose(a[key], b[key], rtol=1e-5, atol=1e-6, err_msg=f"{path}/{key}")

    compare(ours, theirs)


def test_backend_tensor_format_and_bad_format():
    model = _trained(keras)
    kernel = model.get_state_tree()["trainable_variables"]["my_sequential"]["my_dense"]["kernel"]
    assert keras.backend.is_tensor(kernel)
    with pytest.raises(ValueError, match="value_format"):
        model.get_state_tree(value_format="list")


def test_set_state_tree_round_trip_and_keras_tree(keras_ref):
    source = _trained(keras_ref)
    target = _trained(keras)
    target.set_state_tree(source.get_state_tree("numpy_array"))
    for a, b in zip(target.get_weights(), source.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    tree = target.get_state_tree("numpy_array")
    np.testing.assert_allclose(tree["optimizer_variables"]["adam"]["iteration"],
                               source.get_state_tree("numpy_array")["optimizer_variables"]["adam"]["iteration"])
    # A partial tree (one group, one variable) assigns only that variable.
    zeros = {"trainable_variables": {"my_sequential": {"my_dense": {"bias": np.zeros(2, "float32")}}}}
    target.set_state_tree(zeros)
    np.testing.assert_array_equal(target.layers[1].bias.numpy(), np.zeros(2))
    np.testing.assert_allclose(target.layers[1].kernel.numpy(), source.layers[1].kernel.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="Unknown variable name: weights"):
        target.set_state_tree({"weights": {}})


def _one_output_in_a_list(keras_module):
    inputs = keras_module.Input((3,))
    outputs = keras_module.layers.Dense(2, kernel_initializer="ones")(inputs)
    return keras_module.Model(inputs, [outputs])


def test_a_single_output_given_as_a_list_comes_back_as_the_tensor(keras_ref):
    x = np.arange(6, dtype="float32").reshape(2, 3)
    ours, theirs = _one_output_in_a_list(keras), _one_output_in_a_list(keras_ref)
    assert isinstance(ours(keras.Input((3,))), list) and isinstance(theirs(keras_ref.Input((3,))), list)
    for model in (ours, theirs):
        predicted = model.predict(x, verbose=0)
        assert isinstance(predicted, np.ndarray)
        np.testing.assert_allclose(predicted, np.repeat(x.sum(1, keepdims=True), 2, axis=1))
    assert not isinstance(ours(x), (list, tuple))


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("loss, metrics", [("mse", ["mae"]), (["mse"], [["mae"]])])
def test_a_single_output_list_model_trains_with_either_compile_form(loss, metrics, keras_ref):
    x, y = np.ones((4, 3), "float32"), np.ones((4, 2), "float32")
    histories = []
    for module in (keras, keras_ref):
        model = _one_output_in_a_list(module)
        model.compile(optimizer="sgd", loss=loss, metrics=metrics)
        histories.append(model.fit(x, [y], epochs=1, verbose=0, shuffle=False).history)
    assert sorted(histories[0]) == sorted(histories[1]) == ["loss", "mae"]
    np.testing.assert_allclose(histories[0]["loss"], histories[1]["loss"], rtol=1e-5)
