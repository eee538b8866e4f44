"""The TF.js layers-model files cornu writes (no browser here: tests/export/browser runs them).

Checks the ``model.json`` layout TF.js's ``loadLayersModel`` reads, the weight shards (4 MiB by
default, any size on request, bytes equal to the model's weights in manifest order), a round trip
that reads the files back into a cornu model and compares predictions, the clear errors for what
TF.js cannot run, and that the folder is written atomically.
"""

import functools
import json
import os

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.export import tfjs_files
from cornu.export.tfjs_layers import supported_layers
from tests.export.browser.tfjs_models import TFJS_MODELS
from tests.helpers.export_models import EXPORT_CASES, build_cnn, build_lstm, build_mlp, set_deterministic_weights


# The files do not depend on the backend that wrote them (the JAX suite still checks the MLP's). Building
# the RNN and convolution models on JAX compiles ~20 initializer programs (about a minute on the shared
# CI machine), so those cases run in the numpy and torch suites.
heavy_on_jax = pytest.mark.skipif(cornu.backend.backend() == "jax", reason="backend-independent file checks "
                                  "whose models are slow to initialize on JAX; the numpy and torch suites run them")


@functools.lru_cache(maxsize=None)
def _zoo(name):
    """A model of ``TFJS_MODELS`` and its input maker, built once (RNN graphs are slow to trace on JAX)."""
    return TFJS_MODELS[name]()


def _export(model, path, **kwargs):
    model.export(os.fspath(path), format="tfjs", verbose=False, **kwargs)
    with open(os.path.join(path, "model.json")) as f:
        return json.load(f)


def _walk(value):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def read_weights(folder, model_json):
    """{name: array} from a layers model's manifest and shards, as TF.js reads them."""
    values = {}
    for group in model_json["weightsManifest"]:
        blob = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            dtype = np.dtype(spec["dtype"]).newbyteorder("<")
            size = int(np.prod(spec["shape"])) * dtype.itemsize
            values[spec["name"]] = np.frombuffer(blob[offset:offset + size], dtype).reshape(spec["shape"])
            offset += size
        assert offset == len(blob), "the shards hold bytes no weight claims"
    return values


def read_sequential(folder):
    """A cornu model rebuilt from a TF.js Sequential export (the reverse translation, for round trips)."""
    with open(os.path.join(folder, "model.json")) as f:
        model_json = json.load(f)
    topology = model_json["modelTopology"]
    assert topology["class_name"] == "Sequential"
    input_config, *layer_entries = topology["config"]["layers"]
    inputs = cornu.Input(batch_shape=tuple(input_config["config"]["batch_input_shape"]),
                         dtype=input_config["config"]["dtype"])
    rebuilt = []
    for entry in layer_entries:
        config = dict(entry["config"])
        if entry["class_name"] == "LeakyReLU":
            config["negative_slope"] = config.pop("alpha")
        rebuilt.append(layers.deserialize({"class_name": entry["class_name"], "config": config}))
    model = cornu.Sequential([inputs, *rebuilt])
    values = iter(read_weights(folder, model_json).items())
    for layer in model.layers:
        for variable in layer.weights:
            name, value = next(values)
            assert name.startswith(f"{layer.name}/"), (name, layer.name)
            variable.assign(value)
    return model


# -- model.json -------------------------------------------------------------------------------

def test_sequential_model_json_is_the_layers_model_format(tmp_path):
    model = build_mlp(seed=0)
    model_json = _export(model, tmp_path / "web")
    assert model_json["format"] == "layers-model"
    assert model_json["generatedBy"].startswith("cornu ") and "convertedBy" in model_json
    topology = model_json["modelTopology"]
    assert topology["class_name"] == "Sequential"
    entries = topology["config"]["layers"]
    assert [e["class_name"] for e in entries] == ["InputLayer", "Dense", "Dropout", "Dense"]
    assert entries[0]["config"]["batch_input_shape"] == [None, 8]
    assert entries[0]["config"]["dtype"] == "float32"
    assert entries[1]["config"]["units"] == 16 and entries[1]["config"]["activation"] == "relu"
    assert entries[3]["config"]["activation"] == "softmax"
    for node in _walk(topology):  # Keras 3 only keys, which TF.js does not know, are gone
        assert not {"module", "registered_name", "build_config", "batch_shape"} & set(node)
        if "dtype" in node:
            assert node["dtype"] in ("float32", "int32", "bool")
    initializer = entries[1]["config"]["kernel_initializer"]
    assert initializer == {"class_name": "GlorotUniform", "config": {"seed": None}}
    assert sorted(os.listdir(tmp_path / "web")) == ["group1-shard1of1.bin", "model.json"]


