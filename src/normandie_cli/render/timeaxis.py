"""The time axis the charts share: months as numbers, the axis and its ticks, the lines a
chart is drawn in (pieces of text, each with its style), legends, and the panels that repeat
the axis so that a strip and its axis are always on one 24-line screen (:func:`panels`).
Standard library only, but for Rich's cell widths.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from rich.cells import cell_len

from ..dates import parse_date
from ..errors import UsageError
from .cells import neutralise
from .table import STYLES, paint

HAPPENED, PLANNED, BOTH, NEITHER = "●", "○", "◐", "◆"
TODAY, TODAY_MARK, SLIDE = "┊", "▲", "─"
#: Lines of strips (headings and rows) between one time axis and the next, at most, under an
#: axis of two lines: 22 lines in all, so that a strip and its axis share one screen of 24 lines
#: (23 under a pager's prompt), the first screen included (its legend counts).
PANEL = 20
#: Where today comes from when it is not today: ``YYYY-MM-DD`` (tests, the README's examples).
TODAY_ENV = "NORMANDIE_TODAY"
#: The narrowest time axis worth drawing beside labels.
MIN_AXIS = 30

Piece = tuple[str, str | None]


def month_of(text: Any) -> int | None:
    """A date's first month as a number (year * 12 + month - 1); ``None`` without a year."""
    if not isinstance(text, str):
        return None
    try:
        date = parse_date(text)
    except ValueError:
        return None
    if not date.has_year:
        return None
    start = date.start
    assert start is not None and start.year is not None
    return start.year * 12 + (start.month or 1) - 1


def today() -> dt.date:
    """Today, or the day ``NORMANDIE_TODAY`` names (``YYYY-MM-DD``): a chart drawn for a set day."""
    text = os.environ.get(TODAY_ENV, "").strip()
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{TODAY_ENV}={text!r} is not a day: write YYYY-MM-DD (e.g. 2026-12-04)") from None


