"""Keras programs run unchanged on cornu: `python -m cornu script.py` and
`cornu.install_as_keras()` make `import keras`, `from keras import layers`,
`from keras.layers import Dense` and `import keras.backend as K` resolve to cornu.
Each check runs in a fresh interpreter: the alias is process-wide."""

import os
import pathlib
import subprocess
import sys

import pytest

from cornu.backend import config

HERE = pathlib.Path(__file__).resolve().parent
PROGRAM = HERE / "keras_style_program.py"
REPO_ROOT = HERE.parents[1]
BACKEND = config.backend()
# The alias is an import hook that no backend touches: checks that train nothing run once.
backend_independent = pytest.mark.skipif(BACKEND != "numpy", reason="backend-independent; runs once, in the numpy pass")


def _run(args, code=None):
    env = dict(os.environ, CORNU_BACKEND=BACKEND, PYTHONPATH=str(REPO_ROOT))
    command = [sys.executable] + (["-c", code] if code is not None else args)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=str(HERE))


@pytest.mark.requires_trainable_backend
def test_python_dash_m_cornu_runs_a_keras_program_on_cornu():
    done = _run(["-m", "cornu", str(PROGRAM), "--epochs", "2"])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"library cornu 0.1.0 {BACKEND}" in lines
    assert "argv ['--epochs', '2']" in lines
    assert "tree [1, 2, 3]" in lines


@pytest.mark.requires_trainable_backend
def test_python_dash_m_cornu_runs_a_module():
    done = _run(["-m", "cornu", "-m", "keras_style_program"])
    assert done.returncode == 0, done.stderr
    assert f"library cornu 0.1.0 {BACKEND}" in done.stdout.splitlines()


@backend_independent
def test_install_as_keras_maps_every_spelling_to_cornu():
    done = _run(None, code=(
        "import cornu; cornu.install_as_keras(); cornu.install_as_keras()\n"
        "import keras, keras.backend as K\n"
        "from keras import layers, ops, utils\n"
        "from keras.layers import Dense\n"
        "from keras.saving import load_model\n"
        "assert keras is cornu and layers is cornu.layers and Dense is cornu.layers.Dense\n"
        "assert K is cornu.backend and ops is cornu.ops and load_model is cornu.saving.load_model\n"
        "assert cornu.layers.__spec__.name == 'cornu.layers' and cornu.__spec__.name == 'cornu'\n"
        "print('ok')\n"
    ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@backend_independent
def test_nothing_is_aliased_without_asking():
    done = _run(None, code=(
        "import os, sys, cornu; os.environ['KERAS_BACKEND'] = 'jax'\n"
        "import keras; print(keras.__name__, keras.Sequential is not cornu.Sequential)"
    ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["keras", "True"]


@backend_independent
def test_missing_and_private_modules_say_why():
    done = _run(None, code=(
        "import cornu; cornu.install_as_keras()\n"
        "import keras.applications.resnet50\n"  # built (issue 20): imports as in Keras
        "for name in ('keras.visualization.plot_image_gallery', 'keras.src.layers', 'keras.no_such_thing'):\n"
        "    try:\n"
        "        __import__(name)\n"
        "    except ImportError as error:\n"
        "        print(name, '->', error)\n"
    ))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert ("keras.visualization.plot_image_gallery -> `keras.visualization.plot_image_gallery` is not in "
            "cornu yet") in out
    assert "the image and bounding-box plots" in out
    assert "keras.src.layers -> `keras.src` is Keras's private source tree" in out
    assert "keras.no_such_thing -> `keras.no_such_thing` cannot be imported" in out and "no such module" in out


@backend_independent
def test_installing_after_the_real_keras_was_imported_is_refused():
    done = _run(None, code=(
        "import os; os.environ['KERAS_BACKEND'] = 'jax'\n"
        "import keras, cornu\n"
        "try:\n"
        "    cornu.install_as_keras()\n"
        "except RuntimeError as error:\n"
        "    print(error)\n"
    ))
    assert done.returncode == 0, done.stderr
    assert "already imported" in done.stdout and "before the first `import keras`" in done.stdout


@backend_independent
def test_usage_without_a_script():
    done = _run(["-m", "cornu"])
    assert done.returncode == 2
    assert "usage: python -m cornu script.py" in done.stdout
