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
import struct
import subprocess
import sys
import termios
from functools import cache
from pathlib import Path
from typing import Any

import pyte
import pytest
from typer.testing import CliRunner
from wcwidth import wcswidth

from normandie_cli.cli import app
from normandie_cli.registry import FACT_LISTINGS, LISTINGS

from .conftest import driven_outputs, driver, driver_args, installed

WIDTHS = (60, 80, 120, 200)
COMMANDS = [(name,) for name in (*FACT_LISTINGS, "conflicts")] + [
    ("show", "eastman-port-jerome"), ("show", "eastman-port-jerome", "--full"),
    ("history", "eastman-port-jerome"), ("timeline", "--chart"),
    ("history", "eastman-port-jerome", "--chart"), ("companies", "--role", "delegation"), ("jobs", "--cite"),
    ("sources", "--cite"), ("search", "eastman"), ("timeline", "eastman-port-jerome"),
]
#: One process runs the commands one after the other (conftest.driver).
DRIVER = driver("--no-pager")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


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
    return list(_screen(raw, columns))


@cache
def _screen(raw: str, columns: int) -> tuple[str, ...]:
    """:func:`screen`, worked out once for each output and width: pyte takes most of this
    module's time, and several tests read the same command's screen at the same width."""
    display = pyte.Screen(columns, raw.count("\n") + 2)
    pyte.Stream(display).feed(raw.replace("\r\n", "\n").replace("\n", "\r\n"))
    return tuple(line.rstrip() for line in display.display)


@cache
def outputs(columns: int) -> dict[tuple[str, ...], str]:
    """Each command's raw terminal output at ``columns``, from one process."""
    raw = run_in_terminal([sys.executable, "-c", DRIVER, *driver_args(COMMANDS)], columns)
    return dict(zip(COMMANDS, driven_outputs(raw, len(COMMANDS)), strict=True))


@cache
def tsv(command: tuple[str, ...]) -> list[dict[str, Any]]:
    """The command's rows, as ``--format json`` gives them (the same rows as ``--format tsv``)."""
    result = CliRunner().invoke(app, [*command, "--format", "json"], prog_name="normandie")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
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
    headers = set(header_line(lines).split())
    # A column the same on every row is said once in the title: "· project eastman-port-jerome".
    headers |= {part.split()[0] for line in lines[:2] for part in line.split(" · ")[1:] if part.split()}
    names = [f.name for f in listing.fields if (f.type == "id" or f.name == "source") and f.name in headers]
    out = set()
    for row in rows:
        for name in names:
            value = row.get(name)
            # A list shows its first items whole and counts the rest (gazette +2): the first is always there.
            out.update(value[:1] if isinstance(value, list) else [value] if value else [])
    return out


def header_line(lines: list[str]) -> str:
    """The table's header: the line above the rule under it (the title may take two lines)."""
    rule = next((i for i, line in enumerate(lines) if line.startswith("──")), None)
    return lines[rule - 1] if rule else ""


@cache
def book_ids_and_urls() -> tuple[frozenset[str], frozenset[str]]:
    from normandie_cli.loading.book import load_facts

    book = load_facts()
    return frozenset(book.index()), frozenset(s.url for s in book.sources if s.url)


#: What may stand before or after an id or a URL on screen.
PUNCTUATION = "[](),;:.«»\"'"


def broken_words(lines: list[str]) -> list[str]:
    """Words on screen that are a piece of an id or a URL: an id folded at a hyphen
    (``usine-nouvelle-``), a URL folded anywhere. A URL is whole, or cut with "…"."""
    ids, urls = book_ids_and_urls()
    broken = []
    for line in lines:
        for raw in line.split():
            word = raw.strip(PUNCTUATION)
            if "://" in raw:
                url = raw[raw.index("http"):] if "http" in raw else raw
                url = url.rstrip(PUNCTUATION)
                whole = url in urls
                cut_ok = url.endswith("…") and any(u.startswith(url[:-1]) for u in urls)
                if not (whole or cut_ok):
                    broken.append(raw)
            elif word.endswith("-") and word not in ids and any(i.startswith(word) for i in ids):
                broken.append(raw)
    return broken


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


@pytest.mark.parametrize("columns", (60, 80, 120))
def test_no_id_or_url_is_broken_in_any_listing_show_or_footnote(columns: int) -> None:
    checked = []
    for command, raw in outputs(columns).items():
        lines = screen(raw, columns)
        assert not broken_words(lines), (command, columns, broken_words(lines))
        checked.append(command)
    assert ("jobs", "--cite") in checked and ("sources",) in checked
    # The check can fail: an id folded at a hyphen, a URL folded anywhere.
    assert broken_words(["[usine-nouvelle-", "choose-france]"]) == ["[usine-nouvelle-"]
    url = next(iter(book_ids_and_urls()[1]))
    assert broken_words([url[:30], url[30:]]) == [url[:30]]
    assert broken_words([url + ".", url[:30] + "…"]) == []


def table_rows(lines: list[str]) -> tuple[list[str], list[str]]:
    """A table's lines (between the rule under its header and the line that names the columns
    left out, a note or the end) and what follows."""
    rule = next(i for i, line in enumerate(lines) if line.startswith("──"))
    ends = r"\d+ more columns?:|empty on every row:|Total for |$"
    end = next((i for i in range(rule + 1, len(lines)) if re.match(ends, lines[i])), len(lines))
    return lines[rule + 1:end], lines[end:]


