"""Which activation functions a backend's fused kernel may run as its own built-in ones.

torch's LSTM/GRU kernels compute tanh and sigmoid themselves, so they can take a layer only
when its activations are exactly those. The backend never imports ``cornu.activations`` or
``cornu.ops`` to recognise them: the packages above declare their functions here instead.

Example:
>>> declare_kernel_activation("tanh", cornu.activations.tanh, cornu.ops.tanh)
>>> kernel_activation_name(cornu.activations.tanh)
'tanh'
"""

_NAMES = {}


def declare_kernel_activation(name, *functions):
    """Declares that each of ``functions`` computes the activation ``name`` ("tanh", "sigmoid")."""
    for fn in functions:
        _NAMES[fn] = name


def kernel_activation_name(fn):
    """The declared name of ``fn``, or None for any other activation."""
    try:
        return _NAMES.get(fn)
    except TypeError:  # an unhashable callable
        return None
