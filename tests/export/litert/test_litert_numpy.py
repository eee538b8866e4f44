"""On the numpy backend LiteRT export is refused with a way out (it needs a backend that traces)."""

import os

import pytest

import cornu
from tests.helpers.export_models import build_mlp

pytestmark = pytest.mark.skipif(cornu.backend.backend() != "numpy",
                                reason="numpy backend only: the JAX and torch paths are in test_litert_export")


def test_numpy_backend_says_where_to_export(tmp_path):
    path = tmp_path / "m.tflite"
    with pytest.raises(NotImplementedError, match="CORNU_BACKEND=jax"):
        build_mlp().export(os.fspath(path), format="litert")
    assert not path.exists()
