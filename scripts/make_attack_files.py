"""Writes the attack corpus under tests/fixtures/attack_files/: one crafted file per known attack.

Run it from the repository root:

    CORNU_BACKEND=numpy .venv/bin/python scripts/make_attack_files.py

Each file reproduces a pattern used against Keras model files (most have a
CVE against some Keras version): configs that make the loader import a module
or call a function (``os.system``, ``builtins.eval``, ``subprocess.Popen``,
``keras.utils.get_file``, ``keras.config.enable_unsafe_deserialization``),
Lambda bytecode, layers that read other files (``TFSMLayer``,
``TorchModuleWrapper`` pickles, ``StringLookup`` vocabularies), HDF5 links,
external storage and virtual datasets, zip path traversal, symbolic links,
duplicate members, decompression and shape bombs, deeply nested JSON, and
crafted sharded indexes and safetensors headers.

Nothing here runs a payload: commands only ever ``touch`` the relative file
``CORNU_ATTACK_SENTINEL``, and files named as exfiltration targets need not
exist. ``attacks.json`` lists every file with the entry points that must
refuse it and the error they must give; ``tests/saving/attacks/`` runs them.
"""

import base64
import io
import json
import os
import pathlib
import pickle
import shutil
import stat
import struct
import zipfile

import h5py
import numpy as np

import cornu

OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "attack_files"
SENTINEL = "CORNU_ATTACK_SENTINEL"
SECRET = "/etc/passwd"  # what an exfiltration attack would read
COMMAND = f"touch {SENTINEL}"

MANIFEST = []


def record(name, filename, kind, entry_points, error, description):
    MANIFEST.append({"name": name, "file": filename, "kind": kind, "entry_points": entry_points, "error": error,
                     "description": description})


