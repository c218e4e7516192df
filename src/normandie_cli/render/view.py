"""How a listing's rows are drawn, as one value the renderer takes from ``cli._output.emit``:
the format, and what a person reads around the rows (notes, highlight, a chart, a dossier).
Standard library only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..record import Record


class View(Record):
    """``fmt``: the format to write. ``headers``: the header line (csv, tsv). ``color``: a
    coloured table. ``notes``: lines a person reads under a table (machine formats leave them
    out). ``highlight``: text whose matches a coloured table emphasises. ``formula_safe``:
    prefix ``'`` to cells a spreadsheet would run as formulas (``None``: on for csv, off for
    tsv). ``wide``: every column at its natural width; ``exact``: exactly the columns given
    (``--fields``). ``chart`` (``timeline`` or ``history``): a picture instead of the table.
    ``dossier``: what ``show`` draws at a terminal around its rows (``query.brief.Dossier``)."""

    fmt: str = "table"
    headers: bool = True
    color: bool = False
    notes: Sequence[str] = ()
    highlight: str | None = None
    formula_safe: bool | None = None
    wide: bool = False
    exact: bool = False
    chart: str | None = None
    dossier: Any = None