class Axis:
    """Months from ``first`` to ``last`` (inclusive) over ``width`` cells."""

    def __init__(self, first: int, last: int, width: int) -> None:
        self.first = first - first % 12  # from January of the first year
        self.last = max(last - last % 12 + 11, self.first + 11)  # to December of the last
        self.width = max(width, 2)

    def at(self, month: int) -> int:
        month = min(max(month, self.first), self.last)
        return round((month - self.first) * (self.width - 1) / (self.last - self.first))

    def lines(self) -> tuple[str, str]:
        """A tick line (``┬`` at each labelled January, ``┼`` at the others) and the years under
        the ticks."""
        years = list(range(self.first // 12, self.last // 12 + 1))
        ticks = [" "] * self.width
        labels = [" "] * (self.width + 4)
        step = 1  # every year labelled, or every other, ...: as many as keep a space between labels
        while any(self.at(years[i + step] * 12) - self.at(years[i] * 12) < 5
                  for i in range(0, len(years) - step, step)):
            step += 1
        for year in years:
            ticks[self.at(year * 12)] = "┼" if (year - years[0]) % step else "┬"
        for year in years[::step]:
            at = self.at(year * 12)
            if at + 4 > len(labels) or any(c != " " for c in labels[max(at - 1, 0):at + 4]):
                ticks[at] = "┼"
                continue
            labels[at:at + 4] = list(str(year))
        line = "".join("─" if c == " " else c for c in ticks)
        return line, "".join(labels).rstrip()


class Lines:
    """Lines of (text, style) pieces, written plain or in colour; text from the fact file is
    written with its control characters made visible."""

    def __init__(self) -> None:
        self.lines: list[list[Piece]] = []

    def add(self, *pieces: Piece) -> None:
        self.lines.append(list(pieces))

    def extend(self, lines: Iterable[list[Piece]]) -> None:
        self.lines.extend(lines)

    def text(self) -> list[str]:
        """The lines as plain text (what a terminal without colour shows)."""
        return ["".join(text for text, _ in line).rstrip() for line in self.lines]

    def write(self, out: TextIO, color: bool, width: int) -> None:
        out.write("".join("".join(paint(neutralise(text), style) if color else neutralise(text)
                                  for text, style in line).rstrip() + "\n" for line in self.lines))


def marks_line(cells: Sequence[str]) -> list[Piece]:
    style = {HAPPENED: STYLES["happened"], PLANNED: STYLES["planned"], BOTH: STYLES["planned"],
             SLIDE: STYLES["planned"], TODAY: STYLES["rule"]}
    return [(c, style.get(c)) for c in cells]


def put_mark(cells: list[str], at: int, mark: str) -> None:
    """A mark in a cell; two different marks in one cell read as both (``◐``)."""
    cells[at] = mark if cells[at] in (" ", SLIDE, TODAY, mark) else BOTH


def legend_lines(items: Sequence[list[Piece]], width: int) -> list[list[Piece]]:
    """Legend items two spaces apart, folded between items to the width."""
    lines: list[list[Piece]] = [[]]
    used = 0
    for item in items:
        size = sum(cell_len(text) for text, _ in item)
        if used and used + 2 + size > width:
            lines.append([])
            used = 0
        if used:
            lines[-1].append(("  ", None))
            used += 2
        lines[-1].extend(item)
        used += size
    return lines


def prose_lines(text: str, width: int) -> list[list[Piece]]:
    """A sentence folded at its spaces to the width."""
    from .fold import wrap

    return [[(line, None)] for line in wrap(text, width)]


def label_column(labels: Iterable[str], limit: int) -> int:
    """The width of a column of labels: the widest that is at most ``limit`` (the wider ones get
    a line of their own)."""
    fitting = [cell_len(label) for label in labels if cell_len(label) <= limit]
    return max(fitting, default=0)


def legend_words(items: Sequence[list[Piece]], width: int) -> list[list[Piece]]:
    """:func:`legend_lines`, with an item wider than the width folded at its spaces (the lines after
    its first indented by two)."""
    folded: list[list[Piece]] = []
    for item in items:
        if sum(cell_len(text) for text, _ in item) <= width:
            folded.append(item)
            continue
        mark, words = item[0], "".join(text for text, _ in item[1:]).split(" ")
        line: list[Piece] = [mark, (words[0], None)]
        used = cell_len(mark[0]) + cell_len(words[0])
        for word in words[1:]:
            if used + 1 + cell_len(word) > width:
                folded.append(line)
                line, used = [("  " + word, None)], 2 + cell_len(word)
            else:
                line.append((" " + word, None))
                used += 1 + cell_len(word)
        folded.append(line)
    return legend_lines(folded, width)


def axis_range(months: Sequence[int]) -> tuple[int, int]:
    """The months the axis spans: all of them, but a lone date far before the rest (a
    founding year) is left off the axis and named beside its line."""
    years = sorted({m // 12 for m in months})
    while len(years) > 2 and years[1] - years[0] > 10:
        years.pop(0)
    first = min(m for m in months if m // 12 >= years[0])
    return first, max(months)


def field_heading(label: str, note: str, width: int, indent: str) -> list[list[Piece]]:
    """A field's label and a note: on one line when they fit, else on two (the label, free
    text from a scope, cut with … only when even its own line is too short)."""
    noted: list[Piece] = [(f"  {note}", STYLES["note"])] if note else []
    if cell_len(label) + 2 + cell_len(note) <= width:
        return [[(label, STYLES["header"]), *noted]]
    shown = label if cell_len(label) <= width else label[: max(width - 1, 1)] + "…"
    lines: list[list[Piece]] = [[(shown, STYLES["header"])]]
    if note:
        lines.append([(indent, None), (note, STYLES["note"])])
    return lines


def panels(blocks: Sequence[list[list[Piece]]], axis: list[list[Piece]], above: int = 0) -> list[list[Piece]]:
    """The blocks of strips with the time axis after them: once when all of it (with the
    ``above`` lines over the first block, a legend) fits a screen of 24 lines; else again after
    each panel of blocks, as few panels as can be, of even size, none (strips and axis) over
    ``PANEL + 2`` lines."""
    if not blocks:
        return []
    room = PANEL + 2 - len(axis)
    total = above + sum(len(block) for block in blocks)
    if total + len(axis) <= 24:
        room = total

    def starts(limit: int) -> list[int]:
        """The blocks that begin a panel when a panel takes at most ``limit`` lines."""
        found, used = [0], above
        for index, block in enumerate(blocks):
            if index and used + len(block) > limit:
                found.append(index)
                used = 0
            used += len(block)
        return found

    fewest = len(starts(room))
    limit = next(n for n in range(-(-total // fewest), room + 1) if len(starts(n)) == fewest)
    breaks = set(starts(limit)[1:])
    out: list[list[Piece]] = []
    for index, block in enumerate(blocks):
        if index in breaks:
            out.extend(axis)
        out.extend(block)
    out.extend(axis)
    return out


def axis_lines(axis: Axis, left: str, corner: str = "") -> list[list[Piece]]:
    ticks, years = axis.lines()
    return [[(left[: len(left) - len(corner)] + corner + ticks, STYLES["rule"])], [(left + years, None)]]
