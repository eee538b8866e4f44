"""Each interop layer names the backend it needs, and importing cornu never loads another framework."""

import subprocess
import sys

import pytest

import cornu
from cornu import layers

CURRENT = cornu.backend.backend()


def _identity(inputs):
    return inputs


@pytest.mark.skipif(CURRENT == "torch", reason="on torch TorchModuleWrapper works (tested in its own file)")
def test_torch_module_wrapper_needs_the_torch_backend():
    with pytest.raises(ValueError, match=f"'torch' backend.*Received: backend='{CURRENT}'"):
        layers.TorchModuleWrapper(object())


@pytest.mark.skipif(CURRENT == "jax", reason="on jax JaxLayer and FlaxLayer work (tested in their own files)")
@pytest.mark.parametrize("make", [lambda: layers.JaxLayer(_identity), lambda: layers.FlaxLayer(object())],
                         ids=["JaxLayer", "FlaxLayer"])
def test_jax_layers_need_the_jax_backend(make):
    with pytest.raises(ValueError, match=f"'jax' backend.*Received: backend='{CURRENT}'"):
        make()


def test_importing_cornu_loads_no_other_framework():
    code = ("import sys, cornu, cornu.layers; "
            "print(sorted(m for m in ('torch', 'jax', 'flax', 'tensorflow') if m in sys.modules))")
    env = {"CORNU_BACKEND": CURRENT, "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    # `import tensorflow` itself imports jax when it is installed (tensorflow/lite/python/util.py).
    expected = {"jax": ["jax"], "torch": ["torch"], "numpy": [], "tensorflow": ["jax", "tensorflow"]}[CURRENT]
    assert out.stdout.split("\n")[0] == str(expected)