def test_at_80_columns_a_listing_takes_one_line_per_row() -> None:
    checked = []
    for command, raw in outputs(80).items():
        if (command[0] not in FACT_LISTINGS and command[0] != "search") or command[0] == "discrepancies":
            continue
        if "--chart" in command or "--cite" in command:
            continue
        body, _ = table_rows(screen(raw, 80))
        assert len(body) == len(tsv(command)), (command, body)
        assert all(line[:1] not in ("", " ") for line in body), (command, body)  # a row, not a continuation
        checked.append(" ".join(command))
    assert {"sources", "jobs", "projects", "companies --role delegation", "statements", "people"} <= set(checked)


def test_jobs_show_their_source_in_date_order_and_the_title_says_what_every_row_shares() -> None:
    for columns in (80, 120):
        lines = screen(outputs(columns)[("jobs",)], columns)
        from normandie_cli.dates import parse_date

        rows = tsv(("jobs",))
        assert lines[0] == f"jobs ({len(rows)}) · all planned"
        header = header_line(lines).split()
        assert "source" in header and "planned" not in header
        body, _ = table_rows(lines)
        dated = [r["as_of"] for r in rows if r["as_of"]]
        keys = [parse_date(d).sort_key() for d in dated]
        assert keys == sorted(keys) and dated[0] == "2022-01"  # as it happened
        assert all(r["as_of"] is None for r in rows[len(dated):])  # the undated last
        if "as_of" in header:
            at = header_line(lines).index("as_of")
            dates = [line[at:].split("  ")[0] for line in body]
            assert dates[0] == "Jan 2022" and dates[-1] == "unknown"
        assert [line.split()[-1] for line in body] == [r["source"] for r in rows]


def test_conflicts_show_the_values_that_disagree_one_side_per_line() -> None:
    rows = tsv(("conflicts",))
    for columns in (80, 120):
        lines = screen(outputs(columns)[("conflicts",)], columns)
        assert header_line(lines).split()[:3] == ["subject", "field", "kind"]
        body, _ = table_rows(lines)
        sides = [line for line in body if line.startswith("  ")]
        assert len(sides) == sum(len(r["sides"]) for r in rows)
        assert all(any(side["source"] in line.split() for line in sides) for r in rows for side in r["sides"])
        investment = body.index(next(line for line in body
                                     if line.split()[:2] == ["eastman-port-jerome", "investment"]))
        assert body[investment + 1].split()[:4] == ["EUR", "850", "M", "usine-nouvelle-choose-france"], body
        assert "Jan 2022" in body[investment + 1]


def test_the_installed_command_draws_in_a_terminal_of_any_width() -> None:
    executable = str(installed())
    count = len(tsv(("companies",)))  # (in-process: only the drawing is this test's point)
    for columns in WIDTHS:
        lines = screen(run_in_terminal([executable, "--no-pager", "companies"], columns), columns)
        assert lines[0] == f"companies ({count})"
        assert any(line.startswith("aurora-cold-plasma-sterilisation ") for line in lines), lines
        assert any(line.startswith("agence-sebastien-mariano-swiss-life ") for line in lines), lines


def test_colour_is_on_at_a_terminal_and_off_with_no_color() -> None:
    raw = outputs(80)[("jobs",)]
    assert "\x1b[" in raw
    executable = str(installed())
    plain = run_in_terminal([executable, "--no-pager", "--no-color", "jobs"], 80)
    assert "\x1b[" not in plain
    assert screen(plain, 80) == screen(raw, 80)  # colour repeats what the text says


def test_the_pager_takes_output_taller_than_the_screen(tmp_path: Path) -> None:
    """``$PAGER`` gets the output when it does not fit; it does not when it fits or with --no-pager."""
    pager = tmp_path / "pager.sh"
    pager.write_text(f"#!/bin/sh\necho paged >> {tmp_path / 'log'}\ncat\n", encoding="utf-8")
    pager.chmod(0o755)
    executable = str(installed())
    env_pager = [f"PAGER={pager}"]
    figures = screen(run_in_terminal(["env", *env_pager, executable, "figures"], 80, lines=20), 80)
    count = len(tsv(("figures",)))  # (in-process: the pager is this test's point)
    assert figures[0] == f"figures ({count})" and (tmp_path / "log").read_text() == "paged\n"
    run_in_terminal(["env", *env_pager, executable, "projects"], 80, lines=20)
    run_in_terminal(["env", *env_pager, executable, "--no-pager", "figures"], 80, lines=20)
    assert (tmp_path / "log").read_text() == "paged\n"


def test_wide_goes_to_the_pager_scrolling_sideways_when_a_line_is_wider_than_the_screen(tmp_path: Path) -> None:
    """``--wide`` lines wider than the terminal start the pager even when they fit its height,
    and ``less`` is asked to scroll sideways (-S) rather than fold them."""
    fake = tmp_path / "bin" / "less"  # named less, so that normandie asks it for -S
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path / 'log'}\ncat\n", encoding="utf-8")
    fake.chmod(0o755)
    executable = str(installed())
    pager = [f"PAGER={fake} -FRX"]
    run_in_terminal(["env", *pager, executable, "projects", "--wide"], 80, lines=40)
    assert (tmp_path / "log").read_text() == "-FRX -S\n"
    run_in_terminal(["env", *pager, executable, "projects"], 80, lines=40)  # fits: no pager
    run_in_terminal(["env", *pager, executable, "projects", "--wide"], 1000, lines=40)  # fits: no pager
    assert (tmp_path / "log").read_text() == "-FRX -S\n"
