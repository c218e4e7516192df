"""How a value reads to a person at a terminal (standard library only).

Machine formats never go through here: they print the exact value and its qualifier as
separate fields.
"""

from __future__ import annotations

from .dates import parse_date

QUALIFIER_SIGNS = {"exact": "", "about": "≈ ", "more-than": "> ", "at-least": "≥ ", "up-to": "≤ "}
_MONEY = {"EUR", "USD"}


def number(value: int | float) -> str:
    """``1500`` → ``1,500``; ``0.5`` → ``0.5``."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.10g}" if abs(value) >= 1000 else f"{value:.10g}"
    return f"{int(value):,}"


def amount(value: int | float, unit: str | None) -> str:
    """A value with its unit: money in M or bn (``EUR 1 bn``, ``EUR 850 M``), others as is."""
    if unit in _MONEY and abs(value) >= 1_000_000:
        if abs(value) >= 1_000_000_000:
            return f"{unit} {value / 1e9:,.10g} bn"
        return f"{unit} {value / 1e6:,.10g} M"
    if unit in ("share",) and isinstance(value, float):
        return f"{value:.10g}"
    text = number(value)
    if unit in (None, "", "jobs", "rank", "companies", "people"):
        return text
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}"


def compact(value: int | float) -> str:
    """A difference as a person says it: ``150 M``, ``1.15 bn``, ``350``."""
    if abs(value) >= 1_000_000_000:
        return f"{value / 1e9:,.10g} bn"
    if abs(value) >= 1_000_000:
        return f"{value / 1e6:,.10g} M"
    return number(value)


def quantity(value: int | float | None, qualifier: str | None, unit: str | None = None, text: str | None = None) -> str:
    """``about`` 1500 jobs → ``≈ 1,500``; ``more-than`` 1e9 EUR → ``> EUR 1 bn``."""
    if value is None:
        return ""
    shown = text if text else amount(value, unit)
    if text and unit and unit not in ("share",):
        shown = f"{text} {unit}"
    return QUALIFIER_SIGNS.get(qualifier or "exact", f"{qualifier} ") + shown


def date(text: str | None) -> str:
    """An ISO date of any precision as a person reads it: ``14–19 Mar 2023``."""
    if not text:
        return ""
    return parse_date(text).human()


def qualified_date(qualifier: str | None, text: str | None) -> str:
    """A date with its qualifier as a person reads it: ``about 2025``, ``end of 2022``,
    ``during 14–19 Mar 2023``; ``exact`` says nothing. Text that is not a date is kept."""
    if not text:
        return ""
    try:
        shown = date(text)
    except ValueError:
        shown = text
    if qualifier and qualifier != "exact":
        return f"{qualifier.replace('-', ' ')} {shown}"
    return shown
