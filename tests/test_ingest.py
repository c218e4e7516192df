"""A fact store built as the file streams (``ingest.build``) is exactly the store written from
the parsed book, whatever the order of the file's sections; a file whose references are wrong
gets exactly the error the whole-book reader gives; and the memory it takes does not grow with
the file."""

from __future__ import annotations

import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from normandie_cli.errors import DataError
from normandie_cli.loading import cache, ingest
from normandie_cli.loading.book import load_facts
from normandie_cli.loading.files import bundled_path
from normandie_cli.store import read as store_read
from normandie_cli.store import write as store

from .conftest import write
from .test_store import make_facts

#: Every test here starts from an empty cache (tests/conftest.py).
pytestmark = pytest.mark.cold_cache


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table and view of a store, in rowid order, and its schema."""
    conn = sqlite3.connect(path)
    try:
        names = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'organisations_fts%'")]
        out = {name: [tuple(row) for row in conn.execute(f'SELECT * FROM "{name}"')] for name in names}
        out["(schema)"] = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master"))
        out["(search)"] = [tuple(row) for row in conn.execute(
            "SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH 'saint' ORDER BY rowid")]
        return out
    finally:
        conn.close()


def both_ways(file: Path, tmp_path: Path) -> tuple[dict[str, list[tuple[object, ...]]], ...]:
    streamed, written = tmp_path / "streamed.sqlite", tmp_path / "written.sqlite"
    ingest.build(file, streamed, {"path": "x"})
    store.write_database(written, load_facts(file, use_cache=False), {"path": "x"})
    return dump(streamed), dump(written)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_facts(400, tmp_path_factory.mktemp("gen") / "facts.yaml")


def test_the_bundled_file_streams_into_the_same_store(tmp_path: Path) -> None:
    streamed, written = both_ways(bundled_path(), tmp_path)
    assert streamed == written
    assert len(streamed["organisations"]) > 20 and streamed["completion"]


def test_a_generated_file_streams_into_the_same_store(tmp_path: Path, generated: Path) -> None:
    streamed, written = both_ways(generated, tmp_path)
    assert streamed == written
    assert len(streamed["companies"]) == 400 and streamed["(search)"]


def reorder(text: str, order: list[str]) -> str:
    """The generated file's top-level sections in another order."""
    head, *parts = text.split("\n\n")
    sections = {part.split(":", 1)[0]: part for part in parts if part.strip()}
    assert set(order) <= set(sections)
    return "\n\n".join([head, *(sections[name] for name in order),
                        *(part for name, part in sections.items() if name not in order)]) + "\n"


@pytest.mark.parametrize("order", [
    ["format", "sources", "organisations", "places"],  # towns after the companies that name them
    ["format", "places", "sources", "organisations"],  # a section before the sources: read at the end
    ["format", "figures", "organisations", "sources", "places"],
])
def test_any_order_of_sections_streams_into_the_same_store(tmp_path: Path, generated: Path, order: list[str]) -> None:
    file = write(tmp_path, reorder(generated.read_text(encoding="utf-8"), order))
    streamed, written = both_ways(file, tmp_path)
    assert streamed == written
    assert streamed["(search)"]  # the search text names the towns, known late or not


BASE = """\
sources:
  - {id: s1, publisher: P, published: "2023", language: en}
places:
  - {id: caen, name: Caen, kind: town, country: France, cite: [{source: s1}]}
organisations:
  - {id: acme, name: Acme, kind: company, town: caen, cite: [{source: s1}]}
"""

BROKEN = {
    "an unknown town": BASE + "  - {id: b, name: B, kind: company, town: rouen, cite: [{source: s1}]}\n",
    "an unknown source": BASE + "  - {id: b, name: B, kind: company, town: caen, cite: [{source: s9}]}\n",
    "an id twice in a section": BASE + "  - {id: acme, name: B, kind: company, town: caen, cite: [{source: s1}]}\n",
    "an id in two sections": BASE + "  - {id: caen, name: B, kind: company, town: caen, cite: [{source: s1}]}\n",
    "a reference of the wrong kind": BASE + "  - {id: b, name: B, kind: company, town: acme, cite: [{source: s1}]}\n",
    "a parent of the wrong kind": BASE + "  - {id: b, name: B, kind: company, town: caen, parent: caen, "
                                         "cite: [{source: s1}]}\n",
    "a citation naming a place": BASE + "  - {id: b, name: B, kind: company, town: caen, cite: [{source: caen}]}\n",
    "a subject that is a source": BASE + "figures:\n  - {id: f1, subject: s1, measure: jobs, value: 3, unit: jobs, "
                                         "qualifier: exact, source: s1}\n",
    "a record-level problem": BASE + "  - {id: b, name: B, kind: company, town: caen}\n",
    "two problems": BASE + "  - {id: b, name: B, kind: company, town: lyon, cite: [{source: s1}]}\n"
                           "  - {id: c, name: C, kind: company, town: paris, cite: [{source: s1}]}\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_gets_the_whole_book_readers_error(run, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    file = write(tmp_path, BROKEN[name])
    with pytest.raises(DataError) as expected:
        load_facts(file, use_cache=False)
    with pytest.raises((DataError, ingest.NeedsBook)):
        ingest.build(file, tmp_path / "store.sqlite", {})
    assert not (tmp_path / "store.sqlite").exists()
    result = run("--data", str(file), "companies", "-f", "json")  # the store's path, cold
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"normandie: {expected.value}\n"
    assert cache.entries() == []


def test_a_good_file_is_not_read_whole_on_the_way_into_the_store(run, tmp_path: Path, generated: Path,  # type: ignore[no-untyped-def]
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole book was read")

    monkeypatch.setattr("normandie_cli.loading.reader.read_facts", refuse)  # as book.py imports it
    monkeypatch.setattr(store_read, "read_book", refuse)
    result = run("--data", str(generated), "companies", "--town", "Rouen", "-f", "tsv")
    assert result.exit_code == 0 and result.stdout.count("\n") > 50
    assert len(cache.entries()) == 1


def peak_bytes(file: Path, target: Path) -> int:
    tracemalloc.start()
    try:
        # Both files: many batches of companies and figures.
        ingest.build(file, target, {}, plan=ingest.ReadPlan(batch=100))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_the_memory_it_takes_does_not_grow_with_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's allocations while a file of 500 and one of 2,000 companies are streamed into
    a store: four times the records, about the same peak (the whole-book reader's grows with
    the book). Both files are many batches of records and many chunks of the scan long, and
    what is remembered to go faster (references met, plain scalars' tags, encoded citation
    lists: each up to a fixed number) is kept small here so that both files fill it."""
    from normandie_cli.loading import events, files

    monkeypatch.setattr(files, "CHUNK", 1 << 16)
    monkeypatch.setattr(events, "_PLAIN_LIMIT", 100)
    monkeypatch.setattr(ingest, "_SEEN_LIMIT", 100)
    monkeypatch.setattr(store_read, "MEMO_LIMIT", 100)
    peak_bytes(make_facts(300, tmp_path / "warm-up.yaml"), tmp_path / "warm-up.sqlite")  # first-time costs
    small = peak_bytes(make_facts(500, tmp_path / "small.yaml"), tmp_path / "small.sqlite")
    large = peak_bytes(make_facts(2000, tmp_path / "large.yaml"), tmp_path / "large.sqlite")
    assert large < 1.5 * small, (small, large)
    tracemalloc.start()
    try:
        load_facts(tmp_path / "large.yaml", use_cache=False)
        whole = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert whole > 3 * large, (whole, large)  # the test can tell the difference