@heavy_on_jax
def test_functional_model_json_has_tfjs_inbound_nodes(tmp_path):
    model, _ = _zoo("tfjs_merges")
    topology = _export(model, tmp_path / "web")["modelTopology"]
    assert topology["class_name"] == "Model"
    config = topology["config"]
    names = [e["name"] for e in config["layers"]]
    assert config["input_layers"] == [[names[0], 0, 0]]
    assert len(config["output_layers"]) == 2 and all(len(ref) == 3 for ref in config["output_layers"])
    by_name = {e["name"]: e for e in config["layers"]}
    assert by_name[names[0]]["inbound_nodes"] == []
    concat = next(e for e in config["layers"] if e["class_name"] == "Concatenate")
    (node,) = concat["inbound_nodes"]
    assert len(node) == 6
    for layer_name, node_index, tensor_index, kwargs in node:
        assert layer_name in by_name and node_index == 0 and tensor_index == 0 and kwargs == {}
    leaky = next(e for e in config["layers"] if e["class_name"] == "LeakyReLU")
    assert leaky["config"]["alpha"] == pytest.approx(0.2) and "negative_slope" not in leaky["config"]


@heavy_on_jax
def test_weight_names_follow_tfjs_conventions(tmp_path):
    model = cornu.Sequential([cornu.Input((3, 2)), layers.Bidirectional(layers.LSTM(2, return_sequences=True)),
                              layers.TimeDistributed(layers.Dense(2))])
    model_json = _export(model, tmp_path / "web")
    names = [w["name"] for w in model_json["weightsManifest"][0]["weights"]]
    bidirectional, time_distributed = (layer.name for layer in model.layers)
    # TF.js names a Bidirectional's weights forward_<inner>/... and backward_<inner>/..., RNN weights
    # without the cell, and TimeDistributed's under the wrapper alone.
    assert names == [f"{bidirectional}/{side}_lstm/{w}" for side in ("forward", "backward")
                     for w in ("kernel", "recurrent_kernel", "bias")] + [
        f"{time_distributed}/kernel", f"{time_distributed}/bias"]
    inner = model_json["modelTopology"]["config"]["layers"][1]["config"]["layer"]
    assert inner["class_name"] == "LSTM" and inner["config"]["name"] == "lstm"
    image_model, _ = _zoo("tfjs_image")
    image_names = [w["name"] for w in _export(image_model, tmp_path / "image")["weightsManifest"][0]["weights"]]
    depthwise = next(layer for layer in image_model.layers if type(layer).__name__ == "DepthwiseConv2D")
    assert f"{depthwise.name}/depthwise_kernel" in image_names  # Keras 3 calls it `kernel`


def test_manifest_follows_the_model_weights_in_order(tmp_path):
    model = build_mlp(seed=1)
    model_json = _export(model, tmp_path / "web")
    specs = model_json["weightsManifest"][0]["weights"]
    assert [s["name"] for s in specs] == [f"{v.path.split('/')[-2]}/{v.name}" for v in model.weights]
    assert [s["shape"] for s in specs] == [list(v.shape) for v in model.weights]
    assert {s["dtype"] for s in specs} == {"float32"}
    stored = read_weights(tmp_path / "web", model_json)
    for spec, variable in zip(specs, model.weights):
        np.testing.assert_array_equal(stored[spec["name"]], cornu.ops.convert_to_numpy(variable.value))


def test_shards_split_at_the_requested_size_and_straddle_weights(tmp_path):
    model = build_mlp(seed=2)
    total = sum(int(np.prod(v.shape)) * 4 for v in model.weights)
    model_json = _export(model, tmp_path / "web", weight_shard_size_bytes=100)
    paths = model_json["weightsManifest"][0]["paths"]
    count = -(-total // 100)
    assert paths == [f"group1-shard{i}of{count}.bin" for i in range(1, count + 1)]
    sizes = [os.path.getsize(tmp_path / "web" / p) for p in paths]
    assert sizes[:-1] == [100] * (count - 1) and sum(sizes) == total
    expected = b"".join(np.asarray(cornu.ops.convert_to_numpy(v.value), "<f4").tobytes() for v in model.weights)
    assert b"".join((tmp_path / "web" / p).read_bytes() for p in paths) == expected


def test_default_shard_size_is_four_mebibytes(tmp_path):
    model = cornu.Sequential([cornu.Input((1100,)), layers.Dense(1000)])  # 4.4 MB of float32
    model_json = _export(model, tmp_path / "web")
    paths = model_json["weightsManifest"][0]["paths"]
    assert paths == ["group1-shard1of2.bin", "group1-shard2of2.bin"]
    assert os.path.getsize(tmp_path / "web" / paths[0]) == 4 * 1024 * 1024


# -- round trip -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mlp", *(pytest.param(name, marks=heavy_on_jax)
                                           for name in ("cnn", "lstm", "tfjs_image"))])
