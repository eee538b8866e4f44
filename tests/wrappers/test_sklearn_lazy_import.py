"""``import cornu`` does not import scikit-learn; the wrappers import it on first use, and
without it they still exist and say what to install.

One fresh interpreter checks it all (this test process has scikit-learn imported already).
"""

import os
import subprocess
import sys

from tests.helpers.requirements import REPO, require

SCRIPT = r"""
import os
import sys

if os.environ.get("CORNU_BACKEND") == "tensorflow":
    # TensorFlow imports the installed Keras, which imports scikit-learn: only cornu's part is checked.
    import tensorflow  # noqa: F401
framework_imported_sklearn = "sklearn" in sys.modules
import cornu

assert framework_imported_sklearn or "sklearn" not in sys.modules, "import cornu imported scikit-learn"
assert "cornu.wrappers.sklearn_estimators" not in sys.modules
assert {"SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"} <= set(dir(cornu.wrappers))
try:
    cornu.wrappers.NoSuchWrapper
except AttributeError as error:
    assert "has no attribute 'NoSuchWrapper'" in str(error)
else:
    raise AssertionError("an unknown name must raise AttributeError")

sys.modules["sklearn"] = None  # as if scikit-learn were not installed
from cornu.wrappers import SKLearnClassifier

assert hasattr(cornu.wrappers, "SKLearnRegressor")
try:
    SKLearnClassifier(model=None)
except ImportError as error:
    assert "requires scikit-learn" in str(error) and "pip install scikit-learn" in str(error), error
else:
    raise AssertionError("constructing a wrapper without scikit-learn must raise ImportError")
print("ok")
"""


def test_import_cornu_does_not_import_sklearn_and_wrappers_explain_a_missing_one():
    env = dict(os.environ, OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]


def test_first_access_imports_sklearn_and_registers_the_keras_names():
    require("sklearn", "scikit-learn")
    import cornu
    from cornu.serialization.registry import BUILTIN_OBJECTS

    classifier = cornu.wrappers.SKLearnClassifier
    assert "sklearn" in sys.modules
    assert classifier.__module__ == "cornu.wrappers.sklearn_estimators"
    for name in ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"):
        assert BUILTIN_OBJECTS[f"keras.wrappers.{name}"] is getattr(cornu.wrappers, name)
