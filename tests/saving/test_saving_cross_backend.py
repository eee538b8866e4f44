"""A model saved on one cornu backend loads on another (subprocess on the other backend)."""

import numpy as np
import pytest

import cornu

from tests.helpers.saving_helpers import BACKEND, data, make_mlp, run_cornu

OTHER = "torch" if BACKEND != "torch" else "jax"

OTHER_SCRIPT = """
import numpy as np
import cornu
from tests.helpers.saving_helpers import make_mlp

x = np.load("x.npy")
for kind in ("sequential", "functional"):
    model = cornu.saving.load_model(f"here_{kind}.keras")
    np.save(f"other_pred_of_here_{kind}.npy", model.predict(x, verbose=0))
    own = make_mlp(kind, name=f"other_{kind}")
    for layer in own.layers:
        if type(layer).__name__ == "BatchNormalization":
            layer.moving_mean.assign(np.full((5,), 0.3, "float32"))
            layer.moving_variance.assign(np.full((5,), 1.7, "float32"))
    own.compile(optimizer=cornu.optimizers.Adam(), loss="mse")
    own.save(f"other_{kind}.keras")
    np.save(f"other_pred_{kind}.npy", own.predict(x, verbose=0))
"""


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cross_backend")
    x, _ = data(seed=7)
    np.save(folder / "x.npy", x)
    expected = {}
    for kind in ("sequential", "functional"):
        model = make_mlp(kind, name=f"here_{kind}")
        model.compile(optimizer=cornu.optimizers.Adam(), loss="mse")
        model.save(folder / f"here_{kind}.keras")
        expected[kind] = model.predict(x, verbose=0)
    run_cornu(OTHER_SCRIPT, OTHER, folder)  # run_cornu puts the repository on PYTHONPATH: tests.helpers imports
    return folder, x, expected


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_saved_here_loads_on_other_backend(exchange, kind):
    folder, _, expected = exchange
    np.testing.assert_allclose(np.load(folder / f"other_pred_of_here_{kind}.npy"), expected[kind], atol=1e-5)


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_saved_on_other_backend_loads_here(exchange, kind):
    folder, x, _ = exchange
    # Compiled but never trained: 2 saved optimizer variables against 14 once built. Keras warns and skips too.
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        model = cornu.saving.load_model(folder / f"other_{kind}.keras")
    assert model.name == f"other_{kind}"
    np.testing.assert_allclose(model.predict(x, verbose=0), np.load(folder / f"other_pred_{kind}.npy"), atol=1e-5)
