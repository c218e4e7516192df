"""Dates of any precision: a year, a month, a day, a range, a day without a year, unknown.

A date keeps the text a source gave (``2026``, ``2023-03``, ``2023-03-14/2023-03-19``) and is
never padded into a false day. Ordering and comparison rules are in docs/facts-format.md.
Standard library only.
"""

from __future__ import annotations

import re

from .record import Record

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: Compiled on first use (re caches it): start-up pays for no pattern it does not use.
POINT_PATTERN = r"^(?:(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?|--(?P<ymonth>\d{2})-(?P<yday>\d{2}))$"

#: Precision names, from the coarsest.
YEAR, MONTH, DAY, RANGE, NO_YEAR, UNKNOWN = "year", "month", "day", "range", "day-no-year", "unknown"
_RANK = {YEAR: 0, MONTH: 1, DAY: 2}


class DateFormatError(ValueError):
    """The text is not a date in the fact-file syntax."""


class Point(Record):
    """One end of a date: year, month and day, the missing parts ``None``."""

    year: int | None
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        if self.year is None:
            return NO_YEAR
        if self.month is None:
            return YEAR
        return MONTH if self.day is None else DAY

    def text(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out

    def first(self) -> tuple[int, int, int]:
        """The first (year, month, day) the point covers; year 0 when it has none."""
        return (self.year or 0, self.month or 1, self.day or 1)

    def last(self) -> tuple[int, int, int]:
        """The last (year, month, day) the point covers: 31 Dec of a year, a month's last day."""
        month = self.month or 12
        return (self.year or 0, month, self.day or _month_length(self.year, month))

    def after(self) -> tuple[int, int, int]:
        """The (year, month, day) of the day after the last the point covers."""
        year, month, day = self.last()
        if day < _month_length(self.year, month):
            return (year, month, day + 1)
        return (year + 1, 1, 1) if month == 12 else (year, month + 1, 1)

    def human(self, with_year: bool = True) -> str:
        if self.month is None:
            return str(self.year)
        parts = []
        if self.day is not None:
            parts.append(str(self.day))
        parts.append(_MONTHS[self.month - 1])
        if with_year and self.year is not None:
            parts.append(str(self.year))
        return " ".join(parts)


def _parse_point(text: str) -> Point:
    match = re.match(POINT_PATTERN, text)
    if not match:
        raise DateFormatError(
            f"{text!r} is not a date: write YYYY, YYYY-MM, YYYY-MM-DD, --MM-DD, a range A/B, or 'unknown'"
        )
    if match["ymonth"]:
        point = Point(None, int(match["ymonth"]), int(match["yday"]))
    else:
        point = Point(
            int(match["year"]),
            int(match["month"]) if match["month"] else None,
            int(match["day"]) if match["day"] else None,
        )
    if point.month is not None and not 1 <= point.month <= 12:
        raise DateFormatError(f"{text!r}: month {point.month} is not 01 to 12")
    if point.day is not None:
        assert point.month is not None
        last = _DAYS_IN_MONTH[point.month - 1]
        if point.year is not None and point.month == 2 and not _is_leap(point.year):
            last = 28
        if not 1 <= point.day <= last:
            raise DateFormatError(f"{text!r}: day {point.day} does not exist in that month")
    return point


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_length(year: int | None, month: int) -> int:
    """Days in the month; February of an unknown year has 29 (the most it can have)."""
    if month == 2 and year is not None and not _is_leap(year):
        return 28
    return _DAYS_IN_MONTH[month - 1]


class PartialDate(Record):
    """A date at the precision its source gave. ``start`` is ``None`` only for unknown."""

    start: Point | None
    end: Point | None = None
    text: str = "unknown"

    @property
    def precision(self) -> str:
        if self.start is None:
            return UNKNOWN
        if self.end is not None:
            return RANGE
        return self.start.precision

    @property
    def known(self) -> bool:
        return self.start is not None

    @property
    def has_year(self) -> bool:
        return self.start is not None and self.start.year is not None

    def first_day(self) -> tuple[int, int, int] | None:
        """The earliest (year, month, day) the date can mean; ``None`` without a year."""
        return self.start.first() if self.start is not None and self.start.year is not None else None

    def last_day(self) -> tuple[int, int, int] | None:
        """The latest (year, month, day) the date can mean (31 Dec for ``2023``, the end's last
        day for a range); ``None`` without a year."""
        if self.start is None or self.start.year is None:
            return None
        return (self.end or self.start).last()

    def sort_key(self, qualifier: str | None = None) -> tuple[int, int, int, int, float]:
        """Order: the first instant of what the date means, then coarse before fine; no-year
        dates, then unknown, last (docs/facts-format.md#dates).

        With a ``qualifier`` (``model.DATE_QUALIFIERS``) the date sorts where it means:
        ``early`` with the start of its period, after the period itself; ``end-of`` from the
        last quarter of a year (1 October) or the last third of a month (the 21st); ``by`` at
        the end of its period, after every date inside it; ``before`` just before its first day;
        ``after`` just after its last day; ``about`` and ``exact`` as the date itself.
        """
        if self.start is None:
            return (2, 0, 0, 0, 0.0)
        rank = float(_RANK.get(self.start.precision, 2))
        if self.end is not None:
            rank += 0.5
        if self.start.year is None:
            return (1, *self.start.first(), rank)
        last = self.end or self.start
        if qualifier == "early":
            return (0, *self.start.first(), rank + 0.25)
        if qualifier == "end-of":
            year, month, day = last.first()
            if last.precision == YEAR:
                return (0, year, 10, 1, 0.0)
            if last.precision == MONTH:
                return (0, year, month, 21, 1.0)
            return (0, year, month, day, 2.0)
        if qualifier == "by":
            return (0, *last.last(), 8.0)
        if qualifier == "before":
            return (0, *self.start.first(), -1.0)
        if qualifier == "after":
            return (0, *last.after(), -0.5)
        return (0, *self.start.first(), rank)

    def human(self) -> str:
        """How a person reads it: ``14–19 Mar 2023``, ``Mar 2023``, ``2026``."""
        if self.start is None:
            return "unknown"
        if self.end is None:
            out = self.start.human()
            return out if self.start.year is not None else f"{out} (year not stated)"
        s, e = self.start, self.end
        if s.year == e.year and s.month == e.month and s.day is not None and e.day is not None:
            out = f"{s.day}–{e.human()}"
        elif s.year == e.year and s.day is not None and e.day is not None:
            out = f"{s.human(with_year=False)} – {e.human()}"
        else:
            out = f"{s.human()} – {e.human()}"
        return out if s.year is not None else f"{out} (year not stated)"

    def __str__(self) -> str:
        return self.text


UNKNOWN_DATE = PartialDate(None, None, "unknown")


def parse_date(text: str) -> PartialDate:
    """Parse the fact-file date syntax; raise :class:`DateFormatError` with the reason."""
    text = text.strip()
    if text == "unknown":
        return UNKNOWN_DATE
    if "/" in text:
        first, _, last = text.partition("/")
        start, end = _parse_point(first.strip()), _parse_point(last.strip())
        if (start.year is None) != (end.year is None):
            raise DateFormatError(f"{text!r}: both ends of a range need a year, or neither")
        if start.year is not None and start.first() > end.first():
            raise DateFormatError(f"{text!r}: the range ends before it starts")
        return PartialDate(start, end, f"{start.text()}/{end.text()}")
    point = _parse_point(text)
    return PartialDate(point, None, point.text())


def compare_dates(left: PartialDate, right: PartialDate) -> int | None:
    """Compare at the coarser precision of the two: -1, 0 or 1; ``None`` when not comparable.

    ``2023-03`` equals ``2023`` and is greater than ``2022-12``. A range compares by its start.
    Dates without a year, and unknown ones, compare with nothing.
    """
    if not (left.has_year and right.has_year):
        return None
    assert left.start is not None and right.start is not None
    depth = min(_RANK[left.start.precision], _RANK[right.start.precision])
    a = left.start.first()[: depth + 1]
    b = right.start.first()[: depth + 1]
    return (a > b) - (a < b)


_HUMAN = r"^(?:(?P<day>\d{1,2})\s+)?(?P<month>[A-Za-z]{3,9})\.?\s+(?P<year>\d{4})$"


def parse_query_date(text: str) -> PartialDate:
    """A date typed on the command line (``--as-of``, ``--where``): the file's forms with a
    year (``2023``, ``2023-03``, ``2023-03-14``) or the forms the tables show (``Mar 2023``,
    ``14 Mar 2023``, ``March 2023``). Raise :class:`DateFormatError` naming the forms."""
    forms = "write 2023, 2023-03, 2023-03-14, Mar 2023 or 14 Mar 2023"
    text = " ".join(text.split())
    human = re.match(_HUMAN, text)
    if human:
        word = human["month"].lower()
        name = word[:3].title()
        if name not in _MONTHS or (len(word) > 3 and word not in _MONTH_NAMES):
            raise DateFormatError(f"{text!r} is not a date: {forms}")
        iso = f"{human['year']}-{_MONTHS.index(name) + 1:02d}"
        if human["day"]:
            iso += f"-{int(human['day']):02d}"
        text = iso
    try:
        date = parse_date(text)
    except DateFormatError as err:
        if "is not a date" in str(err):
            raise DateFormatError(f"{text!r} is not a date: {forms}") from None
        raise
    if not date.has_year:
        raise DateFormatError(f"{text!r} needs a year: {forms}")
    return date


#: Full English month names, for ``March 2023`` (their first three letters are ``_MONTHS``).
_MONTH_NAMES = {name.lower(): name for name in (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December")}
