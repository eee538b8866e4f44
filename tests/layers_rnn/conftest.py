"""Makes the side-by-side helpers of tests/layers (``layer_compare``) importable here."""

import os
import sys

_LAYERS_TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "layers")
if _LAYERS_TESTS not in sys.path:
    sys.path.insert(0, _LAYERS_TESTS)
