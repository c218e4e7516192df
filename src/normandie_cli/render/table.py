"""The terminal table: the columns that fit (:mod:`.layout`), drawn line by line in chunks, so
that the first screen of a long listing shows at once. Only Rich's cell widths are used
(``rich.cells``); colour is written as the terminal's own escape codes (``--no-color``,
``NO_COLOR`` and ``TERM=dumb`` are decided before: see :func:`normandie_cli.render.use_color`).

Colour carries meaning and is never the only carrier: "planned" and "happened" are written
out, qualifiers are symbols (≈ > ≥ ≤), unknown dates say "unknown", and the header is
underlined with a rule as well as bold.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import TextIO

from ..registry import Listing, Row
from ..text import match_spans
from . import flat, neutralise
from .layout import Layout, layout, left_out_line, wrap

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

    def line(self, lay: Layout, texts: Sequence[str], styles: Sequence[str | None] | None = None) -> None:
        if not self.color:
            self.pending.append(lay.join(texts))
            return
        parts = []
        last = len(lay.shown) - 1
        for i, (column, text) in enumerate(zip(lay.shown, texts, strict=True)):
            pad = max(column.width - _width(text), 0)
            if column.right and pad:
                parts.append(" " * pad)
            if styles is not None:
                parts.append(paint(text, styles[i]))
            else:
                parts += [paint(piece, style) for piece, style in segments(column.name, text, self.highlight)]
            if not column.right and pad and i != last:
                parts.append(" " * pad)
            if i != last:
                parts.append("  ")
        self.pending.append("".join(parts).rstrip(" "))

    def text(self, text: str, style: str | None = None) -> None:
        self.pending.append(paint(text, style) if self.color else text)

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
    """Draw ``rows`` as a table that fits the terminal: a title, the columns that fit (or all of
    them with ``wide``/``exact``), a rule under the header, one line per row but where free text
    folds, then a dim line naming the columns left out, then ``notes`` wrapped to the width.
    ``group``: a column written as a heading line above each run of rows that share its value
    (and not as a column)."""
    width = width or terminal_size()[0]

    def cell(row: Row, name: str) -> str:
        return neutralise(human_cell(row, name, listing))

    lay = layout(listing, rows, columns, cell, width, wide=wide, exact=exact, headers=headers)
    writer = TableWriter(out, color, width, highlight)
    writer.text(title if title is not None else f"{listing.name} ({len(rows)})", STYLES["header"])
    if rows:
        writer.line(lay, [c.header for c in lay.shown], [STYLES["header"]] * len(lay.shown))
        rule = rule_char(out)
        writer.line(lay, [rule * c.width for c in lay.shown], [STYLES["rule"]] * len(lay.shown))
    start = 0
    size = FIRST_CHUNK
    current: object = None
    while start < len(rows) and not writer.closed():
        for row in rows[start:start + size]:
            if group is not None and row.get(group) != current:
                current = row.get(group)
                writer.text(cell(row, group), STYLES["header"])
            for texts in lay.row_lines([cell(row, c.name) for c in lay.shown]):
                writer.line(lay, texts)
        writer.flush()
        start += size
        size = CHUNK
    if writer.closed():
        return
    if lay.left_out:
        for line in wrap(left_out_line(lay.left_out), width):
            writer.text(line, STYLES["note"])
    writer.flush()
    print_notes(out, notes, color, width)


def print_notes(out: TextIO, notes: Sequence[str], color: bool, width: int) -> None:
    """Lines a person reads under a table, wrapped to the width at word boundaries (a word
    longer than the width, such as a URL, folded where it must be)."""
    for note in notes:
        indent = note[: len(note) - len(note.lstrip(" "))]
        lines = wrap(neutralise(note.strip(" ")), max(width - len(indent), 10))
        out.write("".join(indent + line.rstrip(" ") + "\n" for line in lines))
