"""The einsum equations of multi-head attention: projections, query-key products, combination.

After projection a tensor has the layout ``(batch, <non-attention axes>,
<attention axes>, heads, channels)`` in the input's axis order. Every axis but
the attention axes and the channels acts as a batch axis of the attention.
"""

import string

_LETTERS = string.ascii_lowercase


def projection_equation(free_dims, bound_dims, output_dims):
    """Equation of a projection that keeps ``free_dims`` leading axes, contracts
    ``bound_dims`` axes and creates ``output_dims`` new ones.

    Returns ``(equation, bias_axes, output_rank)``; the bias covers the new axes.

    Example:
    >>> projection_equation(2, 1, 2)
    ('abc,cde->abde', 'de', 4)
    """
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims:free_dims + bound_dims]
    new = _LETTERS[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    equation = f"{free}{bound},{bound}{new}->{free}{new}"
    return equation, new, free_dims + output_dims


def projection_output_shape(output_rank, known_last_dims):
    """EinsumDense ``output_shape`` (without the batch axis): unknown sizes, then ``known_last_dims``.

    Example:
    >>> projection_output_shape(3, [4, 8])
    [None, 4, 8]
    """
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)


def attention_equations(rank, attention_axes):
    """Equations of the query-key product and of the combination with the values.

    ``rank`` is the rank of the projected tensors; ``attention_axes`` (sorted,
    positive) are the axes attended over. The scores have the layout
    ``(<batch-like axes, heads included>, <query attention axes>, <key attention axes>)``.
    Returns ``(dot_product_equation, combine_equation, scores_rank)``:
    ``einsum(dot_product_equation, key, query)`` gives the scores and
    ``einsum(combine_equation, scores, value)`` the per-head outputs.

    Example:
    >>> attention_equations(4, (1,))
    ('aecd,abcd->acbe', 'acbe,aecd->abcd', 4)
    """
    query = _LETTERS[:rank]
    fresh = iter(_LETTERS[rank:])
    key = "".join(next(fresh) if i in attention_axes else query[i] for i in range(rank))
    batch_like = [i for i in range(rank - 1) if i not in attention_axes]
    scores = ("".join(query[i] for i in batch_like) + "".join(query[i] for i in attention_axes)
              + "".join(key[i] for i in attention_axes))
    return f"{key},{query}->{scores}", f"{scores},{key}->{query}", len(scores)
