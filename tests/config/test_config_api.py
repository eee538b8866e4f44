"""``cornu.config`` has every name of ``keras.config`` with its signature; ``set_backend``
switches the backend of a running program; ``cornu.device`` and ``cornu.SymbolicScope``."""

import inspect
import json
import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import cornu
from cornu.backend import config as backend_config
from tests.helpers.requirements import require_installed

SIGNATURES = pathlib.Path("/work/shared/reference/keras3_api_signatures.json")


def _keras_config_signatures(keras_ref):
    if SIGNATURES.exists():
        table = json.loads(SIGNATURES.read_text())["config"]
        return {name: [p[0] for p in entry["sig"] or []] for name, entry in table.items()}
    return {name: list(inspect.signature(getattr(keras_ref.config, name)).parameters)
            for name in dir(keras_ref.config) if not name.startswith("_")}


def test_every_keras_config_name_exists_with_its_parameters(keras_ref):
    for name, parameters in _keras_config_signatures(keras_ref).items():
        assert hasattr(cornu.config, name), f"cornu.config.{name} is missing"
        ours = list(inspect.signature(getattr(cornu.config, name)).parameters)
        assert ours == parameters, name
        assert ours == list(inspect.signature(getattr(keras_ref.config, name)).parameters), name


def test_is_nnx_enabled_is_false_as_in_default_keras(keras_ref):
    assert cornu.config.is_nnx_enabled() is False
    assert keras_ref.config.is_nnx_enabled() is cornu.config.is_nnx_enabled()


def _run(code, backend="jax"):
    env = dict(os.environ, CORNU_BACKEND=backend, OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          timeout=300)


def test_set_backend_reloads_cornu_on_the_new_backend():
    require_installed("torch")
    result = _run("""
        import warnings
        import numpy as np
        import cornu
        assert cornu.backend.backend() == "jax"
        old_dense = cornu.layers.Dense
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cornu.config.set_backend("torch")
        assert any("set_backend" in str(w.message) for w in caught)
        import cornu
        import torch
        assert cornu.backend.backend() == "torch" and cornu.config.backend() == "torch"
        assert cornu.layers.Dense is not old_dense
        layer = cornu.layers.Dense(2, kernel_initializer="ones")
        out = layer(np.ones((3, 4), "float32"))
        assert isinstance(out, torch.Tensor), type(out)
        print(out.detach().numpy().tolist())
    """)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [[4.0, 4.0]] * 3


def test_set_backend_refuses_unknown_backends():
    with pytest.raises(ValueError, match="Received: backend='theano'"):
        cornu.config.set_backend("theano")
    with pytest.raises(ValueError, match="does not run on the openvino backend"):
        cornu.config.set_backend("openvino")
    assert backend_config.backend() == cornu.backend.backend()  # nothing was reloaded


def test_device_places_tensors_on_the_cpu():
    with cornu.device("cpu:0"):
        x = cornu.ops.ones((2, 2))
        y = cornu.ops.convert_to_tensor(np.arange(3.0))
    assert "cpu" in str(getattr(x, "device", "cpu")).lower()
    assert "cpu" in str(getattr(y, "device", "cpu")).lower()
    np.testing.assert_array_equal(cornu.ops.convert_to_numpy(y), np.arange(3.0))
    with cornu.device("cpu"):
        pass


def test_device_refuses_an_unknown_device():
    with pytest.raises(ValueError, match="device_name"):
        with cornu.device("nowhere:3"):
            pass
    with pytest.raises(ValueError, match="device_name"):
        with cornu.device(3):
            pass


def test_symbolic_scope_marks_the_symbolic_stage(keras_ref):
    from cornu.backend import in_symbolic_scope

    assert cornu.SymbolicScope is cornu.backend.SymbolicScope
    assert not in_symbolic_scope()
    with cornu.SymbolicScope() as scope:
        assert in_symbolic_scope()
        assert isinstance(scope, cornu.SymbolicScope)
    assert not in_symbolic_scope()
    assert list(inspect.signature(cornu.SymbolicScope).parameters) == list(
        inspect.signature(keras_ref.SymbolicScope).parameters)


@pytest.mark.parametrize("name", ["remat", "RematScope", "Function", "SymbolicScope", "device"])
def test_top_level_signatures_match_keras(keras_ref, name):
    assert inspect.signature(getattr(cornu, name)) == inspect.signature(getattr(keras_ref, name))
