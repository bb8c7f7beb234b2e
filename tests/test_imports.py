"""No import cycles among the project's modules, function-local imports included.

A cycle held together by an import inside a function works until someone moves the
import to the top; this check reads every import with `ast`, so it sees those too.
"""

import ast
from pathlib import Path

from django.conf import settings

PROJECT_PACKAGES = ("portal", "articles", "comments", "newsletter")


def module_names(root: Path, packages=PROJECT_PACKAGES) -> dict[str, Path]:
    """Dotted name → file of every module under the given top-level packages."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement may bring in, most specific first."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        # Relative: strip the module's own name (unless it is a package) and one more per extra dot.
        anchor = module.split(".")
        anchor = anchor if is_package else anchor[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([base] if base else []))
    return [f"{base}.{alias.name}" if base else alias.name for alias in node.names] + [base]


def import_graph(root: Path, packages=PROJECT_PACKAGES) -> dict[str, set[str]]:
    """Module → the project modules it imports (from anywhere in its body)."""
    modules = module_names(root, packages)
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            candidates = _imported(node, name, is_package)
            if isinstance(node, ast.ImportFrom):
                # `from a import b` is the module a.b when that exists, otherwise a name in a.
                targets = [c for c in candidates[:-1] if c in modules] or [candidates[-1]]
            else:
                targets = candidates
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a → … → a) for each group of modules that import each other."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_through(min(group), group, graph) for group in groups]


def _cycle_through(start: str, group: set[str], graph) -> list[str]:
    # Breadth-first from start back to start, staying inside the group: the shortest cycle.
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    raise AssertionError("a strongly connected group always has a cycle")


def test_the_project_has_no_import_cycle():
    graph = import_graph(Path(settings.BASE_DIR))
    cycles = import_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in cycles)


def test_the_graph_sees_the_project_imports():
    # Guards the check itself: if parsing found nothing, "no cycle" would mean nothing.
    graph = import_graph(Path(settings.BASE_DIR))
    assert "articles.models" in graph["comments.models"]
    assert "newsletter.services" in graph["newsletter.views"]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_through_a_function_local_import_is_found(tmp_path):
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/services.py": "def go():\n    from app.tasks import job\n    job()\n",
            "app/tasks.py": "from app import engine\n",
            "app/engine.py": "from . import services\n",
            "app/views.py": "import app.services\n",
        },
    )
    graph = import_graph(tmp_path, packages=("app",))
    assert import_cycles(graph) == [["app.engine", "app.services", "app.tasks", "app.engine"]]


def test_a_graph_without_cycles_passes(tmp_path):
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/services.py": "from app import tasks\n",
            "app/tasks.py": "from app.engine import run\n",
            "app/engine.py": "from app.models import Thing\n",
            "app/models.py": "import os\n",
        },
    )
    graph = import_graph(tmp_path, packages=("app",))
    assert graph["app.tasks"] == {"app.engine"}
    assert import_cycles(graph) == []
