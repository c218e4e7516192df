"""Read a fact file into the model: YAML events, checked key by key, into immutable records.

The file is read from PyYAML's event stream (``CSafeLoader``'s C parser when PyYAML has its C
extension) and composed into nodes one record at a time (:class:`Events`), never the whole
document at once and never constructed by PyYAML: every scalar is read from the text the
author wrote, so YAML 1.1's implicit typing (``NO`` as false, ``0755`` as an octal number,
``2023-03-14`` as a date) never leaks into a fact. Each value is checked against the type its
key expects, and an error names the file, the line and the column. ``yaml`` is imported only
when a file is read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import model as m
from ..dates import UNKNOWN_DATE, DateFormatError, PartialDate, parse_date
from ..errors import DataError
from ..memory import gc_paused
from ..text import CONTROL, control_name
from .events import (
    BOOL,
    FLOAT,
    INT,
    MAP,
    NULL,
    PLAIN_TAGS,
    SEQ,
    STR,
    TAG_NAMES,
    TIMESTAMP,
    Events,
    Sink,
    Splitter,
    check_depth,
    skip_bom,
)
from .files import DEFAULT_MAX_SIZE, resolve_data_path, scan_file

FORMAT_TAG = "normandie-facts/1"


# Patterns are compiled on first use (re caches them), not at start-up. Public: the JSON Schema
# of the fact file says the same.
#: An id: lower-case letters, digits and hyphens.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
#: A decimal number, as a figure's value may be written.
DECIMAL_PATTERN = r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$"
#: A fraction (``1/3``).
FRACTION_PATTERN = r"^([0-9]+)/([1-9][0-9]*)$"


def read_facts(
    path: str | os.PathLike[str] | None = None, max_size: int = DEFAULT_MAX_SIZE
) -> tuple[m.FactBook, list[DataError]]:
    """Load a fact file, collecting every record-level problem instead of stopping at the first.

    A file that cannot be read or parsed as YAML at all still raises :class:`DataError`.
    Records with problems are left out of the returned book.
    """
    file = resolve_data_path(path)
    sections: dict[str, list[Any]] = {section.name: [] for section in m.SECTIONS}
    problems = stream_facts(file, lambda name, record: sections[name].append(record), max_size)
    return m.FactBook(path=str(file), **{name: tuple(records) for name, records in sections.items()}), problems


def stream_facts(path: Path, sink: Sink, max_size: int = DEFAULT_MAX_SIZE,
                 splitter: Splitter | None = None) -> list[DataError]:
    """Read a fact file record by record, giving each good record to ``sink`` as it is read,
    and return the record-level problems (a bad record is not given). Memory is bounded by a
    record, not by the file: the file is read from disk as it is parsed, never held whole.

    Each section's records come in file order; the sections come in file order, except those
    that cannot be read as they stream (a section before ``sources``, whose claims need the
    sources' dates; anything that is not a plain list), which come at the end, in the order of
    ``model.SECTIONS``. A file that cannot be read or parsed at all raises :class:`DataError`,
    as does a top-level problem (found after the records before it were given).

    With a ``splitter``, a file without anchors, tags or line breaks other than ``\\n`` may
    be read in two: see :class:`Splitter`; the records and errors are the same."""
    scan = scan_file(path, max_size)
    name = str(path)
    check_depth(name, path, scan)
    with gc_paused(), open(path, "rb") as handle:
        skip_bom(handle)
        reader = RecordReader(name, scan.marks)
        events = Events(name, handle)
        if not scan.marks and scan.lf_only:
            events.splitter = splitter
        try:
            root, streamed = events.read_document(reader, sink)  # a YAML error anywhere is raised here
        finally:
            events.dispose()
        try:
            book = reader.read_book(root, streamed)
        except DataError:
            events.refuse_aliases()  # the real reason, wherever the first error was found
            raise
        if reader.problems:
            events.refuse_aliases()
        for section in m.SECTIONS:
            if section.name not in streamed:
                for record in getattr(book, section.name):
                    sink(section.name, record)
    return reader.problems


class RecordReader:
    """Turns YAML nodes into model records, checking each key's type."""

    def __init__(self, path: str, marks: bool = True) -> None:
        self.path = path
        #: Added to the parser's line numbers (a reader of the end of a split file).
        self.line_offset = 0
        self.problems: list[DataError] = []
        self.published: dict[str, PartialDate] = {}
        self._specs: dict[str, Any] = {}
        self._id_match = re.compile(ID_PATTERN).match
        # Without "&" there is no anchor, so no alias; without "!" no explicit tag: a file
        # with neither (``marks`` false: a large register, typically) skips the per-node
        # checks for both.
        if not marks:
            self._visit = self._visit_nothing  # type: ignore[method-assign]

    def _spec(self, name: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The key-to-reader table of a kind of record, built once per file."""
        spec = self._specs.get(name)
        if spec is None:
            spec = self._specs[name] = build()
        return spec

    @staticmethod
    def _visit_nothing(node: Any) -> None:
        return None

    # -- errors and node access --------------------------------------------------------

    def error(self, node: Any, message: str) -> DataError:
        mark = node.start_mark
        return DataError(self.path, message, mark.line + 1 + self.line_offset, mark.column + 1)

    def line(self, node: Any) -> int:
        """The 1-based line where ``node`` starts."""
        return node.start_mark.line + 1 + self.line_offset  # type: ignore[no-any-return]

    def _visit(self, node: Any) -> None:
        if getattr(node, "seen", False):  # the same node met twice: through an alias
            raise self.error(node, "YAML aliases (*name) are not allowed in a fact file; write the value out")
        node.seen = True
        if node.tag not in PLAIN_TAGS:
            raise self.error(node, f"the tag {node.tag!r} is not allowed in a fact file")

    def mapping(self, node: Any, what: str) -> dict[str, Any]:
        self._visit(node)
        if node.tag != MAP:
            raise self.error(node, f"{what} must be a mapping of keys to values, not {self.describe(node)}")
        out: dict[str, Any] = {}
        keys: dict[str, Any] = {}
        for key_node, value_node in node.value:
            self._visit(key_node)
            if key_node.tag != STR:
                raise self.error(key_node, f"keys must be text, not {self.describe(key_node)}")
            key = key_node.value
            if key in out:
                first = self.line(keys[key])
                raise self.error(
                    key_node, f"duplicate key {key!r} (first at line {first}); one of the values would be lost"
                )
            out[key] = value_node
            keys[key] = key_node
        return out

    def sequence(self, node: Any, what: str) -> list[Any]:
        self._visit(node)
        if node.tag != SEQ:
            raise self.error(node, f"{what} must be a list, not {self.describe(node)}")
        return list(node.value)

    @staticmethod
    def describe(node: Any) -> str:
        if node.tag == MAP:
            return "a mapping"
        if node.tag == SEQ:
            return "a list"
        if node.tag == STR:
            return f"the text {node.value!r}"
        return f"{TAG_NAMES.get(node.tag, node.tag)} ({node.value!r})"

    # -- scalar kinds --------------------------------------------------------------------

    def text(self, node: Any, key: str) -> str:
        self._visit(node)
        if node.tag != STR:
            raise self.error(
                node, f"{key}: expected text, got {self.describe(node)}; put the value in quotes if it is text"
            )
        value = str(node.value)
        if not value.isprintable():  # fast path: most text is printable, and then has none of them
            control = re.search(CONTROL, value)
            if control is not None:
                raise self.error(node, f"{key}: {control_name(control.group())} is not allowed in a fact file's text "
                                 "(a terminal would act on it); write the text without it")
        return value

    def ident(self, node: Any, key: str) -> str:
        return self._check_id(node, key, self.text(node, key))

    def _check_id(self, node: Any, key: str, value: str) -> str:
        if not self._id_match(value):
            raise self.error(node, f"{key}: {value!r} is not an id (lower-case letters, digits and '-')")
        return value

    def date(self, node: Any, key: str) -> PartialDate:
        self._visit(node)
        if node.tag not in (STR, INT, TIMESTAMP):
            raise self.error(node, f"{key}: expected a date, got {self.describe(node)}")
        try:
            return parse_date(str(node.value))
        except DateFormatError as err:
            raise self.error(node, f"{key}: {err}") from None

    def boolean(self, node: Any, key: str) -> bool:
        self._visit(node)
        raw = str(node.value).lower()
        if node.tag != BOOL or raw not in ("true", "false"):
            raise self.error(node, f"{key}: expected true or false, got {self.describe(node)}")
        return raw == "true"

    def number(self, node: Any, key: str) -> tuple[int | float, str | None]:
        """A number from the text as written; a fraction ``"1/3"`` also gives its text."""
        self._visit(node)
        if node.tag not in (STR, INT, FLOAT):
            raise self.error(node, f"{key}: expected a number, got {self.describe(node)}")
        raw = str(node.value).strip()
        fraction = re.match(FRACTION_PATTERN, raw)
        if fraction:
            return int(fraction[1]) / int(fraction[2]), raw
        plain = raw.replace("_", "") if node.tag == INT else raw
        if not re.match(DECIMAL_PATTERN, plain):
            raise self.error(
                node,
                f"{key}: {raw!r} is not a plain decimal number (write 1500, 1500.5, 6.0e9 or 1/3;"
                " no leading zeros, no 1:30)",
            )
        if re.fullmatch(r"[-+]?[0-9]+", plain):
            return int(plain), None
        value = float(plain)
        if value.is_integer() and abs(value) < 2**63:
            return int(value), None
        return value, None

    def enum(self, node: Any, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(node, key)
        if value not in choices:
            raise self.error(node, f"{key}: {value!r} is not one of {', '.join(choices)}")
        return value

    # -- records -------------------------------------------------------------------------

    def record(
        self, node: Any, what: str, spec: dict[str, Callable[[Any, str], Any]], required: set[str]
    ) -> dict[str, Any]:
        fields = self.mapping(node, what)
        out: dict[str, Any] = {}
        for key, value_node in fields.items():
            if key not in spec:
                raise self.error(value_node, f"{what}: unknown key {key!r} (known: {', '.join(spec)})")
            if value_node.tag == NULL and key not in required:
                self._visit(value_node)
                continue
            out[key] = spec[key](value_node, key)
        if not required <= out.keys():
            missing = [key for key in spec if key in required and key not in out]
            raise self.error(node, f"{what}: missing {', '.join(repr(k) for k in missing)}")
        return out

    def records(self, node: Any, key: str, read_one: Callable[[Any], Any]) -> tuple[Any, ...]:
        items = []
        for item in self.sequence(node, key):
            try:
                items.append(read_one(item))
            except DataError as err:
                self.problems.append(err)
        return tuple(items)

    def list_of(self, kind: Callable[[Any, str], Any]) -> Callable[[Any, str], tuple[Any, ...]]:
        def read(node: Any, key: str) -> tuple[Any, ...]:
            return tuple(kind(item, key) for item in self.sequence(node, key))

        return read

    def enum_of(self, choices: tuple[str, ...]) -> Callable[[Any, str], str]:
        return lambda node, key: self.enum(node, key, choices)

    def as_of(self, fields: dict[str, Any]) -> PartialDate:
        if "as_of" in fields:
            return fields.pop("as_of")  # type: ignore[no-any-return]
        return self.published.get(fields.get("source", ""), UNKNOWN_DATE)

    # -- the sections --------------------------------------------------------------------

    def read_book(self, root: Any, streamed: dict[str, tuple[Any, ...]] | None = None) -> m.FactBook:
        """The book from the document's root; ``streamed``: the sections already read record by
        record as the document streamed (their nodes in ``root`` are empty)."""
        streamed = streamed or {}
        top = self.mapping(root, "the fact file")
        known = {"format"} | {section.name for section in m.SECTIONS}
        for key, value in top.items():
            if key not in known:
                raise self.error(value, f"unknown top-level key {key!r} (known: {', '.join(sorted(known))})")
        if "format" in top:
            tag = self.text(top["format"], "format")
            if tag != FORMAT_TAG:
                raise self.error(top["format"], f"format {tag!r} is not supported (expected {FORMAT_TAG!r})")
        if "sources" not in top:
            raise self.error(root, "the fact file has no 'sources' list; every fact needs a source")
        sections: dict[str, tuple[Any, ...]] = {}
        for section in m.SECTIONS:  # sources first: claims take their as-of from them
            if section.name in streamed:
                self.sequence(top[section.name], section.name)  # its node: checked as any other
                sections[section.name] = streamed[section.name]
            elif section.name in top:
                # Each kind of record is read by the method of its kind's name (source, place, ...).
                sections[section.name] = self.records(top[section.name], section.name, getattr(self, section.kind))
        return m.FactBook(path=self.path, **sections)

    def citations(self, node: Any, key: str) -> tuple[m.Citation, ...]:
        spec = self._spec("citation", lambda: {"source": self.ident, "quote": self.text, "note": self.text})
        return tuple(
            m.Citation(**self.record(item, "a citation", spec, {"source"})) for item in self.sequence(node, key)
        )

    def source(self, node: Any) -> m.Source:
        spec = self._spec("source", lambda: {
            "id": self.ident, "title": self.text, "description": self.text, "publisher": self.text, "url": self.text,
            "published": self.date, "published_inferred": self.boolean, "published_note": self.text,
            "language": self.text, "primary": self.boolean, "reference": self.boolean, "text": self.text,
            "kind": self.enum_of(m.SOURCE_KINDS), "outlet": self.text, "via": self.text,
        })
        fields = self.record(node, "a source", spec, {"id", "publisher", "published", "language"})
        self.published[fields["id"]] = fields["published"]
        return m.Source(**fields, line=self.line(node))

    def place(self, node: Any) -> m.Place:
        spec = self._spec("place", lambda: {
            "id": self.ident, "name": self.text, "kind": self.text, "department": self.text,
            "region": self.text, "country": self.text, "cite": self.citations,
        })
        fields = self.record(node, "a place", spec, {"id", "name", "kind", "country", "cite"})
        return m.Place(**fields, line=self.line(node))

    def town(self, node: Any, key: str) -> str | None:
        value = self.text(node, key)
        if value == m.NOT_STATED:
            return None
        return self._check_id(node, key, value)

    def organisation(self, node: Any) -> m.Organisation:
        spec = self._spec("organisation", lambda: {
            "id": self.ident, "name": self.text, "kind": self.enum_of(m.ORGANISATION_KINDS),
            "town": self.town, "roles": self.list_of(self.ident), "parent": self.ident,
            "description": self.text, "sites": self.locations, "seats": self.locations, "cite": self.citations,
        })
        fields = self.record(node, "an organisation", spec, {"id", "name", "kind", "town", "cite"})
        return m.Organisation(**fields, line=self.line(node))

    def person(self, node: Any) -> m.Person:
        def aliases(value: Any, key: str) -> tuple[m.AlsoKnownAs, ...]:
            spec = self._spec("also_known_as", lambda: {"name": self.text, "source": self.ident})
            return tuple(
                m.AlsoKnownAs(**self.record(item, "also_known_as", spec, {"name", "source"}))
                for item in self.sequence(value, key)
            )

        def titles(value: Any, key: str) -> tuple[m.TitleClaim, ...]:
            spec = self._spec("title_claim", lambda: {
                "value": self.text, "source": self.ident, "as_of": self.date, "organisation": self.ident,
                "quote": self.text, "note": self.text,
            })
            out = []
            for item in self.sequence(value, key):
                fields = self.record(item, "a title claim", spec, {"value", "source"})
                out.append(m.TitleClaim(as_of=self.as_of(fields), **fields))
            return tuple(out)

        spec = self._spec("person", lambda: {
            "id": self.ident, "name": self.text, "role": self.text, "organisation": self.ident,
            "also_known_as": aliases, "titles": titles, "cite": self.citations,
        })
        fields = self.record(node, "a person", spec, {"id", "name", "cite"})
        return m.Person(**fields, line=self.line(node))

    def event(self, node: Any) -> m.Event:
        def date_claims(value: Any, key: str) -> tuple[m.DateClaim, ...]:
            spec = self._spec("date_claim", lambda: {
                "date": self.date, "source": self.ident, "quote": self.text, "note": self.text, "as_of": self.date,
            })
            out = []
            for item in self.sequence(value, key):
                fields = self.record(item, "a date claim", spec, {"date", "source"})
                out.append(m.DateClaim(as_of=self.as_of(fields), **fields))
            return tuple(out)

        spec = self._spec("event", lambda: {
            "id": self.ident, "name": self.text, "kind": self.text, "part_of": self.ident,
            "status": self.statuses, "dates": date_claims, "places": self.list_of(self.ident),
            "participants": self.list_of(self.ident), "cite": self.citations,
        })
        fields = self.record(node, "an event", spec, {"id", "name", "kind", "cite"})
        return m.Event(**fields, line=self.line(node))

    def statuses(self, value: Any, key: str) -> tuple[m.StatusClaim, ...]:
        spec = self._spec("status_claim", lambda: {
            "value": self.enum_of(m.STATUSES), "source": self.ident, "as_of": self.date,
            "quote": self.text, "note": self.text,
        })
        out = []
        for item in self.sequence(value, key):
            fields = self.record(item, "a status claim", spec, {"value", "source"})
            out.append(m.StatusClaim(as_of=self.as_of(fields), **fields))
        return tuple(out)

    def locations(self, value: Any, key: str) -> tuple[m.Location, ...]:
        """A project's ``locations`` or an organisation's ``sites``."""
        spec = self._spec("location", lambda: {
            "place": self.ident, "source": self.ident, "quote": self.text, "note": self.text,
        })
        return tuple(
            m.Location(**self.record(item, "a location", spec, {"place", "source"}))
            for item in self.sequence(value, key)
        )

    def project(self, node: Any) -> m.Project:
        def follows(value: Any, key: str) -> tuple[m.Follows, ...]:
            spec = self._spec("follows", lambda: {
                "project": self.ident, "source": self.ident, "quote": self.text, "note": self.text,
            })
            return tuple(
                m.Follows(**self.record(item, "a follows claim", spec, {"project", "source"}))
                for item in self.sequence(value, key)
            )

        spec = self._spec("project", lambda: {
            "id": self.ident, "name": self.text, "owner": self.ident, "kind": self.text,
            "locations": self.locations, "status": self.statuses, "follows": follows, "cite": self.citations,
        })
        fields = self.record(node, "a project", spec, {"id", "name", "owner", "cite"})
        return m.Project(**fields, line=self.line(node))

    def figure(self, node: Any) -> m.Figure:
        spec = self._spec("figure", lambda: {
            "id": self.ident, "subject": self.ident, "measure": self.ident, "value": self.number,
            "unit": self.text, "qualifier": self.enum_of(m.QUALIFIERS), "planned": self.boolean,
            "period": self.date, "date_qualifier": self.enum_of(m.DATE_QUALIFIERS), "scope": self.text,
            "as_of": self.date, "source": self.ident, "quote": self.text, "note": self.text,
            "revises": self.ident,
        })
        required = {"id", "subject", "measure", "value", "unit", "qualifier", "source"}
        fields = self.record(node, "a figure", spec, required)
        value, value_text = fields.pop("value")
        return m.Figure(
            value=value, value_text=value_text, as_of=self.as_of(fields), **fields, line=self.line(node)
        )

    def milestone(self, node: Any) -> m.Milestone:
        spec = self._spec("milestone", lambda: {
            "id": self.ident, "subject": self.ident, "what": self.ident, "date": self.date,
            "date_qualifier": self.enum_of(m.DATE_QUALIFIERS), "planned": self.boolean, "scope": self.text,
            "as_of": self.date, "source": self.ident, "quote": self.text, "note": self.text,
            "revises": self.ident, "outcome": self.text,
        })
        fields = self.record(node, "a milestone", spec, {"id", "subject", "what", "date", "source"})
        return m.Milestone(as_of=self.as_of(fields), **fields, line=self.line(node))

    def statement(self, node: Any) -> m.Statement:
        spec = self._spec("statement", lambda: {
            "id": self.ident, "subject": self.ident, "topic": self.ident, "text": self.text,
            "as_of": self.date, "source": self.ident, "quote": self.text, "note": self.text,
        })
        fields = self.record(node, "a statement", spec, {"id", "subject", "topic", "text", "source"})
        return m.Statement(as_of=self.as_of(fields), **fields, line=self.line(node))

    def discrepancy(self, node: Any) -> m.Discrepancy:
        def sides(value: Any, key: str) -> tuple[m.Side, ...]:
            spec = self._spec("side", lambda: {
                "value": self.text, "source": self.ident, "quote": self.text, "note": self.text,
            })
            return tuple(
                m.Side(**self.record(item, "a side", spec, {"value", "source"})) for item in self.sequence(value, key)
            )

        spec = self._spec("discrepancy", lambda: {
            "id": self.ident, "subject": self.ident, "about": self.text,
            "kind": self.enum_of(m.DISCREPANCY_KINDS), "sides": sides, "note": self.text,
        })
        fields = self.record(node, "a discrepancy", spec, {"id", "subject", "about", "kind", "sides"})
        return m.Discrepancy(**fields, line=self.line(node))
