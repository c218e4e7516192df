"""End to end: the installed ``normandie`` command in a subprocess, its stdout a pipe, as a
user's shell runs it. What the wheel and the sdist hold: test_packaging.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import installed


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NORMANDIE_DATA", "FORCE_COLOR")}
    env.update(extra)
    return env


def sh(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a shell pipeline with the installed command first on PATH."""
    path = f"{installed().parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, cwd=cwd,
        env=_env(PATH=path, **env), timeout=60,
    )


def test_piped_output_is_plain_tsv_from_any_directory(tmp_path: Path) -> None:
    result = sh("normandie companies | cat", tmp_path, NO_COLOR="", TERM="xterm-256color")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id\tname\ttown\t")
    assert "\x1b[" not in result.stdout and "…" not in result.stdout
    assert len(lines) == 17  # header and 16 companies


def test_a_reader_that_closes_early_gets_no_traceback(tmp_path: Path) -> None:
    result = sh("normandie figures | head -n 1", tmp_path)
    assert result.stdout.startswith("id\tsubject\t")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert result.stderr == ""


def test_json_through_a_pipe_is_valid_and_complete(tmp_path: Path) -> None:
    result = sh("normandie jobs --format json | cat", tmp_path)
    rows = json.loads(result.stdout)
    assert {r["source"] for r in rows} >= {"gazette", "cci-normandie", "ouest-france-2025"}


def test_a_missing_data_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = sh("normandie --data /nonexistent/facts.yaml companies", tmp_path)
    assert result.returncode == 1
    assert result.stderr == "normandie: /nonexistent/facts.yaml: no such file\n"
    assert result.stdout == ""


def test_python_dash_m_and_version(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "normandie_cli", "--version"], capture_output=True, text=True,
                            cwd=tmp_path, env=_env())
    assert result.returncode == 0 and result.stdout.startswith("normandie ")


def test_ascii_locale_prints_without_encoding_errors(tmp_path: Path) -> None:
    result = sh("normandie companies --format table", tmp_path, LC_ALL="C", LANG="C", PYTHONIOENCODING="")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
