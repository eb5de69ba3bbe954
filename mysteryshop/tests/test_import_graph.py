"""The project's modules import one way: no cycles (lazy imports inside functions included), and the
apps' arrows of the design (`reports` → `visits` → `scenarios`, `volunteers` → `mysteryshop`).

Read from the source with `ast`, so an import hidden inside a function counts as much as one at the top:
a lazy import that hides a cycle is the thing this guards against.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Lower layers first; a module may import its own app and any app of a lower layer.
LAYERS = {"mysteryshop": 0, "scenarios": 1, "volunteers": 1, "visits": 2, "reports": 3}


def project_modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every project module `name` imports, anywhere in the file (`from . import x` counts as module x)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    named = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            named.add(module)
            named.update(f"{module}.{alias.name}" for alias in node.names)
    return {module for module in named if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, round and round (strongly connected, more than one)."""
    order, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph[module]):
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return found


def test_no_import_cycle_between_the_projects_modules():
    assert cycles(import_graph()) == []


def test_the_cycles_found_once_stay_broken():
    """reports models ↔ rollups ↔ dashboard ↔ documents and scenarios services ↔ starter, by name."""
    graph = import_graph()
    assert "reports.rollups" not in graph["reports.models"]
    assert "reports.documents" not in graph["reports.models"]
    assert "reports.services" not in graph["scenarios.starter"] | graph["scenarios.models"]
    assert graph["reports.periods"] == set(), "periods is the bottom of reports: it imports nothing of the project"


def test_apps_import_only_downwards():
    upward = [
        f"{module} imports {other}"
        for module, imported in import_graph().items()
        for other in imported
        if LAYERS[other.split(".")[0]] > LAYERS[module.split(".")[0]]
        or (LAYERS[other.split(".")[0]] == LAYERS[module.split(".")[0]] and other.split(".")[0] != module.split(".")[0])
    ]
    assert upward == []


def test_the_check_sees_a_cycle_hidden_in_a_function(tmp_path):
    """The guard itself: a lazy import inside a function closes a cycle, and the check reports it."""
    (tmp_path / "models.py").write_text("def label():\n    from .documents import period_label\n")
    (tmp_path / "documents.py").write_text("from . import models\n")
    known = {"app.models", "app.documents"}
    graph = {
        "app.models": imports_of("app.models", tmp_path / "models.py", known),
        "app.documents": imports_of("app.documents", tmp_path / "documents.py", known),
    }
    assert graph == {"app.models": {"app.documents"}, "app.documents": {"app.models"}}
    assert cycles(graph) == [["app.documents", "app.models"]]
