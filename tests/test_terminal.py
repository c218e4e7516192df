"""Tables as a person's terminal shows them: the installed package run in a pseudo-terminal of
60, 80, 120 and 200 columns (its size set with TIOCSWINSZ, no COLUMNS or LINES in the
environment), its output read through a terminal emulator (pyte).

One process per width runs every listing, ``show`` and ``history`` one after the other through
the console script's own ``main`` (a process per command would take most of a minute); one
more runs the ``normandie`` executable itself at each width.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from functools import cache
from pathlib import Path

import pyte
import pytest
from typer.testing import CliRunner
from wcwidth import wcswidth

from normandie_cli.cli import app
from normandie_cli.registry import FACT_LISTINGS, LISTINGS

WIDTHS = (60, 80, 120, 200)
COMMANDS = [(name,) for name in (*FACT_LISTINGS, "conflicts")] + [
    ("show", "eastman-port-jerome"), ("show", "eastman-port-jerome", "--full"), ("history", "eastman-port-jerome"),
    ("timeline", "--chart"),
    ("history", "eastman-port-jerome", "--chart"),
]
END = "@@@ end of command @@@"
DRIVER = f"""
import sys
from normandie_cli.cli.run import main
for words in sys.argv[1:]:
    sys.argv = ["normandie", "--no-pager", *words.split(" ")]
    try:
        main()
    except SystemExit:
        pass
    sys.stdout.flush()
    print({END!r}, flush=True)
"""
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def terminal_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", PAGER="cat", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    return env


def run_in_terminal(argv: list[str], columns: int, lines: int = 50) -> str:
    """What ``argv`` writes to a terminal of ``columns`` x ``lines``, as the bytes it sent."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=terminal_env(), close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8")


def screen(raw: str, columns: int) -> list[str]:
    """The lines a terminal of ``columns`` shows for ``raw`` (tall enough to hold it all)."""
    display = pyte.Screen(columns, raw.count("\n") + 2)
    pyte.Stream(display).feed(raw.replace("\r\n", "\n").replace("\n", "\r\n"))
    return [line.rstrip() for line in display.display]


@cache
def outputs(columns: int) -> dict[tuple[str, ...], str]:
    """Each command's raw terminal output at ``columns``, from one process."""
    raw = run_in_terminal([sys.executable, "-c", DRIVER, *(" ".join(c) for c in COMMANDS)], columns)
    parts = raw.replace("\r\n", "\n").split(END + "\n")
    assert len(parts) == len(COMMANDS) + 1, raw[-2000:]
    return dict(zip(COMMANDS, parts[:-1], strict=True))


@cache
def tsv(command: tuple[str, ...]) -> list[dict[str, str]]:
    """The command's rows, as ``--format json`` gives them (the same rows as ``--format tsv``)."""
    result = CliRunner().invoke(app, [*command, "--format", "json"], prog_name="normandie")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, str]] = json.loads(result.stdout)
    return rows


def shown_ids(command: tuple[str, ...], lines: list[str]) -> set[str]:
    """The ids of the command's rows that its table shows at this width: the values of its id
    columns and source lists whose header is on screen (for ``show``, the ids it relates to and
    the sources it cites)."""
    rows = tsv(command)
    if command[0] == "timeline" and "--chart" in command:
        return {r["subject"] for r in rows}
    if "--chart" in command:
        return set()
    if command[0] == "show":  # the brief names its places and owner; --full every related id and source
        sections = ("related", "citations", "locations") if "--full" in command else ("related", "locations")
        return {r["value"] for r in rows if r["section"] in sections}
    listing = LISTINGS[command[0]]
    headers = {word for line in lines[1:2] for word in line.split()}
    names = [f.name for f in listing.fields if (f.type == "id" or f.name == "source") and f.name in headers]
    out = set()
    for row in rows:
        for name in names:
            value = row.get(name)
            out.update(value if isinstance(value, list) else [value] if value else [])
    return out


