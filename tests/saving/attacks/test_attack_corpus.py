"""Every crafted file in tests/fixtures/attack_files/ is refused by every entry point that can take it.

For each (attack, entry point) the load must raise a clear ``ValueError`` or
``TypeError`` (matching the manifest's pattern), with no side effect: the
sentinel file a payload would create does not appear, no watched audit event
fires (``os.system``, ``subprocess.Popen``, unpickling, unmarshalling the
payload, opening a file the attack points at, network connections), and
memory stays bounded (``tracemalloc`` peak and ``ru_maxrss`` growth).
The corpus is written by ``scripts/make_attack_files.py``.
"""

import json
import resource
import sys
import tracemalloc
import zipfile

import pytest

import cornu
from cornu.serialization.keras_objects import deserialize_keras_object, in_safe_mode

from tests.helpers.requirements import fixture_path

CORPUS = fixture_path("attack_files")
MANIFEST = json.loads((CORPUS / "attacks.json").read_text())
SENTINEL = MANIFEST["sentinel"]
ATTACKS = MANIFEST["attacks"]

# Python-level memory a refused load may use (payloads ask for gigabytes to terabytes).
MAX_TRACED_BYTES = 48 << 20
MAX_RSS_GROWTH_KB = 256 << 10

# Audit events no load may raise, and paths no load may open.
_FORBIDDEN_EVENTS = {"os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                     "pickle.find_class", "socket.connect", "socket.getaddrinfo", "urllib.Request", "ctypes.dlopen"}
_FORBIDDEN_PATH_PARTS = (SENTINEL, "/etc/passwd", "cornu_attack_secret", "attack_savedmodel", "other.keras")
_RECORDING = []
_EVENTS = []


def _audit(event, args):
    if not _RECORDING:
        return
    if event in _FORBIDDEN_EVENTS:
        _EVENTS.append((event, repr(args)[:200]))
    elif event == "open" and args and isinstance(args[0], (str, bytes)):
        path = args[0] if isinstance(args[0], str) else args[0].decode("utf-8", "replace")
        if any(part in path for part in _FORBIDDEN_PATH_PARTS):
            _EVENTS.append((event, path))
    elif event == "marshal.loads" and args and SENTINEL.encode() in bytes(args[0]):
        _EVENTS.append((event, "the attack's bytecode"))


sys.addaudithook(_audit)  # cannot be removed; costs one list check per event while not recording


def _victim():
    return cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(2)], name="victim")


def _config_text(path):
    with zipfile.ZipFile(path) as zf:
        return zf.read("config.json").decode("utf-8")


ENTRY_POINTS = {
    "load_model": lambda path: cornu.saving.load_model(path),
    "load_model_unsafe": lambda path: cornu.saving.load_model(path, safe_mode=False),
    "load_weights": lambda path: _victim().load_weights(path),
    "deserialize_keras_object": lambda path: deserialize_keras_object(json.loads(_config_text(path))),
    "model_from_json": lambda path: cornu.models.model_from_json(_config_text(path)),
    "model_from_config": lambda path: cornu.Sequential.from_config(json.loads(_config_text(path))["config"]),
}

CASES = [pytest.param(attack, entry, id=f"{attack['name']}-{entry}")
         for attack in ATTACKS for entry in attack["entry_points"]]


@pytest.fixture(scope="module", autouse=True)
def _warm_up(tmp_path_factory):
    """Runs every loader once on benign files, so first-import work (h5py runs `uname`) is not recorded."""
    folder = tmp_path_factory.mktemp("benign")
    model = _victim()
    model.save(folder / "m.keras")
    for name in ("w.weights.h5", "w.safetensors"):
        model.save_weights(folder / name)
    model.save_weights(folder / "w.weights.json", max_shard_size=1)
    for name in ("m.keras", "w.weights.h5", "w.safetensors", "w.weights.json"):
        _victim().load_weights(folder / name)
    for entry in ("load_model", "deserialize_keras_object", "model_from_json", "model_from_config"):
        ENTRY_POINTS[entry](folder / "m.keras")


@pytest.mark.parametrize("attack, entry", CASES)
def test_attack_is_refused_without_side_effects(attack, entry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a payload's relative sentinel would land here
    path = CORPUS / attack["file"]
    load = ENTRY_POINTS[entry]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _EVENTS.clear()
    tracemalloc.start()
    _RECORDING.append(True)
    try:
        with pytest.raises((ValueError, TypeError)) as info:
            load(path)
    finally:
        _RECORDING.clear()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert info.match(attack["error"]), f"{attack['name']} via {entry}: unexpected error {info.value!r}"
    assert _EVENTS == [], f"{attack['name']} via {entry} triggered {_EVENTS}"
    assert not (tmp_path / SENTINEL).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, not even a temporary file
    assert peak < MAX_TRACED_BYTES, f"{attack['name']} via {entry} allocated {peak} bytes"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < MAX_RSS_GROWTH_KB
    assert in_safe_mode()  # no config can switch safe mode off for later loads


def test_every_attack_file_exists_and_has_an_entry_point():
    names = [attack["name"] for attack in ATTACKS]
    assert len(names) == len(set(names))
    for attack in ATTACKS:
        assert (CORPUS / attack["file"]).is_file(), attack["file"]
        assert attack["entry_points"] and set(attack["entry_points"]) <= set(ENTRY_POINTS)
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 400_000


def test_bytecode_attack_is_live(tmp_path, monkeypatch):
    """The corpus is not refused by accident: its Lambda payload does run once safety is explicitly off."""
    monkeypatch.chdir(tmp_path)
    config = json.loads(_config_text(CORPUS / "lambda_bytecode.keras"))
    layer = config["config"]["layers"][-1]
    if sys.version_info[:2] != (3, 11):
        pytest.skip("the corpus bytecode was marshalled by Python 3.11")
    lambda_layer = deserialize_keras_object(layer, safe_mode=False)
    lambda_layer(cornu.ops.ones((1, 2)))
    assert (tmp_path / SENTINEL).exists()


def test_keras_internal_paths_and_side_effect_namespaces_are_refused():
    for module, name in [("keras.callbacks", "ModelCheckpoint"), ("keras.utils", "Progbar"),
                         ("keras.mixed_precision", "set_global_policy"), ("keras.config", "set_dtype_policy")]:
        with pytest.raises((ValueError, TypeError), match="not a modeling|Could not locate"):
            deserialize_keras_object({"module": module, "class_name": name, "config": {}, "registered_name": None})
    # Modeling objects that also live in those namespaces still load.
    model = deserialize_keras_object({"module": "keras.models", "class_name": "Sequential",
                                      "config": {"name": "ok", "layers": []}, "registered_name": None})
    assert isinstance(model, cornu.Sequential)
