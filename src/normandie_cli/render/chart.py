"""Pictures on a time axis, drawn with characters that read without colour.

- ``timeline --chart``: one line per subject on one axis of the dates claimed, ``●`` happened,
  ``○`` planned, ``◐`` both in the same cell. The dates that successive claims gave one
  milestone (one subject's history field and scope, e.g. ``opening``) are one sliding mark on a
  line of their own under the subject, ``○──○────○``, with the date first claimed and the
  latest claimed beside it. Today is marked: ``┊`` down the chart, ``▲ today`` under the axis.
- ``history`` strips (under its table): one line per field, each claim a mark at the date it
  was made; at the right, the lowest and highest values claimed, with their qualifiers.
- ``history --chart``: per field, one line per value claimed, the value written at its left
  with its qualifier, each claim a mark at the date it was made. No heights: values are read,
  not measured, so 350 against 357 jobs is a line or two apart, each saying its number.

The time axis is drawn once under a chart that fits a 24-line screen, else after each panel of
at most ``PANEL + 2`` lines (:func:`_panels`), so a strip and its axis are always on one
screen. Standard library only, but for Rich's cell widths; colour, when on, repeats what the
shape says.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from rich.cells import cell_len

from .. import humanize
from ..dates import parse_date
from ..errors import UsageError
from ..model import history_field_of
from ..registry import Row
from .cells import neutralise
from .table import STYLES, paint, print_notes, terminal_size

HAPPENED, PLANNED, BOTH, NEITHER = "●", "○", "◐", "◆"
TODAY, TODAY_MARK, SLIDE = "┊", "▲", "─"
#: Lines of strips (headings and rows) between one time axis and the next, at most, under an
#: axis of two lines: 22 lines in all, so that a strip and its axis share one screen of 24 lines
#: (23 under a pager's prompt), the first screen included (its legend counts).
PANEL = 20
#: Where today comes from when it is not today: ``YYYY-MM-DD`` (tests, the README's examples).
TODAY_ENV = "NORMANDIE_TODAY"
_PLANNED_WORDS = {"planned", "prospective", "under-way"}
#: How far a qualified value reaches, downwards first: ``≤ 350`` lies below ``350``, ``> 350`` above.
_NUMBER_REACH = {"up-to": 0, "about": 1, "exact": 2, "at-least": 3, "more-than": 4}
_DATE_REACH = {"before": 0, "by": 1, "early": 2, "about": 3, "exact": 4, "end-of": 5, "after": 6}
_MIN_AXIS = 30

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


def _marks_line(cells: Sequence[str]) -> list[Piece]:
    style = {HAPPENED: STYLES["happened"], PLANNED: STYLES["planned"], BOTH: STYLES["planned"],
             SLIDE: STYLES["planned"], TODAY: STYLES["rule"]}
    return [(c, style.get(c)) for c in cells]


def _put(cells: list[str], at: int, mark: str) -> None:
    """A mark in a cell; two different marks in one cell read as both (``◐``)."""
    cells[at] = mark if cells[at] in (" ", SLIDE, TODAY, mark) else BOTH


def _legend(items: Sequence[list[Piece]], width: int) -> list[list[Piece]]:
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


def _prose(text: str, width: int) -> list[list[Piece]]:
    """A sentence folded at its spaces to the width."""
    from .layout import wrap

    return [[(line, None)] for line in wrap(text, width)]


def _label_column(labels: Iterable[str], limit: int) -> int:
    """The width of a column of labels: the widest that is at most ``limit`` (the wider ones get
    a line of their own)."""
    fitting = [cell_len(label) for label in labels if cell_len(label) <= limit]
    return max(fitting, default=0)


# timeline --chart -----------------------------------------------------------------------------

def _status_of(row: Row) -> str:
    return "planned" if row.get("status") == "planned" else "happened"


def _said_date(row: Row) -> str:
    return humanize.qualified_date(row.get("date_qualifier"), str(row.get("date")))


def _slide_tail(claims: Sequence[Row]) -> str:
    """The date first claimed ⟶ the latest claimed, in the order the claims were made (claims
    of one day that differ: ``2025 / 2026``); ``…`` when other dates were claimed in between.
    Claims whose own date is unknown have no place in that order."""
    steps: list[str] = []
    by_day: dict[str, list[str]] = {}
    dated = [c for c in claims if month_of(c.get("as_of")) is not None]
    for claim in sorted(dated, key=lambda c: parse_date(str(c["as_of"])).sort_key()):
        said = by_day.setdefault(str(claim["as_of"]), [])
        if _said_date(claim) not in said:
            said.append(_said_date(claim))
    for said in by_day.values():
        step = " / ".join(said)
        if not steps or steps[-1] != step:
            steps.append(step)
    if not steps:
        return "claimed on unknown dates"
    if len(steps) == 1:
        return steps[0]
    return f"{steps[0]} ⟶ {steps[-1]}" if len(steps) == 2 else f"{steps[0]} ⟶ … ⟶ {steps[-1]}"


class _Track:
    """One line of the timeline chart: a subject's dates, or one milestone's slide."""

    def __init__(self, label: str, slide: bool) -> None:
        self.label = label
        self.slide = slide
        self.marks: list[tuple[int, str]] = []  # (month, happened or planned)
        self.tail = ""


def _tracks(rows: Sequence[Row]) -> tuple[list[_Track], list[int]]:
    """The chart's lines, in the order the subjects first come, and every month on them."""
    per_subject: dict[str, dict[tuple[str, Any], list[Row]]] = {}
    undated: dict[str, int] = {}
    for row in rows:
        subject = str(row.get("subject"))
        groups = per_subject.setdefault(subject, {})
        if month_of(row.get("date")) is None:
            undated[subject] = undated.get(subject, 0) + 1
            continue
        groups.setdefault((history_field_of(str(row.get("what"))), row.get("scope")), []).append(row)
    months = sorted(m for groups in per_subject.values() for claims in groups.values() for c in claims
                    if (m := month_of(c.get("date"))) is not None)
    if not months:
        return [], []
    first = _axis_range(months)[0]
    tracks: list[_Track] = []
    for subject, groups in per_subject.items():
        main = _Track(subject, slide=False)
        slides = []
        earlier: set[int] = set()
        for (field, scope), claims in groups.items():
            placed = []
            for claim in claims:
                month = month_of(claim.get("date"))
                assert month is not None
                if month < first - first % 12:
                    earlier.add(month // 12)  # a founding year far before the rest: named, not drawn
                else:
                    placed.append((month, _status_of(claim)))
            if len({month for month, _ in placed}) > 1:
                slide = _Track(field + (f", {scope}" if scope else ""), slide=True)
                slide.marks = placed
                slide.tail = _slide_tail([c for c in claims if (month_of(c.get("date")) or 0) >= first - first % 12])
                slides.append(slide)
            else:
                main.marks.extend(placed)
        extra = []
        if earlier:
            extra.append(f"also {', '.join(map(str, sorted(earlier)))}")
        if undated.get(subject):
            extra.append(f"{undated[subject]} undated")
        main.tail = "; ".join(extra)
        tracks.append(main)
        tracks.extend(slides)
    return tracks, months


def timeline_chart(rows: Sequence[Row], width: int, now: dt.date | None = None) -> Lines:
    """One line per subject on one axis of the claimed dates (● happened, ○ planned), a line
    per milestone whose claimed date moved, and today (``now``, else :func:`today`)."""
    now = now or today()
    out = Lines()
    tracks, months = _tracks(rows)
    if not tracks:
        out.add(("No dated claims to draw.", None))
        return out
    this_month = now.year * 12 + now.month - 1
    first, last = _axis_range(months)
    first, last = min(first, this_month), max(last, this_month)
    labels = {id(t): ("  " + t.label if t.slide else t.label) for t in tracks}
    tail = max((cell_len(t.tail) for t in tracks), default=0)
    tail_room = tail + 2 if tail else 0
    label_width = _label_column(labels.values(), max(width - tail_room - 2 - _MIN_AXIS, width // 3))
    left = label_width + 2
    axis = Axis(first, last, width - left - tail_room)
    indent = " " * left
    subjects = sum(not t.slide for t in tracks)
    noun = "subject" if subjects == 1 else "subjects"
    out.add((f"{len(rows)} dates claimed for {subjects} {noun}, on one time axis:", None))
    items = [[(HAPPENED, STYLES["happened"]), (" happened", None)], [(PLANNED, STYLES["planned"]), (" planned", None)],
             [(BOTH, STYLES["planned"]), (" both", None)], [(TODAY, STYLES["rule"]), (" today", None)]]
    if any(t.slide for t in tracks):
        items.append([(f"{PLANNED}{SLIDE * 2}{PLANNED}", STYLES["planned"]),
                      (" every date claimed for one milestone", None)])
        items.append([("a ⟶ b", None), (": the date claimed first ⟶ the latest (… others in between)", None)])
    out.extend(_legend_words(items, width))
    today_at = axis.at(this_month)
    blocks: list[list[list[Piece]]] = []
    for track in tracks:
        cells = [" "] * axis.width
        if track.slide:
            spots = sorted(axis.at(month) for month, _ in track.marks)
            cells[spots[0]:spots[-1] + 1] = [SLIDE] * (spots[-1] - spots[0] + 1)
        if cells[today_at] == " ":
            cells[today_at] = TODAY
        for month, status in track.marks:
            _put(cells, axis.at(month), HAPPENED if status == "happened" else PLANNED)
        label = labels[id(track)]
        after: list[Piece] = [(f"  {track.tail}", STYLES["note"])] if track.tail else []
        if not track.slide:
            blocks.append([])  # a subject and its milestones' slides stay together
        if cell_len(label) <= label_width:
            blocks[-1].append([(label.ljust(left), None if track.slide else STYLES["header"]),
                               *_marks_line(cells), *after])
        else:
            blocks[-1].append([(label, None if track.slide else STYLES["header"])])
            blocks[-1].append([(indent, None), *_marks_line(cells), *after])
    said = f"today, {humanize.date(now.isoformat())}"
    at = left + today_at
    if at + 2 + cell_len(said) <= width:
        marker: list[Piece] = [(" " * at, None), (f"{TODAY_MARK} {said}", None)]
    else:
        marker = [(" " * max(at - cell_len(said) - 1, 0), None), (f"{said} {TODAY_MARK}", None)]
    out.extend(_panels(blocks, [*_axis_lines(axis, indent), marker], above=len(out.lines)))
    return out


def _legend_words(items: Sequence[list[Piece]], width: int) -> list[list[Piece]]:
    """:func:`_legend`, with an item wider than the width folded at its spaces (the lines after
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
    return _legend(folded, width)


def _axis_range(months: Sequence[int]) -> tuple[int, int]:
    """The months the axis spans: all of them, but a lone date far before the rest (a
    founding year) is left off the axis and named beside its line."""
    years = sorted({m // 12 for m in months})
    while len(years) > 2 and years[1] - years[0] > 10:
        years.pop(0)
    first = min(m for m in months if m // 12 >= years[0])
    return first, max(months)


# history --------------------------------------------------------------------------------------

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


def _heading(label: str, note: str, width: int, indent: str) -> list[list[Piece]]:
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


def _panels(blocks: Sequence[list[list[Piece]]], axis: list[list[Piece]], above: int = 0) -> list[list[Piece]]:
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


def _axis_lines(axis: Axis, left: str, corner: str = "") -> list[list[Piece]]:
    ticks, years = axis.lines()
    return [[(left[: len(left) - len(corner)] + corner + ticks, STYLES["rule"])], [(left + years, None)]]


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
    label_width = _label_column(groups, min(32, width // 4))
    span_width = _label_column(spans.values(), min(24, width // 4))
    inline = label_width > 0 and label_width + 2 + _MIN_AXIS + span_width + 2 <= width
    left = label_width + 2 if inline else 2
    axis = Axis(min(months), max(months), width - left - (span_width + 2 if inline else 0))
    indent = " " * left
    out.extend(_prose("Each claim a mark at the date it was made; at the right, the lowest and highest they "
                      "claim.", width))
    out.extend(_legend(_mark_items(r for _, placed in groups.values() for r in placed), width))
    blocks = []
    for label, (_, placed) in groups.items():
        cells = [" "] * axis.width
        for row in placed:
            month = month_of(row["as_of"])
            assert month is not None
            _put(cells, axis.at(month), _mark(row))
        if inline and cell_len(label) <= label_width and cell_len(spans[label]) <= span_width:
            blocks.append([[(label.ljust(left), STYLES["header"]), *_marks_line(cells),
                            ("  " + spans[label], STYLES["note"])]])
        else:
            blocks.append([*_heading(label, spans[label], width, indent), [(indent, None), *_marks_line(cells)]])
    out.extend(_panels(blocks, _axis_lines(axis, indent), above=len(out.lines)))
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
    label_width = _label_column(written, max(width - 2 - 40, width // 3))
    left = " " * (label_width + 2)
    axis = Axis(min(months), max(months), width - len(left))
    out.extend(_prose("Each claim a mark at the date it was made (across), on the line of the value it claims: "
                      "the values written at the left, highest first, in order but not to scale; the claims of "
                      "one value in one place share a mark.", width))
    out.extend(_legend(_mark_items(r for items in placed.values() for r in items), width))
    blocks: list[list[list[Piece]]] = []
    for label, items in groups.items():
        lines: dict[str, list[str]] = {text: [" "] * axis.width for text in values[label]}
        for row in placed[label]:
            month = month_of(row["as_of"])
            assert month is not None
            _put(lines[_written(row)], axis.at(month), _mark(row))
        heading = _heading(label, _claims_note(items, placed[label]), width, "  ")
        body: list[list[list[Piece]]] = []  # a value's lines: a value wider than its column on its own
        for text, cells in lines.items():
            if cell_len(text) > label_width:
                body.append([[(text, None)], [(" " * label_width + " ┤", None), *_marks_line(cells)]])
            else:
                body.append([[(text.rjust(label_width) + " ┤", None), *_marks_line(cells)]])
        # A field with more values than a panel holds goes on over several, its heading repeated.
        more: list[list[Piece]] = [[(heading[0][0][0] + " (continued)", STYLES["header"])]]
        block = list(heading)
        for value in body:
            if len(block) + len(value) > PANEL and len(block) > len(heading):
                blocks.append(block)
                block = list(more)
            block.extend(value)
        blocks.append(block)
    out.extend(_panels(blocks, _axis_lines(axis, left, corner=" └"), above=len(out.lines)))
    return out


def print_chart(kind: str, rows: Sequence[Row], out: TextIO, *, color: bool, notes: Sequence[str]) -> None:
    """``timeline --chart`` or ``history --chart`` at a terminal."""
    width = terminal_size()[0]
    lines = timeline_chart(rows, width) if kind == "timeline" else history_chart(rows, width)
    lines.write(out, color, width)
    print_notes(out, notes, color, width)
