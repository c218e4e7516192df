"""The layout's rules, checked on the source: the core never imports Typer or Rich, there is
no import cycle, and no private name is imported from another module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "normandie_cli"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
#: Everything outside the command line and the rendering.
CORE = sorted(name for name in MODULES if not name.startswith(("normandie_cli.cli", "normandie_cli.render"))
              and name != "normandie_cli.__main__")


def imports_of(name: str) -> list[tuple[str, list[str], int]]:
    """(imported module, the names taken from it, line) for every import of the project's own
    modules in ``name``, at any depth (lazy imports inside functions count)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, list[str], int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("normandie_cli"):
                continue
            names = [alias.name for alias in node.names]
            # "from . import x" imports the module x when there is one
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            if submodules:
                out.extend((sub, [], node.lineno) for sub in submodules)
                names = [n for n in names if f"{target}.{n}" not in MODULES]
                if not names:
                    continue
            out.append((target, names, node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((alias.name, [], node.lineno) for alias in node.names if alias.name.startswith("normandie_cli"))
    return out


def test_the_module_list_is_read() -> None:
    assert {"normandie_cli.model", "normandie_cli.registry", "normandie_cli.cli._app"} <= MODULES.keys()
    assert "normandie_cli.loading.reader" in CORE and "normandie_cli.render.table" not in CORE


def test_no_import_cycle() -> None:
    graph = {name: {target for target, _, _ in imports_of(name) if target in MODULES and target != name}
             for name in MODULES}
    # A package's __init__ importing its own submodules is not a cycle with them.
    for name in graph:
        graph[name] = {t for t in graph[name] if not (MODULES[name].name == "__init__.py" and t.startswith(name + "."))}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_no_private_name_is_imported_from_another_module() -> None:
    offences = [
        f"{name}:{line} imports {n} from {target}"
        for name in MODULES
        for target, names, line in imports_of(name)
        for n in names
        if n.startswith("_") and n != "__version__"
    ]
    assert offences == []


def test_the_core_imports_neither_typer_nor_rich() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "from normandie_cli.loading.book import load_facts\n"
        "load_facts()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert len(CORE) >= 20


def test_the_core_modules_do_not_import_the_command_line_or_rendering() -> None:
    offences = [f"{name}:{line} imports {target}" for name in CORE for target, _, line in imports_of(name)
                if target.startswith(("normandie_cli.cli", "normandie_cli.render"))]
    assert offences == []
