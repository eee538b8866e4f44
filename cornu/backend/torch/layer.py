"""``torch.nn.Module``-style methods on every ``Layer`` under the torch backend, so
PyTorch training code works on cornu models: ``model.parameters()`` for a
``torch.optim`` optimizer or ``clip_grad_norm_``, ``model.zero_grad()`` before
``loss.backward()``, ``named_parameters()`` keyed by variable path.

Each variable's value is a ``torch.nn.Parameter`` (``requires_grad`` follows
``trainable``), so gradients from ``loss.backward()`` land in
``variable.value.grad``.
"""


class BackendLayer:
    """Base class of ``cornu.layers.Layer`` on torch.

    Example:
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> model.zero_grad()
    >>> loss = torch.nn.functional.mse_loss(model(x), y)
    >>> loss.backward()
    >>> optimizer.step()
    """

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """Yields ``(variable.path, parameter)`` for the layer's weights (sub-layers' too when ``recurse``)."""
        weights = self.weights if recurse else self._own_in_keras_order(self._own_state())
        for variable in weights:
            name = f"{prefix}.{variable.path}" if prefix else variable.path
            yield name, variable.value

    def parameters(self, recurse=True):
        """Yields the ``torch.nn.Parameter`` of every weight."""
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    def zero_grad(self, set_to_none=True):
        """Clears the gradients ``loss.backward()`` accumulated in the weights."""
        for parameter in self.parameters():
            if parameter.grad is None:
                continue
            if set_to_none:
                parameter.grad = None
            else:
                parameter.grad.detach_()
                parameter.grad.zero_()
