"""The output formats (``--format NAME``), declared once (standard library only); ``registry``
re-exports them."""

from __future__ import annotations

from .record import Record


class Format(Record):
    """One output format: its name (``--format NAME``), what it is, and the listings that offer
    it only (empty: every listing)."""

    name: str
    help: str
    only_for: tuple[str, ...] = ()
    #: The format this one is a variant of (the summary names only the others).
    variant_of: str | None = None


FORMATS: tuple[Format, ...] = (
    Format("table", "a table, for a person (the default at a terminal)"),
    Format("json", "a JSON list of objects"),
    Format("jsonl", "one JSON object per line", variant_of="json"),
    Format("csv", "comma-separated values (RFC 4180)"),
    Format("csv-excel", "csv that Excel opens with accents intact: UTF-8 with a byte-order mark",
           variant_of="csv"),
    Format("tsv", "tab-separated values (the default when piped)"),
    Format("yaml", "YAML"),
    Format("markdown", "a Markdown table"),
    Format("bibtex", "biblatex @online entries, for a bibliography", only_for=("sources",)),
    Format("csl-json", "CSL-JSON, for a reference manager", only_for=("sources",)),
)


def formats_for(listing: str) -> tuple[Format, ...]:
    """The formats a listing offers."""
    return tuple(f for f in FORMATS if not f.only_for or listing in f.only_for)
