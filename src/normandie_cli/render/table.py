"""The terminal table: the columns that fit (:mod:`.layout`), drawn line by line in chunks, so
that the first screen of a long listing shows at once. Only Rich's cell widths are used
(``rich.cells``); colour is written as the terminal's own escape codes (``--no-color``,
``NO_COLOR`` and ``TERM=dumb`` are decided before: see :func:`normandie_cli.render.use_color`).

Colour carries meaning and is never the only carrier: "planned" and "happened" are written
out, qualifiers are symbols (≈ > ≥ ≤), unknown dates say "unknown", and the header is
underlined with a rule as well as bold. With colour, a URL is also a terminal hyperlink (OSC 8),
so that one cut with "…" still opens whole; never a URL that holds a character a terminal
would act on.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from typing import TextIO

from ..registry import SIDES, Listing, Row
from ..text import match_spans
from .cells import flat, neutralise
from .layout import CUT, ELLIPSIS, GAP, PROSE, Layout, constant_words, layout, left_out_line, wrap

#: Rows in the first chunk (written, then flushed, before the rest is even turned into text)
#: and in each chunk after it.
FIRST_CHUNK = 60
CHUNK = 500

#: Styles by meaning. Each goes with a word or a symbol that says the same without colour.
STYLES = {
    "planned": "cyan",
    "happened": "green",
    "qualifier": "yellow",
    "unknown": "dim",
    "source": "blue",
    "header": "bold",
    "rule": "dim",
    "note": "dim",
    "match": "bold reverse",
}
_PLANNED = {"planned", "prospective", "under-way"}
_HAPPENED = {"happened", "actual", "done"}
_QUALIFIER_SIGNS = ("≈", ">", "≥", "≤", "<", "about", "by", "before", "after", "early", "end of")
_SOURCE_COLUMNS = {"source", "sources", "investment_source", "opening_source", "undated"}


def human_cell(row: Row, name: str, listing: Listing) -> str:
    """A cell as a person reads it: the field's own display, or the flat value."""
    try:
        field = listing.field(name)
    except KeyError:
        return flat(row.get(name))
    if field.human is not None:
        return field.human(row)
    if isinstance(row.get(name), bool):
        return "yes" if row[name] else "no"
    return flat(row.get(name))


def terminal_size() -> tuple[int, int]:
    """(columns, lines) of the terminal: ``COLUMNS``/``LINES``, else the terminal's own, else 80x24."""
    size = shutil.get_terminal_size((80, 24))
    return max(size.columns, 20), max(size.lines, 5)


def rule_char(out: TextIO) -> str:
    """``─`` for the header rule, ``-`` on a terminal that cannot write it."""
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("_", "-")
    return "─" if encoding.startswith("utf") else "-"


def cell_style(name: str, text: str) -> str | None:
    """The style a cell's text carries, from its column and what it says."""
    word = text.split(" (")[0]
    if name in ("status", "planned", "kind") or name.endswith("status"):
        if word in _PLANNED or (name == "planned" and word == "yes"):
            return STYLES["planned"]
        if word in _HAPPENED or (name == "planned" and word == "no"):
            return STYLES["happened"]
    if name in _SOURCE_COLUMNS:
        return STYLES["source"]
    if text == "unknown" or text.startswith("unknown"):
        return STYLES["unknown"]
    return None


def segments(name: str, text: str, highlight: str | None) -> list[tuple[str, str | None]]:
    """A cell's text as (text, style) pieces: its meaning's style, a qualifier's sign apart,
    and the matches of ``highlight``."""
    style = cell_style(name, text)
    pieces: list[tuple[str, str | None]]
    sign = next((s for s in _QUALIFIER_SIGNS if text.startswith(s + " ")), None)
    if sign is not None and style is None:
        pieces = [(sign, STYLES["qualifier"]), (text[len(sign):], None)]
    else:
        pieces = [(text, style)]
    if not highlight:
        return pieces
    out: list[tuple[str, str | None]] = []
    for piece, piece_style in pieces:
        at = 0
        for start, end in match_spans(piece, highlight):
            if start > at:
                out.append((piece[at:start], piece_style))
            out.append((piece[start:end], STYLES["match"]))
            at = end
        if at < len(piece):
            out.append((piece[at:], piece_style))
    return out


