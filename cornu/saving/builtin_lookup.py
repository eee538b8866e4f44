"""Building a namespace's built-in object from a bare name or a module-less config.

Shared by ``constraints``, ``regularizers`` and ``initializers``: ``"he_normal"``
or ``{"class_name": "MaxNorm", "config": {...}}`` resolve through the namespace's
own table, unless a custom or registered object of that name takes precedence.
"""

from cornu.saving.registry import get_registered_object


def builtin_from_config(config, custom_objects, table, module):
    """The object ``config`` names in ``table``, or None when the generic path must decide."""
    if isinstance(config, str):
        name, inner = config, {}
    elif isinstance(config, dict) and set(config) <= {"class_name", "config", "module", "registered_name"}:
        name, inner = config.get("class_name"), config.get("config") or {}
        if config.get("module") not in (None, module) or config.get("registered_name") not in (None, name):
            return None
    else:
        return None
    if (custom_objects and name in custom_objects) or get_registered_object(name) is not None:
        return None
    cls = table.get(name)
    return None if cls is None else cls.from_config(inner)