# ----------------------------------------------------------------- the victim model
def victim():
    """The members of a benign `.keras` file of a tiny model; attacks are grafted onto it."""
    model = cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(2)], name="victim")
    model.layers[0].kernel.assign(np.arange(8, dtype="float32").reshape(4, 2) / 8)
    buffer = io.BytesIO()
    cornu.saving.save_model(model, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_keras(filename, members, extra=()):
    """A `.keras` zip of ``members`` (name -> bytes) plus ``extra`` ZipInfos.

    Members are DEFLATE-compressed (Keras stores them; both load) to keep the corpus small.
    """
    with zipfile.ZipFile(OUT / filename, "w") as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
        for info, data in extra:
            zf.writestr(info, data)


def with_config(members, config):
    return {**members, "config.json": json.dumps(config).encode()}


# ----------------------------------------------------------------- config attacks
def bytecode_lambda():
    """Marshalled bytecode of a lambda that creates the sentinel (never executed here)."""
    import marshal

    namespace = {}
    exec(f"f = lambda x: (open({SENTINEL!r}, 'w').close(), x)[1]", namespace)  # defines, does not call
    return base64.encodebytes(marshal.dumps(namespace["f"].__code__)).decode("ascii")


def lambda_layer(function):
    return {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
            "config": {"name": "evil_lambda", "trainable": True, "dtype": "float32", "function": function,
                       "arguments": {}}}


class _SystemCall:
    """Pickles as ``os.system(COMMAND)``; building the pickle never runs it."""

    def __reduce__(self):
        return (os.system, (COMMAND,))


def config_attacks(members, base):
    layers = base["config"]["layers"]

    def add_layer(layer):
        config = json.loads(json.dumps(base))
        config["config"]["layers"] = layers + [layer]
        return config

    def dense_with_activation(activation):
        config = json.loads(json.dumps(base))
        config["config"]["layers"][1]["config"]["activation"] = activation
        return config

    attacks = {
        "module_os_system_model": (
            {"module": "os", "class_name": "system", "config": COMMAND, "registered_name": None},
            "the whole model names `os.system` by module and class name"),
        "module_os_system_layer": (
            add_layer({"module": "os", "class_name": "system", "config": {"command": COMMAND},
                       "registered_name": "system"}),
            "a layer names `os.system` (CVE-2025-1550: Keras imported any module named in a config)"),
        "builtins_eval_activation": (
            dense_with_activation({"module": "builtins", "class_name": "function", "config": "eval",
                                   "registered_name": "function"}),
            "an activation names `builtins.eval`"),
        "builtins_exec_lambda_function": (
            add_layer(lambda_layer({"module": "builtins", "class_name": "function", "config": "exec",
                                    "registered_name": "function"})),
            "a Lambda layer's function is `builtins.exec`"),
        "subprocess_popen_layer": (
            add_layer({"module": "subprocess", "class_name": "Popen", "config": {"args": ["touch", SENTINEL]},
                       "registered_name": None}),
            "a layer is `subprocess.Popen`"),
        "registered_name_os_system": (
            add_layer({"module": None, "class_name": "system", "config": COMMAND, "registered_name": "os>system"}),
            "a registered name points at `os.system`"),
        "keras_internal_module_import": (
            add_layer({"module": "keras.src.utils.file_utils", "class_name": "get_file",
                       "config": {"fname": SENTINEL, "origin": "http://127.0.0.1:9/payload"},
                       "registered_name": None}),
            "a Keras-internal module path to reach a downloading function"),
        "get_file_download": (
            dense_with_activation({"module": "keras.utils", "class_name": "get_file",
                                   "config": {"fname": SENTINEL, "origin": "http://127.0.0.1:9/payload"},
                                   "registered_name": None}),
            "`keras.utils.get_file` inside a config (CVE-2025-8747: download/overwrite files)"),
        "nested_load_model": (
            add_layer({"module": "keras.models", "class_name": "load_model", "config": {"filepath": "other.keras"},
                       "registered_name": None}),
            "`keras.models.load_model` inside a config (load another file with other settings)"),
        "enable_unsafe_deserialization": (
            add_layer({"module": "keras.config", "class_name": "enable_unsafe_deserialization", "config": {},
                       "registered_name": None}),
            "`keras.config.enable_unsafe_deserialization` inside a config (CVE-2025-9906), before a Lambda"),
        "lambda_bytecode": (
            add_layer(lambda_layer({"class_name": "__lambda__",
                                    "config": {"code": bytecode_lambda(), "defaults": None, "closure": None}})),
            "a Lambda layer with marshalled bytecode under safe mode (CVE-2024-3660)"),
        "lambda_bytecode_activation": (
            dense_with_activation({"class_name": "__lambda__", "config": {"value": [bytecode_lambda(), None, None]}}),
            "marshalled bytecode as an activation (the generic `__lambda__` form)"),
        "tfsm_layer": (
            add_layer({"module": "keras.layers", "class_name": "TFSMLayer",
                       "config": {"name": "tfsm", "filepath": "../attack_savedmodel", "call_endpoint": "serve"},
                       "registered_name": None}),
            "a `TFSMLayer` loading a TensorFlow SavedModel (arbitrary graph code) from another path"),
        "torch_module_wrapper_pickle": (
            add_layer({"module": "keras.layers", "class_name": "TorchModuleWrapper", "registered_name": None,
                       "config": {"name": "torch_module_wrapper",
                                  "module": base64.b64encode(pickle.dumps(_SystemCall())).decode("ascii")}}),
            "a `TorchModuleWrapper` whose module is a pickle that calls `os.system` (CVE-2025-49655)"),
        "string_lookup_file_read": (
            add_layer({"module": "keras.layers", "class_name": "StringLookup", "registered_name": None,
                       "config": {"name": "lookup", "vocabulary": SECRET}}),
            "a `StringLookup` vocabulary read from a local path (CVE-2025-12058: arbitrary file read)"),
        "callback_in_config": (
            add_layer({"module": "keras.callbacks", "class_name": "CSVLogger", "registered_name": None,
                       "config": {"filename": SENTINEL}}),
            "a callback (writes files) in place of a layer"),
        "set_random_seed_activation": (
            dense_with_activation({"module": "keras.utils", "class_name": "set_random_seed",
                                   "registered_name": None, "config": {}}),
            "a global-state function (`keras.utils.set_random_seed`) as an activation"),
        "non_string_class_name": (
            add_layer({"module": ["os"], "class_name": ["system"], "config": COMMAND, "registered_name": None}),
            "identifiers that are not strings (confuses name lookups)"),
    }
    attacks["enable_unsafe_deserialization"][0]["config"]["layers"].append(
        lambda_layer({"class_name": "__lambda__", "config": {"code": bytecode_lambda(), "defaults": None,
                                                             "closure": None}}))
    compile_attack = json.loads(json.dumps(base))
    compile_attack["compile_config"] = {
        "optimizer": {"module": "os", "class_name": "system", "config": COMMAND, "registered_name": None},
        "loss": {"module": "builtins", "class_name": "function", "config": "eval", "registered_name": "function"},
        "metrics": None, "loss_weights": None, "weighted_metrics": None, "run_eagerly": False,
        "steps_per_execution": 1, "jit_compile": False,
    }
    attacks["compile_config_os_system"] = (compile_attack, "`os.system` and `eval` in the compile config")

    for name, (config, description) in attacks.items():
        filename = f"{name}.keras"
        write_keras(filename, with_config(members, config))
        entry_points = ["load_model", "deserialize_keras_object", "model_from_json"]
        if config.get("class_name") == "Sequential" and "compile_config" not in config:
            entry_points.append("model_from_config")  # `from_config` never sees the compile config
        # Pickled code loads only with safe_mode=False passed on purpose (as Lambda bytecode does);
        # everything else is refused even then.
        if "lambda" not in name and "pickle" not in name and name != "enable_unsafe_deserialization":
            entry_points.append("load_model_unsafe")
        error = "Lambda|lambda|bytecode" if "lambda_bytecode" in name else (
            "Could not locate|not a modeling|must be a string|Could not locate function")
        if "pickle" in name:
            error = "disallowed by default"
        if name == "enable_unsafe_deserialization":
            error = "Could not locate|not a modeling"
        record(name, filename, "config", entry_points, error, description)

    # Deeply nested JSON: too deep to parse at all, and parsable but deeper than any real model.
    depth = 20_000
    write_keras("deep_json_unparsable.keras",
                {**members, "config.json": b'{"config": ' * depth + b"0" + b"}" * depth})
    record("deep_json_unparsable", "deep_json_unparsable.keras", "config_raw", ["load_model", "model_from_json"],
           "not valid JSON|nested too deeply|too deep", "config.json nested 20000 levels (stack exhaustion)")
    deep = 0
    for _ in range(200):
        deep = {"module": "keras.layers", "class_name": "Dense", "config": {"units": deep}, "registered_name": None}
    write_keras("deep_config.keras", with_config(members, add_layer(deep)))
    record("deep_config", "deep_config.keras", "config",
           ["load_model", "deserialize_keras_object", "model_from_json", "model_from_config", "load_model_unsafe"],
           "nested more than", "a layer config nested 400 levels deep (recursion exhaustion)")


# ----------------------------------------------------------------- zip attacks
def _central_directory(data):
    """(records, cd offset, eocd offset) of a small zip without a comment."""
    eocd = data.rindex(b"PK\x05\x06")
    count, size, offset = struct.unpack("<HII", data[eocd + 10:eocd + 20])
    records, pos = [], offset
    for _ in range(count):
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[pos + 28:pos + 34])
        end = pos + 46 + name_len + extra_len + comment_len
        records.append(bytearray(data[pos:end]))
        pos = end
    return records, offset, eocd


