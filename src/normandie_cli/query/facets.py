"""Facets (``--facet FIELD[,FIELD]``): how many rows hold each value of some fields, with
their share, as Datasette's facets do beside a table. Standard library only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import UsageError
from ..registry import Field, Listing, Row
from ..text import suggest


def facet_listing(listing: Listing, names: Sequence[str]) -> Listing:
    """The listing of a facet's rows: the faceted fields, then ``count`` and ``share``."""
    return Listing(
        f"{listing.name} by {', '.join(names)}",
        f"How many {listing.name} rows hold each value of {', '.join(names)}.",
        (
            # A date keeps its type, so that JSON writes an unknown date as null, as the rows do.
            *(Field(name, "date" if _type_of(listing, name) == "date" else "text",
                    f"a value of {listing.name}'s {name} (null: not stated)", _value_of(name))
              for name in names),
            Field("count", "number", "how many rows hold it (a row with a list counts once per distinct value)"),
            # Left-aligned at a terminal: the percentages line up, the bars grow to the right.
            Field("share", "number", "count / the number of rows, from 0 to 1", _share, right=False),
        ),
    )


def _type_of(listing: Listing, name: str) -> str | None:
    return next((f.type for f in listing.fields if f.name == name), None)


def _value_of(name: str) -> Callable[[Row], str]:
    def show(row: Row) -> str:
        value = row.get(name)
        return "(not stated)" if value is None else str(value)

    return show


def _share(row: Row) -> str:
    share = row["share"]
    return f"{share * 100:5.1f}% {'█' * round(share * 20)}"


def parse_facet(text: str, listing: Listing) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    valid = listing.field_names()
    if not names:
        raise UsageError("--facet: give at least one field", f"hint: fields of {listing.name}: {', '.join(valid)}")
    for name in names:
        if name not in valid:
            raise UsageError(f"--facet: unknown field {name!r} for {listing.name}{suggest(name, valid)}",
                             f"hint: fields of {listing.name}: {', '.join(valid)}")
    return names


def facet_rows(rows: Sequence[Row], names: Sequence[str]) -> list[Row]:
    """One row per combination of values of ``names`` among ``rows``, most frequent first (ties
    in the order first met). A list field counts each of its distinct values; an empty list or a
    null counts as null. ``share`` is the count over the number of rows, so shares of a list
    field may add up to more than 1."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        combos: list[tuple[Any, ...]] = [()]
        for name in names:
            value = row.get(name)
            values = list(dict.fromkeys(value)) or [None] if isinstance(value, list) else [value]
            combos = [(*combo, v) for combo in combos for v in values]
        counts.update(combos)
    total = len(rows)
    ordered = sorted(counts.items(), key=lambda item: -item[1])  # stable: first met first among equals
    return [
        {**dict(zip(names, combo, strict=True)), "count": count, "share": round(count / total, 4) if total else 0.0}
        for combo, count in ordered
    ]
