"""Charts that don't exaggerate: ``history --chart``, the strips under ``history``'s table and
``timeline --chart``, as a person's terminal shows them (a pseudo-terminal read through pyte,
as in test_terminal.py) and as the CLI writes them."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import sys

import pytest

from normandie_cli import humanize
from normandie_cli.render.chart import PANEL, history_chart, timeline_chart

from .conftest import Runner, driven_outputs, driver, driver_args
from .test_terminal import ANSI, run_in_terminal, screen

TODAY = "2026-12-04"
NO_CHANGE_WORDS = re.compile(r"slipp|brought forward|revis|delay|postpon|cut|rais", re.I)


HISTORY_CHART = ("history", "eastman-port-jerome", "--chart")
TIMELINE_CHART = ("timeline", "--chart")
#: Every command :func:`terminal` shows, by the terminal's width and NORMANDIE_TODAY.
SHOWN: dict[tuple[int, str], list[tuple[str, ...]]] = {
    (60, TODAY): [HISTORY_CHART, TIMELINE_CHART],
    (80, TODAY): [HISTORY_CHART, ("history", "eastman-port-jerome", "jobs-direct", "--chart"), TIMELINE_CHART],
    (80, "2023-01-15"): [TIMELINE_CHART],
    (80, "2026-01-31"): [TIMELINE_CHART],
    (120, TODAY): [HISTORY_CHART, TIMELINE_CHART],
}
#: One process, in the pseudo-terminal, runs the commands one after the other (conftest.driver).
DRIVER = driver("--no-pager")


@functools.cache
def shown(columns: int, lines: int, today: str) -> dict[tuple[str, ...], str]:
    """What each command of ``SHOWN[columns, today]`` wrote to a terminal of ``columns`` x
    ``lines``, from one process started with NORMANDIE_TODAY=today (kept for every test that
    reads it)."""
    commands = SHOWN[columns, today]
    os.environ["NORMANDIE_TODAY"] = today  # the child's environment is copied from ours
    try:
        raw = run_in_terminal([sys.executable, "-c", DRIVER, *driver_args(commands)], columns, lines)
    finally:
        del os.environ["NORMANDIE_TODAY"]
    return dict(zip(commands, driven_outputs(raw, len(commands)), strict=True))


def terminal(*args: str, columns: int = 80, lines: int = 24, today: str = TODAY) -> list[str]:
    """What ``normandie ARGS`` shows in a terminal of ``columns`` x ``lines`` (its scrollback
    included: the screen is read tall enough to hold it all)."""
    return screen(shown(columns, lines, today)[args], columns)


def axes(lines: list[str]) -> list[int]:
    """The indices of the lines that are a time axis's ticks (the years are on the next line)."""
    return [i for i, line in enumerate(lines) if re.search(r"[└ ]┬[─┬┼]*$", line) and "─" in line]


def tick_columns(line: str) -> list[int]:
    """The columns of an axis's Januaries, one per year from the first."""
    return [i for i, c in enumerate(line) if c in "┬┼"]


# history --chart -------------------------------------------------------------------------------

@pytest.mark.parametrize("columns", [60, 80, 120])
def test_every_history_strip_has_its_time_axis_on_the_same_24_line_screen(columns: int) -> None:
    lines = terminal("history", "eastman-port-jerome", "--chart", columns=columns)
    rows = [i for i, line in enumerate(lines) if " ┤" in line]
    assert len(rows) > 40, lines  # every value of every field of the plant
    ticks = axes(lines)
    assert len(ticks) > 1
    for row in rows:
        below = [a for a in ticks if a > row]
        assert below, (row, lines[row])
        assert below[0] + 1 - row < 24, (columns, lines[row], below[0] - row)  # the years line too
    # No panel (from the top, legend included, or from the line after an axis, to the next axis's
    # years) is taller than a screen, under a pager's prompt line too: the first screen shows an axis.
    starts = [0, *(a + 2 for a in ticks)]
    for start, axis in zip(starts, ticks, strict=False):
        assert axis + 2 - start <= PANEL + 2 < 24, (columns, lines[start:axis + 2])
    for line in lines:
        assert len(line) <= columns


