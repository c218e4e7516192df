"""Finding an entity from what a person typed: its id or name, loosely matched, with
suggestions when nothing matches. Standard library only."""

from __future__ import annotations

from collections.abc import Iterable

from . import model as m
from .errors import UsageError
from .text import fold, suggest


def resolve_id(book: m.FactBook, wanted: str, kinds: Iterable[type]) -> str:
    """An id of one of the given kinds, matched case- and accent-insensitively; else a UsageError."""
    candidates = [item.id for _, item in book.entities() if isinstance(item, tuple(kinds))]
    for cid in candidates:
        if fold(cid) == fold(wanted):
            return cid
    raise UsageError(f"unknown id {wanted!r}{suggest(wanted, candidates)}; known: {', '.join(candidates)}")


def resolve_any(book: m.FactBook, wanted: str) -> str:
    """An entity's id from its id or its name (case- and accent-insensitive)."""
    index = book.index()
    if wanted in index:
        return wanted
    for _, item in book.entities():
        if fold(item.id) == fold(wanted) or fold(getattr(item, "name", "") or "") == fold(wanted):
            return item.id
    raise UsageError(f"unknown id {wanted!r}{suggest(wanted, index)}")