#: The escape codes of the styles above (the 16 standard colours: the terminal's own palette).
SGR = {"cyan": "36", "green": "32", "yellow": "33", "dim": "2", "blue": "34", "bold": "1", "bold reverse": "1;7"}


def paint(text: str, style: str | None) -> str:
    """``text`` in ``style`` (a key of :data:`SGR`), as the escape codes a terminal reads."""
    if not style or not text:
        return text
    return f"\x1b[{SGR[style]}m{text}\x1b[0m"


#: Characters a URL may hold to be written as a hyperlink: printable ASCII but space, quotes,
#: angle brackets and backslash (nothing a terminal acts on; no way to end the escape early).
_LINKABLE = re.compile(r"https?://[!#-\[\]-~]+")
_URL_WORD = re.compile(r"https?://\S+")
_AFTER_URL = ".,;:»"


def hyperlink(text: str, target: str) -> str:
    """``text`` as a terminal hyperlink to ``target`` (OSC 8), or as it is when ``target`` is not
    a URL made of harmless characters only."""
    if not _LINKABLE.fullmatch(target):
        return text
    return f"\x1b]8;;{target}\x1b\\{text}\x1b]8;;\x1b\\"


def link_urls(text: str, whole: str) -> list[tuple[str, str | None]]:
    """``text`` (a line of ``whole``, perhaps cut) in pieces, each URL with the URL it links to
    (one cut with "…" links to the URL of ``whole`` it starts like), other pieces with ``None``.
    Punctuation after a URL (the end of a sentence) is not part of it."""
    if "://" not in text:
        return [(text, None)]
    out: list[tuple[str, str | None]] = []
    at = 0
    for match in _URL_WORD.finditer(text):
        shown = match.group().rstrip(_AFTER_URL)
        target: str | None = shown
        if shown.endswith(ELLIPSIS):
            stem = shown[:-1]
            target = next((u.rstrip(_AFTER_URL) for u in _URL_WORD.findall(whole) if u.startswith(stem)), None)
        out += [(text[at:match.start()], None), (shown, target)]
        at = match.start() + len(shown)
    out.append((text[at:], None))
    return [(piece, target) for piece, target in out if piece]


class TableWriter:
    """Writes a laid-out table to a stream, line by line, plain or with colour escapes (written
    directly: a Rich console costs more than the drawing itself on 100,000 rows)."""

    def __init__(self, out: TextIO, color: bool, width: int, highlight: str | None) -> None:
        self.out = out
        self.color = color
        self.highlight = highlight if color else None
        self.pending: list[str] = []

    def closed(self) -> bool:
        return bool(getattr(self.out, "closed", False))

    def line(self, lay: Layout, texts: Sequence[str], styles: Sequence[str | None] | None = None,
             cells: Sequence[str] | None = None, indent: str = "") -> None:
        """One screen line of ``lay``. ``cells``: the row's whole cell texts, where a URL cut with
        "…" is found whole for its hyperlink."""
        if not self.color:
            self.pending.append(indent + lay.join(texts))
            return
        parts = [indent] if indent else []
        last = len(lay.shown) - 1
        for i, (column, text) in enumerate(zip(lay.shown, texts, strict=True)):
            pad = max(column.width - _width(text), 0)
            if column.right and pad:
                parts.append(" " * pad)
            if styles is not None:
                parts.append(paint(text, styles[i]))
            else:
                for piece, style in segments(column.name, text, self.highlight):
                    if "://" in piece:
                        whole = cells[i] if cells is not None else piece
                        parts += [hyperlink(paint(bit, style), target) if target else paint(bit, style)
                                  for bit, target in link_urls(piece, whole)]
                    else:
                        parts.append(paint(piece, style))
            if not column.right and pad and i != last:
                parts.append(" " * pad)
            if i != last:
                parts.append(" " * GAP)
        self.pending.append("".join(parts).rstrip(" "))

    def text(self, text: str, style: str | None = None, whole: str | None = None) -> None:
        if not self.color:
            self.pending.append(text)
        elif "://" in text:
            self.pending.append("".join(hyperlink(paint(bit, style), target) if target else paint(bit, style)
                                        for bit, target in link_urls(text, whole or text)))
        else:
            self.pending.append(paint(text, style))

    def flush(self) -> None:
        if not self.pending:
            return
        self.out.write("\n".join(self.pending) + "\n")
        self.pending = []
        try:
            self.out.flush()
        except (AttributeError, ValueError):
            pass


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


