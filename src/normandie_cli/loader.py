"""Read a fact file into the model: YAML events, checked key by key, into immutable records.

The file is read from PyYAML's event stream (``CSafeLoader``'s C parser when PyYAML has its C
extension) and composed into nodes one record at a time (:class:`_Events`), never the whole
document at once and never constructed by PyYAML: every scalar is read from the text the
author wrote, so YAML 1.1's implicit typing (``NO`` as false, ``0755`` as an octal number,
``2023-03-14`` as a date) never leaks into a fact. Each value is checked against the type its
key expects, and an error names the file, the line and the column. ``yaml`` is imported only
when a file is read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from . import model as m
from .dates import UNKNOWN_DATE, DateFormatError, PartialDate, parse_date
from .errors import DataError
from .memory import gc_paused

DATA_ENV = "NORMANDIE_DATA"
FORMAT_TAG = "normandie-facts/1"

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_PLAIN_TAGS = {_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, _MAP, _SEQ}
_TAG_NAMES = {_NULL: "null", _BOOL: "a boolean", _INT: "a number", _FLOAT: "a number", _TIMESTAMP: "a date"}

# Patterns are compiled on first use (re caches them), not at start-up.
_ID = r"^[a-z0-9][a-z0-9-]*$"
_DECIMAL = r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$"
_FRACTION = r"^([0-9]+)/([1-9][0-9]*)$"
#: What a terminal acts on rather than shows: C0 controls but tab and newline, DEL, C1 controls,
#: and the bidirectional embeddings, overrides and isolates that reorder what is seen.
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


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


def bundled_path() -> Path:
    """The fact file shipped with the package (inside the wheel, or in the checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "facts.yaml"
    if packaged.is_file():
        return packaged
    return here.parent.parent / "data" / "facts.yaml"


def resolve_data_path(option: str | os.PathLike[str] | None = None) -> Path:
    """``--data`` if given, else ``$NORMANDIE_DATA`` if set and not empty, else the bundled file."""
    if option:
        return Path(option)
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    return bundled_path()


#: The largest fact file read unless ``--max-size`` says otherwise (about four times a
#: 100,000-company register).
DEFAULT_MAX_SIZE = 64 * 1024 * 1024
#: Deeper nesting is refused before the YAML is composed (the fact format needs 6 levels;
#: PyYAML's C composer crashes the process on tens of thousands).
MAX_DEPTH = 64


#: How many plain scalars' tags are remembered (keys, mostly; numbers are many and each new).
_PLAIN_LIMIT = 10_000
#: How much of the file the scan reads at a time (then up to the next line end).
_CHUNK = 1 << 20


class FileScan:
    """What one pass over a fact file's bytes tells, before any YAML is parsed: it is UTF-8
    (a byte-order mark allowed), within the size limit; a bound on its nesting; whether it has
    an ``&`` or a ``!`` anywhere (without them there is no anchor, alias or explicit tag); and
    whether every line ends with ``\\n`` alone (``lf_only``: then YAML's line numbers are the
    count of ``\\n`` before, as :func:`split_point` counts them)."""

    __slots__ = ("depth_bound", "marks", "lf_only")

    def __init__(self, depth_bound: int, marks: bool, lf_only: bool = True) -> None:
        self.depth_bound = depth_bound
        self.marks = marks
        self.lf_only = lf_only


def scan_file(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> FileScan:
    """Read the file once, a chunk at a time (memory bounded by a chunk, not by the file), and
    raise a DataError unless it is a regular file within ``max_size`` bytes, in UTF-8.

    The nesting bound is quick and exact enough to clear ordinary files: the deepest flow
    brackets (every opening one when there are few), or more than MAX_DEPTH when a line starts
    with a run of indentation and block indicators long enough to go past the limit."""
    name = str(path)
    flow = flow_max = longest_run = openings = brackets = 0
    marks = False
    lf_only = True
    offset = 0  # of the chunk's first byte, after a byte-order mark
    size = 0
    try:
        check_file(path, max_size)
        with open(path, "rb") as handle:
            rest: list[bytes] = []  # the line not yet ended, in blocks (a line may be the whole file)
            first = True
            while True:
                block = handle.read(_CHUNK)
                size += len(block)
                if size > max_size:
                    raise DataError(name, f"larger than the limit of {format_size(max_size)}; "
                                          "raise it with --max-size")
                if block:
                    cut = block.rfind(b"\n") + 1  # a line end is never inside a UTF-8 sequence
                    if cut == 0:
                        rest.append(block)
                        continue
                    data = b"".join([*rest, block[:cut]])
                    rest = [block[cut:]]
                else:
                    data, rest = b"".join(rest), []
                    if not data:
                        break
                if first and data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                first = False
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as err:
                    raise DataError(name, f"not valid UTF-8 at byte offset {offset + err.start}") from None
                offset += len(data)
                marks = marks or "&" in text or "!" in text
                # YAML 1.1 also breaks lines at CR, NEL, LS and PS.
                lf_only = lf_only and not any(brk in text for brk in "\r\x85\u2028\u2029")
                flow, flow_max = _flow_depth(data, flow, flow_max)
                if brackets <= MAX_DEPTH:
                    opened = text.count("[") + text.count("{")
                    openings += opened
                    brackets += opened + text.count("]") + text.count("}")
                longest_run = _longest_run(data, longest_run)
                if not block:
                    break
    except OSError as err:
        raise _os_error(name, err) from None
    if brackets <= MAX_DEPTH:
        flow_max = openings  # few brackets: count every opening one, quoted or not
    if flow_max > MAX_DEPTH:
        return FileScan(flow_max, marks, lf_only)
    return FileScan(MAX_DEPTH + 1 if longest_run > MAX_DEPTH - flow_max else flow_max, marks, lf_only)


#: Every byte but the brackets (ASCII: never part of a longer UTF-8 sequence), and the brackets'
#: steps: +1 opening, -1 closing (as 2 and 0, less 1).
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


def _flow_depth(data: bytes, depth: int, deepest: int) -> tuple[int, int]:
    """The flow-bracket depth after ``data`` (UTF-8) and the deepest reached, from ``depth``
    before it (brackets in quoted text only make it larger: a bound, not a measure)."""
    from itertools import accumulate, repeat
    from operator import sub

    brackets = data.translate(None, _NOT_BRACKETS)
    if not brackets:
        return depth, deepest
    # One step per bracket, done in C.
    running = list(accumulate(map(sub, brackets.translate(_BRACKET_STEPS), repeat(1)), initial=depth))
    return running[-1], max(deepest, max(running))


def _longest_run(data: bytes, longest: int) -> int:
    """The longest run of indentation and block indicators starting a line of ``data`` (whole
    lines), if longer than ``longest``: a search in C for a longer one, repeated while one is
    found. (A line end, then the run: much faster than a search for a line's start.)"""
    while True:
        run = b"[ \t?:-]{%d,}" % (longest + 1)
        found = re.match(run, data)  # the first line
        if found is not None:
            longest = found.end()
            continue
        found = re.search(b"\n" + run, data)  # any other
        if found is None:
            return longest
        longest = found.end() - found.start() - 1


def check_file(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> None:
    """A DataError unless the path is a readable-looking regular file within the size limit."""
    import stat

    name = str(path)
    try:
        info = os.stat(path)
    except OSError as err:
        raise _os_error(name, err) from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(name, "is a directory, not a fact file")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if (
            stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)) else "a socket or special file"
        raise DataError(name, f"not a regular file ({kind})")
    if info.st_size > max_size:
        raise DataError(name, f"larger than the limit of {format_size(max_size)} ({format_size(info.st_size)}); "
                              "raise it with --max-size")


def _os_error(name: str, err: OSError) -> DataError:
    import errno

    if isinstance(err, FileNotFoundError):
        return DataError(name, "no such file")
    if isinstance(err, PermissionError):
        return DataError(name, "permission denied")
    if err.errno == errno.ELOOP:
        return DataError(name, "too many levels of symbolic links (a symlink loop)")
    return DataError(name, f"cannot read: {err.strerror or err}")


_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(text: str) -> int:
    """``64M``, ``1G``, ``500K``, ``1048576`` (powers of 1024); ValueError otherwise."""
    match = re.fullmatch(r"\s*([0-9]+)\s*([BKMG]?)(?:I?B)?\s*", text.upper())
    if not match:
        raise ValueError(f"{text!r} is not a size (write 64M, 1G, 500K or a number of bytes)")
    return int(match[1]) * _UNITS[match[2]]


def format_size(size: int) -> str:
    for unit, factor in (("G", 1024**3), ("M", 1024**2), ("K", 1024)):
        if size >= factor:
            return f"{size / factor:.4g} {unit}iB"
    return f"{size} bytes"


def read_facts(
    path: str | os.PathLike[str] | None = None, max_size: int = DEFAULT_MAX_SIZE
) -> tuple[m.FactBook, list[DataError]]:
    """Load a fact file, collecting every record-level problem instead of stopping at the first.

    A file that cannot be read or parsed as YAML at all still raises :class:`DataError`.
    Records with problems are left out of the returned book.
    """
    file = resolve_data_path(path)
    sections: dict[str, list[Any]] = {section.name: [] for section in m.SECTIONS}
    problems = stream_facts(file, lambda name, record: sections[name].append(record), max_size)
    return m.FactBook(path=str(file), **{name: tuple(records) for name, records in sections.items()}), problems


#: Where :func:`stream_facts` sends each record: its section's name, and the record.
Sink = Callable[[str, Any], None]


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


class _Mark:
    """A place in the file, for a key read by the other reader of a split file."""

    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


def stream_facts(path: Path, sink: Sink, max_size: int = DEFAULT_MAX_SIZE,
                 splitter: Splitter | None = None) -> list[DataError]:
    """Read a fact file record by record, giving each good record to ``sink`` as it is read,
    and return the record-level problems (a bad record is not given). Memory is bounded by a
    record, not by the file: the file is read from disk as it is parsed, never held whole.

    Each section's records come in file order; the sections come in file order, except those
    that cannot be read as they stream (a section before ``sources``, whose claims need the
    sources' dates; anything that is not a plain list), which come at the end, in the order of
    ``model.SECTIONS``. A file that cannot be read or parsed at all raises :class:`DataError`,
    as does a top-level problem (found after the records before it were given).

    With a ``splitter``, a file without anchors, tags or line breaks other than ``\\n`` may
    be read in two: see :class:`Splitter`; the records and errors are the same."""
    scan = scan_file(path, max_size)
    name = str(path)
    _check_depth(name, path, scan)
    with gc_paused(), open(path, "rb") as handle:
        _skip_bom(handle)
        reader = _Reader(name, scan.marks)
        events = _Events(name, handle)
        if not scan.marks and scan.lf_only:
            events.splitter = splitter
        try:
            root, streamed = events.read_document(reader, sink)  # a YAML error anywhere is raised here
        finally:
            events.dispose()
        try:
            book = reader.read_book(root, streamed)
        except DataError:
            events.refuse_aliases()  # the real reason, wherever the first error was found
            raise
        if reader.problems:
            events.refuse_aliases()
        for section in m.SECTIONS:
            if section.name not in streamed:
                for record in getattr(book, section.name):
                    sink(section.name, record)
    return reader.problems


class SplitFailed(Exception):
    """The end of a split file could not be read cleanly on its own: read the file in one."""


def split_point(path: Path, start: int, column: int, section_line: int,
                window: int = 1 << 16) -> tuple[int, int] | None:
    """Where a second reader may start in the section whose list starts at (0-based)
    ``section_line`` with its items' ``-`` at ``column``: the byte offset and the line of the
    first line that starts after byte ``start`` (or at 0) with ``column`` spaces and ``- ``,
    if it is within ``window`` bytes and no line between the section's start and it starts
    at column 0 with anything but a comment or a ``-`` (the next top-level key). Only a
    candidate: the first reader checks that an item of the section starts there."""
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(window)
        first = 0
        if start:  # from the start of the next line
            first = data.find(b"\n") + 1
            if not first:
                return None
        found = re.compile(rb"^" + b" " * column + rb"- ", re.MULTILINE).search(data, first)
        if found is None:
            return None
        offset = start + found.start()
        # The line ends before the candidate, and where the section's second line starts.
        handle.seek(0)
        line = 0
        section = None
        done = 0
        while done < offset:
            block = handle.read(min(offset - done, _CHUNK))
            if not block:
                return None
            ends = block.count(b"\n")
            if section is None and line + ends > section_line:
                at = -1
                for _ in range(section_line - line + 1):
                    at = block.find(b"\n", at + 1)
                section = done + at + 1
            line += ends
            done += len(block)
        if section is None:
            return None
        # Between them, no line may start at column 0 but a comment or a "-".
        top_level = re.compile(rb"^[^\s#-]", re.MULTILINE).search
        handle.seek(section)
        rest = b""
        done = section
        while done < offset:
            block = handle.read(min(offset - done, _CHUNK))
            if not block:
                return None
            done += len(block)
            block = rest + block
            cut = block.rfind(b"\n") + 1
            block, rest = block[:cut], block[cut:]
            if top_level(block):
                return None
    return offset, line


class _Prefixed:
    """A binary stream: ``head``, then the rest of ``handle``."""

    def __init__(self, head: bytes, handle: Any) -> None:
        self.head = head
        self.handle = handle

    def read(self, size: int = -1) -> bytes:
        if self.head:
            size = len(self.head) if size < 0 else size
            out, self.head = self.head[:size], self.head[size:]
            return out
        return self.handle.read(size)  # type: ignore[no-any-return]

    def tell(self) -> int:
        """How far into the file the reading is (``Splitter.plan``'s position)."""
        return self.handle.tell()  # type: ignore[no-any-return]


def stream_rest(path: Path, section: str, offset: int, line: int, published: dict[str, PartialDate],
                sink: Sink, splitter: Splitter | None = None) -> list[tuple[str, int, int]]:
    """Read a file from byte ``offset``, an item of ``section`` at (0-based) ``line``, to its
    end, as :func:`stream_facts` reads it (the sources' dates in ``published``), giving each
    record to ``sink``: the other reader of a split file (:class:`Splitter`). Returns the
    top-level keys after the section (name, line, column). Raises SplitFailed (or a YAML or
    data error) unless everything read is well-formed records of sections, with no problem:
    the file is then read in one, and its errors found there. A ``splitter`` may split this
    reading again (its lines are this reader's: the file's less ``line - 1``)."""
    name = str(path)
    with gc_paused(), open(path, "rb") as handle:
        handle.seek(offset)
        reader = _Reader(name, marks=False)
        reader.published = dict(published)
        reader.line_offset = line - 1  # the section's key is the first line read
        events = _Events(name, _Prefixed(f"{section}:\n".encode(), handle))
        events.splitter = splitter
        try:
            root, streamed = events.read_document(reader, sink, sources_known=True)
        finally:
            events.dispose()
    keys = root.value[1:]
    if reader.problems or len(streamed) != len(root.value) or any(k.tag != _STR for k, _ in keys):
        raise SplitFailed(name)
    return [(k.value, k.start_mark.line + line - 1, k.start_mark.column) for k, _ in keys]


_BOM = b"\xef\xbb\xbf"


def _skip_bom(handle: Any) -> None:
    """Start the parser after the file's byte-order mark, if it has one: as when the text was
    decoded first (``utf-8-sig``), a second mark is the parser's to skip."""
    if handle.read(len(_BOM)) != _BOM:
        handle.seek(0)


class _Node:
    """What PyYAML's composer would make of a piece of the document: the resolved tag, the
    value (the scalar's text, a list of nodes, or a list of (key, value) node pairs), where it
    starts, and whether the reader has visited it (a second visit means an alias)."""

    __slots__ = ("tag", "value", "start_mark", "seen")

    def __init__(self, tag: str, value: Any, start_mark: Any) -> None:
        self.tag = tag
        self.value = value
        self.start_mark = start_mark
        self.seen = False


class _Events:
    """The document read from PyYAML's event stream (the C parser when present), never composed
    whole: each record of a section is composed into nodes, read into a record by the reader,
    and dropped, so memory is bounded by one record, not by the file. Everything PyYAML's
    composer checks is checked here with its messages and places: a single document, undefined
    aliases, duplicate anchors; and tags are resolved as it resolves them."""

    def __init__(self, name: str, stream: Any) -> None:
        import yaml

        self.yaml = yaml
        self.name = name
        self.loader = (getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader)(stream)
        self.stream = stream
        self.scalar = yaml.ScalarEvent
        #: The tag of each plain scalar's text met so far (keys, mostly).
        self.plain: dict[str, str] = {}
        self.anchors: dict[str, Any] = {}
        #: Where the value the first alias names starts (the place of the alias error).
        self.first_alias: Any = None
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

    def next(self) -> Any:
        """The next event (a YAML error is raised as it is: see :meth:`_converted`)."""
        return self.loader.get_event()

    def _converted(self, err: Exception) -> DataError:
        """A YAML error as a DataError with its place."""
        yaml = self.yaml
        if isinstance(err, yaml.MarkedYAMLError):
            return _yaml_error(self.name, err)
        if isinstance(err, yaml.reader.ReaderError):
            with open(self.name, "rb") as handle:  # the place: what comes before the character
                skip = len(_BOM) if handle.read(len(_BOM)) == _BOM else 0
                handle.seek(0)
                head = handle.read(skip + max(err.position, 0))
            return reader_error(self.name, err, head)
        return DataError(self.name, f"invalid YAML: {err}")

    def _composer_error(self, context: str | None, context_mark: Any, problem: str, problem_mark: Any) -> DataError:
        return _yaml_error(self.name, self.yaml.composer.ComposerError(context, context_mark, problem, problem_mark))

    def compose(self, event: Any) -> Any:
        """The node starting with ``event`` (already taken from the stream), and its children.

        A node is the event itself, its tag resolved (and, for a list or a mapping, ``value``
        set to its items or its (key, value) pairs): no object is made per scalar. A plain
        scalar's tag is resolved once per distinct text (PyYAML's resolver, remembered)."""
        yaml = self.yaml
        kind = type(event)
        if kind is yaml.AliasEvent:
            target = self.anchors.get(event.anchor)
            if target is None:
                raise self._composer_error(None, None, "found undefined alias", event.start_mark)
            if self.first_alias is None:
                self.first_alias = target.start_mark
            return target
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors:
                raise self._composer_error("found duplicate anchor; first occurrence",
                                           self.anchors[anchor].start_mark, "second occurrence", event.start_mark)
            self.anchors[anchor] = event
        if kind is self.scalar:
            self._scalar_tag(event)
            return event
        get = self.loader.get_event
        scalar = self.scalar
        compose = self.compose
        tag = event.tag
        if kind is yaml.SequenceStartEvent:
            if tag is None or tag == "!":
                event.tag = _SEQ
            event.value = items = []
            end: type = yaml.SequenceEndEvent
            while True:
                item = get()
                kind = type(item)
                if kind is end:
                    return event
                if kind is scalar and item.anchor is None:
                    self._scalar_tag(item)
                    items.append(item)
                else:
                    items.append(compose(item))
        if tag is None or tag == "!":
            event.tag = _MAP
        event.value = pairs = []
        end = yaml.MappingEndEvent
        while True:
            key = get()
            kind = type(key)
            if kind is end:
                return event
            if kind is scalar and key.anchor is None:
                self._scalar_tag(key)
            else:
                key = compose(key)
            value = get()
            if type(value) is scalar and value.anchor is None:
                self._scalar_tag(value)
            else:
                value = compose(value)
            pairs.append((key, value))

    def _join(self, item: Any, split: int, end: type, reader: _Reader, root: _Node, key: Any, start: Any,
              streamed: dict[str, tuple[Any, ...]]) -> bool:
        """At the planned line (or past it): whether the other reader read the rest. Then
        the section and every top-level key it read are in ``root`` as streamed (their
        places as in the file), and this reader stops."""
        splitter = self.splitter
        assert splitter is not None
        self.splitter = None  # one split per file
        keys = None
        if type(item) is not end and item.start_mark.line == split and not reader.problems:
            keys = splitter.join()
        else:
            splitter.abandon()
        if keys is None:
            return False
        root.value.append((key, _Node(_SEQ, [], start.start_mark)))
        streamed[key.value] = ()
        for name, line, column in keys:
            mark = _Mark(line, column)
            root.value.append((_Node(_STR, name, mark), _Node(_SEQ, [], mark)))
            streamed[name] = ()
        self.joined = True
        return True

    def _scalar_tag(self, event: Any) -> None:
        """Resolve a scalar event's tag as PyYAML's composer would (quoted and block scalars
        are text; a plain one is looked up by its text, once)."""
        tag = event.tag
        if tag is None or tag == "!":
            implicit = event.implicit
            if not implicit[0]:
                event.tag = _STR
                return
            value = event.value
            tag = self.plain.get(value)
            if tag is None:
                tag = self.loader.resolve(self.yaml.ScalarNode, value, implicit)
                if len(self.plain) < _PLAIN_LIMIT:
                    self.plain[value] = tag
            event.tag = tag

    def read_document(self, reader: _Reader, sink: Sink,
                      sources_known: bool = False) -> tuple[_Node, dict[str, tuple[Any, ...]]]:
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

    def _read_document(self, reader: _Reader, sink: Sink,
                       sources_known: bool) -> tuple[_Node, dict[str, tuple[Any, ...]]]:
        yaml = self.yaml
        self.next()  # the stream's start
        start = self.next()
        if type(start) is yaml.StreamEndEvent:
            raise DataError(self.name, "the file is empty (no YAML document)")
        event = self.next()
        if type(event) is not yaml.MappingStartEvent or event.anchor is not None or event.tag not in (None, "!"):
            root = self.compose(event)
            streamed: dict[str, tuple[Any, ...]] = {}
        else:
            root, streamed = self._stream_top(event, reader, sink, sources_known)
            if self.joined:  # the other reader read the rest, and checked it
                return root, streamed
        self.next()  # the document's end
        after = self.next()
        if type(after) is not yaml.StreamEndEvent:
            raise self._composer_error("expected a single document in the stream", start.start_mark,
                                       "but found another document", after.start_mark)
        return root, streamed

    def _stream_top(self, event: Any, reader: _Reader, sink: Sink,
                    sources_known: bool) -> tuple[_Node, dict[str, tuple[Any, ...]]]:
        yaml = self.yaml
        root = _Node(self.loader.resolve(yaml.MappingNode, None, event.implicit), [], event.start_mark)
        kinds = {section.name: section.kind for section in m.SECTIONS}
        streamed: dict[str, tuple[Any, ...]] = {}
        seen: set[str] = set()
        while True:
            event = self.next()
            if type(event) is yaml.MappingEndEvent:
                return root, streamed
            key = self.compose(event)
            event = self.next()
            name = key.value if key.tag == _STR else None
            if (name in kinds and name not in seen and (sources_known or name == "sources")
                    and type(event) is yaml.SequenceStartEvent and event.anchor is None
                    and (event.tag in (None, "!") or event.tag == _SEQ)):
                read_one = getattr(reader, kinds[name])
                end = yaml.SequenceEndEvent
                split = None
                if self.splitter is not None and name != "sources" and not reader.problems:
                    split = self.splitter.plan(name, event.start_mark.line, event.start_mark.column,
                                               self.stream.tell(), reader.published)
                while True:
                    item = self.next()
                    if split is not None and (type(item) is end or item.start_mark.line >= split):
                        if self._join(item, split, end, reader, root, key, event, streamed):
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
                value = _Node(_SEQ, [], event.start_mark)
                sources_known = sources_known or name == "sources"
            else:
                value = self.compose(event)
            if name is not None:
                seen.add(name)
            root.value.append((key, value))


def reader_error(name: str, err: Any, head: bytes) -> DataError:
    """A character PyYAML's reader refuses (a control character), at its line and column:
    ``head`` is the text's bytes before it (``err.position`` of them)."""
    text = head.decode("utf-8-sig", errors="replace")
    column = len(text) - (text.rfind("\n") + 1) + 1
    return DataError(name, f"invalid YAML: {str(err).splitlines()[0]}", text.count("\n") + 1, column)


def _yaml_error(name: str, err: Any) -> DataError:
    """A PyYAML error as a DataError with its place."""
    mark = err.problem_mark or err.context_mark
    message = " ".join(p for p in (err.context, err.problem) if p) or "invalid YAML"
    if mark is None:
        return DataError(name, f"invalid YAML: {message}")
    return DataError(name, f"invalid YAML: {message}", mark.line + 1, mark.column + 1)


def _check_depth(name: str, path: Path, scan: FileScan) -> None:
    """Refuse nesting deeper than MAX_DEPTH before anything is built from the file.

    Most files are cleared by the scan's bound (:func:`scan_file`); a file that might nest
    deeper is walked event by event (the parser keeps its own stack; only composing recurses).
    """
    if scan.depth_bound <= MAX_DEPTH:
        return
    import yaml

    handle = open(path, "rb")  # closed below, with the parser
    _skip_bom(handle)
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


class _Reader:
    """Turns YAML nodes into model records, checking each key's type."""

    def __init__(self, path: str, marks: bool = True) -> None:
        self.path = path
        #: Added to the parser's line numbers (a reader of the end of a split file).
        self.line_offset = 0
        self.problems: list[DataError] = []
        self.published: dict[str, PartialDate] = {}
        self._specs: dict[str, Any] = {}
        self._id_match = re.compile(_ID).match
        # Without "&" there is no anchor, so no alias; without "!" no explicit tag: a file
        # with neither (``marks`` false: a large register, typically) skips the per-node
        # checks for both.
        if not marks:
            self._visit = self._visit_nothing  # type: ignore[method-assign]

    def _spec(self, name: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The key-to-reader table of a kind of record, built once per file."""
        spec = self._specs.get(name)
        if spec is None:
            spec = self._specs[name] = build()
        return spec

    @staticmethod
    def _visit_nothing(node: Any) -> None:
        return None

    # -- errors and node access --------------------------------------------------------

    def error(self, node: Any, message: str) -> DataError:
        mark = node.start_mark
        return DataError(self.path, message, mark.line + 1 + self.line_offset, mark.column + 1)

    def line(self, node: Any) -> int:
        """The 1-based line where ``node`` starts."""
        return node.start_mark.line + 1 + self.line_offset  # type: ignore[no-any-return]

    def _visit(self, node: Any) -> None:
        if getattr(node, "seen", False):  # the same node met twice: through an alias
            raise self.error(node, "YAML aliases (*name) are not allowed in a fact file; write the value out")
        node.seen = True
        if node.tag not in _PLAIN_TAGS:
            raise self.error(node, f"the tag {node.tag!r} is not allowed in a fact file")

    def mapping(self, node: Any, what: str) -> dict[str, Any]:
        self._visit(node)
        if node.tag != _MAP:
            raise self.error(node, f"{what} must be a mapping of keys to values, not {self.describe(node)}")
        out: dict[str, Any] = {}
        keys: dict[str, Any] = {}
        for key_node, value_node in node.value:
            self._visit(key_node)
            if key_node.tag != _STR:
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

    def sequence(self, node: Any, what: str) -> list[Any]:
        self._visit(node)
        if node.tag != _SEQ:
            raise self.error(node, f"{what} must be a list, not {self.describe(node)}")
        return list(node.value)

    @staticmethod
    def describe(node: Any) -> str:
        if node.tag == _MAP:
            return "a mapping"
        if node.tag == _SEQ:
            return "a list"
        if node.tag == _STR:
            return f"the text {node.value!r}"
        return f"{_TAG_NAMES.get(node.tag, node.tag)} ({node.value!r})"

    # -- scalar kinds --------------------------------------------------------------------

    def text(self, node: Any, key: str) -> str:
        self._visit(node)
        if node.tag != _STR:
            raise self.error(
                node, f"{key}: expected text, got {self.describe(node)}; put the value in quotes if it is text"
            )
        value = str(node.value)
        if not value.isprintable():  # fast path: most text is printable, and then has none of them
            control = re.search(_CONTROL, value)
            if control is not None:
                raise self.error(node, f"{key}: {control_name(control.group())} is not allowed in a fact file's text "
                                 "(a terminal would act on it); write the text without it")
        return value

    def ident(self, node: Any, key: str) -> str:
        return self._check_id(node, key, self.text(node, key))

    def _check_id(self, node: Any, key: str, value: str) -> str:
        if not self._id_match(value):
            raise self.error(node, f"{key}: {value!r} is not an id (lower-case letters, digits and '-')")
        return value

    def date(self, node: Any, key: str) -> PartialDate:
        self._visit(node)
        if node.tag not in (_STR, _INT, _TIMESTAMP):
            raise self.error(node, f"{key}: expected a date, got {self.describe(node)}")
        try:
            return parse_date(str(node.value))
        except DateFormatError as err:
            raise self.error(node, f"{key}: {err}") from None

    def boolean(self, node: Any, key: str) -> bool:
        self._visit(node)
        raw = str(node.value).lower()
        if node.tag != _BOOL or raw not in ("true", "false"):
            raise self.error(node, f"{key}: expected true or false, got {self.describe(node)}")
        return raw == "true"

    def number(self, node: Any, key: str) -> tuple[int | float, str | None]:
        """A number from the text as written; a fraction ``"1/3"`` also gives its text."""
        self._visit(node)
        if node.tag not in (_STR, _INT, _FLOAT):
            raise self.error(node, f"{key}: expected a number, got {self.describe(node)}")
        raw = str(node.value).strip()
        fraction = re.match(_FRACTION, raw)
        if fraction:
            return int(fraction[1]) / int(fraction[2]), raw
        plain = raw.replace("_", "") if node.tag == _INT else raw
        if not re.match(_DECIMAL, plain):
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

    def enum(self, node: Any, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(node, key)
        if value not in choices:
            raise self.error(node, f"{key}: {value!r} is not one of {', '.join(choices)}")
        return value

    # -- records -------------------------------------------------------------------------

    def record(
        self, node: Any, what: str, spec: dict[str, Callable[[Any, str], Any]], required: set[str]
    ) -> dict[str, Any]:
        fields = self.mapping(node, what)
        out: dict[str, Any] = {}
        for key, value_node in fields.items():
            if key not in spec:
                raise self.error(value_node, f"{what}: unknown key {key!r} (known: {', '.join(spec)})")
            if value_node.tag == _NULL and key not in required:
                self._visit(value_node)
                continue
            out[key] = spec[key](value_node, key)
        if not required <= out.keys():
            missing = [key for key in spec if key in required and key not in out]
            raise self.error(node, f"{what}: missing {', '.join(repr(k) for k in missing)}")
        return out

    def records(self, node: Any, key: str, read_one: Callable[[Any], Any]) -> tuple[Any, ...]:
        items = []
        for item in self.sequence(node, key):
            try:
                items.append(read_one(item))
            except DataError as err:
                self.problems.append(err)
        return tuple(items)

    def list_of(self, kind: Callable[[Any, str], Any]) -> Callable[[Any, str], tuple[Any, ...]]:
        def read(node: Any, key: str) -> tuple[Any, ...]:
            return tuple(kind(item, key) for item in self.sequence(node, key))

        return read

    def enum_of(self, choices: tuple[str, ...]) -> Callable[[Any, str], str]:
        return lambda node, key: self.enum(node, key, choices)

    def as_of(self, fields: dict[str, Any]) -> PartialDate:
        if "as_of" in fields:
            return fields.pop("as_of")  # type: ignore[no-any-return]
        return self.published.get(fields.get("source", ""), UNKNOWN_DATE)

    # -- the sections --------------------------------------------------------------------

    def read_book(self, root: Any, streamed: dict[str, tuple[Any, ...]] | None = None) -> m.FactBook:
        """The book from the document's root; ``streamed``: the sections already read record by
        record as the document streamed (their nodes in ``root`` are empty)."""
        streamed = streamed or {}
        top = self.mapping(root, "the fact file")
        known = {"format"} | {section.name for section in m.SECTIONS}
        for key, value in top.items():
            if key not in known:
                raise self.error(value, f"unknown top-level key {key!r} (known: {', '.join(sorted(known))})")
        if "format" in top:
            tag = self.text(top["format"], "format")
            if tag != FORMAT_TAG:
                raise self.error(top["format"], f"format {tag!r} is not supported (expected {FORMAT_TAG!r})")
        if "sources" not in top:
            raise self.error(root, "the fact file has no 'sources' list; every fact needs a source")
        sections: dict[str, tuple[Any, ...]] = {}
        for section in m.SECTIONS:  # sources first: claims take their as-of from them
            if section.name in streamed:
                self.sequence(top[section.name], section.name)  # its node: checked as any other
                sections[section.name] = streamed[section.name]
            elif section.name in top:
                # Each kind of record is read by the method of its kind's name (source, place, ...).
                sections[section.name] = self.records(top[section.name], section.name, getattr(self, section.kind))
        return m.FactBook(path=self.path, **sections)

    def citations(self, node: Any, key: str) -> tuple[m.Citation, ...]:
        spec = self._spec("citation", lambda: {"source": self.ident, "quote": self.text, "note": self.text})
        return tuple(
            m.Citation(**self.record(item, "a citation", spec, {"source"})) for item in self.sequence(node, key)
        )

    def source(self, node: Any) -> m.Source:
        spec = self._spec("source", lambda: {
            "id": self.ident, "title": self.text, "description": self.text, "publisher": self.text, "url": self.text,
            "published": self.date, "published_inferred": self.boolean, "published_note": self.text,
            "language": self.text, "primary": self.boolean, "reference": self.boolean, "text": self.text,
            "kind": self.enum_of(m.SOURCE_KINDS), "outlet": self.text, "via": self.text,
        })
        fields = self.record(node, "a source", spec, {"id", "publisher", "published", "language"})
        self.published[fields["id"]] = fields["published"]
        return m.Source(**fields, line=self.line(node))

    def place(self, node: Any) -> m.Place:
        spec = self._spec("place", lambda: {
            "id": self.ident, "name": self.text, "kind": self.text, "department": self.text,
            "region": self.text, "country": self.text, "cite": self.citations,
        })
        fields = self.record(node, "a place", spec, {"id", "name", "kind", "country", "cite"})
        return m.Place(**fields, line=self.line(node))

    def town(self, node: Any, key: str) -> str | None:
        value = self.text(node, key)
        if value == m.NOT_STATED:
            return None
        return self._check_id(node, key, value)

    def organisation(self, node: Any) -> m.Organisation:
        spec = self._spec("organisation", lambda: {
            "id": self.ident, "name": self.text, "kind": self.enum_of(m.ORGANISATION_KINDS),
            "town": self.town, "roles": self.list_of(self.ident), "parent": self.ident,
            "description": self.text, "sites": self.locations, "seats": self.locations, "cite": self.citations,
        })
        fields = self.record(node, "an organisation", spec, {"id", "name", "kind", "town", "cite"})
        return m.Organisation(**fields, line=self.line(node))

    def person(self, node: Any) -> m.Person:
        def aliases(value: Any, key: str) -> tuple[m.AlsoKnownAs, ...]:
            spec = self._spec("also_known_as", lambda: {"name": self.text, "source": self.ident})
            return tuple(
                m.AlsoKnownAs(**self.record(item, "also_known_as", spec, {"name", "source"}))
                for item in self.sequence(value, key)
            )

        def titles(value: Any, key: str) -> tuple[m.TitleClaim, ...]:
            spec = self._spec("title_claim", lambda: {
                "value": self.text, "source": self.ident, "as_of": self.date, "organisation": self.ident,
                "quote": self.text, "note": self.text,
            })
            out = []
            for item in self.sequence(value, key):
                fields = self.record(item, "a title claim", spec, {"value", "source"})
                out.append(m.TitleClaim(as_of=self.as_of(fields), **fields))
            return tuple(out)

        spec = self._spec("person", lambda: {
            "id": self.ident, "name": self.text, "role": self.text, "organisation": self.ident,
            "also_known_as": aliases, "titles": titles, "cite": self.citations,
        })
        fields = self.record(node, "a person", spec, {"id", "name", "cite"})
        return m.Person(**fields, line=self.line(node))

    def event(self, node: Any) -> m.Event:
        def date_claims(value: Any, key: str) -> tuple[m.DateClaim, ...]:
            spec = self._spec("date_claim", lambda: {
                "date": self.date, "source": self.ident, "quote": self.text, "note": self.text, "as_of": self.date,
            })
            out = []
            for item in self.sequence(value, key):
                fields = self.record(item, "a date claim", spec, {"date", "source"})
                out.append(m.DateClaim(as_of=self.as_of(fields), **fields))
            return tuple(out)

        spec = self._spec("event", lambda: {
            "id": self.ident, "name": self.text, "kind": self.text, "part_of": self.ident,
            "status": self.statuses, "dates": date_claims, "places": self.list_of(self.ident),
            "participants": self.list_of(self.ident), "cite": self.citations,
        })
        fields = self.record(node, "an event", spec, {"id", "name", "kind", "cite"})
        return m.Event(**fields, line=self.line(node))

    def statuses(self, value: Any, key: str) -> tuple[m.StatusClaim, ...]:
        spec = self._spec("status_claim", lambda: {
            "value": self.enum_of(m.STATUSES), "source": self.ident, "as_of": self.date,
            "quote": self.text, "note": self.text,
        })
        out = []
        for item in self.sequence(value, key):
            fields = self.record(item, "a status claim", spec, {"value", "source"})
            out.append(m.StatusClaim(as_of=self.as_of(fields), **fields))
        return tuple(out)

    def locations(self, value: Any, key: str) -> tuple[m.Location, ...]:
        """A project's ``locations`` or an organisation's ``sites``."""
        spec = self._spec("location", lambda: {
            "place": self.ident, "source": self.ident, "quote": self.text, "note": self.text,
        })
        return tuple(
            m.Location(**self.record(item, "a location", spec, {"place", "source"}))
            for item in self.sequence(value, key)
        )

    def project(self, node: Any) -> m.Project:
        def follows(value: Any, key: str) -> tuple[m.Follows, ...]:
            spec = self._spec("follows", lambda: {
                "project": self.ident, "source": self.ident, "quote": self.text, "note": self.text,
            })
            return tuple(
                m.Follows(**self.record(item, "a follows claim", spec, {"project", "source"}))
                for item in self.sequence(value, key)
            )

        spec = self._spec("project", lambda: {
            "id": self.ident, "name": self.text, "owner": self.ident, "kind": self.text,
            "locations": self.locations, "status": self.statuses, "follows": follows, "cite": self.citations,
        })
        fields = self.record(node, "a project", spec, {"id", "name", "owner", "cite"})
        return m.Project(**fields, line=self.line(node))

    def figure(self, node: Any) -> m.Figure:
        spec = self._spec("figure", lambda: {
            "id": self.ident, "subject": self.ident, "measure": self.ident, "value": self.number,
            "unit": self.text, "qualifier": self.enum_of(m.QUALIFIERS), "planned": self.boolean,
            "period": self.date, "date_qualifier": self.enum_of(m.DATE_QUALIFIERS), "scope": self.text,
            "as_of": self.date, "source": self.ident, "quote": self.text, "note": self.text,
            "revises": self.ident,
        })
        required = {"id", "subject", "measure", "value", "unit", "qualifier", "source"}
        fields = self.record(node, "a figure", spec, required)
        value, value_text = fields.pop("value")
        return m.Figure(
            value=value, value_text=value_text, as_of=self.as_of(fields), **fields, line=self.line(node)
        )

    def milestone(self, node: Any) -> m.Milestone:
        spec = self._spec("milestone", lambda: {
            "id": self.ident, "subject": self.ident, "what": self.ident, "date": self.date,
            "date_qualifier": self.enum_of(m.DATE_QUALIFIERS), "planned": self.boolean, "scope": self.text,
            "as_of": self.date, "source": self.ident, "quote": self.text, "note": self.text,
            "revises": self.ident, "outcome": self.text,
        })
        fields = self.record(node, "a milestone", spec, {"id", "subject", "what", "date", "source"})
        return m.Milestone(as_of=self.as_of(fields), **fields, line=self.line(node))

    def statement(self, node: Any) -> m.Statement:
        spec = self._spec("statement", lambda: {
            "id": self.ident, "subject": self.ident, "topic": self.ident, "text": self.text,
            "as_of": self.date, "source": self.ident, "quote": self.text, "note": self.text,
        })
        fields = self.record(node, "a statement", spec, {"id", "subject", "topic", "text", "source"})
        return m.Statement(as_of=self.as_of(fields), **fields, line=self.line(node))

    def discrepancy(self, node: Any) -> m.Discrepancy:
        def sides(value: Any, key: str) -> tuple[m.Side, ...]:
            spec = self._spec("side", lambda: {
                "value": self.text, "source": self.ident, "quote": self.text, "note": self.text,
            })
            return tuple(
                m.Side(**self.record(item, "a side", spec, {"value", "source"})) for item in self.sequence(value, key)
            )

        spec = self._spec("discrepancy", lambda: {
            "id": self.ident, "subject": self.ident, "about": self.text,
            "kind": self.enum_of(m.DISCREPANCY_KINDS), "sides": sides, "note": self.text,
        })
        fields = self.record(node, "a discrepancy", spec, {"id", "subject", "about", "kind", "sides"})
        return m.Discrepancy(**fields, line=self.line(node))
