"""Reading a long fact file in several processes, the reading side: where a later reader may
start (:func:`split_point`) and a later reader itself (:func:`stream_rest`, which may split its
own end again). A reader plans and joins through ``events.Splitter``; ``ingest`` runs the later
processes and appends their stores (``ingest._Split``, ``ingest.part_main``, ``ingest.append_part``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

from ..dates import PartialDate
from ..memory import gc_paused
from .events import Events, Sink, Splitter
from .files import CHUNK
from .nodes import STR
from .reader import RecordReader


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
            block = handle.read(min(offset - done, CHUNK))
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
            block = handle.read(min(offset - done, CHUNK))
            if not block:
                return None
            done += len(block)
            block = rest + block
            cut = block.rfind(b"\n") + 1
            block, rest = block[:cut], block[cut:]
            if top_level(block):
                return None
    return offset, line


class Prefixed:
    """A binary stream: ``head``, then the rest of ``handle``."""

    def __init__(self, head: bytes, handle: BinaryIO) -> None:
        self.head = head
        self.handle = handle

    def read(self, size: int = -1) -> bytes:
        if self.head:
            size = len(self.head) if size < 0 else size
            out, self.head = self.head[:size], self.head[size:]
            return out
        return self.handle.read(size)

    def tell(self) -> int:
        """How far into the file the reading is (``Splitter.plan``'s position)."""
        return self.handle.tell()


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
        reader = RecordReader(name, marks=False)
        reader.published = dict(published)
        reader.line_offset = line - 1  # the section's key is the first line read
        events = Events(name, Prefixed(f"{section}:\n".encode(), handle))
        events.splitter = splitter
        try:
            root, streamed = events.read_document(reader, sink, sources_known=True)
        finally:
            events.dispose()
    keys = root.value[1:]
    if reader.problems or len(streamed) != len(root.value) or any(k.tag != STR for k, _ in keys):
        raise SplitFailed(name)
    return [(k.value, k.start_mark.line + line - 1, k.start_mark.column) for k, _ in keys]
