"""``Hashing``: the same bins as the real Keras (FarmHash and salted SipHash), encodings, config, files."""

import numpy as np
import pytest

import cornu
from cornu.backend import config
from cornu.layers.preprocessing.hash_functions.siphash import siphash24

RNG = np.random.default_rng(7)
ALPHABET = list("abcXYZ019 _-/é漢😀")


def _random_strings(count, rng=RNG):
    lengths = rng.integers(0, 40, size=count)  # crosses the 8, 16, 32 and 64-byte code paths
    return np.array(["".join(rng.choice(ALPHABET, size=n)) for n in lengths], dtype=object)


STRINGS = _random_strings(300)
INTS = np.concatenate([RNG.integers(-10**12, 10**12, size=200), [0, -1, 2**63 - 1, -2**63]]).astype("int64")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _keras_bins(keras_ref, values, **kwargs):
    return np.asarray(keras_ref.layers.Hashing(**kwargs)(values))


@pytest.mark.parametrize("salt", [None, 133, [3, 2**62 + 17]], ids=["farmhash", "salt", "salt-pair"])
@pytest.mark.parametrize("num_bins", [1, 7, 2**31 - 1])
def test_string_bins_match_keras(keras_ref, salt, num_bins):
    values = STRINGS.reshape(-1, 1).astype(str)
    got = cornu.layers.Hashing(num_bins=num_bins, salt=salt)(values)
    assert isinstance(got, np.ndarray) and got.shape == (300, 1)
    np.testing.assert_array_equal(got, _keras_bins(keras_ref, values, num_bins=num_bins, salt=salt))


@pytest.mark.parametrize("salt", [None, [133, 137]])
def test_int_and_float_bins_match_keras(keras_ref, salt):
    ints = INTS.reshape(-1, 2)
    np.testing.assert_array_equal(cornu.layers.Hashing(num_bins=1000, salt=salt)(ints),
                                  _keras_bins(keras_ref, ints, num_bins=1000, salt=salt))
    flags = RNG.random((6, 2)) < 0.5  # booleans hash as "true" / "false"
    np.testing.assert_array_equal(cornu.layers.Hashing(num_bins=1000, salt=salt)(flags),
                                  _keras_bins(keras_ref, flags, num_bins=1000, salt=salt))
    floats = RNG.uniform(-1e6, 1e6, size=(50, 1)).astype("float32")
    np.testing.assert_array_equal(cornu.layers.Hashing(num_bins=97, salt=salt)(floats),
                                  _keras_bins(keras_ref, floats, num_bins=97, salt=salt))


@pytest.mark.parametrize("salt", [None, 5])
def test_mask_value_matches_keras(keras_ref, salt):
    strings = np.where(RNG.random(100) < 0.3, "", STRINGS[:100]).astype(str).reshape(-1, 1)
    got = cornu.layers.Hashing(num_bins=11, mask_value="", salt=salt)(strings)
    np.testing.assert_array_equal(got, _keras_bins(keras_ref, strings, num_bins=11, mask_value="", salt=salt))
    assert (got[strings == ""] == 0).all() and (got[strings != ""] > 0).all()
    ints = np.where(RNG.random((40, 3)) < 0.3, -1, RNG.integers(0, 50, (40, 3)))
    np.testing.assert_array_equal(cornu.layers.Hashing(num_bins=6, mask_value=-1, salt=salt)(ints),
                                  _keras_bins(keras_ref, ints, num_bins=6, mask_value=-1, salt=salt))


def test_siphash_reference_vector():
    # The SipHash paper's test vector: key 00..0f, message 00..0e.
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little"))
    assert siphash24([bytes(range(15))], key)[0] == np.uint64(0xA129CA6149BE45E5)


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("x", [[["a"], ["b"], ["c"]], ["a", "b"], [["a", "b", "a"]], "a"],
                         ids=["trailing-1", "vector", "row", "scalar"])
def test_output_modes_match_keras(keras_ref, mode, x):
    layer = cornu.layers.Hashing(num_bins=5, output_mode=mode)
    got = layer(x)
    if mode == "one_hot" and np.ndim(x) == 0:  # Keras fails on a scalar here: one-hot its int bin
        expected = np.eye(5, dtype="float32")[[_keras_bins(keras_ref, x, num_bins=5)]]
    else:
        expected = _keras_bins(keras_ref, x, num_bins=5, output_mode=mode)
    assert got.dtype == expected.dtype == np.float32
    np.testing.assert_array_equal(got, expected)
    assert layer.compute_output_shape(np.shape(x)) == expected.shape


