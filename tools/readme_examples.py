"""Rewrite (or, with --check, verify) the output shown under every `$ normandie ...` line of
the README's console blocks, by running the command on the bundled data, and the Output
table's `--format` row, from the registry's formats (those every listing offers).

A command typed without --format shows what a terminal shows (a table, through `--format
table`, 100 columns, no colour; a chart's today is 4 Dec 2026). Blocks with commands whose output depends on the machine
(`normandie cache ...`, the benchmarks) are left alone. Run from the repository root:

    python tools/readme_examples.py            # rewrite README.md
    python tools/readme_examples.py --check    # exit 1 if an example is out of date
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
SKIP = ("normandie cache",)


def run(command: str) -> str:
    from typer.testing import CliRunner

    from normandie_cli.cli import app
    from normandie_cli.loading.files import bundled_path

    args = shlex.split(command)[1:]
    listing = args and args[0] not in ("validate",) and args[:1] != []
    if listing and not {"--format", "-f", "--query"} & set(args):
        args += ["--format", "table"]
    # A chart's "today" is a set day, so that the examples do not go stale overnight.
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "NORMANDIE_DATA": "", "NORMANDIE_TODAY": "2026-12-04"}
    result = CliRunner().invoke(app, args, env=env, prog_name="normandie")
    return unfold_path(result.output).replace(str(bundled_path()), ".../normandie_cli/data/facts.yaml")


def unfold_path(text: str) -> str:
    """The summary's ``Fact file:`` line on one line again: a long path folds after a slash, and
    where the package is installed must not change the README."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("Fact file: "):
            while lines[i].endswith("/") and i + 1 < len(lines) and lines[i + 1].startswith("  "):
                lines[i] += lines.pop(i + 1)[2:]
    return "\n".join(lines)


def rewrite(text: str) -> str:
    def block(match: re.Match[str]) -> str:
        body = match.group(1)
        if not body.startswith("$ normandie") or any(skip in body for skip in SKIP):
            return match.group(0)
        parts = re.split(r"(?m)^(\$ .*)\n", body)
        out = []
        for index in range(1, len(parts), 2):
            command = parts[index][2:]
            out.append(f"$ {command}\n{run(command)}")
        return "```console\n" + "".join(out) + "```"

    text = re.sub(r"```console\n(.*?)```", block, text, flags=re.S)
    return re.sub(r"(?m)^\| `--format`, `-f` \| .* \|$", lambda _: format_row(), text)


def format_row() -> str:
    """The README's ``--format`` row: the formats every listing offers, in the registry's order."""
    from normandie_cli.registry import FORMATS

    return "| `--format`, `-f` | " + ", ".join(f"`{f.name}`" for f in FORMATS if not f.only_for) + " |"


def main() -> int:
    os.environ.pop("NORMANDIE_DATA", None)
    current = README.read_text(encoding="utf-8")
    updated = rewrite(current)
    if "--check" in sys.argv[1:]:
        if updated != current:
            print("README.md examples are out of date: run python tools/readme_examples.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
