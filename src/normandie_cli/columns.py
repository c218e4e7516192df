"""The parts listings are declared with (standard library only): a listing's fields and filters,
the builders of the fields many listings share, and how a side of a disagreement reads. The
listings themselves are declared in ``registry.py``, which re-exports these names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import humanize
from .record import Record

Row = dict[str, Any]


class Field(Record):
    """One column of a listing."""

    name: str
    type: str  # id, text, number, date, bool, list
    description: str
    #: How the value reads at a terminal, from the whole row; ``None``: the value as text.
    human: Callable[[Row], str] | None = None
    #: Free text (a name, a description, a quote): at a terminal it may fold at word boundaries,
    #: and be cut with "…" when nothing else fits. Every other cell (ids, dates, numbers, enums,
    #: source ids, towns) stays whole on one line; a list wraps only between its items.
    prose: bool = False
    #: At a terminal, align to the right (``None``: numbers are, the rest is not).
    right: bool | None = None


class Filter(Record):
    """One option of a listing's own: ``--name VALUE``, passed to the row builder as ``name``."""

    name: str
    help: str
    #: What completes its value: a kind of value from the fact file (see cli/_complete.py).
    complete: str | None = None


class Listing(Record):
    name: str
    summary: str
    fields: tuple[Field, ...]
    #: Columns a terminal table shows when ``--fields`` is not given (machine formats: all).
    table_fields: tuple[str, ...] = ()
    #: For a plain listing, its row builder in ``query/rows.py``, called ``builder(book, **filters)``;
    #: the command is then made from this declaration alone. ``None``: a command of its own in cli/.
    builder: str | None = None
    filters: tuple[Filter, ...] = ()
    #: More help than the summary, and an example command line (the command's --help).
    help: str = ""
    example: str = ""
    #: A terminal table's columns, most important first: of ``table_fields``, those that fit the
    #: width are shown, in this order of priority; the others here appear with ``--wide``.
    #: Empty: ``table_fields`` (or every field) in order.
    priority: tuple[str, ...] = ()
    #: The rows' order when ``--sort`` is not given, in every format, as ``--sort`` keys (the
    #: claims: by the date they were made, undated last). Empty: the row builder's order.
    order: tuple[str, ...] = ()
    #: A terminal table writes this column as a heading line above each run of rows that share
    #: its value, instead of as a column (unless ``--fields`` asks for it).
    group: str | None = None
    #: A field holding a list of objects (a conflict's sides) that a terminal table draws one
    #: per line under its row, laid out by the listing :data:`SIDES`, instead of as a column.
    subrows: str | None = None
    #: Free text folds at spaces at a terminal (``show``), instead of being cut with "…" to
    #: keep one line per row.
    fold: bool = False

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def quantity_of(value: str, qualifier: str, unit: str | None = None, text: str | None = None) -> Callable[[Row], str]:
    def show(row: Row) -> str:
        return humanize.quantity(
            row.get(value), row.get(qualifier), row.get(unit) if unit else None, row.get(text) if text else None
        )

    return show


def latest_claim_of(prefix: str, unit: str | None = None) -> Callable[[Row], str]:
    """``> EUR 1 bn (phase I; 17 May 2025)``: a latest claim with what it covers and its date."""

    def show(row: Row) -> str:
        if row.get(prefix) is None:
            return ""
        value = humanize.quantity(row[prefix], row.get(f"{prefix}_qualifier"), row.get(unit) if unit else None)
        extra = [x for x in (row.get(f"{prefix}_scope"), humanize.date(row.get(f"{prefix}_as_of"))) if x]
        return f"{value} ({'; '.join(extra)})" if extra else value

    return show


def date_of(name: str) -> Callable[[Row], str]:
    return lambda row: humanize.date(row.get(name))


def source_field(name: str = "source") -> Field:
    return Field(name, "id", "the source id (see `normandie sources`)")


