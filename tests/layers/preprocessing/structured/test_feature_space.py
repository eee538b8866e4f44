"""``FeatureSpace``: encodings side by side with the real Keras on a generated table, adapt from
every kind of data, ``.keras`` files both ways, and a model trained on the encoded features."""

import json

import numpy as np
import pytest

import cornu
from tests.helpers.requirements import require

N = 96


def _table(seed=0, n=N):
    rng = np.random.default_rng(seed)
    return {
        "plain": rng.normal(size=n).astype("float32"),
        "scaled": rng.uniform(0, 100, size=n).astype("float32"),
        "normal": rng.normal(3.0, 2.0, size=n).astype("float32"),
        "binned": rng.exponential(2.0, size=n).astype("float32"),
        "rooms": rng.integers(1, 7, size=n).astype("int32"),
        "city": rng.choice(["Oslo", "Lima", "Pune", "Kyiv", "Nuuk"], size=n),
        "zip": rng.integers(1000, 9999, size=n).astype("int32"),
        "street": rng.choice([f"street {i}" for i in range(40)], size=n),
    }


def _space(lib, output_mode="concat"):
    fs = lib.utils.FeatureSpace
    features = {
        "plain": "float",
        "scaled": fs.float_rescaled(scale=0.01, offset=-0.5, name="scaled"),
        "normal": "float_normalized",
        "binned": fs.float_discretized(num_bins=5, name="binned"),
        "rooms": fs.integer_categorical(max_tokens=5, name="rooms"),
        "city": "string_categorical",
        "zip": "integer_hashed",
        "street": fs.string_hashed(num_bins=16, output_mode="int", name="street"),
    }
    crosses = [("city", "rooms"), fs.cross(("zip", "city"), crossing_dim=8, output_mode="int")]
    if output_mode == "concat":
        features["street"] = fs.string_hashed(num_bins=16, name="street")
        crosses[1] = fs.cross(("zip", "city"), crossing_dim=8)
    return fs(features, output_mode=output_mode, crosses=crosses, crossing_dim=12, hashing_dim=10)


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _assert_same(got, expected):
    if isinstance(expected, dict):
        assert sorted(got) == sorted(expected)
        for name in expected:
            np.testing.assert_allclose(_np(got[name]), np.asarray(expected[name]), rtol=1e-5, atol=1e-5,
                                       err_msg=name)
    else:
        np.testing.assert_allclose(_np(got), np.asarray(expected), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("output_mode", ["concat", "dict"])
def test_encodings_match_keras(keras_ref, output_mode):
    train, test = _table(0), _table(1, n=10)
    keras_space, space = _space(keras_ref, output_mode), _space(cornu, output_mode)
    keras_space.adapt(train)
    space.adapt(train)
    expected = keras_space(test)
    got = space(test)
    _assert_same(got, expected)
    # one sample (scalars) in, one encoded sample out
    _assert_same(space({k: v[0] for k, v in test.items()}), keras_space({k: v[0] for k, v in test.items()}))
    assert space.preprocessors["binned"].bin_boundaries == pytest.approx(
        keras_space.preprocessors["binned"].bin_boundaries, rel=1e-6)


def test_symbolic_inputs_and_encoded_features(keras_ref):
    keras_space, space = _space(keras_ref, "dict"), _space(cornu, "dict")
    keras_space.adapt(_table())
    space.adapt(_table())
    inputs, keras_inputs = space.get_inputs(), keras_space.get_inputs()
    assert {k: (tuple(v.shape), v.dtype) for k, v in inputs.items()} == {
        k: (tuple(v.shape), v.dtype) for k, v in keras_inputs.items()}
    encoded, keras_encoded = space.get_encoded_features(), keras_space.get_encoded_features()
    assert {k: tuple(v.shape) for k, v in encoded.items()} == {k: tuple(v.shape) for k, v in keras_encoded.items()}


def test_config_matches_keras(keras_ref):
    spaces = [_space(lib) for lib in (keras_ref, cornu)]
    keras_config, config = (s.get_config() for s in spaces)
    assert config.keys() == keras_config.keys()
    assert {k: config[k] for k in ("output_mode", "crossing_dim", "hashing_dim", "num_discretization_bins")} == {
        k: keras_config[k] for k in ("output_mode", "crossing_dim", "hashing_dim", "num_discretization_bins")}
    assert json.loads(json.dumps(config["crosses"])) == json.loads(json.dumps(keras_config["crosses"]))
    for name, feature in config["features"].items():
        expected = keras_config["features"][name]
        assert (feature["module"], feature["class_name"]) == (expected["module"], expected["class_name"])
        preprocessor, keras_preprocessor = feature["config"]["preprocessor"], expected["config"]["preprocessor"]
        assert preprocessor["class_name"] == keras_preprocessor["class_name"]
        assert preprocessor["config"]["name"] == keras_preprocessor["config"]["name"]
    clone = cornu.utils.FeatureSpace.from_config(config)
    assert cornu.saving.serialize_keras_object(clone) == cornu.saving.serialize_keras_object(spaces[1])


def test_adapt_from_batches_and_py_dataset():
    table = _table()
    reference = _space(cornu)
    reference.adapt(table)
    expected = reference(_table(1, n=8))

    batches = [{k: v[i:i + 32] for k, v in table.items()} for i in range(0, N, 32)]
    from_list = _space(cornu)
    from_list.adapt(batches)  # batches of 32, as Keras batches a dict of arrays
    _assert_same(from_list(_table(1, n=8)), expected)

    class Rows(cornu.utils.PyDataset):
        def __len__(self):
            return len(batches)

        def __getitem__(self, index):
            return batches[index], np.zeros(32)

    from_py_dataset = _space(cornu)
    from_py_dataset.adapt(Rows())
    _assert_same(from_py_dataset(_table(1, n=8)), expected)


def test_adapt_from_a_tf_dataset(keras_ref):
    tf = require("tensorflow", "tensorflow-cpu")
    table = _table()
    keras_space, space = _space(keras_ref), _space(cornu)
    keras_space.adapt(tf.data.Dataset.from_tensor_slices(table).batch(20))
    space.adapt(tf.data.Dataset.from_tensor_slices(table).batch(20))
    _assert_same(space(_table(1, n=8)), keras_space(_table(1, n=8)))
    keras_unbatched, unbatched = _space(keras_ref), _space(cornu)
    keras_unbatched.adapt(tf.data.Dataset.from_tensor_slices(table))
    unbatched.adapt(tf.data.Dataset.from_tensor_slices(table))
    _assert_same(unbatched(_table(1, n=8)), keras_unbatched(_table(1, n=8)))


def test_keras_file_both_ways(keras_ref, tmp_path):
    table, test = _table(), _table(1, n=8)
    keras_space = _space(keras_ref)
    keras_space.adapt(table)
    keras_space.save(str(tmp_path / "keras.keras"))
    loaded = cornu.saving.load_model(tmp_path / "keras.keras")
    assert isinstance(loaded, cornu.utils.FeatureSpace)
    _assert_same(loaded(test), keras_space(test))

    space = _space(cornu)
    space.adapt(table)
    space.save(tmp_path / "cornu.keras")
    back = keras_ref.saving.load_model(str(tmp_path / "cornu.keras"))
    _assert_same(space(test), back(test))
    again = cornu.saving.load_model(tmp_path / "cornu.keras")
    _assert_same(again(test), space(test))


def test_unadapted_and_invalid_uses():
    space = _space(cornu)
    with pytest.raises(ValueError, match="adapt"):
        space(_table(n=2))
    with pytest.raises(ValueError, match="feature type"):
        cornu.utils.FeatureSpace({"a": "float_squashed"})
    with pytest.raises(ValueError, match="unknown features"):
        cornu.utils.FeatureSpace({"a": "float"}, crosses=[("a", "b")])
    with pytest.raises(ValueError, match="output_mode"):
        cornu.utils.FeatureSpace({"a": "float"}, output_mode="list")
    with pytest.raises(ValueError, match="dict"):
        cornu.utils.FeatureSpace({"a": "float"})([1.0, 2.0])
    with pytest.raises(ValueError, match="has not been encoded"):
        fs = cornu.utils.FeatureSpace
        fs({"a": fs.string_hashed(4, output_mode="int")}).get_encoded_features()


@pytest.mark.requires_trainable_backend
def test_a_model_trained_on_the_encoded_features(keras_ref):
    table = _table(n=128)
    target = ((table["city"] == "Oslo") | (table["normal"] > 4)).astype("float32")[:, None]
    space = _space(cornu)
    space.adapt(table)
    keras_space = _space(keras_ref)
    keras_space.adapt(table)
    encoded = space(table)
    np.testing.assert_allclose(encoded, np.asarray(keras_space(table)), rtol=1e-5, atol=1e-5)

    features = cornu.Input(shape=(encoded.shape[1],))
    hidden = cornu.layers.Dense(16, activation="relu")(features)
    model = cornu.Model(features, cornu.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(optimizer=cornu.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    before = model.evaluate(encoded, target, verbose=0)[0]
    model.fit(encoded, target, epochs=15, batch_size=32, verbose=0)
    loss, accuracy = model.evaluate(encoded, target, verbose=0)
    assert loss < before and accuracy > 0.8
