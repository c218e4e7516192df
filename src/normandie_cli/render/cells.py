"""The cell helpers every format shares: a value as one text cell (``flat``, ``tsv_cell``), JSON
text with every control character escaped, ``--excel-safe``, and control characters made
visible for what a person reads. Standard library only, no Rich."""

from __future__ import annotations

from typing import Any

from ..text import SHOWN_ESCAPED


def neutralise(text: str) -> str:
    """Control characters as visible escapes (``\\x1b``, ``\\u202e``), for what a person reads."""
    import re

    return re.sub(SHOWN_ESCAPED, lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                  else f"\\u{ord(m.group()):04x}", text)


#: What JSON output escapes beyond what ``json`` itself does (it escapes C0 controls): DEL, C1
#: controls, the bidirectional controls and the line and paragraph separators, so that no
#: character in a JSON document acts on the terminal it is piped to.
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in (
    0x7F, *range(0x80, 0xA0), 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)}


def to_json(value: Any, indent: int | None = None) -> str:
    """JSON text (UTF-8 kept readable) in which every control character is escaped."""
    import json  # only for the formats that write it

    return json.dumps(value, ensure_ascii=False, indent=indent).translate(_JSON_ESCAPES)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(cell: str) -> str:
    """``--excel-safe``: a cell a spreadsheet would run as a formula gets a leading ``'``."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def flat(value: Any) -> str:
    """A value as one text cell (CSV, TSV, Markdown): lists joined by ``; ``, null empty.

    An object with a ``value`` (a side of a conflict or discrepancy) reads
    ``qualifier value unit (scope) [source, as_of]``, its null parts and an ``exact``
    qualifier left out (quote and note too: JSON and YAML have them); any other object is
    its JSON text. Neither can be split back exactly: JSON and YAML are for that.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "; ".join(flat(item) for item in value)
    if isinstance(value, dict):
        if "value" not in value:
            return to_json(value)
        qualifier = value.get("qualifier")
        words = [qualifier if qualifier != "exact" else None, flat(value["value"]), value.get("unit"),
                 f"({value['scope']})" if value.get("scope") else None]
        text = " ".join(flat(word) for word in words if word)
        where = [flat(value[key]) for key in ("source", "as_of") if value.get(key)]
        return f"{text} [{', '.join(where)}]" if where else text
    return str(value)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_cell(value: Any) -> str:
    """TSV cells escape backslash, tab, newline and carriage return as ``\\\\ \\t \\n \\r``."""
    return flat(value).translate(_TSV_ESCAPES)