#: What a ``source_kind`` field holds (docs/facts-format.md#sources).
KIND_HELP = ("who the source is: company, consultation, government, public-body, court, party, press, trade-press, "
             "law-firm, support-body, blog, reference; not-stated when the file does not say")


def source_kind_field(name: str = "source_kind", of: str = "the source") -> Field:
    return Field(name, "text", f"{of}'s kind, {KIND_HELP}")


def as_of_field() -> Field:
    return Field("as_of", "date", "when the claim was made (the source's date unless stated)", date_of("as_of"))


#: The name of a date field's precision companion (``as_of`` → ``as_of_precision``).
PRECISION = "_precision"


def precision_field(date: str) -> Field:
    """The companion of a date field that can be unknown: its precision, so that the date can be
    null in JSON, YAML, CSV and TSV when unknown (``query.rows.with_precisions`` fills it)."""
    return Field(f"{date}{PRECISION}", "text", f"{date}'s precision: year, month, day, range, day-no-year, or "
                 f"unknown ({date} then null in JSON, YAML, CSV, TSV); null with no {date}")


#: The keys of each side of a conflict or discrepancy, in JSON and YAML (null when not known:
#: a recorded side has a value, a source, perhaps a quote and a note).
SIDE_KEYS: tuple[str, ...] = ("value", "qualifier", "unit", "scope", "as_of", "as_of_precision", "source",
                               "source_kind", "quote",
                               "note")

SIDES_FLAT = ("in CSV and TSV, each side as 'qualifier value unit (scope) [source, as_of]', "
              "joined by '; '")
SIDES_TERMINAL = "at a terminal 'value [source · source_kind, as-of]' (the kind when the file states one)"


def side_value(side: Row) -> str:
    """``≈ EUR 850 M``, ``by 2026``: a side's value with its qualifier and unit, as a person reads it."""
    value, qualifier = side.get("value"), side.get("qualifier")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return humanize.quantity(value, qualifier, side.get("unit"))
    if isinstance(value, str) and side.get("as_of") is not None:
        # A computed side's text value is a date (a recorded side has no as_of).
        return humanize.qualified_date(qualifier, value)
    return "" if value is None else str(value)


def side_text(side: dict[str, Any]) -> str:
    """``≈ EUR 850 M [cci-normandie · press, 30 Mar 2022]``: a side as a person reads it, with its
    source's kind when the file states one."""
    shown = side_value(side)
    source, kind = side.get("source"), side.get("source_kind")
    if source and kind and kind != "not-stated":
        source = f"{source} · {kind}"
    where = [x for x in (source, humanize.date(side.get("as_of"))) if x]
    return f"{shown} [{', '.join(where)}]" if where else shown


def sides_text(row: Row) -> str:
    return "; ".join(side_text(side) for side in row.get("sides") or ())


#: One side of a disagreement, as a terminal table draws it on a line of its own under its
#: conflict or discrepancy (``Listing.subrows``): the value with its qualifier (and scope), who
#: said it, of what kind, and when.
SIDES = Listing(
    "sides",
    "Each side of a disagreement.",
    (
        Field("value", "text", "the value with its qualifier and unit (and scope)",
              lambda s: side_value(s) + (f" ({s['scope']})" if s.get("scope") else ""), prose=True),
        Field("source", "id", "who says so"),
        Field("source_kind", "text", "the kind of source (press, government, company, ...); blank when the file "
              "does not state it", lambda s: "" if s.get("source_kind") in (None, "not-stated") else s["source_kind"]),
        as_of_field(),
        Field("note", "text", "a remark", prose=True),
    ),
    ("value", "source", "source_kind", "as_of", "note"),
    priority=("value", "source", "as_of", "source_kind", "note"),
)


def humanize_value(row: Row) -> str:
    value = row.get("value")
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if row.get("field") in ("date", "published") or row.get("section") in ("dates", "milestones"):
        return humanize.qualified_date(row.get("qualifier"), str(value))
    return str(value)
