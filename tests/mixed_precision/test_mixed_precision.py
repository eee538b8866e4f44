import numpy as np

import cornu
from cornu import layers, ops


def test_mixed_float16_policy_computes_in_float16_with_float32_variables():
    cornu.mixed_precision.set_global_policy("mixed_float16")
    try:
        layer = layers.Dense(3, kernel_initializer="ones")
        out = layer(np.ones((2, 4), "float32"))
        assert layer.kernel.dtype == "float32"
        assert layer.compute_dtype == "float16"
        assert ops.dtype(out) == "float16"
        np.testing.assert_allclose(ops.convert_to_numpy(out).astype("float32"), np.full((2, 3), 4.0))
        assert cornu.mixed_precision.global_policy().name == "mixed_float16"
    finally:
        cornu.mixed_precision.set_global_policy(None)
    assert layers.Dense(1).compute_dtype == "float32"


def test_mixed_precision_namespace_matches_keras_names():
    for name in ("DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "global_policy",
                 "set_dtype_policy", "set_global_policy"):
        assert hasattr(cornu.mixed_precision, name), name
