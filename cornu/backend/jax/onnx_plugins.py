"""Loads ``jax2onnx`` with only the plugins a cornu model can need: those of JAX's own primitives.

``jax2onnx.to_onnx`` imports every plugin module it ships on its first call (Flax, Equinox,
dm-pix, its examples), which takes 10 to 20 seconds; cornu's models trace to plain JAX
primitives, so importing ``jax2onnx.plugins.jax`` alone gives the same conversion in about 3.
If a later jax2onnx release moves the internals this relies on, the full import runs instead:
slower, never wrong.

Example:
>>> to_onnx = load_jax2onnx()
>>> proto = to_onnx(lambda x: x * 2, [("batch", 3)], opset=17)
"""

import importlib
import pathlib

_LOADED = []


def load_jax2onnx():
    """Returns ``jax2onnx.to_onnx`` with the JAX primitive plugins registered (imported once)."""
    if _LOADED:
        return _LOADED[0]
    try:
        jax2onnx = importlib.import_module("jax2onnx")
    except ImportError as error:
        raise ImportError(
            "Exporting to ONNX from the JAX backend needs the `jax2onnx` and `onnx` packages. Install "
            "them with `pip install 'cornu[onnx]'` (or `pip install jax2onnx onnx`). "
            f"Received: error={error}"
        ) from error
    _register_jax_plugins_only()
    _lower_through_primitives_only()
    _LOADED.append(jax2onnx.to_onnx)
    return jax2onnx.to_onnx


def _register_jax_plugins_only():
    plugin_system = importlib.import_module("jax2onnx.plugins.plugin_system")
    jax_plugins = pathlib.Path(plugin_system.__file__).parent / "jax"
    import_tree = getattr(plugin_system, "_import_tree", None)
    if getattr(plugin_system, "_already_imported_plugins", None) is False and import_tree and jax_plugins.is_dir():
        import_tree(jax_plugins, "jax2onnx.plugins.jax")
        plugin_system._already_imported_plugins = True
    else:  # internals changed: import every plugin now (slow), so that none is registered later
        plugin_system.import_all_plugins()


# jax2onnx also swaps some jax.numpy / jax.nn / jax.image functions for its own primitives while
# tracing. Several of those shortcuts mishandle what cornu's layers give them (a reshape to
# `batch * time` raises, a float16 mean writes a float32 output); JAX's own primitives, which
# every one of those functions is made of, lower correctly. So cornu traces through them only.
# Kept: the shortcuts for functions whose own primitives jax2onnx does not map (searchsorted and
# digitize compare in total order, `lt_to`/`le_to`; diag and diagonal go through
# `platform_index`), checked by the export tests.
_FUNCTION_PATCH_PREFIXES = ("jax.numpy.", "jax.nn.", "jax.image.", "jax.random.")
_KEPT_FUNCTION_PATCHES = ("jax.numpy.digitize", "jax.numpy.searchsorted", "jax.numpy.diag", "jax.numpy.diagonal")


def _lower_through_primitives_only():
    try:
        registry = importlib.import_module("jax2onnx.plugins.plugin_system").PLUGIN_REGISTRY
    except (ImportError, AttributeError):
        return
    for name in [n for n in registry if n.startswith(_FUNCTION_PATCH_PREFIXES) and n not in _KEPT_FUNCTION_PATCHES]:
        del registry[name]
    from cornu.backend.jax.onnx_lowerings import install

    install(registry)


def version():
    """The installed jax2onnx version, for error messages."""
    try:
        from importlib.metadata import version as package_version

        return package_version("jax2onnx")
    except Exception:  # noqa: BLE001 - only used in messages
        return "unknown"