def test_350_against_357_jobs_are_written_not_measured() -> None:
    lines = terminal("history", "eastman-port-jerome", "jobs-direct", "--chart")
    heading = next(i for i, line in enumerate(lines) if line.startswith("jobs-direct (jobs) "))
    block = lines[heading + 1:heading + 5]
    labels = [line.split("┤")[0].strip() for line in block]
    # Each value written whole, qualifiers kept ("> 350" is not "350"), highest first.
    assert labels == ["357", "> 350", "350", "≈ 350"], block
    axis = next(a for a in axes(lines) if a > heading)
    years = lines[axis + 1]
    rows = dict(zip(labels, block, strict=True))
    # L4M's 357 (18 Jun 2024) is on the 357 line, in 2024; the 350s are on theirs, from 2022.
    assert rows["357"].index("○") > years.index("2024")
    assert rows["350"].index("○") < years.index("2023")
    assert rows["> 350"].index("○") > years.index("2025")  # Ouest-France, May 2025
    # No bar, no height: the only difference between the lines is the value written at the left.
    assert not re.search("[▁▂▃▄▅▆▇█]", "\n".join(lines))
    assert "in order but not to scale" in " ".join(lines)


def test_history_chart_heading_counts_the_claims_and_says_what_is_not_drawn(run: Runner) -> None:
    out = run("history", "eastman-port-jerome", "opening", "--chart", "-f", "table").stdout
    rows = json.loads(run("history", "eastman-port-jerome", "opening", "-f", "json").stdout)
    whole = [r for r in rows if not r["scope"]]
    undated = [r for r in whole if not r["dated"]]
    assert f"opening  {len(whole)} claims, {len(undated)} of unknown date (not drawn)" in out
    assert "Undated claims (not drawn): concertation, ouest-france-video." in " ".join(out.split())
    labels = [line.split("┤")[0].strip() for line in out.splitlines() if "┤" in line]
    assert labels[:5] == ["2030", "2026", "by 2026", "2025", "about 2025"]  # the dates claimed, latest first


def test_a_field_with_more_values_than_a_screen_goes_on_under_its_heading_with_an_axis_each_time() -> None:
    rows = [{"field": "jobs", "unit": "jobs", "scope": None, "value": 100 + n, "qualifier": "exact", "planned": True,
             "as_of": f"{2000 + n}", "dated": True, "source": "s"} for n in range(45)]
    lines = history_chart(rows, 80).text()
    assert sum(line.startswith("jobs (jobs) (continued)") for line in lines) == 2
    labels = [line.split("┤")[0].strip() for line in lines if "┤" in line]
    assert labels == [str(144 - n) for n in range(45)]
    ticks = axes(lines)
    for i, line in enumerate(lines):
        if "┤" in line:
            assert min(a for a in ticks if a > i) - i < 23


# history strips under the table ---------------------------------------------------------------