def _rebuild(data, records, cd_offset, eocd):
    directory = b"".join(records)
    tail = bytearray(data[eocd:eocd + 22])
    struct.pack_into("<HHII", tail, 8, len(records), len(records), len(directory), cd_offset)
    return data[:cd_offset] + directory + bytes(tail)


def zip_attacks(members):
    def add(name, infos, description, error="outside the archive"):
        write_keras(f"{name}.keras", members, infos)
        record(name, f"{name}.keras", "archive", ["load_model", "load_weights"], error, description)

    add("zip_traversal",
        [(zipfile.ZipInfo(f"../{SENTINEL}"), b"x"), (zipfile.ZipInfo(f"assets/../../{SENTINEL}"), b"x")],
        "members whose names climb out of the extraction folder (`../`)")
    add("zip_absolute_path", [(zipfile.ZipInfo(f"/tmp/{SENTINEL}"), b"x")], "a member with an absolute path")
    link = zipfile.ZipInfo("assets/evil_link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    add("zip_symlink_member", [(link, SECRET.encode())], "an `assets/` member that is a symbolic link to a secret",
        error="symbolic link")

    evil = json.dumps({"module": "os", "class_name": "system", "config": COMMAND}).encode()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, which is the point
        add("zip_duplicate_members", [(zipfile.ZipInfo("config.json"), evil)],
            "a second `config.json` that a different reader would pick", error="more than once")

    bomb = zipfile.ZipInfo("config.json")
    bomb.compress_type = zipfile.ZIP_BZIP2
    write_keras("zip_bomb_bzip2.keras", {k: v for k, v in members.items() if k != "config.json"},
                [(bomb, b"{" + b" " * (80 << 20) + b"}")])
    record("zip_bomb_bzip2", "zip_bomb_bzip2.keras", "archive", ["load_model", "load_weights"],
           "decompression bomb", "config.json is 80 MB of bzip2-compressed spaces stored in ~100 bytes")

    # A member whose header declares 3 GiB while storing a few bytes (a lying size field).
    write_keras("_tmp.keras", members, [(zipfile.ZipInfo("assets/blob.bin", (2024, 1, 1, 0, 0, 0)), b"\0" * 64)])
    data = (OUT / "_tmp.keras").read_bytes()
    (OUT / "_tmp.keras").unlink()
    records, cd_offset, eocd = _central_directory(data)
    for rec in records:
        if rec[46:46 + len(b"assets/blob.bin")] == b"assets/blob.bin":
            struct.pack_into("<I", rec, 24, 3 << 30)
    (OUT / "zip_bomb_declared.keras").write_bytes(_rebuild(data, records, cd_offset, eocd))
    record("zip_bomb_declared", "zip_bomb_declared.keras", "archive", ["load_model", "load_weights"],
           "decompression bomb", "a member declaring 3 GiB while storing 64 bytes")

    # Overlapping members: 80 directory entries share one DEFLATE stream of 1 MiB of zeros (~1 KB).
    info = zipfile.ZipInfo("assets/bomb_00.bin", (2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    write_keras("_tmp.keras", members, [(info, b"\0" * (1 << 20))])
    data = (OUT / "_tmp.keras").read_bytes()
    (OUT / "_tmp.keras").unlink()
    records, cd_offset, eocd = _central_directory(data)
    bomb_record = next(r for r in records if b"assets/bomb_00.bin" in r)
    for i in range(1, 80):
        copy = bytearray(bomb_record)
        copy[46:46 + 18] = f"assets/bomb_{i:02}.bin".encode()
        records.append(copy)
    (OUT / "zip_overlapping_bomb.keras").write_bytes(_rebuild(data, records, cd_offset, eocd))
    record("zip_overlapping_bomb", "zip_overlapping_bomb.keras", "archive", ["load_model", "load_weights"],
           "decompression bomb", "80 members overlapping one compressed stream (a 'better zip bomb')")


# ----------------------------------------------------------------- HDF5 attacks
def h5_attacks(members):
    base = members["model.weights.h5"]

    def variant(name, mutate, description, error):
        buffer = io.BytesIO(base)
        with h5py.File(buffer, "a") as f:
            mutate(f)
        data = buffer.getvalue()
        (OUT / f"{name}.weights.h5").write_bytes(data)
        record(name, f"{name}.weights.h5", "weights", ["load_weights"], error, description)
        write_keras(f"{name}.keras", {**members, "model.weights.h5": data})
        record(f"{name}_in_keras", f"{name}.keras", "weights_in_archive", ["load_model", "load_weights"], error,
               description + " (inside a `.keras` archive)")

    def replace_kernel(f, **kwargs):
        del f["layers/dense/vars/0"]
        return f["layers/dense/vars"].create_dataset("0", **kwargs)

    def external_link(f):
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = h5py.ExternalLink("/etc/cornu_attack_secret.h5", "/data")

    def soft_link(f):
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = h5py.SoftLink("/secret/elsewhere")

    def external_storage(f):
        replace_kernel(f, shape=(4, 2), dtype="float32", external=[(SECRET, 0, 32)])

    def virtual(f):
        layout = h5py.VirtualLayout(shape=(4, 2), dtype="float32")
        layout[:] = h5py.VirtualSource("/etc/cornu_attack_secret.h5", "data", shape=(4, 2))
        del f["layers/dense/vars/0"]
        f["layers/dense/vars"].create_virtual_dataset("0", layout)

    def shape_bomb(f):
        replace_kernel(f, shape=(1 << 36, 2), dtype="float32", chunks=(1 << 12, 2), compression="gzip")

    def plugin_filter(f):
        replace_kernel(f, shape=(4, 2), dtype="float32", chunks=(4, 2), compression=32001, allow_unknown_filter=True)

    def hard_link_alias(f):
        f["layers/dense_alias"] = f["layers/dense"]

    def object_reference(f):
        dataset = replace_kernel(f, shape=(2,), dtype=h5py.ref_dtype)
        dataset[0] = f["layers/dense"].ref

    variant("h5_external_link", external_link, "an HDF5 external link to another file", "ExternalLink")
    variant("h5_soft_link", soft_link, "an HDF5 soft link", "SoftLink")
    variant("h5_external_storage", external_storage,
            f"a dataset whose bytes live in {SECRET} (exfiltrated into the weights)", "external files")
    variant("h5_virtual_dataset", virtual, "a virtual dataset reading another file", "virtual dataset")
    variant("h5_shape_bomb", shape_bomb, "a dataset declaring 512 GiB with nothing stored", "bomb")
    variant("h5_plugin_filter", plugin_filter, "a dataset needing an HDF5 filter plugin (a shared library)",
            "plugin")
    variant("h5_hard_link_alias", hard_link_alias, "one group reachable by two paths", "several paths")
    variant("h5_object_reference", object_reference, "a dataset of object references", "references")


# ----------------------------------------------------------------- sharded-index attacks
def sharded_attacks(members):
    def index(name, weight_map, description, error):
        (OUT / f"{name}.weights.json").write_text(json.dumps({"metadata": {"total_size": 40},
                                                              "weight_map": weight_map}))
        record(name, f"{name}.weights.json", "sharded", ["load_weights"], error, description)

    index("sharded_traversal", {"/layers/dense/vars": "../../../../../../etc/passwd"},
          "a shard name climbing out of the index's folder", "not a plain")
    index("sharded_absolute", {"/layers/dense/vars": ["/etc/passwd"]}, "an absolute shard path", "not a plain")
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "a") as f:
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = h5py.ExternalLink("/etc/cornu_attack_secret.h5", "/data")
    (OUT / "sharded_external_link_00000.weights.h5").write_bytes(buffer.getvalue())
    index("sharded_external_link", {"/layers/dense/vars": "sharded_external_link_00000.weights.h5"},
          "a well-formed index whose shard holds an external link", "ExternalLink")
    (OUT / "sharded_deep_index.weights.json").write_bytes(b"[" * 3000 + b"]" * 3000)
    record("sharded_deep_index", "sharded_deep_index.weights.json", "sharded", ["load_weights"], "not valid JSON",
           "an index nested 3000 levels deep")


# ----------------------------------------------------------------- safetensors attacks
def safetensors_attacks():
    def write(name, header, data, description, error, header_size=None):
        raw = header if isinstance(header, bytes) else json.dumps(header).encode()
        size = len(raw) if header_size is None else header_size
        (OUT / f"{name}.safetensors").write_bytes(struct.pack("<Q", size) + raw + data)
        record(name, f"{name}.safetensors", "safetensors", ["load_weights"], error, description)

    kernel = {"dtype": "F32", "shape": [4, 2], "data_offsets": [0, 32]}
    write("st_header_too_large", b"{}", b"", "a header length of 2**62 bytes (allocation bomb)", "over the",
          header_size=1 << 62)
    write("st_header_past_end", b"{}", b"", "a header length past the end of the file", "truncated",
          header_size=4096)
    write("st_offsets_out_of_range", {"layers/dense/vars/0": {**kernel, "data_offsets": [0, 10**12]}}, bytes(32),
          "a tensor claiming 1 TB of a 32-byte data area", "claims bytes")
    write("st_shape_bomb", {"layers/dense/vars/0": {**kernel, "shape": [1 << 40, 1 << 20]}}, bytes(32),
          "a tensor declaring 2**60 elements in 32 bytes", "needs")
    write("st_overlapping_tensors", {"layers/dense/vars/0": kernel,
                                     "layers/dense/vars/1": {"dtype": "F32", "shape": [2], "data_offsets": [24, 32]}},
          bytes(32), "two tensors sharing bytes", "overlap")
    write("st_bad_dtype", {"layers/dense/vars/0": {**kernel, "dtype": "PICKLE"}}, bytes(32),
          "an unknown dtype", "unsupported dtype")
    write("st_deep_header", b"[" * 3000 + b"]" * 3000, b"", "a header nested 3000 levels deep",
          "damaged header")


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    members = victim()
    base = json.loads(members["config.json"])
    config_attacks(members, base)
    zip_attacks(members)
    h5_attacks(members)
    sharded_attacks(members)
    safetensors_attacks()
    (OUT / "attacks.json").write_text(json.dumps({"sentinel": SENTINEL, "attacks": MANIFEST}, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(MANIFEST)} attacks in {len(list(OUT.iterdir()))} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
