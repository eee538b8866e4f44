"""Guide: customizing saving and serialization. save_own_variables / load_own_variables,
save_assets / load_assets, get_build_config / build_from_config, get_compile_config /
compile_from_config, and from_config for nested objects."""
import os
import tempfile

import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(10)
workdir = tempfile.mkdtemp()


@keras.saving.register_keras_serializable(package="Custom")
class LookupScale(layers.Layer):
    """Keeps a non-variable NumPy table in the weights file and a vocabulary as an asset."""

    def __init__(self, vocabulary=None, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary = list(vocabulary or [])
        self.table = np.ones((len(self.vocabulary),), "float32")

    def set_table(self, values):
        self.table = np.asarray(values, "float32")

    def call(self, ids):
        return ops.take(ops.convert_to_tensor(self.table), ids)

    def save_own_variables(self, store):
        store["table"] = self.table

    def load_own_variables(self, store):
        self.table = np.array(store["table"])

    def save_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocabulary.txt"), "w") as f:
            f.write("\n".join(self.vocabulary))

    def load_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocabulary.txt")) as f:
            self.vocabulary = f.read().split("\n")


@keras.saving.register_keras_serializable(package="Custom")
class WideDense(layers.Layer):
    """Records how it was built so a reloaded copy builds (and gets weights) before any call."""

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
        self.built_with = input_shape[-1]

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, self.kernel))

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "activation": keras.activations.serialize(self.activation)})
        return config

    def get_build_config(self):
        return {"input_dim": self.built_with}

    def build_from_config(self, config):
        self.build((None, config["input_dim"]))


@keras.saving.register_keras_serializable(package="Custom")
class Regressor(keras.Model):
    """A subclassed model that owns a nested object and customizes its compile config."""

    def __init__(self, hidden, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.body = WideDense(hidden, activation="relu")
        self.head = layers.Dense(1)

    def call(self, inputs):
        return self.head(self.body(inputs))

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden}

    def get_compile_config(self):
        config = super().get_compile_config()
        config["note"] = "regressor"
        return config

    def compile_from_config(self, config):
        self.compiled_note = config.pop("note")
        super().compile_from_config(config)


# 1. Own variables and assets survive the .keras round trip.
lookup = LookupScale(vocabulary=["a", "b", "c"], name="lookup")
lookup.set_table([0.5, 2.0, 4.0])
ids = keras.Input(shape=(2,), dtype="int32")
lookup_model = keras.Model(ids, lookup(ids))
path = os.path.join(workdir, "lookup.keras")
lookup_model.save(path)
restored = keras.models.load_model(path)
restored_lookup = restored.get_layer("lookup")
assert restored_lookup.vocabulary == ["a", "b", "c"], restored_lookup.vocabulary
np.testing.assert_allclose(restored_lookup.table, [0.5, 2.0, 4.0])
np.testing.assert_allclose(
    restored.predict(np.array([[2, 0], [1, 1]], "int32"), verbose=0), [[4.0, 0.5], [2.0, 2.0]]
)

# 2. Build config: the reloaded layer is built from its config, then its weights load.
dense = WideDense(3, activation="tanh", name="wide")
dense(np.zeros((1, 5), "float32"))
assert dense.get_build_config() == {"input_dim": 5}
restored_dense = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(dense))
assert isinstance(restored_dense, WideDense) and restored_dense.units == 3
assert keras.activations.serialize(restored_dense.activation) == "tanh"
# deserialization called build_from_config with the recorded build config.
assert restored_dense.built
assert tuple(restored_dense.kernel.shape) == (5, 3)

# 3. A subclassed model with compile config hooks and a nested custom layer.
rng = np.random.default_rng(10)
x = rng.normal(size=(32, 5)).astype("float32")
y = x.sum(axis=1, keepdims=True)
model = Regressor(hidden=6, name="regressor")
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
model.fit(x, y, batch_size=8, epochs=2, verbose=0)
assert model.get_compile_config()["note"] == "regressor"
model_path = os.path.join(workdir, "regressor.keras")
model.save(model_path)
reloaded = keras.models.load_model(model_path)
assert isinstance(reloaded, Regressor) and reloaded.hidden == 6
assert reloaded.compiled_note == "regressor"
np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)
assert isinstance(reloaded.optimizer, keras.optimizers.SGD)
np.testing.assert_allclose(reloaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-5)

# 4. Without the registration the saved class name still records the package.
config = keras.saving.serialize_keras_object(lookup)
assert config["registered_name"] == "Custom>LookupScale", config["registered_name"]
print("customizing_saving_and_serialization: ok")
