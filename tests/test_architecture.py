"""The layout's rules, checked on the source with ``ast`` over every import (lazy ones inside
functions included): no import cycle (a package's ``__init__`` counts), imports run one way
(``cli`` -> ``render`` -> ``query``/``registry`` -> ``loading`` -> ``store`` -> the core), the
analysis (``query``) never imports ``loading``, ``render`` never imports ``cli``, the core
imports no Typer, Rich or Click at any depth, and no private name is imported from another
module. Each rule is a function over a ``{module: imports}`` graph, and each is shown failing
on a deliberately broken synthetic graph."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Mapping, Set
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "normandie_cli"
P = "normandie_cli"

Graph = Mapping[str, Set[str]]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def layer(name: str) -> tuple[int, str]:
    """(rank, part) of a project module: a module may import only modules of its rank or below,
    the core (the top-level modules, stdlib only) lowest."""
    parts = name.split(".")
    if len(parts) > 2 and parts[1] in ("cli", "render", "query", "loading", "store"):
        part = parts[1]
    elif parts[1:] in (["cli"], ["render"], ["query"], ["loading"], ["store"]):
        part = parts[1]
    elif parts[1:] in (["registry"], ["columns"], ["formats"], ["tool_listings"], ["publishing"]):
        part = "query"  # the registry (its columns, formats, tool listings, publishing words) sits beside the queries
    elif parts[1:] == ["__main__"]:
        part = "cli"
    else:
        part = "core"
    return {"cli": 5, "render": 4, "query": 3, "loading": 2, "store": 1, "core": 0}[part], part


def imports_of(name: str) -> list[tuple[str, list[str], int]]:
    """(imported module, the names taken from it, line) for every import in ``name`` (the
    project's own and third-party), at any depth (lazy imports inside functions count)."""
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
            names = [alias.name for alias in node.names]
            # "from . import x" imports the module x when there is one
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            out.extend((sub, [], node.lineno) for sub in submodules)
            names = [n for n in names if f"{target}.{n}" not in MODULES]
            if names or not submodules:
                out.append((target, names, node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((alias.name, [], node.lineno) for alias in node.names)
    return out


def with_packages(importer: str, target: str) -> set[str]:
    """What importing ``target`` from ``importer`` runs of the project: the module, and every
    package above it that is not already being imported (one of ``importer``'s own)."""
    parts = target.split(".")
    above = {".".join(parts[:i]) for i in range(2, len(parts))} & MODULES.keys()
    return {p for p in above if not importer.startswith(p + ".")} | {target}


def project_graph() -> dict[str, set[str]]:
    """Every project module's imports: project modules (with the packages above them, whose
    ``__init__`` runs) and third-party top-level names."""
    graph: dict[str, set[str]] = {}
    for name in MODULES:
        found: set[str] = set()
        for target, _, _ in imports_of(name):
            if target.startswith(P + ".") or target == P:
                found |= with_packages(name, target) if target != P else {P}
            else:
                found.add(target.split(".")[0])
        found.discard(name)
        graph[name] = found
    return graph


# The rules: each returns its offences (empty when the rule holds) -----------------------

def cycles(graph: Graph) -> list[list[str]]:
    """An import cycle through project modules, if there is one (a package's ``__init__``
    counts like any module)."""
    state: dict[str, int] = {}
    path: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    return found


def upward_imports(graph: Graph) -> list[str]:
    """Imports of a higher part from a lower one (``cli`` > ``render`` > ``query`` >
    ``loading`` > ``store`` > the core), lazy ones included."""
    return [f"{name} imports {target}" for name, targets in graph.items() for target in sorted(targets)
            if target in graph and layer(target)[0] > layer(name)[0]]


def forbidden_imports(graph: Graph, importer: str, imported: str) -> list[str]:
    """Imports of any module of part ``imported`` by a module of part ``importer``."""
    return [f"{name} imports {target}" for name, targets in graph.items() if layer(name)[1] == importer
            for target in sorted(targets) if target in graph and layer(target)[1] == imported]


def reaches(graph: Graph, start: str, banned: tuple[str, ...]) -> list[str]:
    """The import chains from ``start`` that reach a banned third-party package, at any depth."""
    out: list[str] = []
    seen = {start}
    todo: list[list[str]] = [[start]]
    while todo:
        chain = todo.pop()
        for target in sorted(graph.get(chain[-1], ())):
            if target in banned:
                out.append(" -> ".join([*chain, target]))
            elif target in graph and target not in seen:
                seen.add(target)
                todo.append([*chain, target])
    return out


def private_imports(imports: Mapping[str, list[tuple[str, list[str], int]]]) -> list[str]:
    """Names starting with ``_`` taken from another module."""
    return [f"{name}:{line} imports {n} from {target}" for name, found in imports.items()
            for target, names, line in found for n in names
            if n.startswith("_") and n != "__version__" and target.startswith(P)]


GRAPH = project_graph()
CORE = sorted(name for name in MODULES if layer(name)[1] == "core" and name != P)
GUI = ("typer", "rich", "click")


# The rules hold ------------------------------------------------------------------------

def test_the_module_list_is_read() -> None:
    assert {"normandie_cli.model", "normandie_cli.registry", "normandie_cli.cli._app"} <= MODULES.keys()
    assert "normandie_cli.loading.reader" in GRAPH and "normandie_cli.text" in CORE
    assert "normandie_cli.registry" not in CORE and "normandie_cli.render.table" not in CORE
    assert "yaml" in GRAPH["normandie_cli.loading.events"]  # third-party imports are in the graph


def test_no_import_cycle() -> None:
    assert cycles(GRAPH) == []


def test_imports_run_one_way() -> None:
    assert upward_imports(GRAPH) == []


def test_the_analysis_never_imports_loading() -> None:
    assert forbidden_imports(GRAPH, "query", "loading") == []


def test_render_never_imports_the_command_line() -> None:
    assert forbidden_imports(GRAPH, "render", "cli") == []


def test_the_core_never_imports_the_analysis_render_or_command_line() -> None:
    assert [offence for part in ("query", "render", "cli") for offence in forbidden_imports(GRAPH, "core", part)] == []


def test_the_core_imports_neither_typer_nor_rich_nor_click_at_any_depth() -> None:
    core = [name for name in GRAPH if layer(name)[1] in ("core", "store", "loading", "query")]
    assert [chain for name in core for chain in reaches(GRAPH, name, GUI)] == []
    assert len(core) >= 30


def test_no_private_name_is_imported_from_another_module() -> None:
    assert private_imports({name: imports_of(name) for name in MODULES}) == []


def test_importing_the_core_loads_neither_typer_nor_rich() -> None:
    """The same rule at run time: every module below ``render``, and a whole load."""
    below = sorted(name for name in MODULES if layer(name)[0] <= 3)
    code = (
        "import importlib, sys\n"
        f"for name in {below!r}:\n"
        "    importlib.import_module(name)\n"
        "from normandie_cli.loading.book import load_facts\n"
        "load_facts()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# Each rule fails on a deliberately broken graph ----------------------------------------

def test_a_cycle_is_found() -> None:
    broken = {"normandie_cli.a": {"normandie_cli.b"}, "normandie_cli.b": {"normandie_cli.c"},
              "normandie_cli.c": {"normandie_cli.a"}}
    assert cycles(broken) == [["normandie_cli.a", "normandie_cli.b", "normandie_cli.c", "normandie_cli.a"]]


def test_a_cycle_through_a_package_init_is_found() -> None:
    # render/table.py imports render/__init__, which imports render/table.py back (lazily)
    broken = {"normandie_cli.render": {"normandie_cli.render.table"},
              "normandie_cli.render.table": {"normandie_cli.render"}}
    assert cycles(broken) != []


def test_an_upward_import_is_found_even_from_a_lower_folder() -> None:
    broken = {"normandie_cli.store.read": {"normandie_cli.loading.book"}, "normandie_cli.loading.book": set(),
              "normandie_cli.text": {"normandie_cli.store.read"}}
    assert upward_imports(broken) == ["normandie_cli.store.read imports normandie_cli.loading.book",
                                      "normandie_cli.text imports normandie_cli.store.read"]


def test_the_analysis_importing_loading_is_found() -> None:
    broken = {"normandie_cli.query.rows": {"normandie_cli.loading.validate"}, "normandie_cli.loading.validate": set()}
    assert forbidden_imports(broken, "query", "loading") == [
        "normandie_cli.query.rows imports normandie_cli.loading.validate"]


def test_render_importing_the_command_line_is_found() -> None:
    broken = {"normandie_cli.render.table": {"normandie_cli.cli._output"}, "normandie_cli.cli._output": set()}
    assert forbidden_imports(broken, "render", "cli") == [
        "normandie_cli.render.table imports normandie_cli.cli._output"]
    assert upward_imports(broken) != []


def test_the_core_importing_the_analysis_is_found() -> None:
    broken = {"normandie_cli.model": {"normandie_cli.query.rows"}, "normandie_cli.query.rows": set()}
    assert forbidden_imports(broken, "core", "query") == ["normandie_cli.model imports normandie_cli.query.rows"]


def test_a_lazy_rich_import_two_modules_down_is_found() -> None:
    broken = {"normandie_cli.store.read": {"normandie_cli.humanize"}, "normandie_cli.humanize": {"rich"}}
    assert reaches(broken, "normandie_cli.store.read", GUI) == [
        "normandie_cli.store.read -> normandie_cli.humanize -> rich"]


def test_the_graph_sees_lazy_imports(tmp_path: Path) -> None:
    """imports_of reads imports inside functions: the lazy ones are in the real graph."""
    assert "json" in GRAPH["normandie_cli.store.write"] or "json" in GRAPH["normandie_cli.store.read"]


def test_a_private_import_is_found() -> None:
    broken = {"normandie_cli.store.write": [("normandie_cli.store.read", ["_memo", "read_book"], 3)]}
    assert private_imports(broken) == ["normandie_cli.store.write:3 imports _memo from normandie_cli.store.read"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_package_init_stays_tiny(name: str) -> None:
    """Tab completion imports the store's completion module: a package's ``__init__`` runs
    first, so it holds no code that imports anything heavy."""
    if MODULES[name].name == "__init__.py" and name.count(".") == 1 and layer(name)[1] in ("loading", "store", "query"):
        assert GRAPH[name] == set()


def test_the_maintainers_guide_maps_every_module() -> None:
    """docs/maintainers.md's layout names every module of the package under its folder."""
    guide = (PACKAGE.parent.parent / "docs" / "maintainers.md").read_text(encoding="utf-8")
    layout = guide.split("```", 2)[1]  # the first code block: the package, folder by folder
    folder, seen = "", set[str]()
    for line in layout.splitlines():
        indent = len(line) - len(line.lstrip())
        words = [word.strip("(),;:.") for word in line.split()]
        if words and words[0].endswith("/") and indent == 2:
            folder = words[0]
        # a line names its module first, and may name a sibling in its text ("fold.py folds text")
        seen.update((folder if indent > 2 else "") + word for word in words if word.endswith(".py"))
    modules = {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")}
    assert not modules - seen, f"modules docs/maintainers.md does not map: {sorted(modules - seen)}"
