"""Output held back until it is whole: a machine format written from rows that stream out of
the fact store is written to standard output only once the last row is written, so that a
query that fails on the way (a damaged page of the store) leaves nothing half-written: a JSON
array is whole, or not written at all, and the command can answer again from a rebuilt store.

What is held back stays in memory up to :data:`MEMORY` characters, then goes to a temporary
file (``tempfile`` is imported only then), so memory stays bounded whatever the number of rows;
if no temporary file can be made, it stays in memory.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import Any, TextIO

#: Characters held in memory before the rest goes to a temporary file: a page or two of rows
#: stay in memory; the JSON of a quarter of 100,000 companies (about 7 million characters) goes
#: to the file, which costs a few milliseconds and keeps memory flat (measured: docs/errors.md).
MEMORY = 1 << 20


class Spool(io.TextIOBase):
    """A text stream that keeps what is written, for :meth:`commit` to write to ``out``."""

    def __init__(self, out: TextIO, memory: int = MEMORY) -> None:
        super().__init__()
        self.out = out
        self.memory = memory
        self.parts: list[str] = []
        self.size = 0
        self.file: Any = None

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.out, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.out, "errors", None)

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.file is not None:
            self.file.write(text)
            return len(text)
        self.parts.append(text)
        self.size += len(text)
        if self.size > self.memory:
            self._to_file()
        return len(text)

    def _to_file(self) -> None:
        import tempfile

        try:
            self.file = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass", newline="")
            for part in self.parts:
                self.file.write(part)
        except OSError:  # no temporary file here: keep it in memory
            if self.file is not None:
                self.file.close()
            self.file = None
            self.memory = sys.maxsize
            return
        self.parts = []

    def commit(self) -> None:
        """Write everything kept to ``out``."""
        write = self.out.write
        if self.file is None:
            for part in self.parts:
                write(part)
            self.parts = []
            return
        self.file.seek(0)
        while chunk := self.file.read(8192):  # small reads: larger ones grew the heap by their size, again and again
            write(chunk)
        self.discard()

    def discard(self) -> None:
        self.parts = []
        if self.file is not None:
            self.file.close()
            self.file = None


@contextlib.contextmanager
def whole_output(enabled: bool = True) -> Iterator[None]:
    """Inside, ``sys.stdout`` is a :class:`Spool`: written to the real one when the block ends,
    dropped when it raises."""
    if not enabled:
        yield
        return
    real = sys.stdout
    spool = Spool(real)
    sys.stdout = spool
    try:
        yield
    except BaseException:
        sys.stdout = real
        spool.discard()
        raise
    sys.stdout = real
    spool.commit()