def test_history_strips_under_the_table_have_no_heights_and_keep_qualifiers(run: Runner) -> None:
    out = run("history", "eastman-port-jerome", "-f", "table", env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Each claim a mark")))
    strips = lines[start:]
    assert not re.search("[▁▂▃▄▅▆▇█]", out)

    def values(label: str) -> str:  # the field's line: the label, perhaps its marks, then its values
        line = next(line for line in strips if line.startswith(label + "  "))
        return re.split(r"  +", line)[-1]

    assert values("jobs-direct (jobs)") == "330 – 357"  # the lowest and highest claimed, nothing stretched
    assert values("investment (EUR)") == "≤ EUR 850 M – 2 bn"  # "up to 850 M" stays "up to"
    assert values("jobs-indirect (jobs)") == "≈ 1,500, 1,500, ≥ 1,500"  # one number, three claims of it
    ticks = axes(strips)
    for i, line in enumerate(strips):
        if line.startswith(("jobs", "investment", "opening", "capacity")):
            assert min(a for a in ticks if a > i) + 1 - i < 24, line


# timeline --chart ------------------------------------------------------------------------------

@pytest.mark.parametrize(("today", "year"), [("2023-01-15", 2023), ("2026-01-31", 2026)])
def test_timeline_chart_marks_today_in_its_column(today: str, year: int) -> None:
    lines = terminal("timeline", "--chart", today=today)
    ticks = axes(lines)[-1]
    first = int(lines[ticks + 1].split()[0])
    column = tick_columns(lines[ticks])[year - first]  # a January's tick: today is in that month
    marker = lines[ticks + 2]
    assert marker.index("▲") == column, (marker, lines[ticks])
    assert f"today, {int(today[-2:])} Jan {year}" in marker
    # ┊ runs down the chart in that column where no claim is drawn.
    subjects = [line for line in lines if line.startswith(("choose-france-2022 ", "loop-lausitz "))]
    assert subjects and all(line[column] == "┊" for line in subjects), subjects
    assert "┊ today" in " ".join(lines)


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_every_timeline_line_has_its_time_axis_on_the_same_screen(columns: int) -> None:
    lines = terminal("timeline", "--chart", columns=columns)
    assert lines[-1] == "" or "▲ today" in lines[-1]
    ticks = axes(lines)
    for i, line in enumerate(lines):
        if "┊" in line:  # a subject's (or a milestone's) line: today runs down it
            axis = min(a for a in ticks if a > i)
            assert axis + 2 - i < 24 and "▲ today" in lines[axis + 2], (columns, line)
    starts = [0, *(a + 3 for a in ticks)]
    for start, axis in zip(starts, ticks, strict=False):
        assert axis + 3 - start <= PANEL + 2, (columns, lines[start:axis + 3])
    assert (len(ticks) == 1) == (len(lines) < 24)  # once when it all fits a 24-line screen


def test_timeline_chart_today_comes_from_the_clock_without_the_variable(run: Runner) -> None:
    out = run("timeline", "--chart", "-f", "table", env={"NORMANDIE_TODAY": ""}).stdout
    said = f"today, {humanize.date(dt.date.today().isoformat())}"
    assert f"▲ {said}" in out or f"{said} ▲" in out


def test_a_bad_today_is_a_one_line_usage_error(run: Runner) -> None:
    result = run("timeline", "--chart", "-f", "table", env={"NORMANDIE_TODAY": "4/12/2026"})
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "normandie: error: NORMANDIE_TODAY='4/12/2026' is not a day: write YYYY-MM-DD (e.g. 2026-12-04)"]


def test_a_slipping_milestone_is_one_sliding_mark_with_its_movement() -> None:
    lines = terminal("timeline", "--chart")
    ticks = axes(lines)[-1]
    first = int(lines[ticks + 1].split()[0])
    january = tick_columns(lines[ticks])
    subject = next(i for i, line in enumerate(lines) if line.startswith("eastman-port-jerome "))
    slide = next(line for line in lines[subject:] if line.startswith("  opening "))
    drawn = re.search(r"[○●][─○●┊]*[○●]", slide)
    assert drawn is not None and "─" in drawn.group(), slide
    # From the first date claimed (2025) to the latest (2030), unbroken, each date claimed a mark.
    assert drawn.start() == january[2025 - first] and drawn.end() - 1 == january[2030 - first]
    for year in (2025, 2026, 2027):
        assert slide[january[year - first]] == "○", (year, slide)
    assert slide.rstrip().endswith("2025 ⟶ … ⟶ 2030")
    # The opening dates are drawn once, on their own line: the subject's line keeps the others.
    assert "─" not in lines[subject]  # (its own marks are its other milestones, one by one)
    assert "○──○ every date claimed for one milestone" in lines
    assert "a ⟶ b: the date claimed first ⟶ the latest (… others in between)" in lines


