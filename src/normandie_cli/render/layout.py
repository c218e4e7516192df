"""Fitting a table to a terminal: which columns fit, how wide each is, and each cell's lines.

Three kinds of cell (from the registry's fields):

- *whole*: ids, dates, numbers with their qualifiers, enums, towns. Never broken, never cut: the
  column is as wide as its widest value.
- *list*: a list of whole items (source ids, roles). It wraps between items only.
- *prose*: free text (names, descriptions, quotes). It folds at word boundaries; when its column
  is too narrow to fold readably, it is cut with ``…``.

The columns are taken in the listing's priority order while they fit the width (gh's
tableprinter, kubectl); ``--wide`` and ``--fields`` show every column asked for. Widths are
measured on the rows, or on a sample of a long listing, so that the first screen does not wait
for every cell to be measured. Rich's cell widths only (``rich.cells``): no Rich rendering here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rich.cells import cell_len, chop_cells

from ..registry import Field, Listing, Row

#: Spaces between two columns.
GAP = 2
#: A prose column gets at least this many cells (or its widest value) before lower-priority
#: columns are considered.
PROSE_MIN = 16
#: A column of nothing but URLs gets at least this many cells (or its widest URL), else it is
#: left out.
LINK_MIN = 40
#: Below this width a prose column is cut with "…" to one line instead of folded.
PROSE_FOLD_MIN = 10
#: The narrowest a prose column is squeezed to when even the top-priority columns do not fit.
PROSE_SQUEEZE = 4
#: Listings longer than this are measured on a sample: the first rows and rows spread evenly.
SAMPLE_LIMIT = 2000
SAMPLE_HEAD = 1000

WHOLE, LIST, PROSE = "whole", "list", "prose"


def cell_kind(field: Field | None) -> str:
    """How a field's cells may break, derived from its type and whether it is free text."""
    if field is None:
        return LIST
    if field.prose:
        return PROSE
    if field.type == "list":
        return LIST
    return WHOLE


class Column:
    """One column of a terminal table: its kind, the widths measured, and the width given.

    Widths measured: ``natural`` (the widest cell on one line), ``strict`` (the narrowest that
    keeps every cell on one line but for a list's items and free text) and ``soft`` (the
    narrowest at all: a whole value or list item may also put a trailing remark in parentheses
    or brackets, ``(inferred)``, ``[gazette, 2023-03]``, on a line of its own; never less than
    the header).
    """

    def __init__(self, name: str, kind: str, right: bool = False, header: str | None = None) -> None:
        self.name = name
        self.header = header if header is not None else name
        self.kind = kind
        self.right = right
        self.header_width = cell_len(self.header)
        self.natural = self.strict = self.soft = self.header_width
        self.link = 0
        self.prose_seen = False
        self.width = self.header_width

    @property
    def minimum(self) -> int:
        return self.strict

    def measure(self, text: str) -> None:
        """Widen the measured widths for one cell's text."""
        for line in text.split("\n"):
            width = cell_len(line)
            if width > self.natural:
                self.natural = width
            if self.kind == PROSE:
                if line and " " not in line and "://" in line:
                    self.link = max(self.link, min(width, LINK_MIN))
                elif line:
                    self.prose_seen = True
                continue
            items = [line] if self.kind == WHOLE else line.split("; ")
            for item in items:
                item_width = cell_len(item) if self.kind == LIST else width
                if item_width > self.strict:
                    self.strict = item_width
                if item_width > self.soft:
                    for piece in remarks(item):
                        self.soft = max(self.soft, cell_len(piece))
        if self.kind == PROSE:
            link = 0 if self.prose_seen else self.link  # a column of URLs: read whole or not at all
            self.strict = self.soft = min(self.natural, max(self.header_width, PROSE_MIN, link))

    @property
    def cut(self) -> bool:
        """A prose column too narrow to fold readably: cut its cells with "…" to one line."""
        return self.kind == PROSE and self.width < min(self.natural, PROSE_FOLD_MIN)

    def lines(self, text: str) -> list[str]:
        """A cell's text as the lines it takes in this column."""
        width = self.width
        if self.kind == WHOLE:
            return [line for part in text.split("\n")
                    for line in ([part] if cell_len(part) <= width else pack(remarks(part), width, " ", ""))]
        if self.kind == LIST:
            return [line for part in text.split("\n") for line in pack(part.split("; "), width, "; ", ";", True)]
        if self.cut:
            first = text.split("\n")[0]
            if cell_len(first) > width or "\n" in text:
                return [chop_cells(first, max(width - 1, 1))[0] + "…"]
            return [first]
        return [line for part in text.split("\n") for line in wrap(part, width)]


def remarks(text: str) -> list[str]:
    """A value split before each remark in parentheses or brackets, and after the dash of a
    range: ``Mar 2023 (inferred)`` -> ``["Mar 2023", "(inferred)"]``, ``Sep 2022 – Dec 2022``
    -> ``["Sep 2022 –", "Dec 2022"]``."""
    pieces = re.split(r" (?=[(\[])|(?<= –) ", text)
    return pieces if all(pieces) else [text]


def pack(items: Sequence[str], width: int, separator: str, line_end: str, split_long: bool = False) -> list[str]:
    """Items joined by ``separator`` on as few lines of ``width`` as they fit, each line but the
    last ending with ``line_end``; an item is never split (with ``split_long``, an item wider
    than the width is split before its remarks)."""
    lines: list[str] = []
    current = ""
    for item in items:
        if split_long and cell_len(item) > width and len(remarks(item)) > 1:
            for piece in pack(remarks(item), width, " ", ""):
                if current:
                    lines.append(current + line_end)
                current = piece
            continue
        joined = f"{current}{separator}{item}" if current else item
        if current and cell_len(joined) + len(line_end) > width:
            lines.append(current + line_end)
            current = item
        else:
            current = joined
    lines.append(current)
    return lines


def wrap(text: str, width: int) -> list[str]:
    """Free text folded at spaces to ``width`` cells; a word longer than the width is folded
    where it must be (a URL)."""
    if cell_len(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if cell_len(word) > width:
            pieces = fold_word(word, width)
            lines.extend(pieces[:-1])
            current = pieces[-1]
        else:
            current = word
    lines.append(current)
    return lines


def fold_word(word: str, width: int) -> list[str]:
    """A word wider than ``width`` in pieces: after its hyphens or slashes where it can be, else
    where it must."""
    pieces: list[str] = []
    current = ""
    for part in re.findall(r"[^-/]*[-/]|[^-/]+$", word):
        if cell_len(current + part) <= width:
            current += part
            continue
        if current:
            pieces.append(current)
        current = ""
        for chunk in chop_cells(part, width):
            if cell_len(chunk) == width:
                pieces.append(chunk)
            else:
                current = chunk
    if current or not pieces:
        pieces.append(current)
    return pieces


def sample(rows: Sequence[Row]) -> Sequence[Row]:
    """The rows widths are measured on: all of them, or for a long listing the first
    ``SAMPLE_HEAD`` and as many again spread evenly over the rest."""
    if len(rows) <= SAMPLE_LIMIT:
        return rows
    rest = len(rows) - SAMPLE_HEAD
    step = max(rest // (SAMPLE_LIMIT - SAMPLE_HEAD), 1)
    return [*rows[:SAMPLE_HEAD], *rows[SAMPLE_HEAD::step], rows[-1]]


class Layout:
    """The columns shown (in display order), each with its width, and those left out."""

    def __init__(self, shown: list[Column], left_out: list[str]) -> None:
        self.shown = shown
        self.left_out = left_out

    @property
    def width(self) -> int:
        return sum(c.width for c in self.shown) + GAP * max(len(self.shown) - 1, 0)

    def row_lines(self, cells: Sequence[str]) -> list[list[str]]:
        """One row's cells (in the order of ``shown``) as lines: one list of cell texts per line."""
        split = [column.lines(text) for column, text in zip(self.shown, cells, strict=True)]
        height = max((len(lines) for lines in split), default=1)
        return [[lines[i] if i < len(lines) else "" for lines in split] for i in range(height)]

    def join(self, texts: Sequence[str]) -> str:
        """One screen line: the cell texts padded to their columns (numbers to the right)."""
        parts = []
        last = len(self.shown) - 1
        for i, (column, text) in enumerate(zip(self.shown, texts, strict=True)):
            pad = column.width - cell_len(text)
            if pad <= 0:
                parts.append(text)  # a whole value wider than the sample said: kept whole
            elif column.right:
                parts.append(" " * pad + text)
            else:
                parts.append(text if i == last else text + " " * pad)
        return (" " * GAP).join(parts).rstrip()


def candidates(listing: Listing, columns: Sequence[str], wide: bool, exact: bool) -> tuple[list[str], list[str]]:
    """The columns to try, most important first, and the display order.

    ``exact`` (``--fields``): exactly ``columns``. ``wide``: every column of the listing's
    priority list (and any extra asked for, such as ``--cite``'s). Otherwise ``columns`` (the
    listing's default table columns plus extras), in priority order.
    """
    if exact:
        return list(columns), list(columns)
    order = listing.priority or tuple(columns)
    if wide:
        wanted = [*order, *[c for c in columns if c not in order]]
    else:
        wanted = list(columns)
    ranked = [c for c in order if c in wanted] + [c for c in wanted if c not in order]
    fields = listing.field_names()
    rank = {name: i for i, name in enumerate(fields)}
    display = sorted(wanted, key=lambda c: (rank.get(c, len(fields)), wanted.index(c)))
    return ranked, display


def fit(
    columns: Sequence[Column], width: int, keep_all: bool, soft: bool = False
) -> tuple[list[Column], list[Column]]:
    """Choose, in priority order, the columns whose minimum widths fit ``width`` (``soft``: the
    minimum that puts trailing remarks on lines of their own), then share the spare width:
    whole values and lists first (one line per row), then free text. The first column is always
    shown. With ``keep_all`` every column is shown, free text squeezed (and cut) as needed."""
    chosen: list[Column] = []
    dropped: list[Column] = []
    used = 0
    for column in columns:
        least = column.soft if soft else column.strict
        need = least + (GAP if chosen else 0)
        if keep_all or not chosen or used + need <= width:
            chosen.append(column)
            column.width = least
            used += need
        else:
            dropped.append(column)
    spare = width - used
    for kinds in ((WHOLE, LIST), (PROSE,)):
        growing = [c for c in chosen if c.kind in kinds and c.width < c.natural]
        while spare > 0 and growing:
            for column in growing:
                if spare > 0 and column.width < column.natural:
                    column.width += 1
                    spare -= 1
            growing = [c for c in growing if c.width < c.natural]
    if spare < 0:  # even the columns that must be shown do not fit: squeeze prose, lowest priority first
        for column in reversed(chosen):
            if column.kind == PROSE:
                give = min(-spare, column.width - max(PROSE_SQUEEZE, min(column.header_width, column.width)))
                if give > 0:
                    column.width -= give
                    spare += give
    return chosen, dropped


def layout(
    listing: Listing,
    rows: Sequence[Row],
    columns: Sequence[str],
    cell: Callable[[Row, str], str],
    width: int,
    *,
    wide: bool = False,
    exact: bool = False,
    headers: dict[str, str] | None = None,
) -> Layout:
    """Measure ``rows`` (or a sample) and fit their columns to ``width``."""
    ranked, display = candidates(listing, columns, wide, exact)
    made: dict[str, Column] = {}
    for name in ranked:
        try:
            field: Field | None = listing.field(name)
        except KeyError:
            field = None
        right = field is not None and field.type == "number"
        made[name] = Column(name, cell_kind(field), right, (headers or {}).get(name))
    for row in sample(rows):
        for name, column in made.items():
            column.measure(cell(row, name))
    ranked_columns = [made[n] for n in ranked]
    keep_all = wide or exact
    soft = False
    if not keep_all:
        # Remarks on lines of their own only when that shows a more important column, and
        # either rows fold anyway (a free-text column is shown) or one of the two most
        # important columns would be left out: otherwise one line per row.
        def shown(chosen: list[Column]) -> tuple[bool, ...]:
            return tuple(column in chosen for column in ranked_columns)

        strict_shown = shown(fit(ranked_columns, width, keep_all)[0])
        soft_chosen = fit(ranked_columns, width, keep_all, soft=True)[0]
        soft = shown(soft_chosen) > strict_shown and (
            any(c.kind == PROSE for c in soft_chosen) or not all(strict_shown[:2]))
    chosen, dropped = fit(ranked_columns, width, keep_all, soft=soft or keep_all)
    shown_names = {c.name for c in chosen}
    left_out = [c.name for c in dropped]
    if not (wide or exact):
        left_out += [name for name in listing.priority if name not in made]
    return Layout([made[n] for n in display if n in shown_names], left_out)


def left_out_line(names: Sequence[str]) -> str:
    """The dim line under a table that names the columns it left out."""
    noun = "column" if len(names) == 1 else "columns"
    return f"{len(names)} more {noun}: {', '.join(names)} (--wide, or --fields)"
