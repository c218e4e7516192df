"""Checks a loaded fact book: every reference resolves, ids are unique, quotes are real.

Each check returns a list of problems (``DataError`` with the file and line); nothing here
prints or exits. Standard library only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from . import model as m
from .errors import DataError
from .loader import read_facts

_SPACE = r"\s+"  # compiled on first use
_PUNCT = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "«": '"', "»": '"', "“": '"', "”": '"', "\u00a0": " "})


def normalise_quote(text: str) -> str:
    """Text as quotes are compared: NFC, one kind of apostrophe and quote mark, single spaces."""
    import unicodedata

    return re.sub(_SPACE, " ", unicodedata.normalize("NFC", text).translate(_PUNCT)).strip()


def _sourced(book: m.FactBook) -> Iterator[tuple[m.Entity, str, str | None, str]]:
    """Every (record, source id, quote, what) in the book: citations and claims alike."""
    for _, item in book.entities():
        if isinstance(item, m.Source):
            continue
        for cite in getattr(item, "cite", ()):
            yield item, cite.source, cite.quote, "citation"
        if isinstance(item, (m.Figure, m.Milestone, m.Statement)):
            yield item, item.source, item.quote, "claim"
        elif isinstance(item, m.Event):
            for claim in item.dates:
                yield item, claim.source, claim.quote, "date claim"
            for status in item.status:
                yield item, status.source, status.quote, "status claim"
        elif isinstance(item, m.Project):
            for loc in item.locations:
                yield item, loc.source, loc.quote, "location"
            for status in item.status:
                yield item, status.source, status.quote, "status claim"
        elif isinstance(item, m.Organisation):
            for site in item.sites:
                yield item, site.source, site.quote, "site"
        elif isinstance(item, m.Person):
            for alias in item.also_known_as:
                yield item, alias.source, None, "also_known_as"
        elif isinstance(item, m.Discrepancy):
            for side in item.sides:
                yield item, side.source, side.quote, "side"


def facts_per_source(book: m.FactBook) -> dict[str, int]:
    """How many citations and claims name each source id."""
    counts: dict[str, int] = {source.id: 0 for source in book.sources}
    for _, source, _, _ in _sourced(book):
        counts[source] = counts.get(source, 0) + 1
    return counts


def _problem(book: m.FactBook, item: m.Entity, message: str) -> DataError:
    return DataError(book.path, f"{item.id}: {message}", item.line or None)


def check_references(book: m.FactBook) -> list[DataError]:
    """Duplicate ids and references to ids that do not exist (or are of the wrong kind)."""
    problems: list[DataError] = []
    kinds: dict[str, str] = {}
    for kind, item in book.entities():
        if item.id in kinds:
            article = "an" if kinds[item.id][0] in "aeiou" else "a"
            problems.append(_problem(book, item, f"duplicate id (already used by {article} {kinds[item.id]})"))
        else:
            kinds[item.id] = kind

    def expect(item: m.Entity, key: str, ref: str | None, *wanted: str) -> None:
        if ref is None:
            return
        found = kinds.get(ref)
        if found is None:
            problems.append(_problem(book, item, f"{key}: unknown id {ref!r}"))
        elif wanted and found not in wanted:
            problems.append(_problem(book, item, f"{key}: {ref!r} is a {found}, expected a {' or '.join(wanted)}"))

    for item, source, _, what in _sourced(book):
        expect(item, f"{what} source", source, "source")
    for org in book.organisations:
        expect(org, "town", org.town, "place")
        expect(org, "parent", org.parent, "organisation")
        for site in org.sites:
            expect(org, "site", site.place, "place")
    for person in book.people:
        expect(person, "organisation", person.organisation, "organisation")
    for event in book.events:
        expect(event, "part_of", event.part_of, "event")
        for place in event.places:
            expect(event, "places", place, "place")
        for participant in event.participants:
            expect(event, "participants", participant, "organisation", "person")
    for project in book.projects:
        expect(project, "owner", project.owner, "organisation")
        for loc in project.locations:
            expect(project, "location", loc.place, "place")
    subjects = ("place", "organisation", "person", "event", "project")
    for claim in (*book.figures, *book.milestones, *book.statements, *book.discrepancies):
        expect(claim, "subject", claim.subject, *subjects)
    return problems


def check_quotes(book: m.FactBook) -> list[DataError]:
    """Quotes must occur in their source's text (when the text file is there); claims from a
    primary source must carry a quote."""
    problems: list[DataError] = []
    sources = {source.id: source for source in book.sources}
    texts: dict[str, str | None] = {}
    base = Path(book.path).parent
    for source in book.sources:
        texts[source.id] = None
        if source.text:
            try:
                texts[source.id] = normalise_quote((base / source.text).read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                problems.append(
                    DataError(book.path, f"{source.id}: text file {source.text!r} cannot be read", source.line or None)
                )
    for item, source_id, quote, what in _sourced(book):
        source = sources.get(source_id)
        if source is None or what == "also_known_as":
            continue
        if quote is None:
            if source.primary:
                problems.append(_problem(book, item, f"{what} from the primary source {source_id!r} has no quote"))
            continue
        text = texts.get(source_id)
        if text is not None and normalise_quote(quote) not in text:
            problems.append(_problem(book, item, f"quote not found in {source_id!r}: {quote!r}"))
    return problems


def validate_file(
    path: str | os.PathLike[str] | None = None, max_size: int | None = None
) -> tuple[m.FactBook, list[DataError]]:
    """Every problem in a fact file, in file order. Raises DataError only when it cannot be read."""
    book, problems = read_facts(path) if max_size is None else read_facts(path, max_size)
    problems = problems + check_references(book) + check_quotes(book)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return book, problems