#: How far a row's sides (``Listing.subrows``) are indented under it.
SUBROW_INDENT = "  "


def print_table(
    rows: Sequence[Row],
    columns: Sequence[str],
    listing: Listing,
    out: TextIO,
    *,
    color: bool,
    notes: Sequence[str],
    highlight: str | None = None,
    wide: bool = False,
    exact: bool = False,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    width: int | None = None,
    group: str | None = None,
) -> None:
    """Draw ``rows`` as a table that fits the terminal: a title (with the columns that read the
    same on every row), the columns that fit (or all of them with ``wide``/``exact``), a rule
    under the header, one line per row (but where free text folds, in a listing declared
    ``fold``), then a dim line naming the columns left out, then ``notes`` wrapped to the width.
    ``group`` (else the listing's own, unless ``exact``): a column written as a heading line
    above each run of rows that share its value (and not as a column). A listing's ``subrows``
    (a conflict's sides) are drawn one per line under their row."""
    width = width or terminal_size()[0]

    def cell(row: Row, name: str) -> str:
        return neutralise(human_cell(row, name, listing))

    if group is None and not exact and listing.group in columns:
        group = listing.group
    if group is not None and group in columns and len({cell(row, group) for row in rows}) <= 1 and not wide:
        group = None  # the same on every row: said once, in the title
    table_columns = [c for c in columns if c != group and c != listing.subrows]
    sub = listing.subrows if listing.subrows in columns else None
    lay = layout(listing, rows, table_columns, cell, width, wide=wide, exact=exact, headers=headers, fold=listing.fold)
    writer = TableWriter(out, color, width, highlight)
    heading = " · ".join([title if title is not None else f"{listing.name} ({len(rows)})",
                          *constant_words(lay.constant, listing)])
    for line in wrap_title(heading, width):
        writer.text(line, STYLES["header"])
    if rows and lay.shown:
        writer.line(lay, [c.header for c in lay.shown], [STYLES["header"]] * len(lay.shown))
        rule = rule_char(out)
        writer.line(lay, [rule * c.width for c in lay.shown], [STYLES["rule"]] * len(lay.shown))
    sides_left_out: dict[str, None] = {}
    # Free text cut to one line shows the match of ``highlight`` (search), not only its start.
    focused = {c for c in lay.shown if c.kind == PROSE and c.mode == CUT and not c.link} if highlight else set()
    start = 0
    size = FIRST_CHUNK
    current: object = None
    while start < len(rows) and not writer.closed():
        for row in rows[start:start + size]:
            if group is not None and row.get(group) != current:
                current = row.get(group)
                writer.text(cell(row, group), STYLES["header"])
            cells = [cell(row, c.name) for c in lay.shown]
            if focused:
                cells = [focus(text, c.width, highlight) if c in focused else text  # type: ignore[arg-type]
                         for c, text in zip(lay.shown, cells, strict=True)]
            if lay.shown:
                for texts in lay.row_lines(cells):
                    writer.line(lay, texts, cells=cells)
            elif row is not rows[0]:
                writer.text("")  # only the sides asked for: a blank line between one row's and the next's
            if sub is not None:
                sides_left_out.update(dict.fromkeys(print_subrows(writer, row.get(sub) or [], width, wide)))
        writer.flush()
        start += size
        size = CHUNK
    if writer.closed():
        return
    left_out = [name for name in lay.left_out if name not in (group, sub)]
    left_out += [f"{sub}' {name}" for name in sides_left_out]
    if left_out or lay.empty:
        for line in wrap(left_out_line(left_out, lay.empty), width):
            writer.text(line, STYLES["note"])
    writer.flush()
    print_notes(out, notes, color, width, wide=wide)


