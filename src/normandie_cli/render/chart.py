"""Pictures on a time axis, drawn with characters that read without colour.

- ``timeline --chart``: :mod:`.timeline`.
- ``history`` strips (under its table): one line per field, each claim a mark at the date it
  was made; at the right, the lowest and highest values claimed, with their qualifiers.
- ``history --chart``: per field, one line per value claimed, the value written at its left
  with its qualifier, each claim a mark at the date it was made. No heights: values are read,
  not measured, so 350 against 357 jobs is a line or two apart, each saying its number.

The time axis is drawn once under a chart that fits a 24-line screen, else after each panel of
at most ``PANEL + 2`` lines (:func:`.timeaxis.panels`), so a strip and its axis are always on one
screen. Standard library only, but for Rich's cell widths; colour, when on, repeats what the
shape says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from rich.cells import cell_len

from .. import humanize
from ..dates import parse_date
from ..registry import Row
from .table import STYLES, print_notes, terminal_size
from .timeaxis import (
    BOTH,
    HAPPENED,
    MIN_AXIS,
    NEITHER,
    PANEL,
    PLANNED,
    Axis,
    Lines,
    Piece,
    axis_lines,
    field_heading,
    label_column,
    legend_lines,
    marks_line,
    month_of,
    panels,
    prose_lines,
    put_mark,
)
from .timeline import timeline_chart

__all__ = ["PANEL", "history_chart", "history_strips", "print_chart", "timeline_chart"]
_PLANNED_WORDS = {"planned", "prospective", "under-way"}
#: How far a qualified value reaches, downwards first: ``≤ 350`` lies below ``350``, ``> 350`` above.
_NUMBER_REACH = {"up-to": 0, "about": 1, "exact": 2, "at-least": 3, "more-than": 4}
_DATE_REACH = {"before": 0, "by": 1, "early": 2, "about": 3, "exact": 4, "end-of": 5, "after": 6}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_date(row: Row) -> bool:
    return row.get("field") != "status" and isinstance(row.get("value"), str) and month_of(row["value"]) is not None


def _written(row: Row) -> str:
    """A claimed value as the table writes it: the figure with its qualifier and unit
    (``> 350``, ``≤ EUR 850 M``), the date with its qualifier (``by 2026``), or the word."""
    value = row.get("value")
    if _is_number(value):
        return humanize.quantity(value, row.get("qualifier"), row.get("unit"))
    if row.get("field") != "status" and isinstance(value, str):
        return humanize.qualified_date(row.get("qualifier"), value)  # a date, of any precision
    return str(value)


def _reach(row: Row) -> tuple[Any, ...]:
    """Where a claimed value lies, lowest first: a figure by its number, then how far its
    qualifier reaches (``≤ 350``, ``≈ 350``, ``350``, ``> 350``); a date by its start, then its
    qualifier (``by 2026``, ``early 2026``, ``2026``, ``after 2026``)."""
    value = row.get("value")
    qualifier = row.get("qualifier") or "exact"
    if _is_number(value):
        return (0, float(value), _NUMBER_REACH.get(qualifier, 2))  # type: ignore[arg-type]
    if _is_date(row):
        return (1, parse_date(str(value)).sort_key(), _DATE_REACH.get(qualifier, 4))
    if row.get("field") != "status" and isinstance(value, str):
        return (-1,)  # a date not known, or without a year: below the dates
    return (2,)


def _planned(row: Row) -> bool | None:
    """Whether a claimed date was still ahead when it was claimed (planned), or had come
    (happened); a status claim says it in words; a figure by its ``planned`` flag (a plan,
    target or forecast, or what is or was)."""
    value = row.get("value")
    if row.get("field") == "status" and isinstance(value, str):
        return value in _PLANNED_WORDS
    if _is_number(value):
        planned = row.get("planned")
        return planned if isinstance(planned, bool) else None
    claimed, said = month_of(value), month_of(row.get("as_of"))
    if claimed is None or said is None:
        return None
    return claimed > said


def _mark(row: Row) -> str:
    planned = _planned(row)
    return NEITHER if planned is None else PLANNED if planned else HAPPENED


def history_fields(rows: Sequence[Row]) -> dict[str, list[Row]]:
    """The claims of a history per field, unit and scope (like with like: phase I is not the
    whole plant), in the order they come; claims whose own date is unknown included."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        label = f"{row['field']} ({row['unit']})" if row.get("unit") else str(row["field"])
        if row.get("scope"):
            label += f", {row['scope']}"
        groups.setdefault(label, []).append(row)
    return groups


