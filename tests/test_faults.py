"""Faults (issue 23): never a stale answer, never a traceback, nothing left behind.

Each failure of the issue is a test here: a file edited while it is read (through the test hook,
``testhook.py``: the test edits the file at the checkpoint between the read and the check of its
stamp), a run killed through its process group or only its first process, a store damaged on
one page or truncated, a long value in a message, a cache that cannot be written, and four
concurrent first runs. None sleeps to synchronise or asserts on time: a run stops at a
checkpoint until the test answers, and a run that never gets there fails the test after a
generous deadline (a hang, not a slowness).
"""

from __future__ import annotations

import json
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from normandie_cli import errors
from normandie_cli.errors import DataError, ExitCode, shorten
from normandie_cli.loading import cache, stamp
from normandie_cli.loading.book import load_facts
from normandie_cli.store import lock

from .conftest import Runner, installed, write
from .test_core import MINIMAL
from .test_store import make_facts

#: Every test here starts from an empty cache (tests/conftest.py).
pytestmark = pytest.mark.cold_cache

#: A run that does not reach its next checkpoint, or its end, within this many seconds hangs.
HANG = 300


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NORMANDIE_DATA", "FORCE_COLOR", "NORMANDIE_NO_CACHE", "NORMANDIE_MAX_SIZE")}
    env.update(extra)
    return env


class Hooked:
    """The installed ``normandie``, run with the test hook: :meth:`event` is its next checkpoint
    (``["read", FILE]``, ...; ``None`` once it ended), and it waits there until :meth:`go`.
    Its output goes to files (a pipe could fill while the run waits at a checkpoint)."""

    def __init__(self, tmp_path: Path, *args: str, group: bool = False, name: str = "run", **env: str) -> None:
        events_read, events_write = os.pipe()
        answers_read, answers_write = os.pipe()
        self.out_path, self.err_path = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(
                [str(installed()), *args], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                pass_fds=(events_write, answers_read), process_group=0 if group else None,
                env=_env(NORMANDIE_TEST_HOOK=f"{events_write},{answers_read}", **env))
        os.close(events_write)
        os.close(answers_read)
        self.events = os.fdopen(events_read, "rb")
        self.answers: int | None = answers_write
        self.seen: list[list[str]] = []

    def fileno(self) -> int:
        return self.events.fileno()

    def event(self) -> list[str] | None:
        ready, _, _ = select.select([self.events], [], [], HANG)
        if not ready:
            self.proc.kill()
            pytest.fail(f"no checkpoint and no end within {HANG} s: {self.proc.args!r}")
        line = self.events.readline()
        if not line:
            return None
        words = line.decode().split()
        self.seen.append(words)
        return words

    def go(self) -> None:
        if self.answers is not None:
            os.write(self.answers, b"g")

    def release(self) -> None:
        """Every checkpoint from now on goes on at once (the answers' pipe is closed)."""
        if self.answers is not None:
            os.close(self.answers)
            self.answers = None

    def finish(self) -> tuple[int, bytes, str]:
        """Let it run to its end: exit code, stdout, stderr."""
        self.release()
        while self.event() is not None:
            pass
        try:
            code = self.proc.wait(timeout=HANG)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(f"did not end within {HANG} s: {self.proc.args!r}")
        self.events.close()
        return code, self.out_path.read_bytes(), self.err_path.read_text(encoding="utf-8", errors="replace")

    def names(self, name: str) -> list[list[str]]:
        return [words for words in self.seen if words[0] == name]


def normandie(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(installed()), *args], capture_output=True, stdin=subprocess.DEVNULL, env=_env(**env),
                          timeout=HANG)


def rouen_count(run: Runner, path: Path, *extra: str) -> int:
    """In this process: what a run answers from the file, and the cache, as they are on disk."""
    result = run(*extra, "--data", str(path), "companies", "--town", "Rouen", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return len(json.loads(result.stdout))


def leftovers() -> list[str]:
    folder = cache.cache_dir()
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".tmp-", ".part-"))) if folder.exists() else []


