"""Every op of the Keras op namespaces has a value test somewhere in ``tests/ops``.

Most are cases of ``op_cases.py`` (NumPy references and Keras dtypes) or
``reference_cases.py`` (recorded Keras outputs); the rest are listed here with the
test that checks them.
"""

import re

from tests.helpers.ops import op_cases, reference_cases
from tests.ops.test_signatures import NAMESPACES, _load

TESTED_ELSEWHERE = {
    "argpartition": "test_numpy_ops.py::test_argpartition_partitions",
    "vectorize": "test_numpy_ops.py::test_vectorize_maps_over_leading_axes",
    "cond": "test_control_flow.py", "switch": "test_control_flow.py", "while_loop": "test_control_flow.py",
    "fori_loop": "test_control_flow.py", "scan": "test_control_flow.py", "associative_scan": "test_control_flow.py",
    "map": "test_control_flow.py", "vectorized_map": "test_control_flow.py", "custom_gradient": "test_control_flow.py",
    "jvp": "test_control_flow.py::test_jvp_gives_the_directional_derivative",
    "convert_to_numpy": "test_control_flow.py::test_conversion_helpers", "convert_to_tensor": "test_control_flow.py::test_conversion_helpers",
    "is_tensor": "test_control_flow.py::test_conversion_helpers", "dtype": "test_control_flow.py::test_conversion_helpers",
    "shape": "test_control_flow.py::test_conversion_helpers",
    "view_as_complex": "reference_cases.py view_as_real (round trip)",
    "elastic_transform": "test_nn_math_linalg_ops.py::test_image_ops (random: identity at alpha=0, reproducible per seed)",
}


def test_every_keras_op_has_a_value_test():
    reference = _load()
    covered = {case.op for case in op_cases.CASES}
    covered |= {re.sub(r"\[.*", "", case.id).replace("image.", "") for case in reference_cases.CASES}
    covered |= set(TESTED_ELSEWHERE)
    untested = sorted(
        f"{namespace}.{name}" for namespace in NAMESPACES if namespace.split(".")[0] == "ops"
        for name in reference[namespace]
        if name not in covered
    )
    assert not untested, f"ops without a value test: {', '.join(untested)}"