def test_a_slide_says_first_and_latest_claim_and_a_same_day_disagreement_both() -> None:
    def claim(date: str, as_of: str, qualifier: str | None = None) -> dict[str, object]:
        return {"subject": "plant", "what": "operational", "scope": None, "status": "planned", "date": date,
                "date_qualifier": qualifier, "as_of": as_of}

    now = dt.date(2026, 12, 4)
    two = timeline_chart([claim("2025", "2022-01"), claim("2027", "2023-05")], 80, now).text()
    assert next(line for line in two if line.startswith("  opening")).endswith("2025 ⟶ 2027")
    same_day = [claim("2025", "2022-01"), claim("2025", "2023-05"), claim("2026", "2023-05", "by")]
    lines = timeline_chart(same_day, 80, now).text()
    assert next(line for line in lines if line.startswith("  opening")).endswith("2025 ⟶ 2025 / by 2026")
    moved = [claim("2025", "2022-01"), claim("2026", "2023-01"), claim("2024", "2024-01"), claim("2030", "2025")]
    lines = timeline_chart(moved, 80, now).text()
    assert next(line for line in lines if line.startswith("  opening")).endswith("2025 ⟶ … ⟶ 2030")
    still = [claim("2025", "2022-01"), claim("2025", "2024-01", "about")]
    lines = timeline_chart(still, 80, now).text()
    assert not any(line.startswith("  opening") for line in lines)  # one place: one mark, on the subject's line
    assert "○──○" not in " ".join(lines)  # and the legend says only what is drawn


# every chart -----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [("timeline", "--chart"), ("history", "eastman-port-jerome", "--chart"),
                                     ("history", "eastman-port-jerome")])
def test_charts_read_the_same_without_colour_and_add_no_words_of_change(command: tuple[str, ...]) -> None:
    os.environ["NORMANDIE_TODAY"] = TODAY
    try:
        coloured = run_in_terminal([sys.executable, "-m", "normandie_cli", "--no-pager", *command], 80)
        plain = run_in_terminal([sys.executable, "-m", "normandie_cli", "--no-pager", "--no-color", *command], 80)
    finally:
        del os.environ["NORMANDIE_TODAY"]
    assert "\x1b[" in coloured and "\x1b[" not in plain
    assert screen(coloured, 80) == screen(plain, 80)  # colour repeats what the shapes say
    if command[-1] == "--chart":
        # The chart draws claims: it says no "slipped", "revised", "cut" of its own.
        assert not NO_CHANGE_WORDS.search(ANSI.sub("", plain)), NO_CHANGE_WORDS.findall(plain)


def test_at_a_pipe_chart_gives_the_rows_and_the_table_format_draws(run: Runner) -> None:
    piped = run("timeline", "--chart")  # CliRunner's output is not a terminal: tab-separated rows
    assert piped.stdout == run("timeline").stdout and piped.stdout.startswith("date\t")
    drawn = run("timeline", "--chart", "-f", "table", env={"NORMANDIE_TODAY": TODAY}).stdout
    assert "▲ today, 4 Dec 2026" in drawn


def test_history_chart_draws_each_field_the_same_whatever_order_the_rows_come_in(run: Runner) -> None:
    def chart(*extra: str) -> dict[str, list[str]]:  # each field's lines (the fields follow the rows' order)
        lines = run("history", "eastman-port-jerome", "--chart", "-f", "table", *extra).stdout.splitlines()
        ticks = axes(lines)
        fields: dict[str, list[str]] = {}
        for i, line in enumerate(lines[:-1]):
            if i in ticks or i - 1 in ticks:
                continue
            if "┤" not in line and "┤" in lines[i + 1]:
                heading = line
            elif "┤" in line:
                fields.setdefault(heading, []).append(line)
        assert len(fields) > 30
        return fields

    assert chart("--sort", "-as_of") == chart() == chart("--sort", "source")


def test_a_date_without_a_year_is_written_as_a_person_reads_it(run: Runner) -> None:
    out = run("history", "trade-mission-2023", "dates", "--chart", "-f", "table").stdout
    labels = [line.split("┤")[0].strip() for line in out.splitlines() if "┤" in line]
    assert labels[:2] == ["14–19 Mar 2023", "13–19 Mar 2023"]  # the later start first
    assert "14–19 Mar (year not stated)" in out and "--03-14" not in out