# 1. A file edited while it is read ---------------------------------------------------------

@pytest.fixture(scope="module")
def pristine_facts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_facts(300, tmp_path_factory.mktemp("facts") / "facts.yaml")


@pytest.fixture
def facts(tmp_path: Path, pristine_facts: Path) -> Path:
    """A fresh copy for each test (tests edit it): the file generated once per module."""
    return Path(shutil.copyfile(pristine_facts, tmp_path / "facts.yaml"))


def move_a_company_out_of_rouen(path: Path) -> None:
    """Edit the file in place, its size unchanged: a company of Rouen moves to Caen."""
    data = path.read_bytes()
    at = data.index(b'town: "rouen"\n', len(data) // 2)
    with open(path, "r+b") as handle:
        handle.seek(at)
        handle.write(b'town: "caen" \n')


def edit(path: Path, how: str) -> None:
    if how == "in place":
        move_a_company_out_of_rouen(path)
    elif how == "mv":  # a new file put in its place (another inode), as an editor or a script does
        new = path.with_name("new.yaml")
        new.write_bytes(path.read_bytes())
        move_a_company_out_of_rouen(new)
        os.replace(new, path)
    else:  # "touch -r": in place, and the modification time put back
        before = os.stat(path)
        move_a_company_out_of_rouen(path)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


#: The three ways a fact file is read: the whole book (jobs, --where), the streaming build of
#: the store (companies), and without the cache.
READS = {
    "whole book": ("jobs", "--format", "tsv"),
    "streamed store": ("companies", "--town", "Rouen", "--format", "tsv"),
    "no cache": ("--no-cache", "companies", "--town", "Rouen", "--format", "tsv"),
}


@pytest.mark.parametrize("how", ["in place", "mv", "touch -r"])
@pytest.mark.parametrize("read", list(READS))
def test_a_file_edited_while_it_is_read_is_read_again(run: Runner, tmp_path: Path, facts: Path, read: str,
                                                      how: str) -> None:
    """The edited run is the installed script, stopped at its checkpoints; the runs before and
    after it, which only read what is on disk, run in this process."""
    before = rouen_count(run, facts, "--no-cache")
    hooked = Hooked(tmp_path, "--data", str(facts), *READS[read])
    while (words := hooked.event()) is not None:
        if words[0] == "read" and len(hooked.names("read")) == 1:
            edit(facts, how)  # after the first read, before its stamp is checked
        hooked.go()
    code, out, err = hooked.finish()
    assert (code, err) == (0, "")
    assert len(hooked.names("read")) == 2  # read again, once
    if read != "whole book":
        assert out.count(b"\n") == 1 + before - 1  # the header, then the file as it is now
    # Never stored under a stamp its content does not match: the next runs answer from the file as it is.
    assert rouen_count(run, facts) == before - 1
    if read != "no cache":
        [row] = json.loads(run("cache", "info", "--format", "json").stdout)
        assert row["status"] == "fresh"
    assert leftovers() == []


@pytest.mark.parametrize("read", list(READS))
def test_a_file_that_changes_at_every_read_is_an_error(tmp_path: Path, facts: Path, read: str) -> None:
    run = Hooked(tmp_path, "--data", str(facts), *READS[read])
    while (words := run.event()) is not None:
        if words[0] == "read":
            data = facts.read_bytes()  # a different content every time: the last company's name grows
            facts.write_bytes(data + b"# edited\n")
        run.go()
    code, out, err = run.finish()
    assert (code, out) == (1, b"")
    assert err == f"normandie: {facts}: changed while it was being read (3 times); run the command again once " \
                  "the file is written\n"
    assert len(run.names("read")) == 3
    assert cache.entries() == [] and leftovers() == []


def test_the_stamp_holds_what_touch_r_cannot_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, MINIMAL)
    real = os.stat(path)
    fields = {"st_size": real.st_size, "st_mtime_ns": real.st_mtime_ns, "st_ctime_ns": real.st_ctime_ns,
              "st_ino": real.st_ino, "st_dev": real.st_dev}

    class Stat:
        def __init__(self, **changed: int) -> None:
            self.__dict__.update(fields, **changed)

    base = stamp.take(path)
    for changed in ({"st_ctime_ns": real.st_ctime_ns + 1}, {"st_ino": real.st_ino + 1}, {"st_dev": real.st_dev + 1},
                    {"st_mtime_ns": real.st_mtime_ns + 1}, {"st_size": real.st_size + 1}):
        monkeypatch.setattr(os, "stat", lambda p, changed=changed: Stat(**changed))
        assert stamp.take(path) != base, changed
    monkeypatch.setattr(os, "stat", lambda p: Stat())
    assert stamp.take(path) == base


