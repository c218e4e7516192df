"""Text as people type it: folding (case, accents, hyphens), suggestions and match spans.
Standard library only."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: What separates words when folding (compiled on first use).
SEPARATORS = r"[\s\-_'’.]+"


def fold(text: str) -> str:
    """Case-, accent- and hyphen-insensitive form: ``Hérouville-Saint-Clair`` → ``herouville saint clair``."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(SEPARATORS, " ", bare.casefold()).strip()


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest choice, or an empty string."""
    import difflib

    choices = list(choices)
    folded = fold(word)
    close = [c for c in choices if folded and folded in fold(c)][:3]
    close = close or difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def match_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``text``, matched as :func:`fold` does, as spans of ``text``."""
    import unicodedata

    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).casefold()
        if re.fullmatch(SEPARATORS, char):
            bare = " "
        for piece in bare:
            folded.append(piece)
            origin.append(index)
    haystack, target = "".join(folded), fold(needle)
    spans, start = [], haystack.find(target) if target else -1
    while start != -1:
        end = start + len(target)
        spans.append((origin[start], origin[end - 1] + 1))
        start = haystack.find(target, end)
    return spans