@pytest.mark.parametrize("columns", WIDTHS)
def test_no_line_is_wider_than_the_terminal_and_every_id_is_whole(columns: int) -> None:
    for command, raw in outputs(columns).items():
        for line in ANSI.sub("", raw).split("\n"):
            assert wcswidth(line) <= columns, (command, columns, line)
        lines = screen(raw, columns)
        words = {word.strip(";,") for line in lines for word in line.split()}
        ids = shown_ids(command, lines)
        if command[0] in ("show", "companies", "jobs", "timeline", "projects", "figures", "places", "conflicts"):
            assert ids, (command, columns)  # each of these shows ids at every width
        missing = sorted(i for i in ids if i not in words)
        assert not missing, (command, columns, missing)


def test_at_80_columns_a_listing_without_free_text_takes_one_line_per_row() -> None:
    checked = []
    for command, raw in outputs(80).items():
        if (command[0] not in FACT_LISTINGS and command[0] != "conflicts") or "--chart" in command:
            continue
        lines = screen(raw, 80)
        listing = LISTINGS[command[0]]
        headers = lines[1].split()
        if any(listing.field(name).prose for name in headers):
            continue
        rows = len(tsv(command))
        assert lines[2].startswith("─")
        body = lines[3:3 + rows]
        assert all(line[:1] not in ("", " ") for line in body), (command, body)  # a row, not a continuation
        assert not lines[3 + rows].startswith(" "), (command, lines[3 + rows])
        checked.append(command[0])
    assert {"companies", "jobs", "figures", "places", "projects"} <= set(checked), checked


def test_the_installed_command_draws_in_a_terminal_of_any_width() -> None:
    executable = shutil.which("normandie")
    if executable is None:
        pytest.skip("normandie is not installed on PATH")
    count = len(subprocess.run([executable, "companies", "--no-headers"], capture_output=True, text=True,
                               check=True).stdout.splitlines())
    for columns in WIDTHS:
        lines = screen(run_in_terminal([executable, "--no-pager", "companies"], columns), columns)
        assert lines[0] == f"companies ({count})"
        assert any(line.startswith("aurora-cold-plasma-sterilisation ") for line in lines), lines
        assert any(line.startswith("agence-sebastien-mariano-swiss-life ") for line in lines), lines


def test_colour_is_on_at_a_terminal_and_off_with_no_color() -> None:
    raw = outputs(80)[("jobs",)]
    assert "\x1b[" in raw
    executable = shutil.which("normandie") or "normandie"
    plain = run_in_terminal([executable, "--no-pager", "--no-color", "jobs"], 80)
    assert "\x1b[" not in plain
    assert screen(plain, 80) == screen(raw, 80)  # colour repeats what the text says


def test_the_pager_takes_output_taller_than_the_screen(tmp_path: Path) -> None:
    """``$PAGER`` gets the output when it does not fit; it does not when it fits or with --no-pager."""
    pager = tmp_path / "pager.sh"
    pager.write_text(f"#!/bin/sh\necho paged >> {tmp_path / 'log'}\ncat\n", encoding="utf-8")
    pager.chmod(0o755)
    executable = shutil.which("normandie") or "normandie"
    env_pager = [f"PAGER={pager}"]
    figures = screen(run_in_terminal(["env", *env_pager, executable, "figures"], 80, lines=20), 80)
    count = len(subprocess.run([executable, "figures", "--no-headers"], capture_output=True, text=True,
                               check=True).stdout.splitlines())
    assert figures[0] == f"figures ({count})" and (tmp_path / "log").read_text() == "paged\n"
    run_in_terminal(["env", *env_pager, executable, "projects"], 80, lines=20)
    run_in_terminal(["env", *env_pager, executable, "--no-pager", "figures"], 80, lines=20)
    assert (tmp_path / "log").read_text() == "paged\n"
