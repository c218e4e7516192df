"""The nodes the record reader reads (:class:`YamlNode`): YAML's standard tags, where a node
starts (:class:`Place`), the :class:`Node` the event layer composes a list or a mapping into,
and errors at a node's place. Standard library only; no YAML is parsed here."""

from __future__ import annotations

from typing import Any, Protocol

from ..errors import DataError

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"


PLAIN_TAGS = {STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, MAP, SEQ}


TAG_NAMES: dict[str | None, str] = {NULL: "null", BOOL: "a boolean", INT: "a number", FLOAT: "a number",
                                    TIMESTAMP: "a date"}


class Place(Protocol):
    """Where a node starts: a PyYAML mark (the C parser's or the Python one's), 0-based."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class YamlNode(Protocol):
    """What the reader reads of a node: a streamed one (a scalar event, or a :class:`Node`) or
    one PyYAML composed (``yaml.nodes.Node``), read alike."""

    @property
    def tag(self) -> str | None: ...

    # The scalar's text, the list's items or the mapping's (key, value) pairs, as ``tag`` says:
    # a type checker cannot follow a tag (and PyYAML's own nodes leave their value untyped).
    @property
    def value(self) -> Any: ...

    @property
    def start_mark(self) -> Place | None: ...


class Node:
    """What PyYAML's composer would make of a piece of the document: the resolved tag, the
    value (the scalar's text, a list of nodes, or a list of (key, value) node pairs), where it
    starts, and whether the reader has visited it (a second visit means an alias)."""

    __slots__ = ("tag", "value", "start_mark", "seen")

    # value Any: text, items or (key, value) pairs, as the tag says (see YamlNode.value).
    def __init__(self, tag: str, value: Any, start_mark: Place | None) -> None:
        self.tag = tag
        self.value = value
        self.start_mark = start_mark
        self.seen = False


class Mark:
    """A place in the file, for a key read by the other reader of a split file."""

    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


def place_of(mark: Place | None) -> tuple[int, int]:
    """A mark's 0-based line and column (PyYAML's parser marks every event; (0, 0) without one)."""
    return (0, 0) if mark is None else (mark.line, mark.column)


def error_at(name: str, message: str, mark: Place | None) -> DataError:
    """A DataError at a mark's place (1-based), or without a place when there is no mark."""
    if mark is None:
        return DataError(name, message)
    return DataError(name, message, mark.line + 1, mark.column + 1)
