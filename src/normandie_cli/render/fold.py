"""Text in a width of terminal cells: cut with ``…``, a list cut to the items that fit (``+2``),
prose folded at spaces, items packed onto lines, a path folded at its separators. Rich's cell
widths only (``rich.cells``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len, chop_cells

#: The mark at the end of a cut cell.
ELLIPSIS = "…"


def cut(text: str, width: int) -> str:
    """``text`` on one line of ``width`` cells: whole, or cut with "…"."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS
    return chop_cells(text, width - 1)[0].rstrip(" ") + ELLIPSIS


def cut_list(items: Sequence[str], width: int) -> str:
    """A list on one line of ``width`` cells: every item, or the first items that fit (at least
    one, never broken) and how many more (``gazette; afp-moongy +3``)."""
    joined = "; ".join(items)
    if cell_len(joined) <= width or len(items) <= 1:
        return joined
    kept = 1
    for count in range(2, len(items)):
        if cell_len("; ".join(items[:count])) + len(f" +{len(items) - count}") > width:
            break
        kept = count
    return f"{'; '.join(items[:kept])} +{len(items) - kept}"


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
    """Free text folded at spaces to ``width`` cells, never inside a word: a word wider than the
    width (a long URL) gets a line of its own, cut with "…"."""
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
        current = word if cell_len(word) <= width else cut(word, width)
    lines.append(current)
    return lines


def fold_path(text: str, width: int, indent: str = "  ") -> list[str]:
    """A line holding a path, folded after its slashes where it is wider than ``width`` (the
    lines after the first indented by ``indent``); a piece between two slashes is never broken."""
    if cell_len(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for piece in re.findall(r"[^/]*/|[^/]+$", text):
        if current and cell_len(current + piece) > width:
            lines.append(current)
            current = indent + piece
        else:
            current += piece
    lines.append(current)
    return lines
