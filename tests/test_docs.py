"""The documentation: a short README for users that CI keeps honest, and docs/ for the rest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from normandie_cli.errors import ExitCode
from normandie_cli.registry import LISTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
COMMAND_REFERENCE = DOCS / "commands.md"

TOOLS = ROOT / "tools"


def test_readme_opens_with_the_two_set_up_commands_and_ci_runs_the_test_one() -> None:
    head, rest = README.split("```sh\n", 1)
    # Only the title and one paragraph of description come before the set-up commands.
    title, description = head.strip().split("\n\n")
    assert title == "# normandie" and description and not description.startswith("#")
    block = rest.split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert "pip install ." in block[0] and "normandie companies --role delegation" in block[0]
    assert block[1].endswith("pip install -e '.[test]' && pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet --disable-pip-version-check -e '.[test]'\n" in ci and "\npytest\n" in ci
    assert ci.endswith("\npytest -m slow\n")  # the README's tests, then the slow ones a plain pytest leaves out
    assert "\nruff check .\nmypy\n" in ci  # lint and type-check before the tests
    assert "normandie\" companies --role delegation" in ci


def test_readme_is_at_most_300_lines() -> None:
    """Issue 9: the README is for users; everything else goes to docs/."""
    assert len(README.splitlines()) <= 300


def test_readme_examples_show_the_current_output() -> None:
    """``python tools/readme_examples.py`` rewrites them; this fails when one is stale."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "tools" / "readme_examples.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr


def every_command() -> list[str]:
    """Every command of the app, and ``group sub`` for each subcommand of a group."""
    import typer

    from normandie_cli.cli import app

    names = []
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)  # a group (Typer 0.26-0.28 carry their own Click)
        if subcommands:
            names += [f"{name} {sub}" for sub in subcommands]
        else:
            names.append(name)
    return sorted(names)


@pytest.mark.parametrize("command", every_command())
def test_every_command_has_a_section_in_the_command_reference(command: str) -> None:
    assert f"\n## normandie {command}\n" in COMMAND_REFERENCE.read_text(encoding="utf-8"), command


def test_the_command_reference_is_current() -> None:
    """``python tools/command_reference.py`` rewrites docs/commands.md from the code."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(TOOLS / "command_reference.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_the_command_reference_lists_every_field_of_every_listing(name: str) -> None:
    text = COMMAND_REFERENCE.read_text(encoding="utf-8")
    for field in LISTINGS[name].fields:
        assert f"| `{field.name}` | {field.type} | {field.description} |" in text, (name, field.name)


def test_the_readme_has_no_field_reference() -> None:
    """The field tables live in docs/commands.md; the README points there."""
    assert "## JSON fields" not in README
    assert "| field | type | meaning |" not in README
    assert "](docs/commands.md)" in README


@pytest.mark.parametrize("page", [ROOT / "README.md", DOCS / "errors.md"], ids=lambda p: p.name)
def test_every_exit_code_is_documented(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    documented = {int(code) for code in re.findall(r"(?m)^\| (\d+) \|", text)}
    assert documented == {int(code) for code in ExitCode}


# Links into pages that are still to be written; a link into any other missing page fails.
PENDING: set[Path] = set()


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"(?ms)^```.*?^```", "", page.read_text(encoding="utf-8"))
    headings = re.findall(r"(?m)^#{1,6} (.+)$", text)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def links(page: Path) -> list[str]:
    text = re.sub(r"(?ms)^```.*?^```", "", page.read_text(encoding="utf-8"))
    return [target for target in re.findall(r"\]\(([^)\s]+)\)", text)
            if not re.match(r"[a-z]+:", target)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_links_between_the_pages_resolve(page: Path) -> None:
    if page.name == "README.md":
        assert len(links(page)) >= 5  # the Read-on list, at least: the link finder finds links
    for target in links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if file in PENDING and not file.exists():
            assert not anchor, f"{page.name}: {target}: no anchors into a page not written yet"
            continue
        assert file.exists(), f"{page.name}: {target}: no such file"
        if anchor:
            assert anchor in anchors(file), f"{page.name}: {target}: no such heading"