def test_round_trip_through_the_files_keeps_predictions(tmp_path, name):
    if name in TFJS_MODELS:
        model, make = _zoo(name)
        x = make(4, seed=0)
    else:
        model = {"mlp": build_mlp, "cnn": build_cnn, "lstm": build_lstm}[name](seed=3)
        x = EXPORT_CASES[name].inputs(batch=4, seed=0)
    _export(model, tmp_path / "web")
    rebuilt = read_sequential(tmp_path / "web")
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@heavy_on_jax
def test_input_signature_sets_the_input_layer(tmp_path):
    model = build_lstm(timesteps=None, seed=0)
    signature = [cornu.InputSpec(shape=(8, 6, 4), dtype="float32")]
    topology = _export(model, tmp_path / "web", input_signature=signature)["modelTopology"]
    assert topology["config"]["layers"][0]["config"]["batch_input_shape"] == [None, 6, 4]
    topology = _export(model, tmp_path / "web2")["modelTopology"]
    assert topology["config"]["layers"][0]["config"]["batch_input_shape"] == [None, None, 4]


def test_integer_inputs_become_int32(tmp_path):
    model = cornu.Sequential([cornu.Input((7,), dtype="int32"), layers.Embedding(20, 3, mask_zero=True),
                              layers.GlobalAveragePooling1D(), layers.Dense(2)])
    topology = _export(model, tmp_path / "web")["modelTopology"]
    assert topology["config"]["layers"][0]["config"]["dtype"] == "int32"
    assert topology["config"]["layers"][1]["config"]["mask_zero"] is True


# -- what TF.js cannot run ----------------------------------------------------------------------

def _model(*stack, shape=(6, 6, 4)):
    return cornu.Sequential([cornu.Input(shape), *stack])


@pytest.mark.parametrize("model_fn, layer_name, reason", [
    (lambda: _model(layers.GroupNormalization(2, name="gn")), "gn", "no layer"),
    pytest.param(lambda: _model(layers.Conv2D(4, 3, groups=2, name="grouped")), "grouped", "groups=2",
                 marks=heavy_on_jax),
    pytest.param(lambda: _model(layers.GRU(3, name="gru_default"), shape=(5, 2)), "gru_default", "reset_after=True",
                 marks=heavy_on_jax),
    (lambda: _model(layers.Dense(3, activation="hard_sigmoid", name="hs"), shape=(4,)), "hs", "hard_sigmoid"),
    pytest.param(lambda: _model(layers.Conv1D(2, 2, padding="causal", name="causal"), shape=(5, 2)), "causal",
                 "causal", marks=heavy_on_jax),
    (lambda: _model(layers.UpSampling2D(interpolation="bilinear", name="up")), "up", "interpolation"),
    (lambda: _model(layers.LayerNormalization(rms_scaling=True, name="rms"), shape=(4,)), "rms", "rms_scaling"),
    (lambda: _model(layers.GlobalAveragePooling2D(keepdims=True, name="keep")), "keep", "keepdims"),
    (lambda: _model(layers.ELU(alpha=0.5, name="elu_half"), shape=(4,)), "elu_half", "alpha"),
])
@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")
def test_unsupported_layers_are_refused_by_name(tmp_path, model_fn, layer_name, reason):
    model = model_fn()
    with pytest.raises(ValueError, match=reason) as error:
        model.export(os.fspath(tmp_path / "web"), format="tfjs", verbose=False)
    assert f"'{layer_name}'" in str(error.value) and "Received:" in str(error.value)
    assert not (tmp_path / "web").exists()


def test_quantized_layers_are_refused(tmp_path):
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(3, name="small")])
    model.quantize("int8")
    with pytest.raises(ValueError, match="'small'.*quantized"):
        model.export(os.fspath(tmp_path / "web"), format="tfjs", verbose=False)


