"""The parse cache: used when it matches the file, ignored whenever it cannot be trusted."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from normandie_cli.errors import DataError
from normandie_cli.loading import cache
from normandie_cli.loading.book import load_facts
from normandie_cli.loading.files import bundled_path

from .conftest import Runner, write

#: Every test here starts from an empty cache (tests/conftest.py).
pytestmark = pytest.mark.cold_cache

SMALL = """\
sources:
  - {id: s1, publisher: P, published: "2023", language: en}
places:
  - {id: caen, name: Caen, kind: town, country: France, cite: [{source: s1}]}
"""


def test_a_cache_hit_gives_exactly_the_parsed_book() -> None:
    parsed = load_facts(bundled_path(), use_cache=False)
    first = load_facts(bundled_path())  # parses and writes the cache
    assert len(cache.entries()) == 1
    hit = cache.read(bundled_path())
    assert hit is not None
    assert hit == parsed == first


def test_the_cache_lives_under_xdg_cache_home(tmp_path: Path) -> None:
    assert cache.cache_dir() == Path(os.environ["XDG_CACHE_HOME"]) / "normandie"


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    assert load_facts(path).places[0].name == "Caen"
    path.write_text(SMALL.replace("name: Caen", "name: Caen-la-Mer"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new size and mtime: the stamp no longer matches
    assert cache.read(path) is None
    assert load_facts(path).places[0].name == "Caen-la-Mer"


@pytest.mark.parametrize("damage", ["", "{", "[1, 2]", '{"stamp": 1}', "\x00\xff", "TRUNCATE", "HEADER"])
def test_a_corrupt_or_truncated_cache_is_ignored(tmp_path: Path, damage: str) -> None:
    path = write(tmp_path, SMALL)
    load_facts(path)
    [entry] = cache.entries()
    if damage == "TRUNCATE":
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "HEADER":  # SQLite's header, then garbage
        entry.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    else:
        entry.write_bytes(damage.encode("utf-8", "surrogateescape"))
    assert cache.read(path) is None
    assert load_facts(path).places[0].name == "Caen"
    assert cache.read(path) is not None  # rebuilt


def _tamper(entry: Path, *statements: str) -> None:
    conn = sqlite3.connect(entry)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


@pytest.mark.parametrize("statements", [
    ("UPDATE meta SET value = '1' WHERE key = 'schema'",),  # an older schema
    ("UPDATE meta SET value = '0.0.1' WHERE key = 'version'",),  # another program version
    ("UPDATE meta SET value = 'places:id' WHERE key = 'record_layout'",),  # other records
    ("UPDATE meta SET value = '1' WHERE key = 'size'",),  # another file's stamp
    ("DELETE FROM meta",),
    ("DROP TABLE meta",),
    ("ALTER TABLE places DROP COLUMN region",),  # a table of the wrong shape
    ("DROP TABLE figures",),
    ("UPDATE places SET cite = '[[\"s1\"]]'",),  # a citation with one value: not a citation
    ("UPDATE places SET cite = 'not json'",),
    ("UPDATE sources SET published = 'yesterday'",),  # not a date
])
def test_a_cache_of_the_wrong_shape_or_stamp_is_ignored(tmp_path: Path, statements: tuple[str, ...]) -> None:
    path = write(tmp_path, SMALL)
    load_facts(path)
    [entry] = cache.entries()
    _tamper(entry, *statements)
    assert cache.read(path) is None
    assert load_facts(path).places[0].name == "Caen"  # parsed again, and the entry rebuilt
    assert cache.read(path) == load_facts(path, use_cache=False)


def test_a_foreign_sqlite_database_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    load_facts(path)
    [entry] = cache.entries()
    entry.unlink()
    _tamper(entry, "CREATE TABLE meta (key TEXT, value TEXT)", "INSERT INTO meta VALUES ('schema', 'x')")
    assert cache.read(path) is None


def test_an_unwritable_cache_directory_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert load_facts(write(tmp_path, SMALL)).places[0].name == "Caen"
    assert cache.entries() == []


def test_no_cache_environment_variable_bypasses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMANDIE_NO_CACHE", "1")
    load_facts(write(tmp_path, SMALL))
    assert cache.entries() == []


def test_a_file_with_problems_is_never_cached(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL.replace("source: s1}", "source: nobody}"))
    with pytest.raises(DataError, match="unknown id 'nobody'"):
        load_facts(path)
    assert cache.entries() == []


def test_two_processes_writing_at_once_leave_one_whole_entry(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    # Each round touches the file (a new stamp), so each load parses again and rewrites the entry.
    code = (
        "import os, sys\nfrom normandie_cli.loading.book import load_facts\n"
        "for _ in range(30):\n    os.utime(sys.argv[1])\n    load_facts(sys.argv[1])\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)]) for _ in range(2)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    entries = cache.entries()
    assert len(entries) == 1
    conn = sqlite3.connect(entries[0])  # whole, not interleaved
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM places").fetchone() == (1,)
    conn.close()
    assert not list(cache.cache_dir().glob(".tmp-*"))


def test_the_cli_output_is_the_same_from_the_cache(run: Runner) -> None:
    cold = run("figures", "-f", "json").stdout
    assert cache.entries()
    warm = run("figures", "-f", "json").stdout
    bypass = run("figures", "-f", "json", env={"NORMANDIE_NO_CACHE": "1"}).stdout
    assert cold == warm == bypass


@pytest.mark.parametrize("statement", ["DROP TABLE completion", "DROP INDEX organisations_town", "DROP VIEW companies",
                                       "CREATE TABLE extra (x)", "ALTER TABLE figures ADD COLUMN extra TEXT"])
def test_a_store_missing_a_table_or_index_is_rebuilt(tmp_path: Path, statement: str) -> None:
    path = write(tmp_path, SMALL)
    load_facts(path)
    [entry] = cache.entries()
    _tamper(entry, statement)
    assert cache.connect(path) is None and cache.read(path) is None
    load_facts(path)
    assert cache.connect(path) is not None
