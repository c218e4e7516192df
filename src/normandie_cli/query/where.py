"""The ``--where`` language: ``FIELD OP VALUE`` tests on rows. Standard library only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..dates import compare_dates, parse_date, parse_query_date
from ..errors import UsageError
from ..record import Record
from ..registry import Listing, Row
from ..text import fold, suggest

#: The operators, as people know them from SQL, Datasette and jq: = and == are the same test.
OPERATORS = ("=", "==", "!=", "<", "<=", ">", ">=", "~", "!~")
_OPERATOR_CHARS = "=!<>~:"  # ":" is no operator: read so that it is reported as one
_HINT = "write FIELD OP VALUE, OP one of = == != < <= > >= ~ (contains) !~ (does not contain)"


class Condition(Record):
    """One ``--where`` test: ``field op value`` (``==`` is read as ``=``)."""

    field: str
    op: str
    value: str
    kind: str


def parse_where(expr: str, listing: Listing) -> Condition:
    """``town=Rouen``, ``town == Rouen``, ``value>=350``, ``as_of >= Mar 2023``, ``name~plasma``
    (contains, case- and accent-insensitive), ``!=``, ``!~``. Spaces around the operator are
    allowed; a value in matching quotes loses them."""
    valid = listing.field_names()
    text = expr.strip()
    index = 0
    while index < len(text) and (text[index].isalnum() or text[index] == "_"):
        index += 1
    name = text[:index]
    rest = text[index:].lstrip()
    end = 0
    while end < len(rest) and rest[end] in _OPERATOR_CHARS:
        end += 1
    op, value = rest[:end], rest[end:].strip()
    if not name:
        raise UsageError(f"--where: {expr!r} does not start with a field of {listing.name}",
                         f"hint: {_HINT}; fields: {', '.join(valid)}")
    if name not in valid:
        raise UsageError(f"--where: unknown field {name!r} for {listing.name}{suggest(name, valid)}",
                         f"hint: fields of {listing.name}: {', '.join(valid)}")
    if op not in OPERATORS:
        close = {"=>": ">=", "=<": "<=", "<>": "!=", "~=": "~", "=~": "~", "===": "=="}.get(op)
        shown = f"unknown operator {op!r}" if op else "no operator"
        raise UsageError(f"--where: {expr!r}: {shown}" + (f" (did you mean {close}?)" if close else ""),
                         f"hint: {_HINT}")
    if op == "==":
        op = "="
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    kind = listing.field(name).type
    if kind in ("number", "date") and op not in ("~", "!~") and value:
        _typed(value, kind, name)  # an error now, not a silent non-match later
    if kind in ("list", "bool") and op in (">", "<", ">=", "<="):
        raise UsageError(f"--where: {name} is a {kind}; use =, !=, ~ or !~")
    return Condition(name, op, value, kind)


def _typed(value: str, kind: str, name: str) -> Any:
    if kind == "number":
        try:
            return float(value.replace(",", "").replace("_", ""))
        except ValueError:
            raise UsageError(f"--where: {name} is a number; {value!r} is not") from None
    try:
        return parse_query_date(value)
    except ValueError as err:
        raise UsageError(f"--where: {name} is a date; {err}") from None


def _compare(actual: Any, condition: Condition) -> int | None:
    """-1, 0 or 1 comparing the row's value with the condition's; ``None`` when not comparable."""
    if condition.kind == "number":
        wanted = _typed(condition.value, "number", condition.field)
        return int(actual > wanted) - int(actual < wanted)
    if condition.kind == "date":
        return compare_dates(parse_date(actual), _typed(condition.value, "date", condition.field))
    if condition.kind == "bool":
        wanted_bool = fold(condition.value) in ("true", "yes", "1")
        return 0 if actual == wanted_bool else 1
    left, right = fold(str(actual)), fold(condition.value)
    return (left > right) - (left < right)


def matches(row: Row, condition: Condition) -> bool:
    """Whether the row passes the condition. Text compares case- and accent-insensitively;
    dates at the coarser precision; a list passes ``=``/``~`` when any element does; a null
    passes only ``!=``/``!~`` (and ``=`` with nothing after it)."""
    actual = row.get(condition.field)
    op = condition.op
    if actual is None or actual == [] or actual == "":
        return op in ("!=", "!~") and condition.value != "" or op == "=" and condition.value == ""
    if op in ("~", "!~"):
        items = actual if isinstance(actual, list) else [actual]
        found = any(fold(condition.value) in fold(flat_value(item)) for item in items)
        return found if op == "~" else not found
    if isinstance(actual, list):
        equal = any(fold(flat_value(item)) == fold(condition.value) for item in actual)
        return equal if op == "=" else not equal
    order = _compare(actual, condition)
    if order is None:
        return False
    return {"=": order == 0, "!=": order != 0, ">": order > 0, "<": order < 0, ">=": order >= 0, "<=": order <= 0}[op]


def filter_rows(rows: list[Row], where: Sequence[str] | None, listing: Listing) -> list[Row]:
    """Rows passing every ``--where`` condition."""
    if not where:
        return rows
    conditions = [parse_where(expr, listing) for expr in where]
    return [row for row in rows if all(matches(row, c) for c in conditions)]


def flat_value(value: Any) -> str:
    """A value as ``--where`` compares it: a boolean as true/false, an object (a side of a
    disagreement) as its values, without its keys."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return " ".join(flat_value(v) for v in value.values() if v is not None)
    return str(value)
