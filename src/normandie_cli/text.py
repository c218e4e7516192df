"""Text as people type it: folding (case, accents, hyphens), the filters' matching rule,
suggestions and match spans.
Standard library only."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

#: The one control-character table (character-class ranges). What a terminal would act on rather
#: than show: C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides
#: and isolates that reorder what is seen. A fact file's text may not hold them
#: (``loading.reader``); what is printed for a person shows them as escapes (``render.cells``).
CONTROL_RANGES = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
#: The left-to-right and right-to-left marks: allowed in a fact file's text (they do not
#: reorder others), yet shown as escapes too, so that a person sees them.
MARK_RANGES = "\u200e\u200f"
#: A regular expression of one character a fact file may not hold.
CONTROL = f"[{CONTROL_RANGES}]"
#: A regular expression of one character shown as an escape: the controls and the marks.
SHOWN_ESCAPED = f"[{CONTROL_RANGES}{MARK_RANGES}]"

def control_name(char: str) -> str:
    """``U+001B (ESCAPE)``: a character by its code point and, when it has one, its name."""
    import unicodedata

    code = ord(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(code) or (
        "a C0 control character" if code < 0x20 else "a C1 control character")
    return f"U+{code:04X} ({name})"


_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED",
                  0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE",
                  0x9B: "CONTROL SEQUENCE INTRODUCER", 0x9D: "OPERATING SYSTEM COMMAND"}


#: What separates words when folding (compiled on first use).
SEPARATORS = r"[\s\-_'’.]+"


class _FoldTable(dict[int, str]):
    """``str.translate`` table of the fold's per-character steps (NFKD, combining marks dropped,
    casefold), filled as characters are met."""

    def __missing__(self, code: int) -> str:
        import unicodedata

        decomposed = unicodedata.normalize("NFKD", chr(code))
        value = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
        self[code] = value
        return value


_FOLD = _FoldTable()
_SEPARATE: list[Callable[[str, str], str]] = []  # SEPARATORS compiled, on first use


def fold(text: str) -> str:
    """Case-, accent- and hyphen-insensitive form: ``Hérouville-Saint-Clair`` → ``herouville saint clair``.

    NFKD, combining marks dropped, casefold, each run of separators one space, stripped. Every
    step but the last works character by character, so a translation table does them (fast on
    the millions of texts a store is built from); the marks NFKD reorders are the combining
    ones, which are all dropped. ASCII needs neither decomposition nor marks dropped, and its
    casefold is its lower case."""
    if not _SEPARATE:
        _SEPARATE.append(re.compile(SEPARATORS).sub)
    return _SEPARATE[0](" ", text.lower() if text.isascii() else text.translate(_FOLD)).strip()


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest choice, or an empty string."""
    import difflib

    choices = list(choices)
    folded = fold(word)
    close = [c for c in choices if folded and folded in fold(c)][:3]
    close = close or difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def pick(wanted: str, spellings: Mapping[str, Sequence[str]]) -> tuple[list[str], list[str]]:
    """The filters' one matching rule (``--town``, ``--department``, ``--role``, ``--project``):
    which keys ``wanted`` names, given each key's spellings (an id, a name), compared folded
    (case, accents, hyphens and other separators ignored):

    1. every key with a spelling equal to it;
    2. else the one key with a spelling that starts with it (``Herouville``);
    3. else the one key with a spelling in which a word starts with it (``saint clair``).

    Returns (the keys named, the keys it could mean): several keys at step 2 or 3 name none
    and are returned as what it could mean; nothing found returns two empty lists. An empty
    ``wanted`` names nothing."""
    target = fold(wanted)
    if not target:
        return [], []
    folded = {key: [fold(s) for s in spelled if s] for key, spelled in spellings.items()}
    exact = [key for key, texts in folded.items() if target in texts]
    if exact:
        return exact, []
    for found in ([key for key, texts in folded.items() if any(t.startswith(target) for t in texts)],
                  [key for key, texts in folded.items() if any(f" {target}" in t for t in texts)]):
        if len(found) == 1:
            return found, []
        if found:
            return [], found
    return [], []


def closest(wanted: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The choices ``wanted`` is most likely a misspelling of, closest first, compared folded as
    :func:`pick` does: each choice whole, and its beginnings about as long as ``wanted``, so that
    ``herouvile`` is close to ``Hérouville-Saint-Clair`` (not to ``Deauville``)."""
    import difflib

    target = fold(wanted)
    if not target:
        return []
    scored = []
    for index, choice in enumerate(dict.fromkeys(choices)):
        text = fold(choice)
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == " "]
        pieces = [text] + [text[i:i + n] for i in starts for n in (len(target) - 1, len(target), len(target) + 1)]
        score = max(difflib.SequenceMatcher(None, target, piece).ratio() for piece in pieces if piece)
        if score >= 0.75:
            scored.append((-score, index, choice))
    return [choice for _, _, choice in sorted(scored)[:limit]]


def match_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``text``, matched as :func:`fold` does, as spans of ``text``."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        bare = _FOLD[ord(char)]  # the fold's per-character steps
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
