"""Checks a loaded fact book: every reference resolves, ids are unique, quotes are real.

Each check returns a list of problems (``DataError`` with the file and line); nothing here
prints or exits. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .. import model as m
from ..errors import DataError

_SPACE = r"\s+"  # compiled on first use
_PUNCT = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "«": '"', "»": '"', "“": '"', "”": '"', "\u00a0": " "})


def normalise_quote(text: str) -> str:
    """Text as quotes are compared: NFC, one kind of apostrophe and quote mark, single spaces."""
    import unicodedata

    return re.sub(_SPACE, " ", unicodedata.normalize("NFC", text).translate(_PUNCT)).strip()


def _sourced(book: m.FactBook) -> Iterator[tuple[m.Entity, str, str | None, str]]:
    """Every (record, source id, quote, what) in the book: citations and claims alike."""
    for _, item in book.entities():
        for source, quote, what in item.cited():
            yield item, source, quote, what


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

    for _, item in book.entities():
        for source, _, what in item.cited():
            expect(item, f"{what} source", source, "source")
        for key, ref, wanted in item.refers():
            expect(item, key, ref, *wanted)
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
        found = sources.get(source_id)
        if found is None or what == "also_known_as":
            continue
        if quote is None:
            if found.primary:
                problems.append(_problem(book, item, f"{what} from the primary source {source_id!r} has no quote"))
            continue
        text = texts.get(source_id)
        if text is not None and normalise_quote(quote) not in text:
            problems.append(_problem(book, item, f"quote not found in {source_id!r}: {quote!r}"))
    return problems
