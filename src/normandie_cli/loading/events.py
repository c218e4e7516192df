"""The YAML event layer: a fact file read from PyYAML's event stream (the C parser when present)
and composed into nodes one record at a time, never the whole document; every YAML error a
:class:`~normandie_cli.errors.DataError` with its file, line and column. ``yaml`` is imported
only when a file is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from .. import model as m
from ..dates import PartialDate
from ..errors import DataError
from .files import MAX_DEPTH, FileScan
from .nodes import MAP, PLAIN_TAGS, SEQ, STR, Mark, Node, Place, YamlNode, error_at, place_of

if TYPE_CHECKING:
    from yaml.error import MarkedYAMLError
    from yaml.events import (
        AliasEvent,
        CollectionStartEvent,
        Event,
        MappingEndEvent,
        MappingStartEvent,
        NodeEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )
    from yaml.reader import ReaderError


class RecordReader(Protocol):
    """What the event layer needs of the record reader (``reader.RecordReader``): the problems
    found so far, the sources' dates, and one method per kind of record, named after it."""

    problems: list[DataError]
    published: dict[str, PartialDate]


#: How many plain scalars' tags are remembered (keys, mostly; numbers are many and each new).
_PLAIN_LIMIT = 10_000


#: Where :func:`stream_facts` sends each record: its section's name, and the record.
Sink = Callable[[str, m.Entity], None]


#: The sections read record by record as the document streamed: each maps to no records.
Streamed = dict[str, tuple[()]]


class Stream(Protocol):
    """The bytes the parser reads (a file, or ``split.Prefixed``), and how far it has read."""

    def read(self, size: int = -1, /) -> bytes: ...

    def tell(self) -> int: ...


class Splitter(Protocol):
    """Reads the end of a long section, and what follows it, somewhere else (another process)
    while :func:`stream_facts` reads up to it: see ``ingest``. The lines are 0-based, as
    YAML's marks count them."""

    def plan(self, section: str, line: int, column: int, position: int,
             published: dict[str, PartialDate]) -> int | None:
        """A section's list starts at ``line`` and ``column`` (the parser has read about
        ``position`` bytes of the file, ``published`` the sources' dates): the line where the
        other reader starts, or None."""

    def join(self) -> list[tuple[str, int, int]] | None:
        """This reader has reached the planned line, at an item of the section: the
        top-level keys the other reader read after it (name, line, column), every record of
        theirs given; or None when it could not, and this reader goes on."""

    def abandon(self) -> None:
        """This reader did not meet an item at the planned line: the other reader's work is
        dropped."""


BOM = b"\xef\xbb\xbf"


def skip_bom(handle: BinaryIO) -> None:
    """Start the parser after the file's byte-order mark, if it has one: as when the text was
    decoded first (``utf-8-sig``), a second mark is the parser's to skip."""
    if handle.read(len(BOM)) != BOM:
        handle.seek(0)


