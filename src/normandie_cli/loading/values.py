"""A node's value checked against the type its key expects (:class:`ValueReader`): text, ids,
dates, booleans, numbers and enums, read from the text the author wrote; every error with the
file, the line and the column. The record reader (``reader.RecordReader``) builds on it."""

from __future__ import annotations

import re

from ..dates import DateFormatError, PartialDate, parse_date
from ..errors import DataError
from ..text import CONTROL, control_name
from .nodes import BOOL, FLOAT, INT, MAP, PLAIN_TAGS, SEQ, STR, TAG_NAMES, TIMESTAMP, YamlNode

# Patterns are compiled on first use (re caches them), not at start-up. Public: the JSON Schema
# of the fact file says the same.
#: An id: lower-case letters, digits and hyphens.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
#: A decimal number, as a figure's value may be written.
DECIMAL_PATTERN = r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$"
#: A fraction (``1/3``).
FRACTION_PATTERN = r"^([0-9]+)/([1-9][0-9]*)$"


class ValueReader:
    """Reads one node as the kind of value its key expects, checking its type."""

    def __init__(self, path: str, marks: bool = True) -> None:
        self.path = path
        #: Added to the parser's line numbers (a reader of the end of a split file).
        self.line_offset = 0
        self._id_match = re.compile(ID_PATTERN).match
        # Without "&" there is no anchor, so no alias; without "!" no explicit tag: a file
        # with neither (``marks`` false: a large register, typically) skips the per-node
        # checks for both.
        if not marks:
            self._visit = self._visit_nothing  # type: ignore[method-assign]

    @staticmethod
    def _visit_nothing(node: YamlNode) -> None:
        return None

    # -- errors and node access --------------------------------------------------------

    def error(self, node: YamlNode, message: str) -> DataError:
        mark = node.start_mark
        if mark is None:  # not for a parsed node: PyYAML's parser marks every one
            return DataError(self.path, message)
        return DataError(self.path, message, mark.line + 1 + self.line_offset, mark.column + 1)

    def line(self, node: YamlNode) -> int:
        """The 1-based line where ``node`` starts."""
        mark = node.start_mark
        return 0 if mark is None else mark.line + 1 + self.line_offset  # 0: the records' "no line"

    def _visit(self, node: YamlNode) -> None:
        if getattr(node, "seen", False):  # the same node met twice: through an alias
            raise self.error(node, "YAML aliases (*name) are not allowed in a fact file; write the value out")
        node.seen = True  # type: ignore[attr-defined]  # the flag the reader adds to PyYAML's events and nodes
        if node.tag not in PLAIN_TAGS:
            raise self.error(node, f"the tag {node.tag!r} is not allowed in a fact file")

    def mapping(self, node: YamlNode, what: str) -> dict[str, YamlNode]:
        self._visit(node)
        if node.tag != MAP:
            raise self.error(node, f"{what} must be a mapping of keys to values, not {self.describe(node)}")
        out: dict[str, YamlNode] = {}
        keys: dict[str, YamlNode] = {}
        for key_node, value_node in node.value:
            self._visit(key_node)
            if key_node.tag != STR:
                raise self.error(key_node, f"keys must be text, not {self.describe(key_node)}")
            key = key_node.value
            if key in out:
                first = self.line(keys[key])
                raise self.error(
                    key_node, f"duplicate key {key!r} (first at line {first}); one of the values would be lost"
                )
            out[key] = value_node
            keys[key] = key_node
        return out

    def sequence(self, node: YamlNode, what: str) -> list[YamlNode]:
        self._visit(node)
        if node.tag != SEQ:
            raise self.error(node, f"{what} must be a list, not {self.describe(node)}")
        return list(node.value)

    @staticmethod
    def describe(node: YamlNode) -> str:
        if node.tag == MAP:
            return "a mapping"
        if node.tag == SEQ:
            return "a list"
        if node.tag == STR:
            return f"the text {node.value!r}"
        return f"{TAG_NAMES.get(node.tag, node.tag)} ({node.value!r})"

    # -- scalar kinds --------------------------------------------------------------------

    def text(self, node: YamlNode, key: str) -> str:
        self._visit(node)
        if node.tag != STR:
            raise self.error(
                node, f"{key}: expected text, got {self.describe(node)}; put the value in quotes if it is text"
            )
        value = str(node.value)
        if not value.isprintable():  # fast path: most text is printable, and then has none of them
            control = re.search(CONTROL, value)
            if control is not None:
                raise self.error(node, f"{key}: {control_name(control.group())} is not allowed in a fact file's text "
                                 "(a terminal would act on it); write the text without it")
        return value

    def ident(self, node: YamlNode, key: str) -> str:
        return self._check_id(node, key, self.text(node, key))

    def _check_id(self, node: YamlNode, key: str, value: str) -> str:
        if not self._id_match(value):
            raise self.error(node, f"{key}: {value!r} is not an id (lower-case letters, digits and '-')")
        return value

    def date(self, node: YamlNode, key: str) -> PartialDate:
        self._visit(node)
        if node.tag not in (STR, INT, TIMESTAMP):
            raise self.error(node, f"{key}: expected a date, got {self.describe(node)}")
        try:
            return parse_date(str(node.value))
        except DateFormatError as err:
            raise self.error(node, f"{key}: {err}") from None

    def boolean(self, node: YamlNode, key: str) -> bool:
        self._visit(node)
        raw = str(node.value).lower()
        if node.tag != BOOL or raw not in ("true", "false"):
            raise self.error(node, f"{key}: expected true or false, got {self.describe(node)}")
        return raw == "true"

    def number(self, node: YamlNode, key: str) -> tuple[int | float, str | None]:
        """A number from the text as written; a fraction ``"1/3"`` also gives its text."""
        self._visit(node)
        if node.tag not in (STR, INT, FLOAT):
            raise self.error(node, f"{key}: expected a number, got {self.describe(node)}")
        raw = str(node.value).strip()
        fraction = re.match(FRACTION_PATTERN, raw)
        if fraction:
            return int(fraction[1]) / int(fraction[2]), raw
        plain = raw.replace("_", "") if node.tag == INT else raw
        if not re.match(DECIMAL_PATTERN, plain):
            raise self.error(
                node,
                f"{key}: {raw!r} is not a plain decimal number (write 1500, 1500.5, 6.0e9 or 1/3;"
                " no leading zeros, no 1:30)",
            )
        if re.fullmatch(r"[-+]?[0-9]+", plain):
            return int(plain), None
        value = float(plain)
        if value.is_integer() and abs(value) < 2**63:
            return int(value), None
        return value, None

    def enum(self, node: YamlNode, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(node, key)
        if value not in choices:
            raise self.error(node, f"{key}: {value!r} is not one of {', '.join(choices)}")
        return value
