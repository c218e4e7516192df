"""A fact file's stamp, taken before it is read and checked after (standard library only).

The stamp is what ``os.stat`` says of the file: its size, its modification time, and what
``touch -r`` cannot put back, as git's index records: the inode change time (set by the system
on every change, never by a program), the inode and the device (a file replaced with ``mv`` is
another inode). A read is trusted only when the stamp after it is the stamp before it
(:func:`read_unchanged`); otherwise the file is read again, up to :data:`ATTEMPTS` times in
all, and then :class:`FileChanged` says so. Nothing is stored under a stamp its content does
not match.

A file system's clock has ticks (about 4 ms on Linux, a second or two on some file systems): a
change made within the tick of the change before leaves the stamp as it was (git's "racy"
files). So a file changed less than a tick or so before its stamp was taken (:func:`racy`) is
also compared by content, a CRC-32 of its bytes before and after the read; the cache records
that CRC with the stamp and compares it whenever it uses the entry (``cache.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..errors import DataError
from ..testhook import checkpoint

#: How many times a file is read before a run says it keeps changing.
ATTEMPTS = 3
#: How recent a change must be, before the stamp, for the file to be compared by content: a few
#: of Linux's ticks where the file system keeps sub-second times; two seconds (FAT's tick) where
#: it keeps whole seconds.
RACY_NS = 100_000_000
RACY_COARSE_NS = 2_000_000_000

Stamp = tuple[int, int, int, int, int]
T = TypeVar("T")


class FileChanged(DataError):
    """The fact file changed every time it was read."""

    def __init__(self, path: str, attempts: int) -> None:
        super().__init__(path, f"changed while it was being read ({attempts} times); run the command again "
                               "once the file is written")


class Changed(Exception):
    """The file changed while it was read (:meth:`Reading.check`): read it again."""


def take(path: Path) -> Stamp:
    """The stamp of the file ``path`` names now (``OSError`` when there is none)."""
    info = os.stat(path)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def racy(stamp: Stamp, now_ns: int) -> bool:
    """Whether the file's last change is too close to ``now_ns`` for its stamp to show the next."""
    _, mtime, ctime, _, _ = stamp
    coarse = mtime % 1_000_000_000 == 0 and ctime % 1_000_000_000 == 0
    return max(mtime, ctime) >= now_ns - (RACY_COARSE_NS if coarse else RACY_NS)


def digest(path: Path) -> int:
    """The CRC-32 of the file's bytes (``OSError`` when it cannot be read)."""
    import zlib

    crc = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            crc = zlib.crc32(block, crc)
    return crc


class Reading:
    """One read of a file: its stamp (and, when racy, its CRC-32) before, and :meth:`check`."""

    def __init__(self, path: Path) -> None:
        import time

        self.path = path
        self.before = take(path)
        #: The CRC-32 of a racy file's content, as it was before the read (and after it, once checked).
        self.crc: int | None = digest(path) if racy(self.before, time.time_ns()) else None
        self.checked = False

    def check(self) -> None:
        """Raise :class:`Changed` unless the file is as it was before the read."""
        checkpoint("read", str(self.path))
        try:
            same = take(self.path) == self.before and (self.crc is None or digest(self.path) == self.crc)
        except OSError:
            same = False
        if not same:
            raise Changed
        self.checked = True


def read_unchanged(path: Path, read: Callable[[Reading], T], attempts: int = ATTEMPTS) -> T:
    """``read(reading)``, again while the file changed during it; :class:`FileChanged` after
    ``attempts`` reads that all saw it change. ``read`` may check the stamp itself (before it
    stores what it read: :meth:`Reading.check`); else it is checked when ``read`` returns. A
    DataError raised by a read during which the file changed is not trusted either."""
    for _ in range(attempts):
        try:
            reading = Reading(path)
        except FileNotFoundError:
            raise DataError(str(path), "no such file") from None
        except OSError as err:
            raise DataError(str(path), f"cannot read: {err.strerror or err}") from None
        try:
            try:
                result = read(reading)
            except DataError:
                if not reading.checked:
                    reading.check()  # the error is the file's as it was, or the file changed
                raise
            if not reading.checked:
                reading.check()
            return result
        except Changed:
            continue
    raise FileChanged(str(path), attempts)
