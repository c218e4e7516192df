"""Write (or, with --check, verify) docs/commands.md, the command reference, from the code:
each command's help and options as the app declares them, and each listing's fields from
the registry. Hand-written notes between ``<!-- notes: NAME -->`` and ``<!-- /notes -->``
are kept as they are. Run from the repository root:

    python tools/command_reference.py            # rewrite docs/commands.md
    python tools/command_reference.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

PAGE = Path(__file__).resolve().parent.parent / "docs" / "commands.md"
NOTES = re.compile(r"<!-- notes: (?P<name>[\w -]+) -->\n(?P<body>.*?)<!-- /notes -->", re.S)


def fields_markdown(listing: Any) -> str:
    """A listing's fields as a Markdown table."""
    lines = ["| field | type | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{f.name}` | {f.type} | {f.description} |" for f in listing.fields]
    return "\n".join(lines) + "\n"


def commands() -> list[tuple[str, Any]]:
    """(full name, click command) for every command, subcommands of a group included."""
    import typer

    from normandie_cli.cli import app

    out: list[tuple[str, Any]] = []
    root = typer.main.get_command(app)
    for name, command in sorted(root.commands.items()):  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            out += [(f"{name} {sub}", cmd) for sub, cmd in sorted(subcommands.items())]
        else:
            out.append((name, command))
    return out


def option_lines(command: Any, skip: frozenset[str] = frozenset()) -> list[str]:
    lines = []
    for param in command.params:
        if param.name in skip:
            continue
        if param.param_type_name == "argument":
            metavar = param.metavar or param.name.upper()
            lines.append(f"- `{metavar}`: {getattr(param, 'help', '') or ''}".rstrip(": "))
            continue
        names = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        choices = getattr(param.type, "choices", None)
        detail = " (" + ", ".join(str(c) for c in choices) + ")" if choices else ""
        lines.append(f"- {names}{detail}: {param.help or ''}".rstrip(": "))
    return lines


class _Params:
    def __init__(self, params: list[Any]) -> None:
        self.params = params


def global_options() -> list[str]:
    import typer

    from normandie_cli.cli import app

    return option_lines(typer.main.get_command(app))


def render(old: str) -> str:
    from normandie_cli.cli._output import SHARED_OPTIONS
    from normandie_cli.registry import LISTINGS

    notes = {m["name"]: m["body"] for m in NOTES.finditer(old)}
    listing_command = next(command for name, command in commands() if name == "companies")
    shared = [p for p in listing_command.params if p.name in SHARED_OPTIONS]
    out = [
        "# Command reference",
        "",
        "Generated from the code by `python tools/command_reference.py` (a test keeps it current): each",
        "command's help and options as the app declares them, and each listing's fields as the",
        "registry (`src/normandie_cli/registry.py`) declares them. The JSON and YAML keys are the field",
        "names; csv and tsv have them as the header line. Text between `notes` markers is written by hand.",
        "",
        "## Global options",
        "",
        "Given before or after the command (`normandie --data FILE companies`, `normandie companies",
        "--data FILE`). A listing's `--as-of` may come before the command too (`normandie --as-of",
        "2024-01 projects`).",
        "",
        *global_options(),
        "",
        "## Options of every listing",
        "",
        "Every command that prints rows takes these (`fields` and `cache info` all but `--as-of` and",
        "`--cite`, which are about the fact book).",
        "",
        *option_lines(_Params(shared)),
        "",
    ]
    for name, command in commands():
        out += [f"## normandie {name}", ""]
        import inspect

        out += [inspect.cleandoc(command.help or ""), ""]
        options = option_lines(command, skip=SHARED_OPTIONS)
        if options:
            out += ["Options:", "", *options, ""]
        listing = LISTINGS.get(name) or LISTINGS.get(name.split()[0])
        if listing is not None and name != "cache clear":
            out += ["Fields:", "", fields_markdown(listing)]
        key = name
        note = notes.get(key, "")
        out += [f"<!-- notes: {key} -->", note.rstrip("\n") + ("\n" if note.strip() else ""), "<!-- /notes -->", ""]
    text = "\n".join(out)
    text = re.sub(r"<!-- notes: ([\w -]+) -->\n\n<!-- /notes -->", r"<!-- notes: \1 -->\n<!-- /notes -->", text)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def main() -> int:
    old = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
    new = render(old)
    if "--check" in sys.argv[1:]:
        if new != old:
            print(f"{PAGE} is out of date: run python tools/command_reference.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
