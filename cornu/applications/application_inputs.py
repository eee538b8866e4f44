"""The image input of an application model and the inputs its ``Functional`` is built from.

Every builder in ``keras.applications`` accepts ``input_tensor``: a symbolic tensor to build
on (its source ``Input`` tensors become the model's inputs), or a concrete array that an
``Input`` layer wraps. These two helpers keep that logic in one place.
"""

from cornu.backend import is_keras_tensor
from cornu.layers import Input
from cornu.utils.source_inputs import get_source_inputs


def image_input(input_tensor, input_shape):
    """The symbolic tensor an application starts from.

    ``input_tensor=None`` gives a fresh ``Input(shape=input_shape)``; a symbolic tensor is used
    as it is; anything else (a concrete array) is wrapped by an ``Input`` layer.

    Example:
    >>> x = image_input(None, (32, 32, 3))
    >>> x.shape
    (None, 32, 32, 3)
    """
    if input_tensor is None:
        return Input(shape=input_shape)
    if is_keras_tensor(input_tensor):
        return input_tensor
    return Input(tensor=input_tensor, shape=input_shape)


def model_inputs(input_tensor, img_input):
    """The inputs of the application's ``Functional``: the sources of a given ``input_tensor``
    (so layers before it stay part of the model), else the ``Input`` made for it.

    Example:
    >>> x = image_input(None, (32, 32, 3))
    >>> model_inputs(None, x) is x
    True
    """
    if input_tensor is None:
        return img_input
    return get_source_inputs(input_tensor)
