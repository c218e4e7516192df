"""The README documents every listing's fields, and CI runs the README's test command."""

from __future__ import annotations

from pathlib import Path

import pytest

from normandie_cli.registry import CONFLICTS, FIELDS, HISTORY, LISTINGS, SEARCH, SHOW
from normandie_cli.render import fields_markdown

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


ALL = {**LISTINGS, "search": SEARCH, "show": SHOW, "fields": FIELDS, "history": HISTORY, "conflicts": CONFLICTS}


@pytest.mark.parametrize("name", sorted(ALL))
def test_readme_lists_every_field_of_every_command(name: str) -> None:
    """``python tools/readme_fields.py`` rewrites these tables from the code."""
    assert fields_markdown(ALL[name]) in README


def test_readme_opens_with_the_two_set_up_commands_and_ci_runs_the_test_one() -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert "pip install ." in block[0] and "normandie" in block[0]
    assert block[1].endswith("pip install -e '.[test]' && pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet --disable-pip-version-check -e '.[test]'\npytest\n" in ci


def test_readme_examples_show_the_current_output() -> None:
    """``python tools/readme_examples.py`` rewrites them; this fails when one is stale."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "tools" / "readme_examples.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