def _placed(rows: Iterable[Row]) -> list[Row]:
    """The claims that have a place on the axis: those whose own date has a year."""
    return [r for r in rows if r.get("dated", True) and month_of(r.get("as_of")) is not None]


def _values(items: Sequence[Row]) -> list[str]:
    """The values claimed, each once, written as the table writes them, highest first (words: the
    latest first said first)."""
    order: dict[str, tuple[Any, ...]] = {}
    for index, row in enumerate(_in_said_order(items)):
        key = _reach(row)
        order.setdefault(_written(row), key if len(key) > 1 else (*key, index))
    return sorted(order, key=lambda text: order[text], reverse=True)


def _in_said_order(items: Sequence[Row]) -> list[Row]:
    """The claims in the order they were made, whatever order the rows come in (``--sort``)."""
    return sorted(items, key=lambda r: parse_date(str(r.get("as_of"))).sort_key())


#: Of the claims of one number (or date) at an end of a range, the one whose qualifier reaches
#: furthest out, else the exact one: ``≤ EUR 850 M`` at the low end, ``> EUR 1 bn`` at the high.
_LOW_FIRST = ("up-to", "before", "by", "exact", "about", "early", "at-least", "end-of", "more-than", "after")
_HIGH_FIRST = ("more-than", "after", "at-least", "end-of", "exact", "about", "early", "up-to", "by", "before")


def _end(claims: Sequence[Row], preference: Sequence[str]) -> Row:
    rank = {qualifier: index for index, qualifier in enumerate(preference)}
    return min(claims, key=lambda r: rank.get(r.get("qualifier") or "exact", len(rank)))


def _span(items: Sequence[Row]) -> str:
    """The lowest and the highest value claimed, qualifiers kept (``≤ EUR 850 M – > 1 bn``;
    the values of one number each written: ``≈ 1,500, 1,500, ≥ 1,500``); the words of a status
    in the order first said; a date not known said as ``unknown``."""
    if not items:
        return ""
    if all(len(_reach(r)) == 1 and _reach(r) != (-1,) for r in items):
        return ", ".join(dict.fromkeys(_written(r) for r in _in_said_order(items)))
    known = [r for r in items if len(_reach(r)) > 1]
    unknown = list(dict.fromkeys(_written(r) for r in _in_said_order(items) if _reach(r) == (-1,)))
    if not known:
        return ", ".join(unknown)
    lowest, highest = min(_reach(r)[:2] for r in known), max(_reach(r)[:2] for r in known)
    if lowest == highest:
        shown = ", ".join(_written(r) for r in sorted({_written(r): r for r in known}.values(), key=_reach))
    else:
        low = _end([r for r in known if _reach(r)[:2] == lowest], _LOW_FIRST)
        high = _end([r for r in known if _reach(r)[:2] == highest], _HIGH_FIRST)
        first, last = _written(low), _written(high)
        unit = high.get("unit")
        if unit and _is_number(low.get("value")) and _is_number(high.get("value")):
            if first.endswith(f" {unit}") and last.endswith(f" {unit}"):
                first = first[: -len(unit) - 1]  # 110,000 – 200,000 t/year
            elif f"{unit} " in first and f"{unit} " in last:
                last = last.replace(f"{unit} ", "", 1)  # ≤ EUR 850 M – > 1 bn
        shown = f"{first} – {last}"
    return ", ".join([shown, *unknown])


def _claims_note(items: Sequence[Row], placed: Sequence[Row]) -> str:
    count = f"{len(items)} claim{'s' if len(items) != 1 else ''}"
    unplaced = len(items) - len(placed)
    return count + (f", {unplaced} of unknown date (not drawn)" if unplaced else "")


