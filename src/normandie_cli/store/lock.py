"""Who owns a file of the cache directory, told by locks (``fcntl.flock``; standard library only).

- A temporary file (a store being built, ``.tmp-*``; the part the second process of a split file
  writes, ``.part-*``) is made by :func:`create_owned` and held with a shared lock for as long as
  its owner lives. The system drops a process's locks when it ends, however it ends (SIGKILL
  included), so a temporary file nobody holds is left over from a run that ended, and
  :func:`sweep` removes it, with its SQLite journals. The lock tells, not a process id, which
  the system may give to another process.
- A cache entry being built is held with an exclusive lock on its lock file (:class:`EntryLock`),
  so that concurrent first runs on one fact file build it once: the others wait for it.

A remover takes the lock itself, so a file can never be removed from under its owner; an owner
checks, once it holds its lock, that the name still leads to the file it locked (a remover may
have taken it between its creation and the lock), and makes another if not. Without ``fcntl``
(Windows) nothing is locked, and a file another process has open cannot be removed there, which
keeps a live run's files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..testhook import checkpoint

#: The names of temporary files in the cache directory.
TEMPORARY = (".tmp-", ".part-")
#: SQLite's side files beside a database.
JOURNALS = ("-journal", "-wal", "-shm")


def _fcntl() -> Any:
    try:
        import fcntl
    except ImportError:  # Windows
        return None
    return fcntl


def _lock(fd: int, exclusive: bool, wait: bool) -> bool | None:
    """Whether the lock was taken: ``False`` when another process holds a conflicting one,
    ``None`` when locks do not work here (no ``fcntl``; ENOLCK on some network file systems)."""
    fcntl = _fcntl()
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:
        return None
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        held, named = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (held.st_ino, held.st_dev) == (named.st_ino, named.st_dev)


def create_owned(folder: Path, prefix: str, suffix: str) -> tuple[Path, int]:
    """A new empty file in ``folder`` (as ``tempfile.mkstemp`` names one) and its descriptor,
    which holds a shared lock on it: close the descriptor after removing or renaming the file."""
    import tempfile

    while True:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
        _lock(fd, exclusive=False, wait=True)
        if _same_file(fd, Path(name)):
            return Path(name), fd
        os.close(fd)  # removed by a sweep before it was locked: make another


def hold(path: Path) -> int | None:
    """A descriptor holding a shared lock on an existing file (another process's, which this
    one works on), or ``None`` when it is gone."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    _lock(fd, exclusive=False, wait=True)
    return fd


def remove_unowned(path: Path) -> bool:
    """Remove ``path`` unless a live process holds it; whether it is gone."""
    if _fcntl() is None:
        try:
            os.unlink(path)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if _lock(fd, exclusive=True, wait=False) is not True or not _same_file(fd, path):
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def sweep(folder: Path) -> int:
    """Remove the temporary files in ``folder`` that no live process holds, and their journals
    (and any journal of a temporary file that is gone); return how many files were removed."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.startswith(TEMPORARY)]
    except OSError:
        return 0
    removed = 0
    journals = []
    for name in names:
        if name.endswith(JOURNALS):
            journals.append(name)
        elif remove_unowned(folder / name):
            removed += 1
    for name in journals:
        base = folder / next(name[: -len(suffix)] for suffix in JOURNALS if name.endswith(suffix))
        if not base.exists():
            try:
                os.unlink(folder / name)
                removed += 1
            except OSError:
                pass
    return removed


class EntryLock:
    """The exclusive lock on a cache entry's lock file, taken by the run that builds the entry.

    :meth:`acquire` waits up to ``timeout`` seconds while another run holds it (polling every
    ``poll`` seconds); ``waited`` says whether it had to."""

    def __init__(self, path: Path, timeout: float, poll: float = 0.05) -> None:
        self.path = path
        self.timeout = timeout
        self.poll = poll
        self.fd: int | None = None

    def acquire(self) -> bool:
        """Whether this run now holds the lock: ``False`` when it cannot be taken here (no
        lock file can be made) or when another run held it for ``timeout`` seconds."""
        import time

        deadline = None
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                return False
            taken = _lock(fd, exclusive=True, wait=False)
            if taken is None:
                self.fd = fd  # nothing to lock with: every run builds, as before
                return True
            if taken:
                if _same_file(fd, self.path):
                    self.fd = fd
                    return True
                os.close(fd)  # removed (cache clear) after it was opened: open the new one
                continue
            os.close(fd)
            now = time.monotonic()
            if deadline is None:
                checkpoint("wait", str(self.path))
                deadline = now + self.timeout
            if now >= deadline:
                return False
            time.sleep(self.poll)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
