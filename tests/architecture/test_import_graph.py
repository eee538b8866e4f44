"""The layering of ``cornu/``, read from its source: the backend never reaches up, the
import graph has one circle (``Model`` <-> ``Functional``), and names are looked up in
``cornu/serialization/`` only.

The graph has one node per module and an edge for every import of another cornu
module, at the top level or inside a function (a lazy import is still a
dependency). An import of a package counts as an import of its ``__init__``.
"""

import ast
import pathlib

import pytest

from cornu.backend import config

# The graph is read from the source files, whatever backend the pass runs on.
pytestmark = pytest.mark.skipif(config.backend() != "numpy", reason="backend-independent; runs once, in the numpy pass")

PACKAGE_ROOT = pathlib.Path(__file__).resolve().parents[2] / "cornu"

# The one circle cornu keeps: a Model built from inputs/outputs becomes a Functional
# (Keras's own mechanism), and Functional is a Model.
ALLOWED_CIRCLES = [{"cornu.models.functional", "cornu.models.model"}]

# The public namespaces that re-export the registry's look-up functions (keras.saving, keras.utils).
REGISTRY_REEXPORTS = {"cornu.saving", "cornu.utils"}


def _module_files():
    modules = {}
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _module_files()


def _resolve(name):
    """The module a dotted name lives in (``cornu.ops.add`` -> ``cornu.ops``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module, path):
    """``(imported module, imported names, node)`` for each cornu import in ``path``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cornu"):
                    yield _resolve(alias.name), (), node
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if not base.startswith("cornu"):
                continue
            names = tuple(alias.name for alias in node.names)
            for name in names:
                # `from cornu.saving import object_walk` imports a module.
                target = _resolve(f"{base}.{name}")
                if target != _resolve(base):
                    yield target, (), node
            yield _resolve(base), names, node


def _graph():
    edges = {module: set() for module in MODULES}
    for module, path in MODULES.items():
        for target, _, _ in _imports(module, path):
            if target and target != module:
                edges[module].add(target)
    return edges


def _is_ancestor_or_descendant(a, b):
    return a.startswith(b + ".") or b.startswith(a + ".")


def _circles(edges):
    """Strongly connected components of more than one module, ignoring a package's edges to and
    from its own submodules (a package re-exporting its submodules is not a circle)."""
    graph = {a: {b for b in targets if not _is_ancestor_or_descendant(a, b)} for a, targets in edges.items()}
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(start):
        # Iterative Tarjan: the graph is deep enough to trouble Python's recursion limit.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_graph_sees_lazy_and_relative_imports():
    edges = _graph()
    # A lazy import inside a method (Model.save) and a top-level one (Model's base class).
    assert "cornu.saving.saving_api" in edges["cornu.models.model"]
    assert "cornu.trainers.trainer" in edges["cornu.models.model"]
    assert "cornu.backend" in edges["cornu.layers.layer"]


def test_the_backend_imports_nothing_above_it():
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in _graph().items()
        if module.startswith("cornu.backend")
        for target in targets
        if target != "cornu.backend" and not target.startswith("cornu.backend.")
    )
    assert upward == [], (
        "cornu/backend/ is the bottom layer: pass what it needs in from above instead of importing it.\n"
        + "\n".join(upward)
    )


def test_the_only_import_circle_is_model_and_functional():
    circles = _circles(_graph())
    assert sorted(map(sorted, circles)) == sorted(map(sorted, ALLOWED_CIRCLES)), (
        "Modules that import each other (directly or through others): break the circle by moving the "
        f"shared piece down, or by declaring instead of importing. Found: {circles}"
    )


def test_circle_finder_finds_a_planted_circle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "a.x": {"a"}}
    edges["a"].add("a.x")
    assert sorted(map(sorted, _circles(edges))) == [["a", "b", "c"]]


def test_names_are_looked_up_in_serialization_only():
    offenders = []
    for module, path in MODULES.items():
        if module.startswith("cornu.serialization") or module in REGISTRY_REEXPORTS:
            continue
        for target, names, node in _imports(module, path):
            if target == "cornu.serialization.registry" and set(names) - {"keras_export", "register_keras_serializable", "is_registered"}:
                offenders.append(f"{module}:{node.lineno} imports {names}")
    assert offenders == [], "Look names up through cornu.serialization's functions:\n" + "\n".join(offenders)


@pytest.mark.parametrize("module", ["registry", "keras_objects", "custom_object_scope", "object_namespace"])
def test_serialization_is_its_own_low_level_package(module):
    assert f"cornu.serialization.{module}" in MODULES
    assert f"cornu.saving.{module}" not in MODULES
    # Serialization sits below every object kind: it imports no layer, model, loss or file format.
    higher = ("cornu.layers", "cornu.models", "cornu.losses", "cornu.metrics", "cornu.optimizers", "cornu.saving",
              "cornu.trainers", "cornu.callbacks")
    targets = _graph()[f"cornu.serialization.{module}"]
    assert not [t for t in targets if t.startswith(higher)], targets