def test_a_change_within_one_tick_of_the_clock_is_seen_by_content(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changed just before it is read may change again without its stamp changing (the
    same tick of the file system's clock): it is compared by content, during the read and
    whenever its cache entry is used."""
    path = write(tmp_path, MINIMAL)
    frozen = stamp.take(path)
    assert stamp.racy(frozen, frozen[2])  # changed "now"
    monkeypatch.setattr(stamp, "take", lambda p: frozen)  # the stamp never shows a change

    def read(reading: stamp.Reading) -> str:
        text = path.read_text(encoding="utf-8")
        if not calls:
            path.write_text(text.replace("Rouen", "Rauen"), encoding="utf-8")  # same size
        calls.append(text)
        return text

    calls: list[str] = []
    assert "Rauen" in stamp.read_unchanged(path, read)
    assert len(calls) == 2

    book = load_facts(path)  # cached with the file's CRC-32
    assert cache.read(path) == book
    path.write_text(path.read_text(encoding="utf-8").replace("Rauen", "Rouen"), encoding="utf-8")
    assert cache.read(path) is None  # same stamp, other bytes: not served
    assert load_facts(path).places[0].name == "Rouen"


def test_a_file_changed_long_ago_is_not_read_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, MINIMAL)
    os.utime(path, ns=(1, 1))  # the modification time is old, but the inode change time is now
    assert stamp.Reading(path).crc is not None
    assert not stamp.racy(stamp.take(path), stamp.take(path)[2] + stamp.RACY_NS + 1)
    monkeypatch.setattr(stamp, "racy", lambda s, now: False)
    digests: list[Path] = []

    def digest(p: Path) -> int:
        digests.append(p)
        return 0

    monkeypatch.setattr(stamp, "digest", digest)
    load_facts(path)
    assert digests == []  # the stamp alone says the file did not change
    [entry] = cache.entries()
    conn = sqlite3.connect(entry)
    assert "crc32" not in dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()


# 2. Nothing left behind --------------------------------------------------------------------

@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file whose companies section is read by two processes (4 MiB and more of it)."""
    path = make_facts(20_000, tmp_path_factory.mktemp("large") / "large.yaml")
    assert path.stat().st_size > 5 << 20
    return path


needs_split = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2 if hasattr(os, "sched_getaffinity") else True,
                                 reason="a file is read by two processes only with two cores")


def until_split(run: Hooked) -> tuple[int, Path]:
    """Answer the run's checkpoints until its second process has started: its id and its part."""
    while (words := run.event()) is not None:
        if words[0] == "split":
            return int(words[1]), Path(words[2])
        run.go()
    pytest.fail(f"the file was not split: {run.seen}")


@needs_split
@pytest.mark.parametrize(("signum", "code", "said"), [
    (signal.SIGINT, ExitCode.INTERRUPTED, "interrupted"),
    (signal.SIGTERM, ExitCode.TERMINATED, "terminated (SIGTERM)"),
    (signal.SIGHUP, ExitCode.HANGUP, "hung up (SIGHUP)"),
], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_to_the_process_group_during_a_cold_build_leaves_nothing(
        tmp_path: Path, large: Path, signum: int, code: int, said: str) -> None:
    """As a terminal's Ctrl-C, ``timeout`` or a closed terminal do: the signal goes to the whole
    process group, the first process and the second alike."""
    run = Hooked(tmp_path, "--data", str(large), "companies", "--format", "tsv", group=True)
    child, part = until_split(run)
    assert part.exists() and leftovers()
    os.killpg(run.proc.pid, signum)
    result, out, err = run.finish()
    assert (result, out, err) == (code, b"", f"normandie: {said}\n")
    assert leftovers() == [] and cache.entries() == []
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # stopped, and reaped by the first process


@needs_split
def test_sigterm_to_the_first_process_alone_stops_the_second(tmp_path: Path, large: Path) -> None:
    run = Hooked(tmp_path, "--data", str(large), "companies", "--format", "tsv")
    child, _ = until_split(run)
    run.proc.send_signal(signal.SIGTERM)
    assert run.finish() == (ExitCode.TERMINATED, b"", "normandie: terminated (SIGTERM)\n")
    assert leftovers() == []
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


@pytest.fixture
def subreaper() -> Iterator[None]:
    """This process adopts its orphaned descendants (Linux), so that it can wait for the second
    process of a run whose first process was killed."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
            pytest.skip("no PR_SET_CHILD_SUBREAPER here")
    except (OSError, AttributeError):
        pytest.skip("no prctl here")
    yield
    libc.prctl(36, 0, 0, 0, 0)


@needs_split
def test_killing_only_the_first_process_stops_the_second_and_the_next_run_cleans_up(
        tmp_path: Path, large: Path, subreaper: None) -> None:
    run = Hooked(tmp_path, "--data", str(large), "companies", "--format", "tsv")
    child, part = until_split(run)
    run.proc.kill()  # SIGKILL: no time to clean up
    assert run.proc.wait(timeout=HANG) == -signal.SIGKILL
    _, status = os.waitpid(child, 0)  # adopted by this process: returns when it ends, however long it takes
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1
    assert not part.exists()  # the second process removed its part when its parent was gone
    [temporary] = leftovers()  # the first process's store, half-built
    assert temporary.startswith(".tmp-")
    listed = json.loads(normandie("cache", "info", "--format", "json").stdout)
    assert listed == []  # never an entry; and removed by that run, as no live process holds it
    assert leftovers() == []


@needs_split
def test_killing_the_first_of_a_chain_of_readers_stops_them_all(tmp_path: Path, large: Path,
                                                                subreaper: None) -> None:
    """NORMANDIE_PROCESSES=8 on the large file: the second process splits its end again (the
    checkpoints of every process go to a log). The first killed outright, the second stops,
    then the third, each removing its part."""
    import time

    log = tmp_path / "splits.log"
    run = Hooked(tmp_path, "--data", str(large), "companies", "--format", "tsv",
                 NORMANDIE_PROCESSES="8", NORMANDIE_TEST_LOG=str(log))
    child, part = until_split(run)
    deadline = time.monotonic() + HANG
    third = None
    while third is None and time.monotonic() < deadline:  # the second process reaches its own split
        lines = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
        third = next(((int(w[2]), Path(w[3])) for w in lines if w[0] == str(child) and w[1] == "split"), None)
        time.sleep(0.05)
    assert third is not None, "the second process did not split its end"
    grandchild, third_part = third
    run.proc.kill()
    assert run.proc.wait(timeout=HANG) == -signal.SIGKILL
    for pid in (child, grandchild):  # adopted by this process once their parents are gone
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1
    assert not part.exists() and not third_part.exists()


def test_a_temporary_file_is_removed_once_no_live_process_holds_it(tmp_path: Path) -> None:
    folder = cache.cache_dir()
    folder.mkdir(parents=True)
    held, fd = lock.create_owned(folder, ".tmp-", ".sqlite")  # this process's: alive
    dead = folder / ".part-dead.sqlite"  # a killed run's: nobody holds them
    dead.write_bytes(b"x")
    (folder / ".part-dead.sqlite-journal").write_bytes(b"x")
    (folder / ".tmp-gone.sqlite-journal").write_bytes(b"x")
    try:
        assert cache.entry_rows() == []  # never listed; the dead ones removed
        assert leftovers() == [held.name]
        assert cache.sweep() == 0
    finally:
        os.close(fd)
    assert cache.sweep() == 1
    assert leftovers() == []


# 3. Damage ---------------------------------------------------------------------------------

def page_holding(db: Path, needle: bytes) -> int:
    """The number (from 0) of the one page of the database that holds ``needle``."""
    data = db.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    pages = {i // size for i in (m.start() for m in re.finditer(re.escape(needle), data))}
    assert len(pages) == 1, pages
    return pages.pop()


def damage_a_rouen_page(db: Path, facts: Path) -> None:
    """4 KiB of random bytes over the page that holds a company of Rouen in the middle of the
    file (its id and name are side by side only in its row of ``organisations``)."""
    conn = sqlite3.connect(db)
    ids = [row for row in conn.execute("SELECT id, name FROM organisations WHERE town = 'rouen' ORDER BY rowid")]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    ident, name = ids[len(ids) // 2]
    page = page_holding(db, ident.encode() + name.encode())
    with open(db, "r+b") as handle:
        handle.seek(page * size)
        handle.write(random.Random(23).randbytes(size))


@pytest.fixture(scope="module")
def pristine_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Generated and exported once per module (without a cache: no test's cache folder exists yet)."""
    folder = tmp_path_factory.mktemp("exported")
    facts = make_facts(2000, folder / "facts.yaml")
    db = folder / "x.db"
    result = normandie("--no-cache", "--data", str(facts), "export", "sqlite", str(db),
                       XDG_CACHE_HOME=str(folder / "cache"), HOME=str(folder / "home"))
    assert result.returncode == 0, result.stderr
    return facts, db


@pytest.fixture
def exported(tmp_path: Path, pristine_export: tuple[Path, Path]) -> tuple[Path, Path]:
    """A fresh copy of the fact file and its export for each test (tests damage them)."""
    facts, db = pristine_export
    return Path(shutil.copyfile(facts, tmp_path / "facts.yaml")), Path(shutil.copyfile(db, tmp_path / "x.db"))


def cli(run: Runner, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The ``run`` fixture's run (in this process) as :func:`normandie` gives it, bytes out."""
    result = run(*args, env={"NORMANDIE_MAX_SIZE": None})  # type: ignore[dict-item]  # None: unset
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout.encode(), result.stderr.encode())


@pytest.mark.parametrize(("fmt", "how"), [("json", "script"), ("jsonl", "in-process"), ("csv", "in-process"),
                                          ("tsv", "in-process"), ("table", "in-process")])
def test_a_damaged_page_of_a_data_store_is_one_line_and_no_output(run: Runner, exported: tuple[Path, Path],
                                                                  fmt: str, how: str) -> None:
    """One format through the installed script, what reaches a real stdout and stderr; the
    others in this process, where the same code writes to the same streams."""
    facts, db = exported
    damage_a_rouen_page(db, facts)

    def command(*args: str) -> subprocess.CompletedProcess[bytes]:
        return normandie(*args) if how == "script" else cli(run, *args)

    result = command("--data", str(db), "companies", "--town", "Rouen", "--format", fmt)
    assert (result.returncode, result.stdout) == (1, b"")  # a JSON array is whole, or not written
    assert re.fullmatch(rf"normandie: {re.escape(str(db))}: damaged: SQLite's quick_check says '[^\n]+'; "
                        r"write it again from its YAML fact file \(normandie export sqlite PATH\)\n",
                        result.stderr.decode()), result.stderr
    whole_book = command("--data", str(db), "jobs")
    assert whole_book.returncode == 1 and b"damaged" in whole_book.stderr and b"Traceback" not in whole_book.stderr


def test_a_truncated_data_store_says_so(run: Runner, exported: tuple[Path, Path]) -> None:
    _, db = exported
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    result = cli(run, "--data", str(db), "companies", "--format", "json")
    assert (result.returncode, result.stdout) == (1, b"")
    pages = len(data) // 4096
    assert result.stderr.decode() == (
        f"normandie: {db}: truncated: {len(data) // 2:,} bytes, where its header counts {pages:,} pages of 4,096 "
        "bytes; write it again from its YAML fact file (normandie export sqlite PATH)\n")


@pytest.mark.parametrize(("query", "how"), [
    (["companies", "--town", "Rouen", "--format", "json"], "script"),
    (["companies", "--town", "Rouen", "--format", "tsv"], "in-process"),
    (["companies", "--where", "town_id=rouen", "--format", "json"], "in-process"),
], ids=["store json", "store tsv", "whole book"])
def test_a_damaged_page_of_the_cache_is_rebuilt_and_the_answer_right(run: Runner, exported: tuple[Path, Path],
                                                                     query: list[str], how: str) -> None:
    """The right answer, the cold build and ``cache info`` run in this process; the answer from
    the damaged cache through the installed script for one query, in this process for the others."""
    facts, _ = exported
    right = cli(run, "--no-cache", "--data", str(facts), *query)
    assert cli(run, "--data", str(facts), "companies", "--limit", "1").returncode == 0  # builds the cache
    [entry] = cache.entries()
    damage_a_rouen_page(entry, facts)
    [row] = json.loads(cli(run, "cache", "info", "--format", "json").stdout)
    assert row["status"] == "fresh"  # the cheap check does not read every page (docs/errors.md)
    answer = (normandie if how == "script" else lambda *args: cli(run, *args))("--data", str(facts), *query)
    assert (answer.returncode, answer.stderr) == (0, b"")
    assert answer.stdout == right.stdout
    conn = sqlite3.connect(entry)
    assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)  # rebuilt
    conn.close()


def test_a_tab_press_on_a_damaged_cache_rebuilds_it(tmp_path: Path) -> None:
    from .test_completion import complete

    path = make_facts(2000, tmp_path / "facts.yaml")
    line = f"normandie --data {path} companies --town rou"
    assert complete("bash", line) == ["rouen"]  # builds the cache
    [entry] = cache.entries()
    page = page_holding(entry, b"Rouen (Seine-Maritime, Normandie, France)")  # rouen's line of the completion table
    with open(entry, "r+b") as handle:
        handle.seek(page * 4096)
        handle.write(random.Random(23).randbytes(4096))
    assert complete("bash", line) == ["rouen"]  # nothing on stderr, and the answer
    conn = sqlite3.connect(entry)
    assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)  # rebuilt
    conn.close()


