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


def test_the_content_app_imports_neither_the_api_nor_search():
    edges = graph()
    assert not {
        (module, imported)
        for module, imports_ in edges.items()
        if module.startswith("roles")
        for imported in imports_
        if imported.startswith(("kb.api", "kb.search"))
    }


def package(module: str) -> str:
    """A module's package below roles or kb (roles.views, kb.search), or the module itself."""
    return ".".join(module.split(".")[:2])


def test_packages_depend_on_each_other_one_way():
    packages: dict[str, set[str]] = {}
    for module, imports_ in graph().items():
        packages.setdefault(package(module), set()).update(
            package(imported) for imported in imports_ if package(imported) != package(module)
        )
    assert find_loops(packages) == []


def test_no_module_imports_itself_back_through_others():
    assert find_loops(graph()) == []


def find_loops(edges: dict[str, set[str]]) -> list[list[str]]:
    loops = []

    def visit(module, path):
        for imported in sorted(edges.get(module, ())):
            if imported in path:
                loops.append([*path[path.index(imported) :], imported])
            elif imported not in done:
                visit(imported, [*path, imported])
        done.add(module)

    done: set[str] = set()
    for module in sorted(edges):
        if module not in done:
            visit(module, [module])
    return loops
