"""A pager for output taller than the screen, as git and gh do. Standard library only.

Output is held back until it is taller than the terminal; then a pager starts
(``$NORMANDIE_PAGER``, else ``$PAGER``, else ``less -FRX``), gets what was held back, and the
rest streams into it as it is drawn, so the first screen shows at once. Output that fits is
written as it is. A ``--wide`` table also starts the pager once a line is wider than the
terminal, and ``less`` is then asked to scroll sideways (``-S``) rather than fold the lines.
Never when standard output is not a terminal, never during tab completion; ``--no-pager``, an
empty ``NORMANDIE_PAGER`` or ``PAGER``, and ``PAGER=cat`` turn it off.
When the reader quits the pager early, what is left is dropped: a drawing loop asks
:attr:`Pager.closed` and stops.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any, TextIO

DEFAULT = "less -FRX"


def pager_command(environ: dict[str, str] | os._Environ[str] | None = None) -> str | None:
    """The pager to run, or ``None`` for none: ``NORMANDIE_PAGER``, ``PAGER``, ``less -FRX``."""
    env = os.environ if environ is None else environ
    for name in ("NORMANDIE_PAGER", "PAGER"):
        if name in env:
            command = env[name].strip()
            return None if command in ("", "cat") else command
    return DEFAULT if shutil.which("less") else None


class Pager(io.TextIOBase):
    """A text stream that writes to ``out`` while the output fits ``height`` lines, and
    through a pager process once it does not."""

    def __init__(self, out: TextIO, height: int, command: str, width: int | None = None) -> None:
        super().__init__()
        self.out = out
        self.height = height
        self.width = width  # with a width: a line wider than it starts the pager too
        self.command = command
        self.held: list[str] = []
        self.lines = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.stream: TextIO | None = None
        self.quit = False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.out, "encoding", None) or "utf-8"

    @property
    def closed(self) -> bool:
        """True once the reader has quit the pager: nothing more will be seen."""
        return self.quit

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise io.UnsupportedOperation("a pager stream has no file descriptor")

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.quit:
            return len(text)
        if self.stream is None:
            self.held.append(text)
            self.lines += text.count("\n")
            if self.lines >= self.height or (self.width is not None and too_wide(text, self.width)):
                self.start()
            return len(text)
        try:
            self.stream.write(text)
        except (BrokenPipeError, OSError, ValueError):
            self.quit = True
        return len(text)

    def flush(self) -> None:
        if self.stream is not None and not self.quit:
            try:
                self.stream.flush()
            except (BrokenPipeError, OSError, ValueError):
                self.quit = True

    def start(self) -> None:
        env = dict(os.environ)
        env.setdefault("LESS", "FRX")
        env.setdefault("LV", "-c")
        try:
            import shlex  # only when a pager starts

            self.process = subprocess.Popen(shlex.split(self.command), stdin=subprocess.PIPE, env=env)
        except OSError:  # no such pager: write straight to the terminal
            self.stream = self.out
        else:
            assert self.process.stdin is not None
            self.stream = io.TextIOWrapper(self.process.stdin, encoding=self.encoding, errors="backslashreplace",
                                           line_buffering=False)
        held, self.held = "".join(self.held), []
        self.write(held)

    def finish(self) -> None:
        """Write what was held back (output shorter than the screen), or close the pager and
        wait for the reader to quit it."""
        if self.stream is None:
            self.out.write("".join(self.held))
            self.out.flush()
            return
        if self.process is None:
            self.out.flush()
            return
        with contextlib.suppress(BrokenPipeError, OSError, ValueError):
            self.stream.close()
        while True:
            try:
                self.process.wait()
                return
            except KeyboardInterrupt:  # as git does: Ctrl-C is the pager's to handle
                continue


_ESCAPES = r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"


def too_wide(text: str, width: int) -> bool:
    """Whether a line of ``text`` takes more than ``width`` cells on screen (escape codes take
    none; an East Asian wide character two)."""
    if len(text) <= width:
        return False
    import re
    import unicodedata

    for line in re.sub(_ESCAPES, "", text).split("\n"):
        if len(line) > width and sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c)
                                     else 1 for c in line) > width:
            return True
    return False


def sideways(command: str) -> str:
    """``less`` asked to scroll sideways (``-S``: long lines are cut at the screen's edge, and the
    arrow keys move along them); any other pager as it is."""
    program = command.split(" ", 1)[0].rsplit("/", 1)[-1]
    return f"{command} -S" if program == "less" else command


def wanted(no_pager: bool, out: Any) -> str | None:
    """The pager command, if output to ``out`` should be paged at all."""
    if no_pager or os.environ.get("_NORMANDIE_COMPLETE") or os.environ.get("COMP_WORDS"):
        return None
    try:
        if not out.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return pager_command()


@contextlib.contextmanager
def paged(no_pager: bool = False, wide: bool = False) -> Iterator[None]:
    """Inside the block, ``sys.stdout`` goes through a pager when the output turns out taller
    than the terminal, or, ``wide``, wider (see the module's doc)."""
    command = wanted(no_pager, sys.stdout)
    if command is None:
        yield
        return
    from .table import terminal_size

    columns, lines = terminal_size()
    pager = Pager(sys.stdout, lines - 1, sideways(command) if wide else command, columns if wide else None)
    try:
        with contextlib.redirect_stdout(pager):
            yield
    finally:
        pager.finish()