def test_a_truncated_cache_entry_is_damaged_and_rebuilt(run: Runner, tmp_path: Path) -> None:
    path = make_facts(300, tmp_path / "facts.yaml")
    run("--data", str(path), "companies", "--limit", "1")
    [entry] = cache.entries()
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2])
    [row] = json.loads(run("cache", "info", "--format", "json").stdout)
    assert row["status"] == "damaged"
    result = run("--data", str(path), "companies", "--town", "Rouen", "--format", "json")
    right = run("--no-cache", "--data", str(path), "companies", "--town", "Rouen", "--format", "json")
    assert (result.exit_code, result.stdout) == (0, right.stdout)
    [row] = json.loads(run("cache", "info", "--format", "json").stdout)
    assert row["status"] == "fresh"


def test_a_cache_that_fails_again_once_rebuilt_is_one_line(run: Runner, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_facts(50, tmp_path / "facts.yaml")
    from normandie_cli.query import companies

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(companies, "store_company_rows", broken)
    result = run("--data", str(path), "companies", "--format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (f"normandie: {path}: its parse cache cannot be read, even rebuilt (database disk image "
                             "is malformed); run with --no-cache\n")


# 4. Errors stay short ----------------------------------------------------------------------

def test_shorten_cuts_every_long_value_and_nothing_else() -> None:
    long = "x" * 500
    assert shorten(f"format {long!r} is not supported (expected 'normandie-facts/1')") == (
        f"format '{'x' * 80}…' is not supported (expected 'normandie-facts/1')")
    assert shorten(f'the text "{long}" and the word {long}') == f'the text "{"x" * 80}…" and the word {"x" * 80}…'
    assert shorten(f"it isn't {'y' * 100}'s") == f"it isn't {'y' * 80}…"  # an apostrophe opens no quote
    assert shorten("a short message, 'kept'") == "a short message, 'kept'"
    escaped = "value 'it\\'s " + "e" * 200 + "' end"  # a quote inside the value, escaped as repr does
    assert shorten(escaped) == "value 'it\\'s " + "e" * 74 + "…' end"
    assert len(shorten("word " * 10_000)) == errors.MESSAGE_LIMIT + 1


def test_a_huge_one_line_text_file_is_a_short_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("a" * 3_000_000, encoding="utf-8")
    result = normandie("--data", str(path), "companies")
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == (f"normandie: {path}:1:1: the fact file must be a mapping of keys to values, "
                                      f"not the text '{'a' * 80}…'\n")


def test_a_huge_format_value_is_cut_and_its_place_exact(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text('format: "' + "x" * 3_000_000 + '"\n' + MINIMAL.split("\n", 1)[1], encoding="utf-8")
    result = normandie("--data", str(path), "companies")
    assert result.returncode == 1
    assert result.stderr.decode() == (f"normandie: {path}:1:9: format '{'x' * 80}…' is not supported "
                                      "(expected 'normandie-facts/1')\n")
    listed = normandie("--data", str(path), "validate")
    assert len(listed.stdout) + len(listed.stderr) < 300


@pytest.mark.slow
def test_a_long_command_line_value_is_cut(run: Runner) -> None:
    result = run("show", "z" * 10_000)  # 125 times the cut; each 10x takes ~10x the time
    assert result.exit_code == ExitCode.USAGE
    assert all(len(line) < 400 for line in result.stderr.splitlines()), result.stderr[:500]
    assert "z" * 80 + "…" in result.stderr


# 5. A cache that cannot be written ---------------------------------------------------------

NOTICE = ("normandie: cannot write the parse cache in {where} ({why}), so every run reads the whole fact file; "
          "set NORMANDIE_CACHE_DIR to a writable directory, or use --no-cache\n")


@pytest.mark.parametrize("command", [["companies", "--town", "Rouen"], ["jobs"]], ids=["store", "whole book"])
def test_a_cache_where_a_file_is_says_why_once(run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                command: list[str]) -> None:
    path = make_facts(100, tmp_path / "facts.yaml")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    right = run("--no-cache", "--data", str(path), *command, "--format", "json")
    result = run("--data", str(path), *command, "--format", "json")
    assert (result.exit_code, result.stdout) == (0, right.stdout)
    assert result.stderr == NOTICE.format(where=blocked / "normandie", why="not a directory")
    assert run("--no-cache", "--data", str(path), *command).stderr == ""  # asked not to use it: nothing to say


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root, which writes in a read-only directory")
def test_a_read_only_cache_says_why(run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_facts(100, tmp_path / "facts.yaml")
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    monkeypatch.setenv("NORMANDIE_CACHE_DIR", str(folder))
    try:
        result = run("--data", str(path), "companies", "--format", "json")
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 100
    assert result.stderr == NOTICE.format(where=folder, why="permission denied")


_FULL_DISK = """\
import resource, sys
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # as a full disk: no file grows past 4 KiB
from normandie_cli.cli.run import main
sys.argv = ["normandie", *sys.argv[1:]]
main()
"""


def test_a_full_disk_says_why_once(tmp_path: Path) -> None:
    """Python ignores SIGXFSZ: a write past the limit fails (EFBIG), as on a full disk (ENOSPC)."""
    path = make_facts(100, tmp_path / "facts.yaml")
    folder = tmp_path / "full"
    result = subprocess.run([sys.executable, "-c", _FULL_DISK, "--data", str(path), "companies", "--format", "json"],
                            capture_output=True, env=_env(NORMANDIE_CACHE_DIR=str(folder)), timeout=HANG)
    assert result.returncode == 0 and len(json.loads(result.stdout)) == 100
    message = result.stderr.decode()
    assert message.startswith(f"normandie: cannot write the parse cache in {folder} (") and message.count("\n") == 1
    assert cache.entries() == [] and [p.name for p in folder.iterdir() if p.suffix == ".sqlite"] == []


def test_normandie_cache_dir_moves_the_cache(run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMANDIE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache.cache_dir() == tmp_path / "elsewhere"
    run("companies", "--limit", "1")
    assert [p.parent for p in cache.entries()] == [tmp_path / "elsewhere"]


# 6. One build at a time --------------------------------------------------------------------

@pytest.mark.parametrize("command", [["companies", "--town", "Rouen", "--format", "json"],
                                     ["jobs", "--format", "json"]], ids=["store", "whole book"])
def test_four_concurrent_first_runs_build_once(run: Runner, tmp_path: Path, facts: Path,
                                               command: list[str]) -> None:
    right = cli(run, "--no-cache", "--data", str(facts), *command).stdout  # in this process: only the answer
    runs = [Hooked(tmp_path, "--data", str(facts), *command, name=f"run{i}") for i in range(4)]
    builder: Hooked | None = None
    waiting: set[int] = set()
    live = set(range(4))
    while live:  # answer every checkpoint, but hold the builder until the three others wait for it
        ready, _, _ = select.select([runs[i] for i in live], [], [], HANG)
        assert ready, f"no checkpoint within {HANG} s"
        for hooked in ready:
            index = runs.index(hooked)
            words = hooked.event()
            if words is None:
                live.discard(index)
                continue
            if words[0] == "build":
                assert builder is None, "a second run builds"
                builder = runs[index]
                if len(waiting) < 3:
                    continue  # answered once the others wait
            elif words[0] == "wait":
                waiting.add(index)
                if len(waiting) == 3 and builder is not None:
                    builder.go()
            runs[index].go()
    results = [hooked.finish() for hooked in runs]
    assert [(code, err) for code, _, err in results] == [(0, "")] * 4
    assert {out for _, out, _ in results} == {right}
    assert sum(len(hooked.names("build")) for hooked in runs) == 1  # one build, the three others waited and read it
    assert len(waiting) == 3
    assert len(cache.entries()) == 1 and leftovers() == []


def test_a_run_that_waits_too_long_reads_the_file_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, MINIMAL)
    entry, _ = cache._entry_of(path)
    entry.parent.mkdir(parents=True)
    other = lock.EntryLock(entry.with_suffix(".lock"), timeout=0)
    assert other.acquire()  # another run is building, and does not finish
    monkeypatch.setattr(cache, "WAIT_SECONDS", 0)
    monkeypatch.setattr(cache, "WAIT_SECONDS_PER_MIB", 0)
    try:
        assert load_facts(path).places[0].name == "Rouen"  # waited, gave up, read the file
    finally:
        other.release()
    assert cache.read(path) is not None


def test_the_file_changed_error_is_a_data_error() -> None:
    err = stamp.FileChanged("facts.yaml", 3)
    assert isinstance(err, DataError) and err.exit_code == ExitCode.DATA_ERROR
