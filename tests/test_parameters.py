"""No function in ``src/normandie_cli`` takes more than a handful of parameters.

Options travel as one value (``query.request.Request``, ``render.view.View``,
``render.layout.Frame``), not one by one from function to function. Every parameter counts,
keyword-only ones and ``*args``/``**kwargs`` included; a method's ``self`` or ``cls`` does not.

Typer's command functions are not counted: a function decorated with ``@<app>.command``,
``@<app>.callback`` or ``@listing_command`` declares the command line itself, one parameter per
option or argument, which Typer reads from its signature (help, completion, the command
reference); grouping them would hide the options from Typer, not simplify a call, since no code
calls these functions but Typer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LIMIT = 6
SRC = Path(__file__).resolve().parents[1] / "src" / "normandie_cli"

#: Functions kept above the limit, each with its reason. A waiver that is no longer needed (the
#: function is gone or within the limit) fails the test, so the list stays true.
WAIVED = {
    "normandie_cli.loading.ingest._Split.__init__": "a later reader's set-up: the file, its folder, "
    "the meta, the writer, the references and the ReadPlan, and where its lines start (7)",
    "normandie_cli.loading.events.Events._join": "a reader's join with the next (the item, the "
    "split line, the reader's state)",
    "normandie_cli.loading.split.stream_rest": "a later reader's start (file, section, byte, line), the "
    "sources' dates, the sink and the splitter of its own end; a record of the job is the next step",
    "normandie_cli.query.companies.store_company_rows": "the companies filters as SQL, one keyword each",
    "normandie_cli.render.show._fit": "kinds owns render/show.py (show's sections), changed at the same time",
}

#: The decorators that make a function a Typer command (see the module's docstring).
_COMMAND_DECORATORS = {"command", "callback", "listing_command"}


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _count(function: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> int:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    static = any(_decorator_name(d) == "staticmethod" for d in function.decorator_list)
    if in_class and not static and positional and positional[0].arg in ("self", "cls"):
        positional = positional[1:]
    return len(positional) + len(args.kwonlyargs) + (args.vararg is not None) + (args.kwarg is not None)


def too_many(source: str, module: str, limit: int = LIMIT) -> dict[str, int]:
    """The functions of ``source`` (qualified: ``module.Class.method``, ``module.f.<locals>.g``)
    that take more than ``limit`` parameters, with their counts."""
    found: dict[str, int] = {}

    def walk(node: ast.AST, prefix: str, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}.{child.name}"
                command = any(_decorator_name(d) in _COMMAND_DECORATORS for d in child.decorator_list)
                count = _count(child, in_class)
                if count > limit and not command:
                    found[name] = count
                walk(child, f"{name}.<locals>", False)
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}.{child.name}", True)
            else:
                walk(child, prefix, in_class)

    walk(ast.parse(source), module, False)
    return found


def _module_name(path: Path) -> str:
    parts = ["normandie_cli", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_too_many() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(SRC.rglob("*.py")):
        found.update(too_many(path.read_text(encoding="utf-8"), _module_name(path)))
    return found


def test_no_function_takes_more_than_a_handful_of_parameters() -> None:
    over = {name: count for name, count in all_too_many().items() if name not in WAIVED}
    assert not over, f"more than {LIMIT} parameters (pass a Request, View or Frame, or a record of your own): " + \
        ", ".join(f"{name} ({count})" for name, count in sorted(over.items()))


def test_every_waiver_is_still_needed_and_says_why() -> None:
    found = all_too_many()
    stale = sorted(name for name in WAIVED if name not in found)
    assert not stale, f"waived but within {LIMIT} parameters or gone (remove from WAIVED): {', '.join(stale)}"
    assert all(reason.strip() for reason in WAIVED.values())


SEVEN = '''
def seven(a, b, c, d, e, *, f, g):
    pass
'''


def test_the_check_finds_a_function_with_seven_parameters() -> None:
    assert too_many(SEVEN, "synthetic") == {"synthetic.seven": 7}


@pytest.mark.parametrize("source", [
    "def six(a, b, c, d, e, f): pass",
    "class C:\n    def method(self, a, b, c, d, e, f): pass",
    "class C:\n    @classmethod\n    def make(cls, a, b, c, d, e, f): pass",
    "@app.command()\ndef cmd(a, b, c, d, e, f, g, h): pass",
    "@listing_command(app, LISTING, 'example')\ndef cmd(a, b, c, d, e, f, g, h): pass",
])
def test_six_a_method_s_self_and_typer_commands_pass(source: str) -> None:
    assert too_many(source, "synthetic") == {}


@pytest.mark.parametrize(("source", "name"), [
    ("def f(a, b, c, d, e, f, *rest): pass", "synthetic.f"),
    ("def f(a, b, c, d, e, f, **options): pass", "synthetic.f"),
    ("class C:\n    @staticmethod\n    def s(self, a, b, c, d, e, f): pass", "synthetic.C.s"),
    ("def outer():\n    def inner(a, b, c, d, e, f, g): pass", "synthetic.outer.<locals>.inner"),
    ("class C:\n    class D:\n        def m(self, a, b, c, d, e, f, g): pass", "synthetic.C.D.m"),
    ("@other_decorator\ndef f(a, b, c, d, e, f, g): pass", "synthetic.f"),
])
def test_varargs_a_static_method_nested_functions_and_other_decorators_count(source: str, name: str) -> None:
    assert list(too_many(source, "synthetic")) == [name]
