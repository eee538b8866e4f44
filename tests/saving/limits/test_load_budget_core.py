"""The load budget itself: charging, the default rule, and the three ways to set a limit."""

import importlib

import pytest

import cornu
from cornu.backend.common.load_budget import LoadBudget, LoadBudgetExceeded, budget_scope, charge, charge_array

# The module, not the context manager of the same name that ``cornu.saving`` exports.
knobs = importlib.import_module("cornu.saving.load_budget")


def test_charge_is_free_outside_a_load():
    charge(1 << 60, "anything")
    charge_array((1 << 40, 1 << 40), 8, "anything")


def test_charges_add_up_and_refuse_past_the_limit():
    with budget_scope(LoadBudget(100, source="m.keras")) as budget:
        charge(60, "config.json")
        assert budget.used == 60 and budget.remaining == 40
        with pytest.raises(LoadBudgetExceeded, match=r"'m.keras'.*config.json.*41 bytes.*40 of its 100-byte"):
            charge(41, "config.json")
        assert budget.used == 60


def test_huge_shapes_are_refused_without_multiplying_out_every_dim():
    with budget_scope(LoadBudget(1 << 20)):
        with pytest.raises(LoadBudgetExceeded, match="at least"):
            charge_array((10**12,) + (10**4000,) * 50, 4, "variable 'w'")


def test_a_nested_load_shares_the_outer_budget():
    with budget_scope(LoadBudget(100)) as outer:
        with budget_scope(LoadBudget(10**9)) as inner:
            assert inner is outer


def test_variables_are_charged_while_a_load_runs():
    with budget_scope(LoadBudget(1000)) as budget:
        cornu.Variable(initializer="zeros", shape=(10, 10), dtype="float32")
        assert budget.used == 400
        with pytest.raises(LoadBudgetExceeded, match="variable .* of shape \\(1000, 1000\\)"):
            cornu.layers.Dense(1000).build((None, 1000))


def test_the_default_rule_grows_with_the_files_read(tmp_path):
    path = tmp_path / "m.bin"
    path.write_bytes(b"x" * 1000)
    assert knobs.budget_for(str(path)).max_bytes == knobs.DEFAULT_FLOOR_BYTES + knobs.SIZE_FACTOR * 1000


def test_setting_scope_and_environment_fix_the_limit(tmp_path, monkeypatch):
    path = str(tmp_path / "m.keras")
    monkeypatch.delenv(knobs.ENV_VARIABLE, raising=False)
    assert knobs.get_max_load_bytes() is None
    monkeypatch.setenv(knobs.ENV_VARIABLE, "12345")
    assert knobs.budget_for(path).max_bytes == 12345
    cornu.saving.set_max_load_bytes(999)
    try:
        assert knobs.budget_for(path).max_bytes == 999
        with cornu.saving.load_budget(77):
            assert knobs.budget_for(path).max_bytes == 77
        assert knobs.get_max_load_bytes() == 999
    finally:
        cornu.saving.set_max_load_bytes(None)
    monkeypatch.setenv(knobs.ENV_VARIABLE, "lots")
    with pytest.raises(ValueError, match="CORNU_MAX_LOAD_BYTES.*'lots'"):
        knobs.get_max_load_bytes()


@pytest.mark.parametrize("bad", [0, -1, 1.5, "1GB", True])
def test_bad_limits_are_refused(bad):
    with pytest.raises(ValueError, match="positive number of bytes"):
        cornu.saving.set_max_load_bytes(bad)


def test_the_file_editor_reads_within_a_budget(tmp_path):
    model = cornu.Sequential([cornu.Input((8,)), cornu.layers.Dense(64)])
    for name in ("m.keras", "m.weights.h5"):
        path = str(tmp_path / name)
        model.save(path) if name.endswith(".keras") else model.save_weights(path)
        with cornu.saving.load_budget(1024):
            with pytest.raises(LoadBudgetExceeded):
                cornu.saving.KerasFileEditor(path)
        editor = cornu.saving.KerasFileEditor(path)
        assert editor.weights_dict["layers"]["dense"]["0"].shape == (8, 64)