class Events:
    """The document read from PyYAML's event stream (the C parser when present), never composed
    whole: each record of a section is composed into nodes, read into a record by the reader,
    and dropped, so memory is bounded by one record, not by the file. Everything PyYAML's
    composer checks is checked here with its messages and places: a single document, undefined
    aliases, duplicate anchors; and tags are resolved as it resolves them."""

    def __init__(self, name: str, stream: Stream) -> None:
        import yaml

        self.yaml = yaml
        self.name = name
        self.loader = (getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader)(stream)
        self.stream = stream
        # The event classes, typed: ``type(event) is self.scalar`` tells mypy what the event is
        # (yaml is imported only here, when a file is read).
        self.scalar: type[ScalarEvent] = yaml.ScalarEvent
        self.alias: type[AliasEvent] = yaml.AliasEvent
        self.sequence: type[SequenceStartEvent] = yaml.SequenceStartEvent
        self.sequence_end: type[SequenceEndEvent] = yaml.SequenceEndEvent
        self.mapping: type[MappingStartEvent] = yaml.MappingStartEvent
        self.mapping_end: type[MappingEndEvent] = yaml.MappingEndEvent
        #: The tag of each plain scalar's text met so far (keys, mostly).
        self.plain: dict[str, str] = {}
        #: The node each anchor names (a scalar event, or the Node of a list or a mapping).
        self.anchors: dict[str, YamlNode] = {}
        #: Where the value the first alias names starts (the place of the alias error).
        self.first_alias: Place | None = None
        #: Who may read the end of a long section in parallel (see :class:`Splitter`).
        self.splitter: Splitter | None = None
        #: The document's end was read by the splitter's other reader.
        self.joined = False

    def dispose(self) -> None:
        self.loader.dispose()

    def refuse_aliases(self) -> None:
        """Raise for the first alias in the document, if any (the node it names, as the reader
        would meet it a second time walking the document in order)."""
        if self.first_alias is not None:
            mark = self.first_alias
            raise DataError(self.name, "YAML aliases (*name) are not allowed in a fact file: the value anchored "
                            "here is used again through an alias; write it out", mark.line + 1, mark.column + 1)

    def next(self) -> Event:
        """The next event (a YAML error is raised as it is: see :meth:`_converted`)."""
        event: Event = self.loader.get_event()
        return event

    def _converted(self, err: Exception) -> DataError:
        """A YAML error as a DataError with its place."""
        yaml = self.yaml
        if isinstance(err, yaml.MarkedYAMLError):
            return yaml_error(self.name, err)
        if isinstance(err, yaml.reader.ReaderError):
            with open(self.name, "rb") as handle:  # the place: what comes before the character
                skip = len(BOM) if handle.read(len(BOM)) == BOM else 0
                handle.seek(0)
                head = handle.read(skip + max(err.position, 0))
            return reader_error(self.name, err, head)
        return DataError(self.name, f"invalid YAML: {err}")

    def _composer_error(self, context: str | None, context_mark: Place | None, problem: str,
                        problem_mark: Place | None) -> DataError:
        """An error PyYAML's composer would raise, as :func:`yaml_error` converts it."""
        message = " ".join(part for part in (context, problem) if part)
        return error_at(self.name, f"invalid YAML: {message}", problem_mark or context_mark)

    def compose(self, event: Event) -> YamlNode:
        """The node starting with ``event`` (already taken from the stream), and its children.

        A scalar's node is the event itself, its tag resolved: no object is made per scalar. A
        list's or a mapping's is a :class:`Node` holding its items or its (key, value) pairs.
        A plain scalar's tag is resolved once per distinct text (PyYAML's resolver, remembered)."""
        if type(event) is self.scalar:
            if event.anchor is not None:
                self._anchor(event.anchor, event, event)
            self._scalar_tag(event)
            return event
        if type(event) is self.alias:
            target = self.anchors.get(event.anchor or "")
            if target is None:
                raise self._composer_error(None, None, "found undefined alias", event.start_mark)
            if self.first_alias is None:
                self.first_alias = target.start_mark
            return target
        if type(event) is self.sequence:
            return self._sequence(event)
        if type(event) is self.mapping:
            return self._mapping(event)
        # The parser gives a node's event here, never an end or a document's event.
        raise self._composer_error(None, None, f"expected a node, found {type(event).__name__}", event.start_mark)

    def _anchor(self, anchor: str, event: NodeEvent, node: YamlNode) -> None:
        if anchor in self.anchors:
            raise self._composer_error("found duplicate anchor; first occurrence",
                                       self.anchors[anchor].start_mark, "second occurrence", event.start_mark)
        self.anchors[anchor] = node

    def _collection(self, event: CollectionStartEvent, natural: str, kind: str) -> Node:
        """The Node of a list or a mapping with an explicit tag or an anchor: its tag resolved
        (a standard tag of another kind of node refused), its anchor remembered; its value is
        filled by the caller. (Without either, the node is made where it is read: a call less
        for each of the many.)"""
        tag = event.tag
        if tag is None or tag == "!":
            tag = natural
        elif tag != natural and tag in PLAIN_TAGS:
            raise self._misfit(event, kind)
        node = Node(tag, [], event.start_mark)
        if event.anchor is not None:
            self._anchor(event.anchor, event, node)
        return node

    def _sequence(self, event: SequenceStartEvent) -> Node:
        if event.anchor is None and (event.tag is None or event.tag == "!"):
            node = Node(SEQ, [], event.start_mark)
        else:
            node = self._collection(event, SEQ, "a list")
        items: list[YamlNode] = node.value
        get: Callable[[], Event] = self.loader.get_event  # not self.next: one call less an event
        scalar, end, mapping = self.scalar, self.sequence_end, self.mapping
        while True:
            item = get()
            if type(item) is scalar and item.anchor is None:
                self._scalar_tag(item)
                items.append(item)
            elif type(item) is mapping:  # a list of records: straight to the mapping
                items.append(self._mapping(item))
            elif type(item) is end:
                return node
            else:
                items.append(self.compose(item))

    def _mapping(self, event: MappingStartEvent) -> Node:
        if event.anchor is None and (event.tag is None or event.tag == "!"):
            node = Node(MAP, [], event.start_mark)
        else:
            node = self._collection(event, MAP, "a mapping")
        pairs: list[tuple[YamlNode, YamlNode]] = node.value
        get: Callable[[], Event] = self.loader.get_event
        scalar, end = self.scalar, self.mapping_end
        while True:
            key = get()
            if type(key) is scalar and key.anchor is None:
                self._scalar_tag(key)
                key_node: YamlNode = key
            elif type(key) is end:
                return node
            else:
                key_node = self.compose(key)
            value = get()
            if type(value) is scalar and value.anchor is None:
                self._scalar_tag(value)
                pairs.append((key_node, value))
            else:
                pairs.append((key_node, self.compose(value)))

    def _join(self, item: Event, split: int, reader: RecordReader, root: Node, key: YamlNode,
              start: SequenceStartEvent, streamed: Streamed) -> bool:
        """At the planned line (or past it): whether the other reader read the rest. Then
        the section and every top-level key it read are in ``root`` as streamed (their
        places as in the file), and this reader stops."""
        splitter = self.splitter
        assert splitter is not None
        self.splitter = None  # one split per file
        keys = None
        mark = item.start_mark
        if type(item) is not self.sequence_end and mark is not None and mark.line == split and not reader.problems:
            keys = splitter.join()
        else:
            splitter.abandon()
        if keys is None:
            return False
        root.value.append((key, Node(SEQ, [], start.start_mark)))
        streamed[key.value] = ()
        for name, line, column in keys:
            place = Mark(line, column)
            root.value.append((Node(STR, name, place), Node(SEQ, [], place)))
            streamed[name] = ()
        self.joined = True
        return True

    def _scalar_tag(self, event: ScalarEvent) -> None:
        """Resolve a scalar event's tag as PyYAML's composer would (quoted and block scalars
        are text; a plain one is looked up by its text, once)."""
        tag = event.tag
        if tag is None or tag == "!":
            implicit = event.implicit
            if not implicit[0]:
                event.tag = STR
                return
            value = event.value
            tag = self.plain.get(value)
            if tag is None:
                tag = self.loader.resolve(self.yaml.ScalarNode, value, implicit)
                if len(self.plain) < _PLAIN_LIMIT:
                    self.plain[value] = tag
            event.tag = tag
        elif tag == SEQ or tag == MAP:
            raise self._misfit(event, "a single value")

    def _misfit(self, event: ScalarEvent | CollectionStartEvent, kind: str) -> DataError:
        """A standard tag on a node of another kind (``!!seq`` on a mapping, ``!!map`` on a
        list, ``!!str`` on a list, ``!!seq`` on a single value)."""
        short = str(event.tag).replace("tag:yaml.org,2002:", "!!")
        return error_at(self.name, f"invalid YAML: the tag {short} does not fit {kind}; write the value without it",
                        event.start_mark)

    def read_document(self, reader: RecordReader, sink: Sink,
                      sources_known: bool = False) -> tuple[YamlNode, Streamed]:
        """The document's root, with each section that can be read record by record already
        read and given to ``sink`` (its name maps to no records; its node is left empty), and
        the rest composed.

        A section is read as it streams when it is a plain list and the sources are known
        (claims take their as-of date from their source): ``sources`` itself, and every section
        after it. A section before ``sources`` is composed and read afterwards, as are the top
        level's checks (``read_book``), so that errors come out exactly as before.
        ``sources_known``: the sources were read before (the end of a split file)."""
        try:
            return self._read_document(reader, sink, sources_known)
        except self.yaml.YAMLError as err:
            raise self._converted(err) from None

    def _read_document(self, reader: RecordReader, sink: Sink,
                       sources_known: bool) -> tuple[YamlNode, Streamed]:
        yaml = self.yaml
        self.next()  # the stream's start
        start = self.next()
        if type(start) is yaml.StreamEndEvent:
            raise DataError(self.name, "the file is empty (no YAML document)")
        event = self.next()
        root: YamlNode
        if type(event) is self.mapping and event.anchor is None and event.tag in (None, "!"):
            root, streamed = self._stream_top(event, reader, sink, sources_known)
            if self.joined:  # the other reader read the rest, and checked it
                return root, streamed
        else:
            root, streamed = self.compose(event), {}
        self.next()  # the document's end
        after = self.next()
        if type(after) is not yaml.StreamEndEvent:
            raise self._composer_error("expected a single document in the stream", start.start_mark,
                                       "but found another document", after.start_mark)
        return root, streamed

    def _stream_top(self, top: MappingStartEvent, reader: RecordReader, sink: Sink,
                    sources_known: bool) -> tuple[Node, Streamed]:
        root = Node(self.loader.resolve(self.yaml.MappingNode, None, top.implicit), [], top.start_mark)
        kinds = {section.name: section.kind for section in m.SECTIONS}
        streamed: Streamed = {}
        seen: set[str] = set()
        end = self.sequence_end
        while True:
            event = self.next()
            if type(event) is self.mapping_end:
                return root, streamed
            key = self.compose(event)
            event = self.next()
            name = key.value if key.tag == STR else None
            if (name in kinds and name not in seen and (sources_known or name == "sources")
                    and type(event) is self.sequence and event.anchor is None
                    and (event.tag in (None, "!") or event.tag == SEQ)):
                read_one: Callable[[YamlNode], m.Entity] = getattr(reader, kinds[name])
                split = None
                if self.splitter is not None and name != "sources" and not reader.problems:
                    line, column = place_of(event.start_mark)
                    split = self.splitter.plan(name, line, column, self.stream.tell(), reader.published)
                while True:
                    item = self.next()
                    if split is not None and (type(item) is end or place_of(item.start_mark)[0] >= split):
                        if self._join(item, split, reader, root, key, event, streamed):
                            return root, streamed
                        split = None
                    if type(item) is end:
                        break
                    node = self.compose(item)  # a YAML error ends the reading, as it does here
                    try:
                        record = read_one(node)
                    except DataError as err:  # a problem in this record: recorded, and on to the next
                        reader.problems.append(err)
                    else:
                        sink(name, record)
                streamed[name] = ()
                value: YamlNode = Node(SEQ, [], event.start_mark)
                sources_known = sources_known or name == "sources"
            else:
                value = self.compose(event)
            if name is not None:
                seen.add(name)
            root.value.append((key, value))


