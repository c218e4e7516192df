"""The listings about the program itself and between two books, rather than of one fact book:
``normandie fields``, ``normandie cache info`` and ``normandie diff``. Declared as the registry's
are (registry.py gathers them into LISTINGS); standard library only.
"""

from __future__ import annotations

from .columns import Field, Listing

FIELDS = Listing(
    "fields",
    "Each listing command's fields: what --fields, --sort and --where accept.",
    (
        Field("command", "text", "the command"),
        Field("field", "text", "the field's name, as in JSON"),
        Field("type", "text", "id, text, number, date, bool or list"),
        Field("description", "text", "what it holds", prose=True),
    ),
)


CACHE = Listing(
    "cache",
    "The parse cache's entries (normandie cache info).",
    (
        Field("entry", "text", "the cache file", prose=True),
        Field("fact_file", "text", "the fact file it is for", prose=True),
        Field("status", "text", "fresh (used), stale (the file changed: rebuilt on next use), file gone, "
              "other version (written by another normandie: never read), damaged (truncated, or SQLite "
              "cannot read it: rebuilt on next use), unreadable"),
        Field("size", "number", "bytes"),
        Field("directory", "text", "the cache directory", prose=True),
    ),
    ("fact_file", "status", "size", "entry"),
    priority=("fact_file", "status", "size", "entry", "directory"),
)


DIFF = Listing(
    "diff",
    "What changed between two fact books, record by record: added, removed, changed field by field.",
    (
        Field("change", "text", "added, removed or changed"),
        Field("kind", "text", "the kind of record: source, place, organisation, person, event, project, figure, "
              "milestone, statement or discrepancy"),
        Field("id", "id", "the record's id"),
        Field("subject", "id", "what it is about: a claim's subject, else the record's id"),
        Field("field", "text", "the field that changed (value, qualifier, as_of, source, ...); a claim in a list "
              "as the list's name (status, dates, seats, cite, ...), one of its fields as status.value; null "
              "for a whole record added or removed (a table shows its kind)", lambda r: r["field"] or r["kind"]),
        Field("old", "text", "the value in OLD (numbers stay numbers, dates are their text at their own "
              "precision); for a whole record or claim removed, what names it; null when added", prose=True),
        Field("new", "text", "the value in NEW, as old; null when removed", prose=True),
        Field("source", "id", "the source of the claim (a record's source as NEW states it); null for a record "
              "without one"),
        Field("as_of", "date", "when the claim was made, as NEW states it (OLD for a removed one)"),
    ),
    ("subject", "field", "old", "new", "source", "change"),
    # At 80 columns: the subject as a heading over its rows, then what changed, from what to what,
    # and who said it; whether it was added or removed reads from an empty old or new.
    priority=("subject", "field", "old", "new", "source", "change", "id", "kind", "as_of"),
    group="subject",
)
