"""Time strips: block characters on a time axis, one per field of a history. Standard library only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..dates import parse_date
from ..registry import Row


def strips(rows: Sequence[Row], width: int = 40) -> list[tuple[str, str, str, str]]:
    """Per field (and unit): (label, first date, a line of block characters on a time axis, last
    date). A block's position is when the claim was made, its height the value (numbers or
    years) against the field's range."""
    blocks = "▁▂▃▄▅▆▇█"
    out = []
    groups: dict[tuple[str, Any], list[Row]] = {}
    for row in rows:
        if row["dated"]:
            groups.setdefault((row["field"], row["unit"]), []).append(row)
    for (field, unit), items in groups.items():
        points = []
        for row in items:
            when = parse_date(row["as_of"]).start
            month = when.year * 12 + (when.month or 1) - 1  # type: ignore[union-attr,operator]
            value = row["value"]
            if isinstance(value, str):
                if row["field"] == "status":
                    continue
                date = parse_date(value)
                if not date.has_year:
                    continue
                value = date.start.year  # type: ignore[union-attr]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                points.append((month, float(value)))
        if len(points) < 2 or len({p[0] for p in points}) < 2:
            continue  # one date: nothing to draw over time
        first, last = min(p[0] for p in points), max(p[0] for p in points)
        low, high = min(p[1] for p in points), max(p[1] for p in points)
        cells = [" "] * width
        for month, value in points:
            at = 0 if last == first else round((month - first) * (width - 1) / (last - first))
            level = 0 if high == low else round((value - low) * (len(blocks) - 1) / (high - low))
            if cells[at] == " " or blocks.index(cells[at]) < level:
                cells[at] = blocks[level]
        label = f"{field} ({unit})" if unit else field
        start_text = f"{first // 12}-{first % 12 + 1:02d}"
        end_text = f"{last // 12}-{last % 12 + 1:02d}"
        out.append((label, start_text, "".join(cells), end_text))
    return out
