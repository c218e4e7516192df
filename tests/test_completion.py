"""Shell completion: the protocol Typer speaks with bash, zsh and fish, values read from the
data file, the modules the completion path imports, and one run in a real bash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import write

SCRIPT = Path(sys.executable).with_name("normandie")


def complete(shell: str, line: str, **env: str) -> list[str]:
    """Candidates the installed command gives for ``line`` (the cursor at its end)."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith(("_NORMANDIE", "_TYPER", "COMP_"))}
    variables["_NORMANDIE_COMPLETE"] = f"complete_{shell}"
    if shell == "bash":
        words = line.split() + ([""] if line.endswith(" ") else [])
        variables.update(COMP_WORDS="\n".join(words), COMP_CWORD=str(len(words) - 1))
    else:
        variables["_TYPER_COMPLETE_ARGS"] = line
        if shell == "fish":
            variables["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    variables.update(env)
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=variables, timeout=60)
    assert result.returncode == 0
    assert result.stderr == ""
    return [line for line in result.stdout.splitlines() if line.strip()]


pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="needs the installed normandie script")


def test_bash_completes_project_ids_for_timeline() -> None:
    assert complete("bash", "normandie timeline ")[:2] == ["eastman-port-jerome", "cryopak-second-site"]
    assert complete("bash", "normandie timeline cry") == ["cryopak-second-site"]


def test_zsh_candidates_carry_a_help_text() -> None:
    out = "\n".join(complete("zsh", "normandie companies --town herou"))
    assert '"herouville-saint-clair":"Hérouville-Saint-Clair (Calvados, Normandie, France)"' in out


def test_fish_candidates_carry_a_help_text() -> None:
    assert complete("fish", "normandie show eld")[0] == "eldim\torganisation: Eldim"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("normandie companies --town HÉROU", ["herouville-saint-clair"]),  # the data's own spelling
        ("normandie companies --town herou", ["herouville-saint-clair"]),
        ("normandie companies --department seine", ["Seine-Maritime"]),
        ("normandie companies --role del", ["delegation"]),
        ("normandie companies --fields id,na", ["id,name"]),
        ("normandie jobs --sort as", ["as_of"]),
        ("normandie companies --where dep", ["department"]),
        ("normandie companies --format js", ["json", "jsonl"]),
        ("normandie figures --measure jobs-d", ["jobs-direct"]),
        ("normandie show Eld", ["eldim", "eldim-employees-fb1", "eldim-clients-eld", "eldim-visit-eld", "Eldim"]),
        # ids and names alike
        ("normandie companies --sort -na", ["-name"]),  # descending: field names, not option names
        ("normandie companies --sort id,-to", ["id,-town", "id,-town_id"]),
        ("normandie conflicts --fields ki", ["kind"]),
        ("normandie history eastman-port-jerome inv", ["investment"]),  # history's FIELD argument
        ("normandie companies --facet dep", ["department"]),
        ("normandie fields compa", ["companies"]),
        ("normandie search x --kind pe", ["person"]),
        ("normandie comp", ["companies"]),
    ],
)
def test_values_complete_case_and_accent_insensitively(line: str, expected: list[str]) -> None:
    assert complete("bash", line) == expected


def test_completion_reads_the_data_file_in_use(tmp_path: Path) -> None:
    path = write(tmp_path, "sources: []\nprojects: []\nevents: []\n")
    assert complete("bash", f"normandie --data {path} timeline ") == []
    other = write(tmp_path, (Path(__file__).parent.parent / "data" / "facts.yaml").read_text(encoding="utf-8")
                  .replace("id: cryopak-second-site", "id: cryopak-zweite"), "other.yaml")
    assert "cryopak-zweite" in complete("bash", "normandie timeline cry", NORMANDIE_DATA=str(other))


@pytest.mark.parametrize("content", ["sources: [\n", "", "- a list\n"])
def test_a_broken_data_file_completes_nothing_and_prints_nothing(tmp_path: Path, content: str) -> None:
    path = write(tmp_path, content)
    assert complete("bash", f"normandie --data {path} timeline ") == []
    assert complete("zsh", "normandie show e", NORMANDIE_DATA=str(path)) == ["_files"]  # Typer's "no candidates"


def test_the_completion_path_imports_no_heavy_module() -> None:
    code = (
        "import sys\nfrom normandie_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = {'rich', 'yaml', 'jmespath', 'pydantic', 'click', 'json'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)\n"
    )
    env = {**os.environ, "_NORMANDIE_COMPLETE": "complete_bash", "COMP_WORDS": "normandie\ntimeline\n",
           "COMP_CWORD": "2"}
    # The first press parses the file and leaves the fact store (the parse cache); the next ones
    # make one prefix query on its completion table: no YAML, no JSON, no book.
    subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "eastman-port-jerome" in result.stdout
    assert result.stderr.strip() == "[]"


def test_a_tsv_run_with_a_warm_cache_imports_neither_rich_nor_yaml() -> None:
    code = (
        "import sys\nsys.argv = ['normandie', 'companies', '--format', 'tsv']\n"
        "from normandie_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'rich', 'yaml', 'jmespath'}), file=sys.stderr)\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("id\tname")
    assert result.stderr.strip() == "[]"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_real_bash_sources_the_script_and_completes(tmp_path: Path) -> None:
    script = f"""
set -e
PATH={SCRIPT.parent}:$PATH
source <(normandie --show-completion)
COMP_WORDS=(normandie timeline "")
COMP_CWORD=2
_normandie_completion normandie
printf '%s\\n' "${{COMPREPLY[@]}}"
COMP_WORDS=(normandie companies --town herou)
COMP_CWORD=3
_normandie_completion normandie
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_NORMANDIE", "_TYPER", "COMP_"))}
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["eastman-port-jerome", "cryopak-second-site"]
    assert lines[-1] == "herouville-saint-clair"


def test_completion_follows_an_edited_file(tmp_path: Path) -> None:
    source = (Path(__file__).parent.parent / "data" / "facts.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, source)
    assert complete("bash", f"normandie --data {path} timeline cry") == ["cryopak-second-site"]
    path.write_text(source.replace("id: cryopak-second-site", "id: cryopak-site-two"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new stamp, whatever the clock's resolution
    assert complete("bash", f"normandie --data {path} timeline cry") == ["cryopak-site-two"]
