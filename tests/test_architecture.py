"""The layout's rules, read from the imports: the content core depends on nothing derived, and no
module imports itself back through others."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CORE = [
    "roles.models",
    "roles.models.content",
    "roles.models.querysets",
    "roles.models.records",
    "roles.models.versions",
    "roles.changes",
    "roles.texts",
    "roles.languages",
    "roles.completeness",
    "roles.addresses",
    "roles.occupation_codes",
]
DERIVED = ("kb.api", "kb.search", "kb.pagecache", "roles.sharing")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in ("roles", "kb")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and path.name not in ("apps.py", "gunicorn.conf.py")
    }


def imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `path` imports, at any level of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {name for name in names if name in modules}
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports(path, modules) - {name} for name, path in modules.items()}


def test_the_content_core_imports_nothing_derived():
    edges = graph()
    reached, todo = set(), list(CORE)
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo += edges.get(module, ())
    assert not {module for module in reached if module.startswith(DERIVED)}


def test_no_module_imports_itself_back_through_others():
    edges = graph()
    loops = []

    def visit(module, path):
        for imported in sorted(edges[module]):
            if imported in path:
                loops.append([*path[path.index(imported) :], imported])
            elif imported not in done:
                visit(imported, [*path, imported])
        done.add(module)

    done: set[str] = set()
    for module in sorted(edges):
        if module not in done:
            visit(module, [module])
    assert loops == []
