"""A JSON Schema (draft 2020-12) of the fact-file format, derived from the reader itself.

Nothing here lists a key, a type or an enum by hand: every section comes from ``model.SECTIONS``,
and every record's keys, required keys, types and enums from the key-to-reader tables the
loader checks a file with (each record reader is run once on a probe that records the table
instead of reading). Descriptions are the published database's (``publishing.publishing``), which
describe the same fields. Standard library only; ``normandie schema`` prints it.

What a JSON Schema cannot say is left to ``normandie validate``: references between records,
duplicate ids, quotes against their source text (docs/facts-format.md#the-json-schema).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from .. import model as m

SCHEMA_ID = "urn:normandie:schema:normandie-facts:1"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _patterns() -> tuple[type, str, str, str, str]:
    """The loader's reader class and its id, decimal and fraction patterns, and the dates'
    point pattern: the one place this module takes them."""
    from ..dates import POINT_PATTERN
    from ..loading import reader, values

    return (reader.RecordReader, values.ID_PATTERN, values.DECIMAL_PATTERN, values.FRACTION_PATTERN,
            POINT_PATTERN)


class _Captured(Exception):
    """Raised by the probe reader with what a record reader would check."""

    def __init__(self, what: str, spec: dict[str, Callable[..., Any]], required: set[str]) -> None:
        super().__init__(what)
        self.what = what
        self.spec = spec
        self.required = required


class _ProbeMark:
    line = 0
    column = 0


class _ProbeNode:
    """Stands for a YAML node where the readers expect one; never read."""

    tag = "tag:yaml.org,2002:map"
    value: list[Any] = []
    start_mark = _ProbeMark()


_PROBE = _ProbeNode()

#: The loader's scalar readers, by name, and the ``$defs`` entry each value must match.
_SCALARS = {"text": "text", "ident": "id", "date": "date", "boolean": "boolean", "number": "number",
            "town": "town"}


def _ecma(pattern: str) -> str:
    """A Python pattern as ECMA-262 (JSON Schema's dialect) reads it: groups without names."""
    return re.sub(r"\(\?P<\w+>", "(", pattern)


def _scalar_defs(id_pattern: str, decimal: str, fraction: str, point: str) -> dict[str, Any]:
    one = _ecma(point).removeprefix("^").removesuffix("$")
    date = rf"^\s*(?:unknown|{one}(?:\s*/\s*{one})?)\s*$"
    return {
        "text": {"type": "string"},
        "id": {"type": "string", "pattern": id_pattern,
               "description": "an id: lower-case letters, digits and '-', starting with a letter or digit"},
        "date": {"anyOf": [{"type": "string", "pattern": date}, {"type": "integer", "minimum": 1000, "maximum": 9999}],
                 "description": "a date at the precision the source gives: 2023, 2023-03, 2023-03-14, a range "
                                "2023-03-14/2023-03-19, a day without a year --03-14, or unknown"},
        "boolean": {"type": "boolean"},
        "number": {"anyOf": [{"type": "number"}, {"type": "string", "pattern": decimal},
                             {"type": "string", "pattern": fraction}],
                   "description": "a plain decimal number (1500, 1500.5, 6.0e9) or a fraction in quotes (\"1/3\")"},
        "town": {"anyOf": [{"const": m.NOT_STATED}, {"$ref": "#/$defs/id"}],
                 "description": "a place id, or not-stated when no source states it"},
    }


def _boolean_words(text: str) -> str:
    """A published 0-or-1 column's description, for a key written true or false."""
    for published, written in (("1 for ", "true for "), ("; 0 for ", "; false for "), (", else 0", ", else false"),
                               (" (0 or 1)", "")):
        text = text.replace(published, written)
    return text


class _Walker:
    """Turns the loader's key-to-reader tables into ``$defs`` entries."""

    def __init__(self) -> None:
        reader_class, self.id_pattern, self.decimal, self.fraction, self.point = _patterns()

        class Probe(reader_class):  # type: ignore[valid-type,misc]
            def record(self, node: Any, what: str, spec: dict[str, Any], required: set[str]) -> dict[str, Any]:
                raise _Captured(what, spec, required)

            def sequence(self, node: Any, what: str) -> list[Any]:
                return [node]

            def _visit(self, node: Any) -> None:
                return None

        self.reader = Probe("<schema>")
        self.defs: dict[str, Any] = _scalar_defs(self.id_pattern, self.decimal, self.fraction, self.point)
        self.scalars = frozenset(self.defs)
        from ..publishing import publishing

        words = publishing()
        self.tables = words.tables
        self.columns = words.columns

    def capture(self, read: Callable[..., Any], *args: Any) -> _Captured:
        try:
            read(*args)
        except _Captured as captured:
            return captured
        raise TypeError(f"{read!r} read no record")  # the loader changed: the schema cannot follow

    def record(self, name: str, captured: _Captured, describe: Callable[[str], str | None]) -> dict[str, Any]:
        """A record's schema, its keys in the loader's order."""
        properties: dict[str, Any] = {}
        for key, read in captured.spec.items():
            value = self.value(key, read)
            words = describe(key)
            if words and value.get("$ref") == "#/$defs/boolean":  # the published 0 and 1 are true and false here
                words = _boolean_words(words)
            if key not in captured.required:  # an optional key may be left empty (null)
                value = self.nullable(value)
            if words:
                value = {**value, "description": words}
            properties[key] = value
        out: dict[str, Any] = {"type": "object", "description": captured.what, "properties": properties,
                               "additionalProperties": False}
        required = [key for key in captured.spec if key in captured.required]
        if required:
            out["required"] = required
        self.defs[name] = out
        return {"$ref": f"#/$defs/{name}"}

    def nullable(self, value: dict[str, Any]) -> dict[str, Any]:
        """``value`` or null, said so that a checker still reports the error inside a value that is
        not null (an ``anyOf`` of the two would be reported at the key alone)."""
        ref = value.get("$ref", "")
        if ref.startswith("#/$defs/") and ref[8:] in self.scalars:
            value = dict(self.defs[ref[8:]])  # a copy, made nullable below
        value = dict(value)
        if "enum" in value:
            value["enum"] = [*value["enum"], None]
        elif isinstance(value.get("type"), str):
            value["type"] = [value["type"], "null"]
        elif "anyOf" in value:
            value["anyOf"] = [*value["anyOf"], {"type": "null"}]
        else:
            value = {"anyOf": [value, {"type": "null"}]}
        return value

    def value(self, key: str, read: Callable[..., Any]) -> dict[str, Any]:
        """The schema of one key's value, from the reader the loader checks it with."""
        owner = getattr(read, "__self__", None)
        name = getattr(read, "__name__", "")
        if owner is self.reader and name in _SCALARS:
            return {"$ref": f"#/$defs/{_SCALARS[name]}"}
        cells = dict(zip(read.__code__.co_freevars, (c.cell_contents for c in read.__closure__ or ()), strict=True)) \
            if owner is None else {}
        if "choices" in cells:  # enum_of
            return {"enum": list(cells["choices"])}
        if "kind" in cells:  # list_of
            return {"type": "array", "items": self.value(key, cells["kind"])}
        # A list of records (citations, locations, status claims, ...): read one to see its table.
        captured = self.capture(read, _PROBE, key)
        nested = captured.what.removeprefix("a ").removeprefix("an ").replace(" ", "_")
        if nested not in self.defs:
            self.record(nested, captured, lambda field: self.column(f"*_{key}", field))
        return {"type": "array", "items": {"$ref": f"#/$defs/{nested}"}}  # "items" holds only for a list

    def column(self, table: str, key: str) -> str | None:
        return (self.columns.get(f"{table}.{key}") or self.columns.get(f"{table}.{table.lstrip('*_')}_{key}")
                or self.columns.get(key))

    def section_key(self, section: m.Section, key: str) -> str | None:
        words = self.column(section.name, key)
        if words is None and f"*_{key}" in self.tables:
            title, text = self.tables[f"*_{key}"]
            words = text.format(kind=section.kind, section=section.name)
        return words


def fact_schema() -> dict[str, Any]:
    """The JSON Schema of ``normandie-facts/1``: a dict ready for ``json.dumps``."""
    from ..loading.reader import FORMAT_TAG

    walker = _Walker()
    properties: dict[str, Any] = {
        "format": {"const": FORMAT_TAG, "description": f"the format of the file: {FORMAT_TAG}"},
    }
    for section in m.SECTIONS:
        captured = walker.capture(getattr(walker.reader, section.kind), _PROBE)
        ref = walker.record(section.kind, captured, partial(walker.section_key, section))
        title, text = walker.tables.get(section.name, (section.name, ""))
        properties[section.name] = {"title": title, "description": text, "type": "array", "items": ref}
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": f"A normandie fact file ({FORMAT_TAG})",
        "description": "Every fact with its source, in YAML (docs/facts-format.md). References between records, "
                       "duplicate ids and quotes are checked by `normandie validate`, not by this schema.",
        "type": "object",
        "properties": properties,
        "required": ["sources"],
        "additionalProperties": False,
        "$defs": walker.defs,
    }


def schema_text() -> str:
    """The schema as printed: indented JSON, keys in the model's order, a final newline."""
    import json

    return json.dumps(fact_schema(), indent=2, ensure_ascii=False) + "\n"
