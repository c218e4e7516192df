"""Finding an entity from what a person typed: its id or name, loosely matched, with
suggestions when nothing matches. Standard library only."""

from __future__ import annotations

from collections.abc import Iterable

from .. import model as m
from ..errors import UsageError
from ..text import closest, fold, pick, suggest


def resolve_id(book: m.FactBook, wanted: str, kinds: Iterable[str], command: str, loose: bool = False) -> str:
    """An id (or an organisation's name) of one of the given kinds, matched case- and
    accent-insensitively. An id of another kind, or none, is a UsageError that says so.

    ``loose``: else, by the filters' rule (``text.pick``), the one id or name of those kinds
    that begins with it, or has a word that does; several are an error that names them."""
    kinds = tuple(kinds)
    candidates = [item.id for kind, item in book.entities() if kind in kinds]
    for cid in candidates:
        if fold(cid) == fold(wanted):
            return cid
    for kind, item in book.entities():
        if fold(item.id) == fold(wanted) or fold(getattr(item, "name", "") or "") == fold(wanted):
            if kind in kinds:
                return item.id
            raise UsageError(f"{item.id} is {_article(kind)} {kind}; {command} takes {_either(kinds)}")
    hint = f"hint: {command} takes {_either(kinds)}; `normandie search TEXT` finds ids"
    if not loose:
        raise UsageError(f"unknown id {wanted!r}{suggest(wanted, candidates)}", hint)
    named, could = pick(wanted, {item.id: (item.id, getattr(item, "name", "") or "")
                                 for kind, item in book.entities() if kind in kinds})
    if len(named) == 1:
        return named[0]
    if could:
        raise UsageError(f"{command}: {wanted!r} could be {', '.join(could[:8])}{', ...' if len(could) > 8 else ''}: "
                         "give more of it", hint)
    close = closest(wanted, candidates)
    raise UsageError(f"unknown id {wanted!r}" + (f" (did you mean {' or '.join(close)}?)" if close else ""), hint)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _either(kinds: tuple[str, ...]) -> str:
    named = [f"{_article(kind)} {kind}" for kind in kinds]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]


def resolve_any(book: m.FactBook, wanted: str) -> str:
    """An entity's id from its id or its name (case- and accent-insensitive)."""
    index = book.index()
    if wanted in index:
        return wanted
    for _, item in book.entities():
        if fold(item.id) == fold(wanted) or fold(getattr(item, "name", "") or "") == fold(wanted):
            return item.id
    raise UsageError(f"unknown id {wanted!r}{suggest(wanted, index)}",
                     "hint: `normandie search TEXT` finds ids")
