"""Crafted `.keras` files whose config declares sizes, numbers or graphs that no honest model has
(issue 21): each is refused quickly, with little memory and nothing left on disk, in a child
process under a memory limit; honest models still load, and a trusted big one loads once the
budget is raised."""

import importlib
import os
import re

import numpy as np
import pytest

import cornu
from cornu.serialization.config_limits import ConfigLimitExceeded, check_config_numbers, parse_json_config
from tests.helpers.guarded_load import run_guarded
from tests.saving.limits.config_corpus import CORPUS, write_keras_file

knobs = importlib.import_module("cornu.saving.load_budget")

# `loading` is a no-op around a load that already opened its own budget, so this holds whether or
# not `load_model` opens one itself.
LOAD = (
    "import importlib\n"
    "with importlib.import_module('cornu.saving.load_budget').loading(path):\n"
    "    cornu.saving.load_model(path)\n"
)


def test_every_crafted_config_is_refused_fast_in_little_memory(tmp_path):
    corpus_dir = tmp_path / "corpus"
    scratch = tmp_path / "scratch"  # the child's temporary folder: must stay empty
    corpus_dir.mkdir()
    scratch.mkdir()
    honest = str(corpus_dir / "honest.keras")
    _dense_model(units=8, features=4).save(honest)
    # The first load imports the layers, the first symbolic op torch's meta kernels (seconds on a
    # busy machine): they are not timed.
    warm_up = LOAD + "cornu.ops.add(cornu.ops.broadcast_to(cornu.Input(batch_shape=(1, 1)), (2, 2)), 1.0)\n"
    cases = [("warm_up_and_honest_model_loads", warm_up, honest)]
    cases += [(name, LOAD, write_keras_file(corpus_dir / f"{name}.keras", text))
              for name, (text, _, _) in CORPUS.items()]
    before = sorted(os.listdir(corpus_dir))

    results = run_guarded(cases, backend=cornu.backend.backend(), env={"TMPDIR": str(scratch)})

    assert results["warm_up_and_honest_model_loads"]["error_type"] is None, results["warm_up_and_honest_model_loads"]
    failures = []
    for name, (_, error_type, pattern) in CORPUS.items():
        row = results[name]
        message = row["message"] or ""
        if not re.fullmatch(error_type, row["error_type"] or "") or not re.search(pattern, message, re.S):
            failures.append(f"{name}: {row['error_type']}: {message[:300]}")
        if row["seconds"] >= 5:
            failures.append(f"{name}: took {row['seconds']:.1f} s")
        if len(message) > 1500:
            failures.append(f"{name}: a {len(message)}-character message quotes too much of the file")
    assert not failures, "\n".join(failures)
    peak = max(row["peak_rss_mb"] for row in results.values())
    baseline = next(iter(results.values()))["baseline_rss_mb"]
    assert peak - baseline < 300, f"peak {peak:.0f} MB over a baseline of {baseline:.0f} MB"
    assert sorted(os.listdir(corpus_dir)) == before
    # torch keeps a compiler cache folder in the temporary folder once its meta kernels are loaded.
    assert [entry for entry in os.listdir(scratch) if not entry.startswith("torchinductor_")] == []


def _dense_model(units=512, features=512):
    inputs = cornu.Input((features,), name="x")
    return cornu.Model(inputs, cornu.layers.Dense(units, name="big")(inputs))


def test_honest_models_still_load_under_the_budget(tmp_path):
    inputs = cornu.Input((6,), name="x")
    hidden = cornu.layers.Dense(5, name="h")(inputs)
    shared = cornu.layers.Dense(5, name="shared")
    outputs = cornu.layers.Add(name="sum")([shared(hidden), shared(cornu.ops.multiply(hidden, 2.0))])
    model = cornu.Model(inputs, cornu.layers.Reshape((5, 1), name="r")(outputs))
    path = str(tmp_path / "ok.keras")
    model.save(path)
    with knobs.loading(path) as budget:
        restored = cornu.saving.load_model(path)
    assert 0 < budget.used < budget.max_bytes
    x = np.random.default_rng(0).normal(size=(3, 6)).astype("float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_a_trusted_big_model_loads_once_the_budget_is_raised(tmp_path):
    model = _dense_model()  # 1 MiB of weights
    path = str(tmp_path / "big.keras")
    model.save(path)
    with cornu.saving.load_budget(256 << 10), pytest.raises(cornu.saving.LoadBudgetExceeded,
                                                             match=r"'big/kernel'.*set_max_load_bytes"):
        with knobs.loading(path):
            cornu.saving.load_model(path)
    with cornu.saving.load_budget(64 << 20):
        with knobs.loading(path):
            restored = cornu.saving.load_model(path)
    np.testing.assert_array_equal(restored.get_layer("big").kernel.numpy(), model.get_layer("big").kernel.numpy())


def test_json_integers_are_bounded_but_seeds_up_to_2_to_the_64_parse():
    assert parse_json_config('{"seed": 18446744073709551616, "salt": -18446744073709551615}') == {
        "seed": 2**64, "salt": -(2**64) + 1}
    with pytest.raises(ConfigLimitExceeded, match="21 digits"):
        parse_json_config('{"seed": 184467440737095516160}')
    with pytest.raises(ValueError, match="nested too deeply"):
        parse_json_config("[" * 100000 + "]" * 100000)


def test_configs_built_in_python_are_bounded_too():
    check_config_numbers({"config": {"target_shape": [-1, 3], "build_config": {"input_shape": [None, 2**40]}}})
    bad = [
        ({"config": {"seed": 2**80}}, r"81 bits at `config.config.seed`"),
        ({"config": {"target_shape": [2**41]}}, r"dimension 2199023255552 at `config.config.target_shape`"),
        ({"build_config": {"input_shape": [[None, 3], [None, -7]]}},
         r"dimension -7 at `config.build_config.input_shape\[1\]`"),
        ({"config": {"batch_shape": [2**40, 2**40, 2**40]}}, r"more than \d+ elements"),
        ({"config": {"shape": [1] * 65}}, r"rank 65"),
    ]
    for config, pattern in bad:
        with pytest.raises(ConfigLimitExceeded, match=pattern):
            check_config_numbers(config)
    # A shape of thousands of giant integers is refused without multiplying them out.
    with pytest.raises(ConfigLimitExceeded, match="bits"):
        cornu.saving.deserialize_keras_object(
            {"module": "keras.layers", "class_name": "Reshape", "config": {"target_shape": [10**4000] * 1000}})
