"""The layers, read from the source: parsers stand alone, packages do not import each other in a circle."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("directory", "importers")


def _modules() -> dict[str, Path]:
    modules = {}
    for top in PACKAGES:
        for path in (ROOT / top).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports, at the top or inside a function."""
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                wanted = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            for target in wanted:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def layer(module: str) -> str:
    """`importers`, or the sub-package or top module of `directory` a module belongs to."""
    parts = module.split(".")
    return "importers" if parts[0] == "importers" else ".".join(parts[:2])


def cycles(graph: dict[str, set[str]], nodes: Iterable[str]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def layer_graph() -> dict[str, set[str]]:
    """The import graph between layers (see `layer`)."""
    layers: dict[str, set[str]] = defaultdict(set)
    for module, targets in import_graph().items():
        layers[layer(module)] |= {layer(t) for t in targets if layer(t) != layer(module)}
    return layers


#: the declaration of a fiche's fields: data the parsers read (template columns, record attributes), not the
#: application; it stays a leaf that imports nothing else from the project
DECLARATION = "directory.fields"


def test_importers_are_parsers_that_never_import_the_application():
    graph = import_graph()
    reach = sorted((m, t) for m, targets in graph.items() if m.startswith("importers") for t in targets)
    assert [(m, t) for m, t in reach if not t.startswith(("importers", DECLARATION))] == []
    declared = {t for m, targets in graph.items() if m.startswith(DECLARATION) for t in targets}
    assert {t for t in declared if not t.startswith(DECLARATION)} == set()


def test_no_import_cycle_between_packages():
    graph = layer_graph()
    assert cycles(graph, {layer(m) for m in _modules()}) == []


def test_the_cycle_check_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, "abcd") == [["a", "b", "c"]]


def test_the_runner_is_in_the_graph():
    assert "importers.base" in import_graph()["directory.importing.run"]


def test_views_do_not_import_each_other():
    graph = import_graph()
    views = sorted((m, t) for m, targets in graph.items() if m.startswith("directory.views.") for t in targets)
    assert [(m, t) for m, t in views if t.startswith("directory.views")] == []


def _imported_names(path: Path) -> set[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {(n.module or "", a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}


def test_only_the_search_package_talks_to_meilisearch():
    """The client is used by `directory/search/` alone; the rest asks it for results."""
    talking = {
        ("directory.search", "get_client"),
        ("directory.search.client", "MeiliClient"),
    }
    users = sorted(
        name
        for name, path in _modules().items()
        if not name.startswith("directory.search") and _imported_names(path) & talking
    )
    assert users == []