def reader_error(name: str, err: ReaderError, head: bytes) -> DataError:
    """A character PyYAML's reader refuses (a control character), at its line and column:
    ``head`` is the text's bytes before it (``err.position`` of them)."""
    text = head.decode("utf-8-sig", errors="replace")
    column = len(text) - (text.rfind("\n") + 1) + 1
    return DataError(name, f"invalid YAML: {str(err).splitlines()[0]}", text.count("\n") + 1, column)


def yaml_error(name: str, err: MarkedYAMLError) -> DataError:
    """A PyYAML error as a DataError with its place."""
    mark = err.problem_mark or err.context_mark
    message = " ".join(p for p in (err.context, err.problem) if p) or "invalid YAML"
    if mark is None:
        return DataError(name, f"invalid YAML: {message}")
    return DataError(name, f"invalid YAML: {message}", mark.line + 1, mark.column + 1)


def check_depth(name: str, path: Path, scan: FileScan) -> None:
    """Refuse nesting deeper than MAX_DEPTH before anything is built from the file.

    Most files are cleared by the scan's bound (:func:`scan_file`); a file that might nest
    deeper is walked event by event (the parser keeps its own stack; only composing recurses).
    """
    if scan.depth_bound <= MAX_DEPTH:
        return
    import yaml

    handle = open(path, "rb")  # closed below, with the parser
    skip_bom(handle)
    loader = (getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader)(handle)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise DataError(name, f"nested deeper than {MAX_DEPTH} levels", mark.line + 1 if mark else None,
                                    mark.column + 1 if mark else None)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as err:
        if "nesting depth" in str(err.problem):  # libyaml's own, larger, limit on flow nesting
            mark = err.problem_mark
            raise DataError(name, f"nested deeper than {MAX_DEPTH} levels", mark.line + 1 if mark else None,
                            mark.column + 1 if mark else None) from None
        return  # composing reports any other syntax error, with its place
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()
        handle.close()
