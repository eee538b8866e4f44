"""An op node whose output size follows from constants in the config (``tile`` by huge
repeats): on NumPy, whose shape inference runs on real stand-in arrays, the load is refused by
the allocation ceiling instead of allocating gigabytes; on jax and torch it is built
symbolically and the load is refused or finishes without the allocation."""

import json
import zipfile

import cornu
from tests.helpers.guarded_load import run_guarded


def _tile_model(path, reps):
    inputs = cornu.Input((1, 1))
    cornu.Model(inputs, cornu.ops.tile(inputs, [2, 2])).save(path)
    with zipfile.ZipFile(path) as zf:
        members = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["inbound_nodes"][0]["args"][1] = reps
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_a_tile_bomb_never_allocates_its_output(tmp_path):
    bomb, honest = tmp_path / "bomb.keras", tmp_path / "honest.keras"
    _tile_model(bomb, [20000, 20000])
    _tile_model(honest, [3, 2])
    snippet = "model = cornu.saving.load_model(path)\nassert model.output.shape == (None, 3, 2), model.output.shape"
    results = run_guarded([("honest", snippet, honest), ("bomb", "cornu.saving.load_model(path)", bomb)])
    assert results["honest"]["error_type"] is None, results["honest"]["message"]
    bomb_result = results["bomb"]
    if cornu.backend.backend() == "numpy":
        assert bomb_result["error_type"] == "LoadBudgetExceeded", bomb_result["message"]
        assert "stand-ins" in bomb_result["message"] and "CORNU_MAX_LOAD_BYTES" in bomb_result["message"]
    else:  # abstract evaluation: nothing the size of the output exists
        assert bomb_result["error_type"] in (None, "LoadBudgetExceeded"), bomb_result["message"]
    assert bomb_result["seconds"] < 10
    assert bomb_result["peak_rss_mb"] - bomb_result["baseline_rss_mb"] < 300
