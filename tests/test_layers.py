"""The house's layers, read from the source: the domain never reaches up into the web layer or the tools, and no
modules import each other in a circle (imports inside functions count: they only hide a cycle until run time)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from deliberate.settings import ROOT

PACKAGE = ROOT / "deliberate"
# Above the domain: the web layer and the app built from it, then the tools that drive the app.
WEB = ("deliberate.web", "deliberate.app")
TOOLS = ("deliberate.cli", "deliberate.demo", "deliberate.bench", "deliberate.bootstrap")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> int:
    if module.startswith(TOOLS):
        return 2
    return 1 if module.startswith(WEB) else 0


def owner(name: str) -> str:
    """The module that `name` (a module, or a name inside one) lives in."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


class Imports(ast.NodeVisitor):
    """The project modules a module imports, wherever the import stands, except under `if TYPE_CHECKING:`."""

    def __init__(self) -> None:
        self.found: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.update(owner(a.name) for a in node.names if a.name.startswith("deliberate"))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.module.startswith("deliberate"):
            self.found.update(owner(f"{node.module}.{a.name}") for a in node.names)


def imports_of(module: str) -> set[str]:
    visitor = Imports()
    visitor.visit(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    return visitor.found - {module}


GRAPH = {module: imports_of(module) for module in MODULES}


def cycles() -> Iterator[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(v: str) -> Iterator[list[str]]:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                yield from visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                yield sorted(group)

    for module in GRAPH:
        if module not in index:
            yield from visit(module)


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = sorted(f"{m} -> {d}" for m, deps in GRAPH.items() for d in deps if layer(d) > layer(m))
    assert upward == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert list(cycles()) == []


def test_the_checks_see_imports_inside_functions() -> None:
    # bench/live.py once imported the spike scenario inside a function while the spike imported it back.
    visitor = Imports()
    visitor.visit(ast.parse("def drive():\n    from deliberate.web.urls import url\n"))
    assert visitor.found == {"deliberate.web.urls"}
