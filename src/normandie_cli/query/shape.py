"""Shaping rows by the shared options: ``--fields``, ``--sort``, ``--limit`` (and ``--where``
through :mod:`.where`). Standard library only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from ..dates import parse_date
from ..errors import UsageError
from ..registry import Listing, Row
from ..text import fold, suggest
from .request import Request
from .where import filter_rows


def parse_field_list(text: str | None, listing: Listing, option: str = "--fields") -> list[str] | None:
    """``"a,b"`` → ``["a", "b"]``, each checked against the listing's fields."""
    if text is None:
        return None
    names = [part.strip() for part in text.split(",") if part.strip()]
    valid = listing.field_names()
    for name in names:
        bare = name[1:] if option == "--sort" and name.startswith("-") else name
        if bare not in valid:
            raise UsageError(f"{option}: unknown field {bare!r} for {listing.name}{suggest(bare, valid)}",
                             f"hint: fields of {listing.name}: {', '.join(valid)}")
    if not names:
        raise UsageError(f"{option}: give at least one field; valid fields: {', '.join(valid)}")
    return names


def _sort_value(value: Any, kind: str, qualifier: Any = None) -> tuple[int, Any]:
    if value is None:
        return (2, 0)
    if kind == "date":
        # A date's qualifier (the row's NAME_qualifier: end-of, by, ...) says where it sorts.
        return (0, parse_date(value).sort_key(qualifier if isinstance(qualifier, str) else None))
    if kind == "number" or kind == "bool":
        return (0, value)
    if kind == "list":
        return (1, fold("; ".join(map(str, value))))
    return (1, fold(str(value)))


def _sortable(value: Any, kind: str) -> bool:
    if value is None:
        return False
    return kind != "date" or parse_date(value).has_year


def sort_rows(rows: list[Row], keys: Sequence[str], listing: Listing) -> list[Row]:
    """Stable sort on several keys; ``-key`` descending. Nulls, unknown dates and dates
    without a year sort last either way."""
    out = list(rows)
    for key in reversed(keys):
        descending = key.startswith("-")
        name = key.lstrip("-")
        kind = listing.field(name).type
        present = [r for r in out if _sortable(r.get(name), kind)]
        absent = [r for r in out if not _sortable(r.get(name), kind)]
        present.sort(key=lambda r: _sort_value(r[name], kind, r.get(f"{name}_qualifier")), reverse=descending)
        out = present + absent
    return out


def with_precisions(rows: Iterable[Row], listing: Listing) -> Iterable[Row]:
    """The rows with each date field's precision companion (``as_of_precision``: see
    ``registry.precision_field``) and each side of a disagreement's (``sides``: every key of
    ``SIDE_KEYS``, in that order), where the row builder did not give them (a precision is null
    when its date is); one row at a time
    (a stream stays a stream). The rows as they are when the listing has neither."""
    from ..registry import PRECISION, SIDE_KEYS

    names = set(listing.field_names())
    pairs = [(f.name[: -len(PRECISION)], f.name) for f in listing.fields
             if f.name.endswith(PRECISION) and f.name[: -len(PRECISION)] in names]
    sided = "sides" in names
    if not pairs and not sided:
        return rows
    known: dict[str, str] = {}

    def precision(text: Any) -> str | None:
        if not isinstance(text, str):
            return None
        if text not in known:
            known[text] = parse_date(text).precision
        return known[text]

    def side(value: Any) -> Any:
        if not isinstance(value, dict) or "as_of" not in value:
            return value
        return {key: precision(value["as_of"]) if key == "as_of_precision" else value.get(key) for key in SIDE_KEYS}

    def fill(row: Row) -> Row:
        missing = [(date, name) for date, name in pairs if row.get(name) is None and row.get(date) is not None]
        if missing:
            row = {**row, **{name: precision(row.get(date)) for date, name in missing}}
        if sided and isinstance(row.get("sides"), list):
            row = {**row, "sides": [side(item) for item in row["sides"]]}
        return row

    return map(fill, rows)


def shape_rows(
    rows: Iterable[Row], listing: Listing, request: Request, *, table: bool,
) -> tuple[Iterable[Row], list[str]]:
    """Apply the request's ``--where``, ``--sort`` (else the listing's own order: the claims by the date they
    were made), ``--limit`` and ``--fields``; return the rows and the column names.

    Rows that are not a list (a fact store's, streaming out) stay a stream unless ``--where``
    or a sort needs them all."""
    where, limit = request.filter.where, request.shape.limit
    keys = parse_field_list(request.shape.sort, listing, "--sort") or list(listing.order)
    if where or keys:
        rows = filter_rows(list(rows), where, listing)
    columns = parse_field_list(request.shape.fields, listing)
    if columns is None:
        columns = list(listing.table_fields) if table and listing.table_fields else listing.field_names()
    if keys:
        rows = sort_rows(list(rows), keys, listing)
    if limit is not None:
        if limit < 0:
            raise UsageError("--limit: must be 0 or more")
        rows = rows[:limit] if isinstance(rows, list) else islice(rows, limit)
    return rows, columns
