"""Pictures on a time axis, drawn with characters that read without colour.

- ``timeline --chart``: one line per subject; every claimed date a mark at its place on one
  shared axis, ``●`` happened, ``○`` planned, ``◐`` both in the same cell.
- ``history`` strips (under its table): one line per field on one shared axis of the dates the
  claims were made; a block's height is the claimed value (a number, or the year of a claimed
  date); under a field of dates, a line of ``●``/``○``: whether the date claimed had come
  (happened) or was still ahead (planned) when it was claimed.
- ``history --chart``: the same per field, several lines high, with the values on the left.

Standard library only, but for Rich's cell widths; colour, when on, repeats what the shape
says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from rich.cells import cell_len

from .. import humanize
from ..dates import parse_date
from ..registry import Row
from .table import STYLES, paint, print_notes, terminal_size

HAPPENED, PLANNED, BOTH = "●", "○", "◐"
BLOCKS = "▁▂▃▄▅▆▇█"
_PLANNED_WORDS = {"planned", "prospective", "under-way"}


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
        step = 1
        while len(years) // step * 5 > self.width:
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


def _status_of(row: Row) -> str | None:
    return "planned" if row.get("status") == "planned" else "happened" if row.get("status") else None


class Lines:
    """Lines of (text, style) pieces, written plain or in colour."""

    def __init__(self) -> None:
        self.lines: list[list[tuple[str, str | None]]] = []

    def add(self, *pieces: tuple[str, str | None]) -> None:
        self.lines.append(list(pieces))

    def write(self, out: TextIO, color: bool, width: int) -> None:
        out.write("".join("".join(paint(text, style) if color else text for text, style in line).rstrip() + "\n"
                          for line in self.lines))


def _marks_line(cells: list[str]) -> list[tuple[str, str | None]]:
    style = {HAPPENED: STYLES["happened"], PLANNED: STYLES["planned"], BOTH: STYLES["planned"]}
    return [(c, style.get(c)) for c in cells]


def timeline_chart(rows: Sequence[Row], width: int) -> Lines:
    """One line per subject on one axis of the claimed dates: ● happened, ○ planned."""
    subjects: dict[str, list[tuple[int, str]]] = {}
    undated: dict[str, int] = {}
    for row in rows:
        subject = str(row.get("subject"))
        month = month_of(row.get("date"))
        if month is None:
            undated[subject] = undated.get(subject, 0) + 1
            subjects.setdefault(subject, [])
            continue
        subjects.setdefault(subject, []).append((month, _status_of(row) or "happened"))
    out = Lines()
    months = sorted(m for marks in subjects.values() for m, _ in marks)
    if not months:
        out.add(("No dated claims to draw.", None))
        return out
    first, last = _axis_range(months)
    label_width = max(cell_len(s) for s in subjects)
    inline = label_width + 2 + 30 + 12 <= width
    axis_width = width - (label_width + 2 if inline else 2) - 12
    axis = Axis(first, last, axis_width)
    indent = " " * (label_width + 2 if inline else 2)
    noun = "subject" if len(subjects) == 1 else "subjects"
    out.add((f"{len(rows)} dates claimed for {len(subjects)} {noun}, on one time axis:", None))
    out.add((HAPPENED, STYLES["happened"]), (" happened  ", None), (PLANNED, STYLES["planned"]), (" planned  ", None),
            (BOTH, STYLES["planned"]), (" both", None))
    out.add(("", None))
    for subject, marks in subjects.items():
        cells = [" "] * axis.width
        earlier = []
        for month, status in marks:
            if month < axis.first:
                earlier.append(month // 12)
                continue
            at = axis.at(month)
            mark = HAPPENED if status == "happened" else PLANNED
            cells[at] = mark if cells[at] in (" ", mark) else BOTH
        extra = []
        if earlier:
            extra.append(f"also {', '.join(map(str, sorted(set(earlier))))}")
        if undated.get(subject):
            extra.append(f"{undated[subject]} undated")
        tail = ("  " + "; ".join(extra)) if extra else ""
        if inline:
            out.add((subject.ljust(label_width + 2), STYLES["header"]), *_marks_line(cells), (tail, STYLES["note"]))
        else:
            out.add((subject, STYLES["header"]))
            out.add((indent, None), *_marks_line(cells), (tail, STYLES["note"]))
    ticks, labels = axis.lines()
    out.add((indent + ticks, STYLES["rule"]))
    out.add((indent + labels, None))
    return out


def _axis_range(months: Sequence[int]) -> tuple[int, int]:
    """The months the axis spans: all of them, but a lone date far before the rest (a
    founding year) is left off the axis and named beside its line."""
    years = sorted({m // 12 for m in months})
    while len(years) > 2 and years[1] - years[0] > 10:
        years.pop(0)
    first = min(m for m in months if m // 12 >= years[0])
    return first, max(months)


def _value_of(row: Row) -> float | None:
    """A history claim as a number to draw: the figure, or the year (and month) of a claimed date."""
    value = row.get("value")
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    month = month_of(value)
    return None if month is None else month / 12


def _planned(row: Row) -> bool | None:
    """Whether a claimed date was still ahead when it was claimed (planned), or had come
    (happened); a status claim says it in words; a figure by its ``planned`` flag (a plan,
    target or forecast, or what is or was)."""
    value = row.get("value")
    if row.get("field") == "status" and isinstance(value, str):
        return value in _PLANNED_WORDS
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        planned = row.get("planned")
        return planned if isinstance(planned, bool) else None
    claimed, said = month_of(value), month_of(row.get("as_of"))
    if claimed is None or said is None:
        return None
    return claimed > said


def history_fields(rows: Sequence[Row]) -> dict[str, list[Row]]:
    """The dated claims of a history per field (and unit)."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if row.get("dated") and month_of(row.get("as_of")) is not None:
            # Like with like: a strip per field, unit and scope (phase I is not the whole plant).
            label = f"{row['field']} ({row['unit']})" if row.get("unit") else str(row["field"])
            if row.get("scope"):
                label += f", {row['scope']}"
            groups.setdefault(label, []).append(row)
    return groups