def history_strips(rows: Sequence[Row], width: int) -> Lines:
    """Under the history table: per field, a line with each claim as a mark at the date it was
    made (○ planned or still ahead, ● a fact or come), the values' range at the right."""
    out = Lines()
    groups = {label: (items, _placed(items)) for label, items in history_fields(rows).items()}
    groups = {label: pair for label, pair in groups.items() if pair[1]}
    months = [m for _, placed in groups.values() for r in placed if (m := month_of(r["as_of"])) is not None]
    if not months:
        return out
    spans = {label: _span(placed) for label, (_, placed) in groups.items()}
    # Short labels share a column beside their strips, short values a column after them (each at
    # most a quarter of the width); a longer one (a long scope, many values) puts its label and
    # values on a line of their own above its strip, on the same axis.
    label_width = label_column(groups, min(32, width // 4))
    span_width = label_column(spans.values(), min(24, width // 4))
    inline = label_width > 0 and label_width + 2 + MIN_AXIS + span_width + 2 <= width
    left = label_width + 2 if inline else 2
    axis = Axis(min(months), max(months), width - left - (span_width + 2 if inline else 0))
    indent = " " * left
    out.extend(prose_lines("Each claim a mark at the date it was made; at the right, the lowest and highest they "
                      "claim.", width))
    out.extend(legend_lines(_mark_items(r for _, placed in groups.values() for r in placed), width))
    blocks = []
    for label, (_, placed) in groups.items():
        cells = [" "] * axis.width
        for row in placed:
            month = month_of(row["as_of"])
            assert month is not None
            put_mark(cells, axis.at(month), _mark(row))
        if inline and cell_len(label) <= label_width and cell_len(spans[label]) <= span_width:
            blocks.append([[(label.ljust(left), STYLES["header"]), *marks_line(cells),
                            ("  " + spans[label], STYLES["note"])]])
        else:
            blocks.append([*field_heading(label, spans[label], width, indent), [(indent, None), *marks_line(cells)]])
    out.extend(panels(blocks, axis_lines(axis, indent), above=len(out.lines)))
    return out


def _mark_items(rows: Iterable[Row]) -> list[list[Piece]]:
    """The legend of the marks the rows draw."""
    marks = {_mark(r) for r in rows}
    if {PLANNED, HAPPENED} <= marks:
        marks.add(BOTH)
    items = [(PLANNED, "planned, or still ahead when claimed"), (HAPPENED, "a fact, or come when claimed"),
             (BOTH, "both in one place"), (NEITHER, "not said which")]
    return [[(mark, STYLES["planned" if mark in (PLANNED, BOTH) else "happened" if mark == HAPPENED else "note"]),
             (f" {words}", None)] for mark, words in items if mark in marks]


def history_chart(rows: Sequence[Row], width: int) -> Lines:
    """``history --chart``: per field, one line per value claimed (written at its left, with its
    qualifier; highest first), each claim a mark at the date it was made."""
    out = Lines()
    groups = history_fields(rows)
    placed = {label: _placed(items) for label, items in groups.items()}
    months = [m for items in placed.values() for r in items if (m := month_of(r["as_of"])) is not None]
    if not months:
        out.add(("No dated claims to draw.", None))
        return out
    values = {label: _values(items) for label, items in placed.items()}
    written = [text for texts in values.values() for text in texts]
    label_width = label_column(written, max(width - 2 - 40, width // 3))
    left = " " * (label_width + 2)
    axis = Axis(min(months), max(months), width - len(left))
    out.extend(prose_lines("Each claim a mark at the date it was made (across), on the line of the value it claims: "
                      "the values written at the left, highest first, in order but not to scale; the claims of "
                      "one value in one place share a mark.", width))
    out.extend(legend_lines(_mark_items(r for items in placed.values() for r in items), width))
    blocks: list[list[list[Piece]]] = []
    for label, items in groups.items():
        lines: dict[str, list[str]] = {text: [" "] * axis.width for text in values[label]}
        for row in placed[label]:
            month = month_of(row["as_of"])
            assert month is not None
            put_mark(lines[_written(row)], axis.at(month), _mark(row))
        heading = field_heading(label, _claims_note(items, placed[label]), width, "  ")
        body: list[list[list[Piece]]] = []  # a value's lines: a value wider than its column on its own
        for text, cells in lines.items():
            if cell_len(text) > label_width:
                body.append([[(text, None)], [(" " * label_width + " ┤", None), *marks_line(cells)]])
            else:
                body.append([[(text.rjust(label_width) + " ┤", None), *marks_line(cells)]])
        # A field with more values than a panel holds goes on over several, its heading repeated.
        more: list[list[Piece]] = [[(heading[0][0][0] + " (continued)", STYLES["header"])]]
        block = list(heading)
        for value in body:
            if len(block) + len(value) > PANEL and len(block) > len(heading):
                blocks.append(block)
                block = list(more)
            block.extend(value)
        blocks.append(block)
    out.extend(panels(blocks, axis_lines(axis, left, corner=" └"), above=len(out.lines)))
    return out


def print_chart(kind: str, rows: Sequence[Row], out: TextIO, *, color: bool, notes: Sequence[str]) -> None:
    """``timeline --chart`` or ``history --chart`` at a terminal."""
    width = terminal_size()[0]
    lines = timeline_chart(rows, width) if kind == "timeline" else history_chart(rows, width)
    lines.write(out, color, width)
    print_notes(out, notes, color, width)
