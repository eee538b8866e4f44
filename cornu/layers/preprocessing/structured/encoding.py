"""Bin or category ids to Keras's ``output_mode`` encodings, over a backend namespace.

Shared by ``Hashing``, ``HashedCrossing`` and ``Discretization``, with Keras's shape rules:
``"one_hot"`` replaces a trailing axis of size 1 (else adds one); ``"multi_hot"`` and ``"count"``
reduce axis 1 (axis 0 for a vector), a scalar counting as a vector of one id.
"""

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def encode_ids(ns, ids, output_mode, depth, dtype):
    """``ids`` (integers in ``[0, depth)``) encoded on namespace ``ns`` as ``output_mode`` says.

    Example:
    >>> encode_ids(numpy_namespace(), np.array([[0, 2, 2]]), "count", 3, "float32")
    array([[1., 0., 2.]], dtype=float32)
    """
    if output_mode == "int":
        return ns.cast(ids, dtype)
    shape = tuple(ids.shape)
    if len(shape) == 0:
        ids = ns.numpy.expand_dims(ids, -1)
        shape = (1,)
    if output_mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            ids = ns.numpy.reshape(ids, shape[:-1])
        return ns.nn.one_hot(ids, depth, dtype=dtype)
    encoded = ns.nn.one_hot(ids, depth, dtype=dtype)
    axis = 1 if len(shape) > 1 else 0
    if output_mode == "multi_hot":
        return ns.numpy.max(encoded, axis=axis)
    return ns.numpy.sum(encoded, axis=axis)


def encoded_shape(input_shape, output_mode, depth):
    """The shape ``encode_ids`` gives for ids of ``input_shape``."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if len(input_shape) == 0:
        return (1, depth) if output_mode == "one_hot" else (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return (input_shape[0],) + input_shape[2:] + (depth,)