def focus(text: str, width: int, highlight: str) -> str:
    """A free-text cell about to be cut to ``width``, started a little before the first match of
    ``highlight`` where the cut would hide it: ``…de l’énergie nucléaire grâce…``."""
    if _width(text) <= width:
        return text
    text = text.replace("\n", " ")
    spans = match_spans(text, highlight)
    if not spans or _width(text[:spans[0][1]]) < width:
        return text
    start, end = spans[0]
    lead = max((width - 1 - _width(text[start:end])) // 3, 0)
    begin = start
    while begin > 0 and _width(text[begin - 1:start]) <= lead:
        begin -= 1
    if begin > 0 and text[begin - 1] != " ":  # from the start of a word
        space = text.find(" ", begin, start)
        begin = start if space == -1 else space + 1
    return ELLIPSIS + text[begin:].lstrip(" ")


def wrap_title(text: str, width: int) -> list[str]:
    """A title folded between its parts (`` · ``) where it is wider than ``width``."""
    parts = text.split(" · ")
    lines = [parts[0]]
    for part in parts[1:]:
        if _width(lines[-1] + " · " + part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append("  · " + part)
    return lines


def print_subrows(writer: TableWriter, sides: Sequence[Row], width: int, wide: bool) -> list[str]:
    """A row's sides, one per line, indented under it, laid out on their own (only the columns
    they use); returns the names of the side columns left out for want of room."""
    if not sides:
        return []

    def side_cell(side: Row, name: str) -> str:
        return neutralise(human_cell(side, name, SIDES))

    # A value that is a number or a date is never cut: its column is at least as wide.
    floor = max((_width(side_cell(s, "value")) for s in sides if s.get("qualifier") is not None
                 or s.get("as_of") is not None or isinstance(s.get("value"), (int, float))), default=0)
    columns = [c for c in SIDES.table_fields if any(side_cell(s, c) for s in sides)]
    lay = layout(SIDES, sides, columns, side_cell, width - len(SUBROW_INDENT), wide=wide, floors={"value": floor},
                 titled=False)
    for side in sides:
        cells = [side_cell(side, c.name) for c in lay.shown]
        for texts in lay.row_lines(cells):
            writer.line(lay, texts, cells=cells, indent=SUBROW_INDENT)
    return [name for name in lay.left_out if name in columns]


def print_notes(out: TextIO, notes: Sequence[str], color: bool, width: int, *, wide: bool = False) -> None:
    """Lines a person reads under a table, wrapped to the width at spaces only: a URL is never
    folded (on a line of its own, cut with "…" where it is wider than the terminal, whole with
    ``wide``), and with colour it is a hyperlink."""
    writer = TableWriter(out, color, width, None)
    for note in notes:
        indent = note[: len(note) - len(note.lstrip(" "))]
        text = neutralise(note.strip(" "))
        lines = wrap(text, max(width - len(indent), 10)) if not wide else wrap_wide(text, width - len(indent))
        for line in lines:
            writer.text(indent + line.rstrip(" "), whole=text)
    writer.flush()


def wrap_wide(text: str, width: int) -> list[str]:
    """Like :func:`wrap`, but a word wider than the width stays whole on a line of its own."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and _width(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines
