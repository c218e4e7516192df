"""Fitting a table to a terminal: which columns fit, how wide each is, and each cell's lines.

Four kinds of cell (from the registry's fields):

- *whole*: ids, dates, numbers with their qualifiers, enums, towns. Never broken, never cut: the
  column is as wide as its widest value.
- *list*: a list of whole items (source ids, roles). Items are never broken.
- *prose*: free text (names, descriptions, quotes).
- *link*: a column of nothing but URLs (found by measuring a prose column). A URL is whole or
  cut with ``…``, never folded.

How cells meet their column's width depends on the table's mode:

- ``CUT`` (a listing, ``--fields``): one line per row. Prose and URLs are cut with ``…``; a list
  shows the whole items that fit and says how many more (``gazette +2``).
- ``FOLD`` (``show``'s sections): prose folds at spaces, never inside a word (a word wider than
  the column is cut with ``…``); a list wraps between its items.
- ``NATURAL`` (``--wide``): every column at the width of its widest cell; nothing is cut or
  folded, and a line may be wider than the terminal (the pager scrolls sideways).

The columns are taken in the listing's priority order while they fit the width (gh's
tableprinter, kubectl); the provenance column (``source``) is never passed over for a column
after it. A column with the same text on every row is said once, in the title, and a column
empty on every row is left out. Widths are measured on the rows, or on a sample of a long
listing, so that the first screen does not wait for every cell to be measured. Rich's cell
widths only (``rich.cells``): no Rich rendering here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from rich.cells import cell_len

from ..record import Record
from ..registry import Field, Listing, Row
from .fold import ELLIPSIS, cut, cut_list, fold_path, pack, remarks, wrap

#: What moved to :mod:`.fold` is still found here (``cli.summary`` and the tests import it so).
__all__ = ["ELLIPSIS", "cut", "cut_list", "fold_path", "pack", "remarks", "wrap"]

#: Spaces between two columns.
GAP = 2
#: A prose column gets at least this many cells (or its widest value) before lower-priority
#: columns are considered.
PROSE_MIN = 16
#: A column of nothing but URLs gets at least this many cells (or its widest URL).
LINK_MIN = 24
#: When prose folds, a column is at least as wide as its widest word up to this many cells, so
#: that ids and numbers inside the text stay whole; a longer word is cut with "…".
WORD_MAX = 32
#: The narrowest a prose column is squeezed to when even the top-priority columns do not fit.
PROSE_SQUEEZE = 4
#: Listings longer than this are measured on a sample: the first rows and rows spread evenly.
SAMPLE_LIMIT = 2000
SAMPLE_HEAD = 1000

WHOLE, LIST, PROSE = "whole", "list", "prose"
CUT, FOLD, NATURAL = "cut", "fold", "natural"
#: The column that says who says so: shown before any column ranked after it.
PROVENANCE = "source"

_URL = re.compile(r"https?://\S+")


def cell_kind(field: Field | None) -> str:
    """How a field's cells may break, derived from its type and whether it is free text."""
    if field is None:
        return LIST
    if field.prose:
        return PROSE
    if field.type == "list":
        return LIST
    return WHOLE


def is_url(word: str) -> bool:
    return word.startswith(("http://", "https://")) and len(word) > 8


class Column:
    """One column of a terminal table: its kind, the widths measured, and the width given.

    Widths measured: ``natural`` (the widest cell on one line), ``strict`` (the narrowest that
    keeps every whole value and list item on one line), ``soft`` (the narrowest at all: a whole
    value or list item may also put a trailing remark in parentheses or brackets,
    ``(inferred)``, ``[gazette, 2023-03]``, on a line of its own; never less than the header),
    ``first`` (a list's widest first item with the count of the items after it) and ``word``
    (free text's widest word that is not a URL).
    """

    def __init__(self, name: str, kind: str, right: bool = False, header: str | None = None,
                 mode: str = CUT, floor: int = 0) -> None:
        self.name = name
        self.header = header if header is not None else name
        self.kind = kind
        self.right = right
        self.mode = mode
        self.floor = floor
        self.header_width = cell_len(self.header)
        self.natural = self.strict = self.soft = self.first = self.header_width
        self.word = 0
        self.urls = 0
        self.prose_seen = False
        self.width = self.header_width

    @property
    def link(self) -> bool:
        """A column of nothing but URLs: whole or cut with "…", never folded."""
        return self.kind == PROSE and self.urls > 0 and not self.prose_seen

    def measure(self, text: str) -> None:
        """Widen the measured widths for one cell's text."""
        for line in text.split("\n"):
            width = cell_len(line)
            if width > self.natural:
                self.natural = width
            if self.kind == PROSE:
                if not line:
                    continue
                if " " not in line and is_url(line):
                    self.urls += 1
                else:
                    self.prose_seen = True
                if self.mode == FOLD and width > self.word:
                    for word in line.split(" "):
                        if not is_url(word):
                            self.word = max(self.word, cell_len(word))
                continue
            if self.kind == WHOLE:
                if width > self.strict:
                    self.strict = width
                if width > self.soft:
                    for piece in remarks(line):
                        self.soft = max(self.soft, cell_len(piece))
                continue
            items = line.split("; ")
            self.first = max(self.first, cell_len(items[0]) + (len(f" +{len(items) - 1}") if len(items) > 1 else 0))
            for item in items:
                item_width = cell_len(item) if len(items) > 1 else width
                if item_width > self.strict:
                    self.strict = item_width
                if item_width > self.soft:
                    for piece in remarks(item):
                        self.soft = max(self.soft, cell_len(piece))

    def minimum(self, soft: bool = False) -> int:
        """The narrowest this column may be, in its mode (``soft``: remarks on lines of their own)."""
        if self.mode == NATURAL:
            return self.natural
        if self.kind == PROSE:
            if self.link:
                return min(self.natural, max(self.header_width, LINK_MIN))
            least = max(self.header_width, PROSE_MIN, self.floor)
            if self.mode == FOLD:
                least = max(least, min(self.word, WORD_MAX))
            return min(self.natural, least)
        if self.kind == LIST and self.mode == CUT:
            return min(self.natural, self.first)
        return self.soft if soft else self.strict

    @property
    def squeezable(self) -> bool:
        return self.kind == PROSE and self.mode != NATURAL

    def lines(self, text: str) -> list[str]:
        """A cell's text as the lines it takes in this column."""
        width = self.width
        if self.mode == NATURAL:
            return text.split("\n")
        if self.kind == WHOLE:
            return [line for part in text.split("\n")
                    for line in ([part] if cell_len(part) <= width else pack(remarks(part), width, " ", ""))]
        if self.kind == LIST:
            if self.mode == CUT:
                return [cut_list(part.split("; "), width) for part in text.split("\n")]
            return [line for part in text.split("\n") for line in pack(part.split("; "), width, "; ", ";", True)]
        if self.mode == CUT or self.link:
            first = text.split("\n")[0]
            return [cut(first, width) if "\n" not in text else cut(first + " " + ELLIPSIS, width)]
        return [line for part in text.split("\n") for line in wrap(part, width)]


def sample(rows: Sequence[Row]) -> Sequence[Row]:
    """The rows widths are measured on: all of them, or for a long listing the first
    ``SAMPLE_HEAD`` and as many again spread evenly over the rest."""
    if len(rows) <= SAMPLE_LIMIT:
        return rows
    rest = len(rows) - SAMPLE_HEAD
    step = max(rest // (SAMPLE_LIMIT - SAMPLE_HEAD), 1)
    return [*rows[:SAMPLE_HEAD], *rows[SAMPLE_HEAD::step], rows[-1]]


class Layout:
    """The columns shown (in display order), each with its width; those left out for want of
    room; those said once in the title (the same text on every row: ``(name, text)``); and
    those left out because every row is empty there."""

    def __init__(self, shown: list[Column], left_out: list[str], constant: list[tuple[str, str]] | None = None,
                 empty: list[str] | None = None) -> None:
        self.shown = shown
        self.left_out = left_out
        self.constant = constant or []
        self.empty = empty or []

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
    whole values and lists first, then free text. The first column is always shown; once the
    provenance column is left out, so is every column after it. With ``keep_all`` every column
    is shown, free text squeezed (and cut) as needed."""
    chosen: list[Column] = []
    dropped: list[Column] = []
    used = 0
    barred = False
    for column in columns:
        least = column.minimum(soft)
        need = least + (GAP if chosen else 0)
        if keep_all or not chosen or (not barred and used + need <= width):
            chosen.append(column)
            column.width = least
            used += need
        else:
            dropped.append(column)
            barred = barred or column.name == PROVENANCE
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
            if column.squeezable:
                give = min(-spare, column.width - max(PROSE_SQUEEZE, min(column.header_width, column.width)))
                if give > 0:
                    column.width -= give
                    spare += give
    return chosen, dropped


def constant_columns(
    rows: Sequence[Row], names: Sequence[str], cell: Callable[[Row, str], str], plain: Callable[[str], bool]
) -> dict[str, str]:
    """The columns of ``names`` whose text is the same on every one of ``rows`` (two or more),
    with that text ("" for a column empty on every row). ``plain(name)``: the column's text is
    its value's (so an equal value means an equal text, without making the text)."""
    if len(rows) < 2:
        return {}
    found: dict[str, str] = {}
    head = rows[0]
    for name in names:
        text = cell(head, name)
        value = head.get(name)
        fast = plain(name)
        for row in rows:
            if fast and row.get(name) == value:
                continue
            if cell(row, name) != text:
                break
        else:
            found[name] = text
    return found


class Frame(Record):
    """What a table is fitted into: ``width`` cells. ``wide``: every column at its natural
    width. ``exact``: exactly the columns given. ``fold``: free text folds at spaces (else it is
    cut, one line per row). ``headers``: a column's header other than its name. ``floors``: a
    free-text column's least width. ``titled``: a column with the same text on every row is
    said in the title (else kept)."""

    width: int
    wide: bool = False
    exact: bool = False
    fold: bool = False
    headers: Mapping[str, str] | None = None
    floors: Mapping[str, int] | None = None
    titled: bool = True


def layout(listing: Listing, rows: Sequence[Row], columns: Sequence[str], cell: Callable[[Row, str], str],
           frame: Frame) -> Layout:
    """Measure ``rows`` (or a sample) and fit their columns to the frame's width.

    Unless ``wide`` or ``exact``, a column with the same text on every row is moved to
    :attr:`Layout.constant` (``titled``; else kept) and a column empty on every row is left out."""
    width, wide, exact, fold = frame.width, frame.wide, frame.exact, frame.fold
    headers, floors, titled = frame.headers, frame.floors, frame.titled
    ranked, display = candidates(listing, columns, wide, exact)
    constant: dict[str, str] = {}
    if not (wide or exact):
        def plain(name: str) -> bool:
            try:
                return listing.field(name).human is None
            except KeyError:
                return True

        constant = constant_columns(rows, ranked, cell, plain)
        if not titled:
            constant = {name: text for name, text in constant.items() if not text}
        if len(constant) == len(ranked):  # every row reads the same: keep the first column
            constant.pop(ranked[0])
        ranked = [name for name in ranked if name not in constant]
    mode = NATURAL if wide else FOLD if fold else CUT
    made: dict[str, Column] = {}
    for name in ranked:
        try:
            field: Field | None = listing.field(name)
        except KeyError:
            field = None
        right = field is not None and (field.type == "number" if field.right is None else field.right)
        made[name] = Column(name, cell_kind(field), right, (headers or {}).get(name), mode,
                            (floors or {}).get(name, 0))
    for row in sample(rows):
        for name, column in made.items():
            column.measure(cell(row, name))
    ranked_columns = [made[n] for n in ranked]
    keep_all = wide or exact
    soft = keep_all and not wide
    if not keep_all:
        # Remarks on lines of their own only when that shows a more important column, and
        # either one of the two most important columns would be left out, or rows fold anyway
        # (a free-text column is shown and folds): otherwise one line per row.
        def shown(chosen: list[Column]) -> tuple[bool, ...]:
            return tuple(column in chosen for column in ranked_columns)

        strict_shown = shown(fit(ranked_columns, width, keep_all)[0])
        soft_chosen = fit(ranked_columns, width, keep_all, soft=True)[0]
        soft = shown(soft_chosen) > strict_shown and (
            not all(strict_shown[:2]) or (fold and any(c.kind == PROSE for c in soft_chosen)))
    chosen, dropped = fit(ranked_columns, width, keep_all, soft=soft)
    shown_names = {c.name for c in chosen}
    left_out = [c.name for c in dropped]
    if not keep_all:
        left_out += [name for name in listing.priority if name not in made and name not in constant]
    return Layout([made[n] for n in display if n in shown_names], left_out,
                  [(n, constant[n]) for n in display if constant.get(n)],
                  [n for n in display if n in constant and not constant[n]])


def constant_words(constant: Sequence[tuple[str, str]], listing: Listing) -> list[str]:
    """What the title says of the columns that read the same on every row: ``project
    eastman-port-jerome``, ``all planned`` (a yes/no column: ``all`` or ``none``)."""
    words = []
    for column, text in constant:
        try:
            kind = listing.field(column).type
        except KeyError:
            kind = "text"
        if kind == "bool" and text in ("yes", "no"):
            words.append(f"{'all' if text == 'yes' else 'none'} {column}")
        else:
            words.append(f"{column} {text}")
    return words


def left_out_line(names: Sequence[str], empty: Sequence[str] = ()) -> str:
    """The dim line under a table that names the columns it left out, and those empty on every row."""
    parts = []
    if names:
        noun = "column" if len(names) == 1 else "columns"
        parts.append(f"{len(names)} more {noun}: {', '.join(names)} (--wide, or --fields)")
    if empty:
        parts.append(f"empty on every row: {', '.join(empty)}")
    return "; ".join(parts)
