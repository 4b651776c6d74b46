"""Architecture of the package: every module imports, the import graph has no cycle, the
library never imports the application layer, and no intra-package import hides in a function."""

import ast
import importlib
import pathlib

import pytest

import jaxtherm

PACKAGE_ROOT = pathlib.Path(jaxtherm.__file__).parent


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE_ROOT.rglob("*.py"))}


def _imports(name: str, path: pathlib.Path):
    """Yield `(target module, node)` for every import of a jaxtherm module in `path`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "jaxtherm":
                    yield alias.name, node
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] != "jaxtherm":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield (candidate if candidate in MODULES else base), node


def _graph() -> dict:
    return {name: {target for target, _ in _imports(name, path) if target in MODULES} for name, path in MODULES.items()}


def test_every_module_imports():
    """Each module of the package imports on its own (a cycle would raise ImportError here)."""
    for name in MODULES:
        importlib.import_module(name)


def test_import_graph_is_acyclic():
    """The graph 'module A imports module B' over all jaxtherm modules (function-level imports
    included) has no cycle: found by depth-first search, the cycle is printed if there is one."""
    graph = _graph()
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if target == node:
                continue
            if state.get(target) == "open":
                cycle = stack[stack.index(target) :] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_cycle_detector_detects_a_cycle(monkeypatch):
    """The detector is not vacuous: an artificial edge jaxtherm.fit.paths -> jaxtherm.fit.problem closes a cycle."""
    graph = _graph()
    assert "jaxtherm.fit.paths" in graph["jaxtherm.fit.problem"]
    graph["jaxtherm.fit.paths"].add("jaxtherm.fit.problem")
    monkeypatch.setattr(__import__(__name__), "_graph", lambda: graph)
    with pytest.raises(pytest.fail.Exception, match="import cycle"):
        test_import_graph_is_acyclic()


def test_library_never_imports_the_application_layer():
    """No module outside jaxtherm.app imports jaxtherm.app (the app sits on top of the library)."""
    offenders = [
        f"{name} imports {target}"
        for name, path in MODULES.items()
        if not name.startswith("jaxtherm.app")
        for target, _ in _imports(name, path)
        if target == "jaxtherm.app" or target.startswith("jaxtherm.app.")
    ]
    assert not offenders, offenders


@pytest.mark.parametrize("layer", ["jaxtherm.fit", "jaxtherm.app", "jaxtherm.tdtr._fit"])
def test_no_function_local_package_imports(layer):
    """Fitting core, TDTR fitting adapter and application layer import their jaxtherm dependencies
    at the top of the file (a function-local import is how an import cycle hides)."""
    offenders = []
    for name, path in MODULES.items():
        if not name.startswith(layer):
            continue
        local = {
            (inner.lineno, inner.col_offset)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for inner in ast.walk(node)
            if isinstance(inner, (ast.Import, ast.ImportFrom))
        }
        offenders += [
            f"{name}:{node.lineno} imports {target}"
            for target, node in _imports(name, path)
            if (node.lineno, node.col_offset) in local
        ]
    assert not offenders, offenders


def test_fit_knows_no_solver():
    """The generic fitting package imports none of the model packages."""
    models = ("jaxtherm.tdtr", "jaxtherm.ttm", "jaxtherm.dugks")
    offenders = [
        f"{name} imports {target}"
        for name, path in MODULES.items()
        if name.startswith("jaxtherm.fit")
        for target, _ in _imports(name, path)
        if target.startswith(models)
    ]
    assert not offenders, offenders