def test_config_matches_keras(keras_ref):
    kwargs = dict(num_bins=9, mask_value="", salt=42, output_mode="count")
    config = cornu.layers.Hashing(**kwargs).get_config()
    assert config == keras_ref.layers.Hashing(**kwargs).get_config()
    assert config["salt"] == [42, 42]
    clone = cornu.layers.Hashing.from_config(config)
    np.testing.assert_array_equal(clone([["x", ""]]), cornu.layers.Hashing(**kwargs)([["x", ""]]))


def _int_model(lib):
    inputs = lib.Input(shape=(1,), dtype="int32")
    hashed = lib.layers.Hashing(num_bins=8, mask_value=0, salt=7, output_mode="one_hot", name="hash")(inputs)
    return lib.Model(inputs, lib.layers.Dense(2, name="out")(hashed))


def test_keras_file_both_ways(keras_ref, tmp_path):
    x = RNG.integers(0, 30, (10, 1)).astype("int32")
    keras_model = _int_model(keras_ref)
    keras_model.save(str(tmp_path / "keras.keras"))
    loaded = cornu.saving.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(_np(loaded(x)), np.asarray(keras_model(x)), rtol=1e-5, atol=1e-5)

    model = _int_model(cornu)
    model.save(tmp_path / "cornu.keras")
    back = keras_ref.saving.load_model(str(tmp_path / "cornu.keras"))
    np.testing.assert_allclose(np.asarray(back(x)), _np(model(x)), rtol=1e-5, atol=1e-5)
    assert back.get_layer("hash").get_config() == model.get_layer("hash").get_config()


def test_backend_tensors_in_backend_tensors_out(keras_ref):
    x = RNG.integers(0, 100, (6, 1)).astype("int32")
    out = cornu.layers.Hashing(num_bins=10)(cornu.ops.convert_to_tensor(x))
    assert cornu.backend.is_tensor(out)
    np.testing.assert_array_equal(_np(out), _keras_bins(keras_ref, x, num_bins=10))


@pytest.mark.requires_trainable_backend
def test_trains_in_a_model(keras_ref):
    x = RNG.integers(0, 30, (32, 1)).astype("int32")
    y = (x % 2).astype("float32")
    model = _int_model(cornu)
    model.compile(optimizer="sgd", loss="mse")  # as in Keras, a model with Hashing is not jitted
    before = model.evaluate(x, np.concatenate([y, y], 1), verbose=0)
    model.fit(x, np.concatenate([y, y], 1), epochs=3, batch_size=8, verbose=0)
    assert model.evaluate(x, np.concatenate([y, y], 1), verbose=0) < before
    assert model.jit_compile is False
    np.testing.assert_allclose(model.predict(x, verbose=0), _np(model(x)), rtol=1e-5, atol=1e-6)
    encoded = _np(cornu.Model(model.input, model.get_layer("hash").output)(x))
    expected = _keras_bins(keras_ref, x, num_bins=8, mask_value=0, salt=7, output_mode="one_hot")
    np.testing.assert_array_equal(encoded, expected)


@pytest.mark.skipif(config.backend() != "jax", reason="tracing errors are JAX's (jit)")
def test_traced_inputs_give_a_clear_error():
    import jax

    layer = cornu.layers.Hashing(num_bins=4)
    with pytest.raises(ValueError, match="cannot run inside a compiled"):
        jax.jit(lambda x: layer(x))(np.arange(3))


def test_errors():
    with pytest.raises(ValueError, match="num_bins"):
        cornu.layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="output_mode"):
        cornu.layers.Hashing(num_bins=3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="sparse"):
        cornu.layers.Hashing(num_bins=3, output_mode="one_hot", sparse=True)
    with pytest.raises(ValueError, match="salt"):
        cornu.layers.Hashing(num_bins=3, salt="x")
    with pytest.raises(ValueError, match="dtype"):
        cornu.layers.Hashing(num_bins=3, dtype="float32")
