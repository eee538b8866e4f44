"""Custom layers in saved models: registered, passed as custom_objects, or missing; Lambda and safe_mode."""

import numpy as np
import pytest

import cornu
from saving_helpers import data


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
    with cornu.saving.custom_object_scope({"Scale": Scale}):
        again = cornu.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_missing_custom_object_names_the_class_and_the_fix(tmp_path):
    _model_with(Scale()).save(tmp_path / "m.keras")
    with pytest.raises(TypeError) as info:
        cornu.saving.load_model(tmp_path / "m.keras")
    message = str(info.value)
    assert "'Scale'" in message and "register_keras_serializable" in message and "custom_objects" in message


def test_lambda_needs_safe_mode_off(tmp_path):
    if not hasattr(cornu.layers, "Lambda"):
        pytest.skip("cornu.layers.Lambda is not written yet")
    inputs = cornu.Input(shape=(3,))
    outputs = cornu.layers.Lambda(lambda t: t * 2.0 + 1.0)(inputs)
    model = cornu.Model(inputs, outputs)
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        cornu.saving.load_model(tmp_path / "m.keras")
    restored = cornu.saving.load_model(tmp_path / "m.keras", safe_mode=False)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(restored.predict(x, verbose=0), x * 2.0 + 1.0, atol=1e-6)
