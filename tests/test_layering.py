"""The import graph of the four packages: no circles, and the arrows of DESIGN.md §1.

The graph is built from the source with :mod:`ast` (every ``import`` and ``from ... import``, at module level
or inside a function or an ``if TYPE_CHECKING:`` block), so nothing is imported to check it. A module-level
edge A → B means A names B (or something in B); ``from pkg import sub`` with ``pkg/sub.py`` is an edge to
``pkg.sub``. DESIGN.md §1: ``station -> {drivers, analysis, recordings}``, ``recordings -> analysis``,
``analysis`` and ``drivers`` know nothing of each other or of anything above them; ``analysis/`` and
``drivers/`` never import Qt or h5py, ``recordings/`` never imports Qt.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analysis", "drivers", "recordings", "station")

#: Packages each layer must not import (DESIGN.md §1; COMMON rules for Qt and h5py).
FORBIDDEN: dict[str, frozenset[str]] = {
    "analysis": frozenset({"drivers", "recordings", "station", "PyQt6", "pyqtgraph", "h5py"}),
    "drivers": frozenset({"analysis", "recordings", "station", "PyQt6", "pyqtgraph", "h5py"}),
    "recordings": frozenset({"drivers.registry", "station", "PyQt6", "pyqtgraph"}),
}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imported_names(module: str, path: Path) -> set[str]:
    """Every dotted name ``module`` imports (``a.b`` for ``import a.b``, ``a.b.c`` for ``from a.b import c``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def _resolve(name: str) -> str | None:
    """The module of ours that ``name`` lies in (the longest matching prefix), or None."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {_resolve(name) for name in _imported_names(module, path)}
        # ``from pkg.sub import x`` also names ``pkg.sub``'s parents; only the deepest is the dependency.
        deepest = {t for t in targets if t and not any(o != t and o and o.startswith(t + ".") for o in targets)}
        graph[module] = {t for t in deepest if t != module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_known_cycle():
    # An independent check of the finder itself: a → b → c → a and a lone d → a.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_the_imports_it_should():
    graph = _graph()
    assert "drivers.device" in graph["drivers.registry"]
    assert "analysis.sway" in graph["analysis.standing"]
    assert len(MODULES) > 150


def test_no_import_circles():
    assert _cycles(_graph()) == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_only_downwards(layer: str):
    wrong = []
    for module, path in MODULES.items():
        if module.split(".")[0] != layer:
            continue
        for name in _imported_names(module, path):
            for banned in FORBIDDEN[layer]:
                if name == banned or name.startswith(banned + "."):
                    wrong.append(f"{module} imports {name}")
    assert wrong == []


def test_the_shared_constants_module_imports_nothing():
    # physical.py sits below every layer (standard gravity for analysis and drivers alike).
    assert _imported_names("physical", ROOT / "physical.py") == set()


def test_one_definition_of_standard_gravity():
    assignment = re.compile(r"^\s*[A-Za-z_]\w*\s*(:[^=]*)?=\s*9\.80665\b", re.M)
    defined = [str(path.relative_to(ROOT)) for path in [*MODULES.values(), ROOT / "physical.py"]
               if assignment.search(path.read_text(encoding="utf-8"))]
    assert defined == ["physical.py"]


def test_the_registry_names_no_module_above_drivers():
    from drivers import registry

    targets = [entry.target for entry in registry.BUILTIN_DRIVERS.values()]
    assert targets and all(t.startswith("drivers.") for t in targets)


@pytest.mark.parametrize("package", ["analysis", "drivers"])
def test_the_public_surface_is_the_package_init(package: str):
    module = importlib.import_module(package)
    assert module.__all__, f"{package}/__init__.py has no __all__"
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []


def test_analysis_exports_every_public_name_of_its_modules_from_their_homes():
    import analysis

    shadowed = {"symmetry", "weight_bearing", "sit_to_stand", "sway_frequency"}  # a function named as its module
    for name in sorted(m for m in MODULES if m.startswith("analysis.") and not m.rpartition(".")[2].startswith("_")):
        module = importlib.import_module(name)
        short = name.rpartition(".")[2]
        for public in module.__all__:
            if public in shadowed or (short == "preprocess" and public == "PRESETS"):  # presets.PRESETS is the one
                continue
            assert public in analysis.__all__, f"{name}.{public} missing from analysis.__all__"
            assert getattr(analysis, public) is getattr(module, public), f"analysis.{public} is not {name}.{public}"


def test_no_module_re_exports_another_modules_names():
    # A module's __all__ lists only what it defines: a name is public in one place (its home), plus the package
    # __init__ (the surface). Re-export shims for old import paths are gone.
    foreign = []
    for name, path in MODULES.items():
        if path.name == "__init__.py" or name.split(".")[0] not in ("analysis", "drivers"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    for leaf in getattr(target, "elts", [target]):
                        if isinstance(leaf, ast.Name):
                            defined.add(leaf.id)
        exported = next((node.value for node in tree.body if isinstance(node, ast.Assign)
                         and any(getattr(t, "id", "") == "__all__" for t in node.targets)), None)
        if exported is not None:
            foreign += [f"{name}.{e.value}" for e in exported.elts if e.value not in defined]
    assert foreign == []
