"""Guide: serialization and saving. The .keras file (architecture, weights, compile state and
optimizer), weights-only files, config and JSON round trips, custom objects, clone_model."""
import os
import tempfile

import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(9)
rng = np.random.default_rng(9)
x = rng.normal(size=(64, 4)).astype("float32")
y = (x @ np.array([[1.0], [2.0], [-1.0], [0.5]], "float32")).astype("float32")
workdir = tempfile.mkdtemp()


@keras.saving.register_keras_serializable(package="Programs")
class ScaledDense(layers.Layer):
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale
        self.inner = layers.Dense(units)

    def build(self, input_shape):
        self.inner.build(input_shape)

    def call(self, inputs):
        return self.scale * self.inner(inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "scale": self.scale})
        return config


@keras.saving.register_keras_serializable(package="Programs", name="half_mse")
def half_mse(y_true, y_pred):
    return 0.5 * ops.mean(ops.square(y_true - y_pred), axis=-1)


def build_model():
    inputs = keras.Input(shape=(4,), name="inputs")
    h = ScaledDense(8, scale=0.5, name="scaled")(inputs)
    h = layers.Activation("tanh")(h)
    outputs = layers.Dense(1, name="out")(h)
    return keras.Model(inputs, outputs, name="saver")


model = build_model()
model.compile(optimizer=keras.optimizers.Adam(0.01), loss=half_mse, metrics=["mae"])
model.fit(x, y, batch_size=16, epochs=2, verbose=0)
expected = model.predict(x, verbose=0)

# The whole model, in the .keras format.
path = os.path.join(workdir, "model.keras")
model.save(path)
assert os.path.exists(path)
reloaded = keras.models.load_model(path)
assert isinstance(reloaded.get_layer("scaled"), ScaledDense)
assert reloaded.get_layer("scaled").scale == 0.5
np.testing.assert_allclose(reloaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
# Compile state and optimizer state came along: training resumes where it stopped.
assert reloaded.optimizer is not None
assert int(ops.convert_to_numpy(reloaded.optimizer.iterations)) == 8
for a, b in zip(model.optimizer.variables, reloaded.optimizer.variables):
    np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b), rtol=1e-6)
original_eval = model.evaluate(x, y, verbose=0, return_dict=True)
reloaded_eval = reloaded.evaluate(x, y, verbose=0, return_dict=True)
np.testing.assert_allclose(reloaded_eval["loss"], original_eval["loss"], rtol=1e-5)
model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
reloaded.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-4, atol=1e-5)

# Custom objects can also be handed over explicitly, and inside a scope.
again = keras.saving.load_model(path, custom_objects={"ScaledDense": ScaledDense, "half_mse": half_mse})
with keras.saving.custom_object_scope({"ScaledDense": ScaledDense}):
    again_in_scope = keras.models.load_model(path)
np.testing.assert_allclose(again.predict(x, verbose=0), again_in_scope.predict(x, verbose=0), rtol=1e-6)
assert keras.saving.get_registered_name(ScaledDense) == "Programs>ScaledDense"
assert keras.saving.get_registered_object("Programs>half_mse") is half_mse

# Weights only: into a freshly built model of the same architecture.
weights_path = os.path.join(workdir, "model.weights.h5")
model.save_weights(weights_path)
fresh = build_model()
assert not np.allclose(fresh.predict(x, verbose=0), model.predict(x, verbose=0))
fresh.load_weights(weights_path)
np.testing.assert_allclose(fresh.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)

# get_weights / set_weights move plain NumPy arrays.
arrays = model.get_weights()
assert all(isinstance(a, np.ndarray) for a in arrays)
assert [a.shape for a in arrays] == [(4, 8), (8,), (8, 1), (1,)]
other = build_model()
other.set_weights(arrays)
np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)

# Architecture only: config and JSON round trips, then clone_model.
config = model.get_config()
from_config = keras.Model.from_config(config)
assert [l.name for l in from_config.layers] == [l.name for l in model.layers]
json_string = model.to_json()
from_json = keras.models.model_from_json(json_string)
assert from_json.count_params() == model.count_params()
serialized = keras.saving.serialize_keras_object(model)
assert serialized["class_name"] == "Functional"
deserialized = keras.saving.deserialize_keras_object(serialized)
assert deserialized.count_params() == model.count_params()
clone = keras.models.clone_model(model)
assert clone is not model and clone.count_params() == model.count_params()
assert not any(np.allclose(a, b) for a, b in zip(clone.get_weights()[::2], model.get_weights()[::2]))

# A Sequential model and a subclassed model round-trip too.
sequential = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)])
sequential_path = os.path.join(workdir, "sequential.keras")
sequential.save(sequential_path)
np.testing.assert_allclose(
    keras.models.load_model(sequential_path).predict(x, verbose=0), sequential.predict(x, verbose=0), rtol=1e-6
)


@keras.saving.register_keras_serializable(package="Programs")
class TwoTower(keras.Model):
    def __init__(self, width=4, **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.left = layers.Dense(width)
        self.right = layers.Dense(width)
        self.head = layers.Dense(1)

    def call(self, inputs):
        return self.head(ops.concatenate([self.left(inputs), self.right(inputs)], axis=-1))

    def get_config(self):
        return {**super().get_config(), "width": self.width}


tower = TwoTower(width=3)
tower_out = tower(x)
tower_path = os.path.join(workdir, "tower.keras")
tower.save(tower_path)
restored_tower = keras.models.load_model(tower_path)
assert isinstance(restored_tower, TwoTower) and restored_tower.width == 3
np.testing.assert_allclose(ops.convert_to_numpy(restored_tower(x)), ops.convert_to_numpy(tower_out), rtol=1e-6)
print("serialization_and_saving: ok")