@heavy_on_jax
def test_masked_bidirectional_sequences_are_refused(tmp_path):
    model = cornu.Sequential([cornu.Input((5,), dtype="int32"), layers.Embedding(9, 3, mask_zero=True),
                              layers.Bidirectional(layers.LSTM(2, return_sequences=True), name="bi")])
    with pytest.raises(ValueError, match="zero_output_for_mask"):
        model.export(os.fspath(tmp_path / "web"), format="tfjs", verbose=False)


def test_subclassed_and_nested_models_are_refused(tmp_path):
    class Tiny(cornu.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    tiny = Tiny()
    tiny(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="subclassed"):
        tiny.export(os.fspath(tmp_path / "a"), format="tfjs", verbose=False)
    inner = cornu.Sequential([cornu.Input((3,)), layers.Dense(2)], name="inner")
    outer = cornu.Sequential([cornu.Input((3,)), inner, layers.Dense(1)])
    with pytest.raises(ValueError, match="'inner'.*nested"):
        outer.export(os.fspath(tmp_path / "b"), format="tfjs", verbose=False)


def test_unknown_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="quantize"):
        build_mlp().export(os.fspath(tmp_path / "web"), format="tfjs", verbose=False, quantize=True)


@pytest.mark.skipif(cornu.backend.backend() != "numpy", reason="a static check of the test models: the numpy "
                    "suite runs it (building their RNN graphs on JAX costs half a minute)")
def test_every_supported_class_is_covered_by_the_browser_models():
    used = set()
    models = [_zoo(name)[0] for name in TFJS_MODELS] + [build_mlp(), build_cnn(), build_lstm()]
    for model in models:
        for layer in model.layers:
            used.add(type(layer).__name__)
            inner = getattr(layer, "layer", None) or getattr(layer, "forward_layer", None)
            if inner is not None:
                used.add(type(inner).__name__)
    # Dimension variants TF.js has under the same code (3D pooling/conv) are not all in the browser run.
    untested = set(supported_layers()) - used - {"Conv3D", "MaxPooling3D", "AveragePooling3D", "AveragePooling1D",
                                                  "GlobalMaxPooling1D", "Masking"}
    assert not untested, f"no browser check covers {sorted(untested)}"


# -- files on disk ----------------------------------------------------------------------------

def test_a_previous_export_is_replaced_and_other_folders_are_refused(tmp_path):
    target = tmp_path / "web"
    _export(build_mlp(features=8, seed=0), target)
    model_json = _export(build_mlp(features=5, seed=1), target)
    assert model_json["modelTopology"]["config"]["layers"][0]["config"]["batch_input_shape"] == [None, 5]
    assert sorted(os.listdir(tmp_path)) == ["web"]  # no temporary folders left behind
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="notes.txt"):
        build_mlp().export(os.fspath(keep), format="tfjs", verbose=False)
    assert os.listdir(keep) == ["notes.txt"]


def test_a_failed_write_leaves_the_previous_export_whole(tmp_path, monkeypatch):
    target = tmp_path / "web"
    before = _export(build_mlp(features=8, seed=0), target)
    written = []

    def failing_write(path, data):
        written.append(path)
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        with open(path, "xb") as f:
            f.write(data)

    monkeypatch.setattr(tfjs_files, "_write_synced", failing_write)
    with pytest.raises(OSError):
        build_mlp(features=5, seed=1).export(os.fspath(target), format="tfjs", verbose=False)
    with open(target / "model.json") as f:
        assert json.load(f) == before
    assert sorted(os.listdir(tmp_path)) == ["web"]


def test_weights_are_stored_in_float32_even_for_float16_models(tmp_path):
    model = build_mlp(dtype="float16", seed=0)
    model_json = _export(model, tmp_path / "web")
    assert {w["dtype"] for w in model_json["weightsManifest"][0]["weights"]} == {"float32"}
    stored = read_weights(tmp_path / "web", model_json)
    first = model_json["weightsManifest"][0]["weights"][0]["name"]
    np.testing.assert_array_equal(stored[first], cornu.ops.convert_to_numpy(model.weights[0].value).astype("float32"))


def test_set_deterministic_weights_is_what_the_tests_use():
    model = set_deterministic_weights(cornu.Sequential([cornu.Input((2,)), layers.Dense(2)]), 0)
    assert float(np.abs(cornu.ops.convert_to_numpy(model.weights[1].value)).sum()) > 0
