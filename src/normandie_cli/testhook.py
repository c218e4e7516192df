"""Checkpoints where a test can act in the middle of a run (standard library only).

With ``NORMANDIE_TEST_HOOK`` set to ``"W,R"``, the numbers of two file descriptors the process
inherited (the write end of one pipe, the read end of another), each :func:`checkpoint` writes
one line (its name, then its details, separated by spaces) to ``W`` and waits for one byte, or
the end of the file, on ``R`` before it goes on. Tests use it to act at a set point of a run:
edit the fact file between its read and the check of its stamp, send a signal while the second
process of a split file runs, let a builder go once the other runs wait for it; never by
sleeping (tests/test_faults.py). Unset, always outside tests, a checkpoint costs one dictionary
look-up; a bad value is ignored.

The checkpoints: ``build FILE`` (this run is about to read FILE into its cache entry), ``wait
FILE`` (another run holds that entry: this one waits for it), ``split PID PART`` (the second
process PID was started and writes PART), ``read FILE`` (FILE was read; its stamp is about to be
checked).
"""

from __future__ import annotations

import os

ENV = "NORMANDIE_TEST_HOOK"
#: A file every checkpoint of this process and of the processes it starts appends its line to
#: (the process's id first), without waiting: a path, unlike the hook's descriptors, means the
#: same in a child (tests/test_split.py follows a chain of readers with it).
LOG_ENV = "NORMANDIE_TEST_LOG"


def checkpoint(name: str, *details: str) -> None:
    """Say ``name`` to the test driving this run, and wait until it answers (see above)."""
    log = os.environ.get(LOG_ENV)
    if log is not None:
        try:
            with open(log, "a", encoding="utf-8", errors="surrogateescape") as handle:
                handle.write(" ".join((str(os.getpid()), name, *details)) + "\n")
        except OSError:
            pass
    value = os.environ.get(ENV)
    if value is None:
        return
    try:
        write, read = (int(fd) for fd in value.split(","))
        os.write(write, (" ".join((name, *details)) + "\n").encode("utf-8", "surrogateescape"))
        os.read(read, 1)
    except (OSError, ValueError):
        pass


def without_hook(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child process: without the hook, whose descriptors it does not
    inherit (a descriptor of the same number there may be any file)."""
    env = dict(os.environ if environ is None else environ)
    env.pop(ENV, None)
    return env