def _shown(value: float, rows: Sequence[Row]) -> str:
    """A strip's lowest or highest value as a person reads it (a year, or the figure with its unit)."""
    if any(isinstance(r.get("value"), str) for r in rows):
        return str(int(value))
    number = int(value) if value == int(value) else value
    return humanize.quantity(number, None, rows[0].get("unit"))


def _span(items: Sequence[Row]) -> tuple[float, float, str]:
    values = [v for r in items if (v := _value_of(r)) is not None]
    if not values:
        return 0.0, 0.0, ""
    low, high = min(values), max(values)
    if low == high:
        return low, high, _shown(low, items)
    first, last = _shown(low, items), _shown(high, items)
    unit = items[0].get("unit")
    if unit and first.endswith(f" {unit}") and last.endswith(f" {unit}"):
        first = first[: -len(unit) - 1]  # 110,000 – 200,000 t/year
    elif unit and first.startswith(f"{unit} ") and last.startswith(f"{unit} "):
        last = last[len(unit) + 1:]  # EUR 850 M – 1 bn
    return low, high, f"{first} – {last}"


def history_strips(rows: Sequence[Row], width: int, height: int = 1) -> Lines:
    """Per field, the claims on one shared axis of the dates they were made. ``height`` 1: a
    strip of blocks (their height: the value); more: a chart of marks, the value upwards,
    for the fields whose value changed."""
    groups = history_fields(rows)
    out = Lines()
    months = [m for items in groups.values() for r in items if (m := month_of(r["as_of"])) is not None]
    if not months:
        return out
    spans = {label: _span(items) for label, items in groups.items()}
    # Labels up to 32 cells share a column beside their strips; a longer one (a long scope) gets
    # a line of its own above its strip, on the same axis.
    label_width = min(max(cell_len(k) for k in groups), 32)
    value_width = max(cell_len(text) for _, _, text in spans.values())
    inline = height == 1 and label_width + 2 + 20 + value_width + 2 <= width
    left = label_width + 2 if inline else 2
    if height > 1:
        value_width = max(cell_len(_shown(v, items)) for label, items in groups.items() for v in spans[label][:2])
    axis = Axis(min(months), max(months), width - left - (value_width + 2 if inline or height > 1 else 0))
    indent = " " * left
    out.add(("Each claim at the date it was made; " + ("height" if height == 1 else "up") + ": the value.", None))
    out.add((HAPPENED, STYLES["happened"]), (" the date claimed had come, ", None), (PLANNED, STYLES["planned"]),
            (" it was still ahead" if height == 1 else " still ahead, ◆ a figure", None))
    def heading(label: str, span: str) -> None:
        """A field's label and its range: on one line when they fit, else on two (the label,
        free text from a scope, cut with … only when even its own line is too short)."""
        if cell_len(label) + 2 + cell_len(span) <= width:
            out.add((label, STYLES["header"]), (f"  {span}", STYLES["note"]))
            return
        shown = label if cell_len(label) <= width else label[: max(width - 1, 1)] + "…"
        out.add((shown, STYLES["header"]))
        out.add((indent, None), (span, STYLES["note"]))

    for label, items in groups.items():
        low, high, span = spans[label]
        points = [(axis.at(m), v, _planned(r)) for r in items
                  if (m := month_of(r["as_of"])) is not None and (v := _value_of(r)) is not None]
        plans = [(axis.at(m), _planned(r)) for r in items if (m := month_of(r["as_of"])) is not None]
        if height > 1 and high != low:
            heading(label, span)
            grid = [[" "] * axis.width for _ in range(height)]
            for at, value, planned in points:
                level = round((value - low) * (height - 1) / (high - low))
                mark = "◆" if planned is None else PLANNED if planned else HAPPENED
                grid[height - 1 - level][at] = mark
            for i, line in enumerate(grid):
                edge = _shown(high, items) if i == 0 else _shown(low, items) if i == height - 1 else ""
                out.add((indent, None), *_marks_line(line), (f"  {edge}", STYLES["note"]))
            continue
        cells = [" "] * axis.width
        for at, value, _ in points:
            level = 0 if high == low else round((value - low) * (len(BLOCKS) - 1) / (high - low))
            if cells[at] == " " or BLOCKS.index(cells[at]) < level:
                cells[at] = BLOCKS[level]
        if inline and cell_len(label) <= label_width:
            out.add((label.ljust(left), STYLES["header"]), ("".join(cells), None), ("  " + span, STYLES["note"]))
        elif inline:
            heading(label, span)
            out.add((indent, None), ("".join(cells), None))
        else:
            heading(label, span)
            if points:
                out.add((indent, None), ("".join(cells), None))
        if any(p is not None for _, p in plans):
            marks = [" "] * axis.width
            for at, planned in plans:
                if planned is None:
                    continue
                mark = PLANNED if planned else HAPPENED
                marks[at] = mark if marks[at] in (" ", mark) else BOTH
            out.add((indent, None), *_marks_line(marks))
    ticks, labels = axis.lines()
    out.add((indent + ticks, STYLES["rule"]))
    out.add((indent + labels, None))
    return out


def print_chart(kind: str, rows: Sequence[Row], out: TextIO, *, color: bool, notes: Sequence[str]) -> None:
    """``timeline --chart`` or ``history --chart`` at a terminal."""
    width = terminal_size()[0]
    lines = timeline_chart(rows, width) if kind == "timeline" else history_strips(rows, width, height=4)
    lines.write(out, color, width)
    print_notes(out, notes, color, width)
