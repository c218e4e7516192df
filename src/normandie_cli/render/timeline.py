"""``timeline --chart``: one line per subject on one axis of the dates claimed, ``●`` happened,
``○`` planned, ``◐`` both in the same cell. The dates that successive claims gave one milestone
(one subject's history field and scope, e.g. ``opening``) are one sliding mark on a line of its
own under the subject, ``○──○────○``, with the date first claimed and the latest claimed beside
it. Today is marked: ``┊`` down the chart, ``▲ today`` under the axis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len

from .. import humanize
from ..dates import parse_date
from ..model import history_field_of
from ..registry import Row
from .table import STYLES
from .timeaxis import (
    BOTH,
    HAPPENED,
    MIN_AXIS,
    PLANNED,
    SLIDE,
    TODAY,
    TODAY_MARK,
    Axis,
    Lines,
    Piece,
    axis_lines,
    axis_range,
    label_column,
    legend_words,
    marks_line,
    month_of,
    panels,
    put_mark,
    today,
)


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
    first = axis_range(months)[0]
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
    first, last = axis_range(months)
    first, last = min(first, this_month), max(last, this_month)
    labels = {id(t): ("  " + t.label if t.slide else t.label) for t in tracks}
    tail = max((cell_len(t.tail) for t in tracks), default=0)
    tail_room = tail + 2 if tail else 0
    label_width = label_column(labels.values(), max(width - tail_room - 2 - MIN_AXIS, width // 3))
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
    out.extend(legend_words(items, width))
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
            put_mark(cells, axis.at(month), HAPPENED if status == "happened" else PLANNED)
        label = labels[id(track)]
        after: list[Piece] = [(f"  {track.tail}", STYLES["note"])] if track.tail else []
        if not track.slide:
            blocks.append([])  # a subject and its milestones' slides stay together
        if cell_len(label) <= label_width:
            blocks[-1].append([(label.ljust(left), None if track.slide else STYLES["header"]),
                               *marks_line(cells), *after])
        else:
            blocks[-1].append([(label, None if track.slide else STYLES["header"])])
            blocks[-1].append([(indent, None), *marks_line(cells), *after])
    said = f"today, {humanize.date(now.isoformat())}"
    at = left + today_at
    if at + 2 + cell_len(said) <= width:
        marker: list[Piece] = [(" " * at, None), (f"{TODAY_MARK} {said}", None)]
    else:
        marker = [(" " * max(at - cell_len(said) - 1, 0), None), (f"{said} {TODAY_MARK}", None)]
    out.extend(panels(blocks, [*axis_lines(axis, indent), marker], above=len(out.lines)))
    return out
