"""Custom layers in saved models: registered, passed as custom_objects, or missing; Lambda and safe_mode."""

import os
import zipfile

import numpy as np
import pytest

import cornu

from tests.helpers.saving_helpers import data


class Scale(cornu.layers.Layer):
    """A subclassed layer with a weight and a config argument."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        config = super().get_config()
        config["factor"] = self.factor
        return config


@cornu.saving.register_keras_serializable(package="saving_test")
class RegisteredScale(Scale):
    pass


def _model_with(layer):
    inputs = cornu.Input(shape=(4,))
    outputs = cornu.layers.Dense(2)(layer(cornu.layers.Dense(4)(inputs)))
    model = cornu.Model(inputs, outputs)
    layer.w.assign(np.array([0.5, 1.0, 1.5, 2.0], "float32"))
    return model


def test_registered_layer_round_trip(tmp_path):
    model = _model_with(RegisteredScale(factor=3.0))
    x, _ = data()
    model.save(tmp_path / "m.keras")
    restored = cornu.saving.load_model(tmp_path / "m.keras")
    layer = restored.layers[2]
    assert type(layer) is RegisteredScale and layer.factor == 3.0
    np.testing.assert_array_equal(layer.w.numpy(), [0.5, 1.0, 1.5, 2.0])
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_custom_objects_round_trip(tmp_path):
    model = _model_with(Scale(factor=0.5))
    x, _ = data()
    model.save(tmp_path / "m.keras")
    restored = cornu.saving.load_model(tmp_path / "m.keras", custom_objects={"Scale": Scale})
    assert type(restored.layers[2]) is Scale and restored.layers[2].factor == 0.5
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    with cornu.serialization.custom_object_scope({"Scale": Scale}):
        again = cornu.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_missing_custom_object_names_the_class_and_the_fix(tmp_path):
    _model_with(Scale()).save(tmp_path / "m.keras")
    with pytest.raises(TypeError) as info:
        cornu.saving.load_model(tmp_path / "m.keras")
    message = str(info.value)
    assert "'Scale'" in message and "register_keras_serializable" in message and "custom_objects" in message


def test_lambda_needs_safe_mode_off(tmp_path):
    inputs = cornu.Input(shape=(3,))
    outputs = cornu.layers.Lambda(lambda t: t * 2.0 + 1.0)(inputs)
    model = cornu.Model(inputs, outputs)
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        cornu.saving.load_model(tmp_path / "m.keras")
    restored = cornu.saving.load_model(tmp_path / "m.keras", safe_mode=False)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(restored.predict(x, verbose=0), x * 2.0 + 1.0, atol=1e-6)


@cornu.saving.register_keras_serializable(package="saving_test")
class Vocabulary(cornu.layers.Layer):
    """Keeps state in asset files, like Keras's lookup layers."""

    def __init__(self, tokens=None, **kwargs):
        super().__init__(**kwargs)
        self.tokens = list(tokens or [])

    def call(self, x):
        return x + float(len(self.tokens))

    def save_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocabulary.txt"), "w") as f:
            f.write("\n".join(self.tokens))

    def load_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocabulary.txt")) as f:
            self.tokens = f.read().split("\n")

    def get_config(self):
        return super().get_config()  # the tokens travel as an asset, not in the config


@pytest.mark.parametrize("zipped", [True, False])
def test_assets_round_trip(tmp_path, zipped):
    inputs = cornu.Input(shape=(2,))
    model = cornu.Model(inputs, Vocabulary(["a", "b", "c"])(inputs))
    path = tmp_path / ("m.keras" if zipped else "m_dir")
    model.save(path, zipped=zipped)
    if zipped:
        assert "assets/layers/vocabulary/vocabulary.txt" in zipfile.ZipFile(path).namelist()
    else:
        assert (path / "assets" / "layers" / "vocabulary" / "vocabulary.txt").read_text() == "a\nb\nc"
    restored = cornu.saving.load_model(path)
    assert restored.layers[1].tokens == ["a", "b", "c"]
    np.testing.assert_allclose(restored.predict(np.zeros((1, 2), "float32"), verbose=0), [[3.0, 3.0]])


@cornu.saving.register_keras_serializable(package="saving_test")
class TwoStageNet(cornu.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.first = cornu.layers.Dense(units)
        self.blocks = [cornu.layers.Dense(units, activation="relu"), cornu.layers.Dense(2)]

    def call(self, x):
        x = self.first(x)
        for block in self.blocks:
            x = block(x)
        return x

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_registered_subclassed_model_round_trip(tmp_path):
    model = TwoStageNet(units=4)
    x, _ = data()
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "net.keras")
    restored = cornu.saving.load_model(tmp_path / "net.keras")
    assert type(restored) is TwoStageNet and restored.units == 4
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, atol=1e-6)


def test_enable_unsafe_deserialization_turns_safe_mode_off_until_clear_session(tmp_path):
    inputs = cornu.Input(shape=(3,))
    model = cornu.Model(inputs, cornu.layers.Lambda(lambda t: t * 3.0)(inputs))
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="enable_unsafe_deserialization"):
        cornu.saving.load_model(tmp_path / "m.keras")
    cornu.config.enable_unsafe_deserialization()
    x = np.ones((1, 3), "float32")
    restored = cornu.saving.load_model(tmp_path / "m.keras")  # the default safe_mode=True is overridden
    np.testing.assert_allclose(restored.predict(x, verbose=0), x * 3.0)
    cornu.backend.clear_session(free_memory=False)
    with pytest.raises(ValueError, match="safe_mode=False"):
        cornu.saving.load_model(tmp_path / "m.keras")
