import json
import os
import subprocess
import sys

import pytest

from cornu.backend import config

# Each test starts its own interpreters with the backends it needs, or reads the source.
pytestmark = pytest.mark.skipif(config.backend() != "numpy", reason="backend-independent; runs once, in the numpy pass")


def _run(code, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("CORNU_BACKEND", "KERAS_BACKEND")}
    full_env.update(env)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


PROBE = ("import sys, cornu; print(cornu.config.backend(), 'torch' in sys.modules, 'jax' in sys.modules, "
         "'tensorflow' in sys.modules)")
BACKENDS = ["jax", "torch", "numpy", "tensorflow"]


@pytest.mark.parametrize("name", BACKENDS)
def test_cornu_backend_env_selects_and_imports_only_that_backend(name, tmp_path):
    backend, torch_loaded, jax_loaded, tf_loaded = _run(PROBE, CORNU_BACKEND=name, CORNU_HOME=str(tmp_path)).split()
    assert backend == name
    assert (torch_loaded == "True") == (name == "torch")
    assert (tf_loaded == "True") == (name == "tensorflow")
    if name == "tensorflow":
        # TensorFlow itself imports jax when it is installed (tensorflow/lite/python/util.py):
        # cornu must import nothing beyond what `import tensorflow` alone does.
        jax_expected = _run("import sys, tensorflow; print('jax' in sys.modules)") == "True"
    else:
        jax_expected = name == "jax"
    assert (jax_loaded == "True") == jax_expected


def test_keras_backend_is_honoured_when_cornu_backend_is_unset(tmp_path):
    assert _run(PROBE, KERAS_BACKEND="numpy", CORNU_HOME=str(tmp_path)).split()[0] == "numpy"
    assert _run(PROBE, KERAS_BACKEND="numpy", CORNU_BACKEND="torch", CORNU_HOME=str(tmp_path)).split()[0] == "torch"


def test_config_file_and_default(tmp_path):
    assert _run(PROBE, CORNU_HOME=str(tmp_path)).split()[0] == "jax"
    (tmp_path / "cornu.json").write_text(json.dumps({"backend": "numpy", "floatx": "float64"}))
    code = "import cornu; print(cornu.config.backend(), cornu.config.floatx())"
    assert _run(code, CORNU_HOME=str(tmp_path)) == "numpy float64"


def test_unknown_backend_is_a_clear_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CORNU_BACKEND", "KERAS_BACKEND")}
    env.update(CORNU_BACKEND="tensorflowx", CORNU_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", "import cornu"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode != 0
    assert "Received: backend='tensorflowx'" in out.stderr


def test_no_backend_checks_outside_the_backend_package():
    import re

    import cornu

    root = os.path.dirname(cornu.__file__)
    pattern = re.compile(r"backend\(\) *(==|!=|in )|import (jax|torch)\b|from (jax|torch)\b")
    # The interop layers (TorchModuleWrapper, JaxLayer, FlaxLayer) hold the wrapped framework's
    # own objects; this one file is their way to it, imported lazily on the matching backend.
    # `split_dataset(..., preferred_backend="torch")` returns torch Subsets, as in Keras.
    allowed = {os.path.join(root, "layers", "interop", "native.py"),
               os.path.join(root, "utils", "torch_dataset_split.py")}
    offenders = []
    for folder, _, files in os.walk(root):
        if os.path.join(root, "backend") in folder:
            continue
        for name in files:
            if name.endswith(".py") and os.path.join(folder, name) not in allowed:
                path = os.path.join(folder, name)
                for i, line in enumerate(open(path), 1):
                    if pattern.search(line):
                        offenders.append(f"{os.path.relpath(path, root)}:{i}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_backend_packages_never_import_each_other():
    import re

    import cornu

    root = os.path.join(os.path.dirname(cornu.__file__), "backend")
    offenders = []
    for name in BACKENDS:
        others = [o for o in BACKENDS if o != name]
        pattern = re.compile(r"cornu\.backend\.(%s)\b" % "|".join(others))
        for folder, _, files in os.walk(os.path.join(root, name)):
            for file in files:
                if file.endswith(".py"):
                    path = os.path.join(folder, file)
                    for i, line in enumerate(open(path), 1):
                        if pattern.search(line):
                            offenders.append(f"{os.path.relpath(path, root)}:{i}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("name", ["torch", "jax", "tensorflow"])
def test_a_chosen_backend_that_is_not_installed_says_how_to_install_it(name, tmp_path):
    # A stand-in package that fails to import exactly as a missing one does.
    fake = tmp_path / "site" / name
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(f"raise ModuleNotFoundError(\"No module named '{name}'\", name='{name}')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("CORNU_BACKEND", "KERAS_BACKEND")}
    env.update(CORNU_BACKEND=name, CORNU_HOME=str(tmp_path), PYTHONPATH=str(tmp_path / "site"))
    out = subprocess.run([sys.executable, "-c", "import cornu"], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith(f"ImportError: The {name} backend was chosen"), out.stderr
    assert f"`{name}` is not installed. Install it with `pip install" in last
    assert f"Received: backend='{name}'" in last
