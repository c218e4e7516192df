"""The progress spinner (cli/_progress.py) against a fake clock: shown on a terminal once the
threshold has passed and not before, never on a pipe. No sleeps and no skips: the clock only
moves when a test moves it, and each test waits until the spinner's thread has seen the move.
The last tests run a whole command in a process of its own, every parse slower than the
threshold, its stderr a terminal or a pipe."""

from __future__ import annotations

import io
import math
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from normandie_cli.cli import _progress
from normandie_cli.cli._state import State

from .test_core import MINIMAL  # the smallest valid fact file

LABEL = "Reading a large file"


class FakeClock:
    """Stands in for ``_progress._wait``: time stands still until :meth:`advance_to` moves it."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.seen = -1.0  # the latest time the waiting thread has looked at
        self.result: bool | None = None  # what the wait returned, once it has
        self.calls = 0
        self._cond = threading.Condition()

    def wait(self, done: threading.Event, seconds: float) -> bool:
        with self._cond:
            self.calls += 1
            while True:
                self.seen = self.now
                self._cond.notify_all()
                if done.is_set():
                    self.result = True
                    break
                if self.now >= seconds:
                    self.result = False
                    break
                # Wakes at once when the clock moves; the timeout only notices ``done`` being set.
                self._cond.wait(0.01)
            self._cond.notify_all()
            return self.result

    def advance_to(self, now: float) -> None:
        """Move the clock, and return once the waiting thread has looked at the new time."""
        with self._cond:
            self.now = now
            self._cond.notify_all()
            assert self._cond.wait_for(lambda: self.seen >= now or self.result is not None, timeout=60)


class FakeStream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(_progress, "_wait", fake.wait)
    return fake


def stderr(monkeypatch: pytest.MonkeyPatch, tty: bool) -> FakeStream:
    stream = FakeStream(tty)
    monkeypatch.setattr("sys.stderr", stream)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "1000")  # the label on one line, however long the path
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    return stream


def test_the_spinner_waits_for_the_threshold_then_shows(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = stderr(monkeypatch, tty=True)
    with _progress.slow_work(LABEL, delay=1.0):
        clock.advance_to(0.5)
        clock.advance_to(0.999)
        assert clock.result is None  # still waiting
        assert stream.getvalue() == ""
        clock.advance_to(1.0)
        assert clock.result is False  # the threshold has passed: the thread goes on to show
    # Leaving the block joins the thread, so whatever it showed has been written.
    assert LABEL in stream.getvalue()


def test_work_done_before_the_threshold_shows_nothing(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = stderr(monkeypatch, tty=True)
    with _progress.slow_work(LABEL, delay=1.0):
        clock.advance_to(0.999)
    assert clock.result is True  # woken by the end of the work, not by the clock
    clock.advance_to(5.0)  # the thread has been joined: nothing can show later
    assert stream.getvalue() == ""


def test_a_pipe_never_shows_progress_however_late(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = stderr(monkeypatch, tty=False)
    clock.now = math.inf
    with _progress.slow_work(LABEL, delay=1.0):
        pass
    assert clock.calls == 0  # no thread, no clock
    assert stream.getvalue() == ""


@pytest.mark.parametrize("tty", [True, False])
def test_loading_a_book_shows_the_file_being_read_only_on_a_terminal(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tty: bool
) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    stream = stderr(monkeypatch, tty=tty)
    clock.now = math.inf  # every parse is slow
    book = State(data=str(path), no_cache=True).book()
    assert book is not None
    if tty:
        assert clock.result is False
        assert f"Reading {path}" in stream.getvalue()
    else:
        assert clock.calls == 0 and stream.getvalue() == ""


# A whole command, in a process of its own ---------------------------------------------------

#: ``normandie`` with every parse slower than the spinner's threshold: the clock says the
#: threshold has passed as soon as it is asked (and even once the work is done), so a spinner
#: that can show at all is shown, every time: no large file, no sleep, no race.
_SLOW = """
import sys
from normandie_cli.cli import _progress, main
_progress._wait = lambda done, seconds: False
sys.argv = ["normandie", *sys.argv[1:]]
main()
"""


def slow_run(stderr: int, **env: str) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if k not in ("NORMANDIE_DATA", "NO_COLOR", "FORCE_COLOR")}
    environ.update(TERM="xterm-256color", COLUMNS="1000", **env)
    return subprocess.run([sys.executable, "-c", _SLOW, "--no-cache", "companies", "--limit", "1", "--format", "tsv"],
                          stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, env=environ, timeout=120)


def test_a_slow_parse_shows_the_spinner_on_a_terminal() -> None:
    """The control for the next test: with the same command and clock, a terminal gets it."""
    master, slave = pty.openpty()
    try:
        result = slow_run(slave)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other side is closed and all was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert result.returncode == 0 and result.stdout.startswith(b"id\t")
    assert b"Reading " in shown and b"parse cache" in shown


@pytest.mark.parametrize("force_color", ["", "1"], ids=["plain", "FORCE_COLOR"])
def test_a_slow_parse_never_shows_progress_on_a_pipe(force_color: str) -> None:
    """However late the parse (FORCE_COLOR, which makes Rich draw on a pipe, included)."""
    result = slow_run(subprocess.PIPE, **({"FORCE_COLOR": force_color} if force_color else {}))
    assert result.returncode == 0 and result.stdout.startswith(b"id\t")
    assert result.stderr == b""
