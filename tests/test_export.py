"""``normandie export sqlite``: the published fact book, derived from the model, read with
Python's sqlite3, read back as ``--data``, and served by the real Datasette on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from normandie_cli import model as m
from normandie_cli import publishing, registry
from normandie_cli.cli import app
from normandie_cli.dates import PartialDate, parse_date
from normandie_cli.errors import ExitCode
from normandie_cli.loading.book import load_facts
from normandie_cli.loading.files import bundled_path
from normandie_cli.model import Citation
from normandie_cli.record import Record
from normandie_cli.registry import FACT_LISTINGS
from normandie_cli.store import publish, publish_metadata, publish_read

from .conftest import installed, write
from .test_store import NUMBERS, make_facts

DELEGATION = 11  # the companies of the March 2023 trade mission


@pytest.fixture
def exported(run, tmp_path: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    db, meta = tmp_path / "facts.db", tmp_path / "metadata.json"
    result = run("export", "sqlite", str(db), "--metadata", str(meta))
    assert result.exit_code == 0, result.stderr
    return db, meta


@pytest.fixture(scope="module")
def shared_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """What :func:`exported` gives, exported once for the module, for the tests that only read
    it (the command opens a published book read-only: store.read.connect, ``mode=ro``); the
    tests that damage it take their own. Exported as ``exported`` does, in the environment
    ``clean_environment`` gives every test (a module's fixture is set up before it)."""
    folder = tmp_path_factory.mktemp("published")
    db, meta = folder / "facts.db", folder / "metadata.json"
    env = {"NORMANDIE_DATA": None, "FORCE_COLOR": None, "NORMANDIE_NO_CACHE": None, "NO_COLOR": "1",
           "COLUMNS": "100", "TERM": "dumb", "HOME": str(folder / "home"), "XDG_CACHE_HOME": str(folder / "cache")}
    result = CliRunner().invoke(app, ["export", "sqlite", str(db), "--metadata", str(meta)], env=env,
                                prog_name="normandie")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.stderr
    return db, meta


def bundled() -> m.FactBook:
    return load_facts(bundled_path(), use_cache=False)


def objects(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(name): str(kind) for name, kind in conn.execute("SELECT name, type FROM sqlite_master")}


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")')]


def foreign_keys(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    """Each column of ``table`` that is a foreign key, with the table it references."""
    return {str(row[3]): str(row[2]) for row in conn.execute(f'PRAGMA foreign_key_list("{table}")')}


def unlined(book: m.FactBook) -> m.FactBook:
    """The book as a published file holds it: the fact file's lines are not published."""
    return book._replace(**{s.name: tuple(r._replace(line=0) for r in getattr(book, s.name)) for s in m.SECTIONS})


# The schema --------------------------------------------------------------------------------

def test_the_export_has_a_table_per_section_and_per_list(shared_export: tuple[Path, Path]) -> None:
    db, _ = shared_export
    conn = sqlite3.connect(db)
    found = objects(conn)
    for section in m.SECTIONS:
        assert found.get(section.name) == "table", section.name
        fields = [f for f in section.record._fields if f != "line"]  # type: ignore[attr-defined]
        for field in fields:
            value = getattr(m, section.record.__name__).__annotations__[field]
            if str(value).startswith("tuple["):
                assert found.get(f"{section.name}_{field}") == "table", (section.name, field)
                assert field not in columns(conn, section.name)
            else:
                assert field in columns(conn, section.name), (section.name, field)
    assert found["entities"] == "table" and found["claims"] == "table"
    book = bundled()
    assert conn.execute("SELECT count(*) FROM figures").fetchone() == (len(book.figures),)
    assert conn.execute("SELECT count(*) FROM entities").fetchone() == (len(book.entities()),)
    delegation = conn.execute(
        "SELECT o.id, p.name, p.department FROM organisations o LEFT JOIN places p ON p.id = o.town"
        " WHERE o.id IN (SELECT organisation FROM organisations_roles WHERE value = 'delegation')").fetchall()
    assert len(delegation) == DELEGATION
    assert ("eldim", "Hérouville-Saint-Clair", "Calvados") in delegation
    # A date keeps its text, and says its precision
    assert conn.execute("SELECT date, date_precision FROM events_dates WHERE event = 'trade-mission-2023'"
                        " ORDER BY position").fetchone() == ("--03-14/--03-19", "range")


def test_nothing_internal_is_published(shared_export: tuple[Path, Path]) -> None:
    db, _ = shared_export
    conn = sqlite3.connect(db)
    names = objects(conn)
    assert not {"completion", "meta", "companies", "_organisations_completion"} & names.keys()
    for name, kind in names.items():
        assert not name.startswith("_"), name
        if kind in ("table", "view") and not name.startswith("sqlite_"):
            assert not {"line", "_search", "completion"} & set(columns(conn, name)), name
    # What the file is, in SQLite's header rather than in a table
    assert conn.execute("PRAGMA application_id").fetchone() == (publish.APPLICATION_ID,)
    assert conn.execute("PRAGMA user_version").fetchone() == (publish.LAYOUT_VERSION,)
    assert publish_read.is_published(db)


#: (table, column, the table it links to): the references the issue names, and the lists.
LINKS = [
    ("figures", "source", "sources"), ("figures", "subject", "entities"), ("milestones", "subject", "entities"),
    ("statements", "source", "sources"), ("organisations", "town", "places"),
    ("organisations", "parent", "organisations"), ("projects", "owner", "organisations"),
    ("people", "organisation", "organisations"), ("events", "part_of", "events"), ("events_places", "value", "places"),
    ("events_participants", "value", "entities"), ("events_participants", "event", "events"),
    ("organisations_cite", "source", "sources"), ("organisations_cite", "organisation", "organisations"),
    ("organisations_sites", "place", "places"), ("projects_locations", "place", "places"),
    ("projects_status", "source", "sources"), ("events_dates", "source", "sources"),
    ("discrepancies_sides", "source", "sources"), ("people_also_known_as", "source", "sources"),
    ("figures", "revises", "figures"), ("milestones", "revises", "milestones"), ("organisations", "id", "entities"),
    ("claims", "subject", "entities"), ("claims", "source", "sources"),
]


@pytest.mark.parametrize(("table", "column", "target"), LINKS)
def test_every_reference_is_a_foreign_key(shared_export: tuple[Path, Path], table: str, column: str,
                                          target: str) -> None:
    conn = sqlite3.connect(shared_export[0])
    assert foreign_keys(conn, table).get(column) == target


def test_the_foreign_keys_hold_and_are_enforced(exported: tuple[Path, Path]) -> None:
    conn = sqlite3.connect(exported[0])
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE figures SET source = 'no-such-source' WHERE rowid = 1")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE organisations SET town = 'no-such-place' WHERE id = 'eldim'")


def test_every_reference_the_model_declares_is_a_foreign_key(shared_export: tuple[Path, Path]) -> None:
    """Read off each record class's own refers() and cited(): nothing listed here by hand."""
    conn = sqlite3.connect(shared_export[0])
    tables_of = {s.kind: s.name for s in m.SECTIONS} | {"source": "sources"}
    checked = 0
    for section in m.SECTIONS:
        for path, kinds in publish.links(section.record).kinds.items():
            field, _, inner = path.partition(".")
            table, column = (f"{section.name}_{field}", inner) if inner else (section.name, field)
            if column == "" or str(section.record.__annotations__[field]) == "tuple[str, ...]":
                table, column = f"{section.name}_{field}", "value"
            expected = tables_of[kinds[0]] if len(kinds) == 1 else "entities"
            assert foreign_keys(conn, table).get(column) == expected, (table, column)
            checked += 1
    assert checked >= 20


def test_claims_hold_every_claim_once(shared_export: tuple[Path, Path]) -> None:
    conn = sqlite3.connect(shared_export[0])
    book = bundled()
    counts = dict(conn.execute("SELECT kind, count(*) FROM claims GROUP BY kind").fetchall())
    assert counts == {
        "figure": len(book.figures), "milestone": len(book.milestones), "statement": len(book.statements),
        "status claim": sum(len(p.status) for p in book.projects) + sum(len(e.status) for e in book.events),
        "date claim": sum(len(e.dates) for e in book.events),
        "title claim": sum(len(p.titles) for p in book.people),
    }
    figure = book.figures[0]
    row = conn.execute("SELECT subject, subject_kind, field, value, unit, qualifier, planned, as_of, source,"
                       " source_kind, quote FROM claims WHERE id = ?", (figure.id,)).fetchone()
    kind_of = {e.id: kind for kind, e in book.entities()}
    assert row == (figure.subject, kind_of[figure.subject], figure.measure, figure.value, figure.unit,
                   figure.qualifier, int(figure.planned), figure.as_of.text, figure.source,
                   book.index()[figure.source].kind, figure.quote)  # type: ignore[union-attr]
    project = next(p for p in book.projects if p.status)
    rows = conn.execute("SELECT field, value, source, as_of FROM claims WHERE kind = 'status claim' AND subject = ?",
                        (project.id,)).fetchall()
    assert rows == [("status", s.value, s.source, s.as_of.text) for s in project.status]
    milestone = book.milestones[0]
    assert conn.execute("SELECT field, value, date, date_precision, date_qualifier FROM claims WHERE id = ?",
                        (milestone.id,)).fetchone() == (milestone.what, None, milestone.date.text,
                                                        milestone.date.precision, milestone.date_qualifier)
    statement = book.statements[0]
    assert conn.execute("SELECT field, value FROM claims WHERE id = ?", (statement.id,)).fetchone() == (
        statement.topic, statement.text)


def test_full_text_search_finds_words_whatever_their_accents(shared_export: tuple[Path, Path]) -> None:
    conn = sqlite3.connect(shared_export[0])
    found = conn.execute("SELECT e.id FROM entities_fts JOIN entities e ON e.rowid = entities_fts.rowid"
                         " WHERE entities_fts MATCH 'herouville'").fetchall()
    assert ("herouville-saint-clair",) in found
    quoted = conn.execute("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'quote: mars'").fetchone()[0]
    assert quoted >= 1


# Derived, not listed -------------------------------------------------------------------------

class Tag(Record):
    """A throw-away nested claim: its own source and as-of date."""

    value: str
    source: str
    as_of: PartialDate
    quote: str | None = None


class Widget(Record):
    """A throw-away kind of record, as issue 20 adds one: a reference, a subject of any kind, a
    date, a list of ids and a list of nested claims."""

    id: str
    name: str
    maker: str
    about: str
    seen: PartialDate
    cite: tuple[Citation, ...]
    parts: tuple[str, ...] = ()
    tags: tuple[Tag, ...] = ()
    line: int = 0

    def cited(self) -> Iterator[m.Cited]:
        for c in self.cite:
            yield c.source, c.quote, "citation"
        for tag in self.tags:
            yield tag.source, tag.quote, "tag claim"

    def refers(self) -> Iterator[m.Reference]:
        yield "maker", self.maker, ("organisation",)
        yield "about", self.about, m.SUBJECT_KINDS
        for part in self.parts:
            yield "parts", part, ("place",)


@pytest.fixture
def widgets(monkeypatch: pytest.MonkeyPatch) -> Iterator[m.FactBook]:
    """The bundled book, and then a model with one more kind of record."""
    book = bundled()
    monkeypatch.setattr(m, "SECTIONS", (*m.SECTIONS, m.Section("widgets", "widget", Widget)))
    monkeypatch.setattr(m, "Tag", Tag, raising=False)  # how a nested record's class is found by name
    monkeypatch.setattr(m, "Widget", Widget, raising=False)
    publish.tables.cache_clear()
    yield book
    monkeypatch.undo()
    publish.tables.cache_clear()
    publish.links.cache_clear()


def test_a_new_kind_of_record_is_published_without_a_line_of_publishing_code(widgets: m.FactBook,
                                                                             tmp_path: Path) -> None:
    book = widgets
    widget = Widget("w1", "The widget", "eldim", "eastman-port-jerome", parse_date("2024-05"),
                    (Citation("gazette", "Eldim"),), ("rouen", "caen"),
                    (Tag("shiny", "gazette", parse_date("2023-03")),))
    sections = [(s, getattr(book, s.name) if s.name != "widgets" else [widget]) for s in m.SECTIONS]
    conn = sqlite3.connect(tmp_path / "w.db")
    publish.write_book(conn, sections)
    assert conn.execute("SELECT * FROM widgets").fetchall() == [
        ("w1", "The widget", "eldim", "eastman-port-jerome", "2024-05", "month")]
    assert foreign_keys(conn, "widgets") == {"id": "entities", "maker": "organisations", "about": "entities"}
    assert foreign_keys(conn, "widgets_parts") == {"widget": "widgets", "value": "places"}
    assert foreign_keys(conn, "widgets_tags") == {"widget": "widgets", "source": "sources"}
    assert foreign_keys(conn, "widgets_cite")["source"] == "sources"
    assert conn.execute("SELECT value FROM widgets_parts ORDER BY position").fetchall() == [("rouen",), ("caen",)]
    assert conn.execute("SELECT kind, name FROM entities WHERE id = 'w1'").fetchone() == ("widget", "The widget")
    assert conn.execute("SELECT kind, subject, subject_kind, field, value, source, as_of FROM claims"
                        " WHERE subject = 'w1'").fetchall() == [
        ("tag claim", "w1", "widget", "tags", "shiny", "gazette", "2023-03")]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    metadata = publish_metadata.datasette_metadata(conn, "w", publishing.publishing())
    described = metadata["databases"]["w"]["tables"]
    assert described["widgets_cite"]["title"] == "Citations of widgets"  # a list's words follow its field
    assert described["widgets"]["fts_table"] == "widgets_fts"


# Reading back --------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_the_published_book_reads_back_exactly(tmp_path: Path, which: str) -> None:
    path = bundled_path() if which == "bundled" else make_facts(300, tmp_path / "facts.yaml")
    book = load_facts(path, use_cache=False)
    publish.write_database(tmp_path / "facts.db", book)
    conn = sqlite3.connect(tmp_path / "facts.db")
    assert publish_read.read_book(conn, book.path) == unlined(book)


@pytest.mark.parametrize("value", ["1", "-7", "0.1", "6.0e9", "1/3", "123456789012345678901234567890",
                                   "-9223372036854775809", "9223372036854775807", "1e999", "2.5e-300"])
def test_numbers_keep_their_type_and_value(tmp_path: Path, value: str) -> None:
    text = NUMBERS + (f"  - {{id: f1, subject: caen, measure: area, value: {value}, unit: ha, qualifier: exact,"
                      " source: s1, period: 2023-03-14/2023-03-19}\n")
    book = load_facts(write(tmp_path, text), use_cache=False)
    publish.write_database(tmp_path / "facts.db", book)
    back = publish_read.read_book(sqlite3.connect(tmp_path / "facts.db"), book.path)
    assert back == unlined(book)
    assert type(back.figures[0].value) is type(book.figures[0].value)


COMMANDS = [[name] for name in FACT_LISTINGS] + [
    ["companies", "--role", "delegation"], ["companies", "--town", "rouen", "--cite"], ["search", "eastman"],
    ["show", "eastman-port-jerome"], ["history", "eastman-port-jerome"], ["conflicts"],
    ["timeline", "eastman-port-jerome"], ["figures", "--as-of", "2023"], ["companies", "--sort", "-name"],
]


#: A command's answer (exit status, stdout) by format and words.
Answers = dict[tuple[str, ...], tuple[int, str]]


@pytest.fixture(scope="module")
def yaml_answers() -> Answers:
    """The fact file's answers (--no-cache) to COMMANDS, by format and words: the same for the
    cached and the no-cache cases below, so each is parsed and drawn once, by the first case
    that needs it (in the same clean environment as every test)."""
    return {}


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "no-cache"])
@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_a_published_book_as_data_answers_like_the_fact_file(run, shared_export: tuple[Path, Path], fmt: str,  # type: ignore[no-untyped-def]
                                                             cached: bool, yaml_answers: Answers) -> None:
    db, _ = shared_export
    for args in COMMANDS:
        if (fmt, *args) not in yaml_answers:
            from_yaml = run(*args, "-f", fmt, env={"NORMANDIE_NO_CACHE": "1"})
            yaml_answers[(fmt, *args)] = (from_yaml.exit_code, from_yaml.stdout)
        from_db = run("--data", str(db), *args, "-f", fmt, env={} if cached else {"NORMANDIE_NO_CACHE": "1"})
        assert (from_db.exit_code, from_db.stdout) == yaml_answers[(fmt, *args)], args


def test_the_parse_cache_as_data_answers_like_the_fact_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from normandie_cli.loading import cache

    load_facts(bundled_path())
    [entry] = cache.entries()
    copy = tmp_path / "store.sqlite"
    shutil.copyfile(entry, copy)
    for args in COMMANDS[:4]:
        assert run("--data", str(copy), *args, "-f", "json").stdout == run(*args, "-f", "json").stdout, args


def test_completion_reads_a_published_book(shared_export: tuple[Path, Path]) -> None:
    from .test_completion import complete

    installed()  # skips the test without the script
    db, _ = shared_export
    assert complete("bash", f"normandie --data {db} companies --town herou") == ["herouville-saint-clair"]


@pytest.mark.parametrize("damage", [
    "PRAGMA user_version = 99",
    "ALTER TABLE figures DROP COLUMN note",
    "DROP TABLE organisations_roles",
])
def test_a_published_book_of_another_layout_is_refused(run, exported: tuple[Path, Path], damage: str) -> None:  # type: ignore[no-untyped-def]
    db, _ = exported
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE IF EXISTS figures_fts")  # (an index over a dropped column)
    conn.execute(damage)
    conn.commit()
    conn.close()
    result = run("--data", str(db), "figures")
    assert result.exit_code == ExitCode.DATA_ERROR
    assert "cannot read this published fact book" in result.stderr and "export it again" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("damage", [
    "UPDATE organisations SET description = X'00ff' WHERE id = 'eldim'",
    "UPDATE figures SET value = 'many' WHERE rowid = 1",
    "UPDATE figures SET planned = 2 WHERE rowid = 1",
    "UPDATE figures SET as_of = '2023-13' WHERE rowid = 1",
    "UPDATE organisations_roles SET value = X'07' WHERE rowid = 1",
    "UPDATE organisations SET town = 'atlantis' WHERE id = 'eldim'",
])
def test_a_published_book_edited_by_hand_is_a_data_error(run, exported: tuple[Path, Path], damage: str) -> None:  # type: ignore[no-untyped-def]
    db, _ = exported
    conn = sqlite3.connect(db)
    conn.execute(damage)
    conn.commit()
    conn.close()
    result = run("--data", str(db), "companies")
    assert result.exit_code == ExitCode.DATA_ERROR, result.stderr
    assert result.stderr.startswith(f"normandie: {db}") and len(result.stderr.strip().splitlines()) == 1


def test_a_yaml_run_does_not_load_the_publishing_code() -> None:
    code = ("import sys\nfrom normandie_cli.loading.book import load_facts, open_store\nload_facts()\nopen_store()\n"
            "print(sorted(m for m in sys.modules if 'publish' in m))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_validate_refuses_a_published_book(run, shared_export: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    result = run("--data", str(shared_export[0]), "validate")
    assert result.exit_code == ExitCode.DATA_ERROR
    assert "validate the YAML fact file" in result.stderr


def test_a_foreign_sqlite_database_as_data_is_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    result = run("--data", str(db), "companies")
    assert result.exit_code == ExitCode.DATA_ERROR
    assert "not a fact book" in result.stderr


# The file ------------------------------------------------------------------------------------

def test_published_from_the_store_or_from_the_book_alike(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """From the parse cache's store, a record at a time; without a cache, from the book."""
    from_store, from_book = tmp_path / "store.db", tmp_path / "book.db"
    assert run("export", "sqlite", str(from_store)).exit_code == 0
    assert run("export", "sqlite", str(from_book), env={"NORMANDIE_NO_CACHE": "1"}).exit_code == 0
    assert list(sqlite3.connect(from_store).iterdump()) == list(sqlite3.connect(from_book).iterdump())


def test_export_refuses_to_replace_a_file_that_is_not_a_database(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    precious = tmp_path / "notes.txt"
    precious.write_text("keep me", encoding="utf-8")
    result = run("export", "sqlite", str(precious))
    assert result.exit_code == ExitCode.USAGE
    assert precious.read_text(encoding="utf-8") == "keep me"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_the_database_is_written_with_the_users_umask(run, tmp_path: Path, umask: int) -> None:  # type: ignore[no-untyped-def]
    db, meta = tmp_path / "facts.db", tmp_path / "metadata.json"
    old = os.umask(umask)
    try:
        assert run("export", "sqlite", str(db), "--metadata", str(meta)).exit_code == 0
        assert run("export", "sqlite", str(db)).exit_code == 0  # and again, over the first
    finally:
        os.umask(old)
    assert stat.S_IMODE(db.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(meta.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary file left


# The metadata --------------------------------------------------------------------------------

def test_the_metadata_describes_every_table_and_column(shared_export: tuple[Path, Path]) -> None:
    db, meta = shared_export
    data = json.loads(meta.read_text(encoding="utf-8"))
    assert data["license"] == "MIT" and data["title"]
    for source in bundled().sources:
        if source.url:
            assert source.url.replace("&", "&amp;") in data["description_html"]
    tables = data["databases"]["facts"]["tables"]
    conn = sqlite3.connect(db)
    published = [t.name for t in publish.tables()]
    assert sorted(tables) == sorted(published)
    for name in published:
        assert tables[name]["title"] and tables[name]["description"], name
        undescribed = [c for c in columns(conn, name) if not tables[name]["columns"].get(c)]
        assert undescribed == [], name
        assert not [w for w in ("{kind}", "{section}", "{date}") if w in json.dumps(tables[name])], name
    # The listings' words where they say the same thing
    assert tables["figures"]["columns"]["measure"] == registry.FIGURES.field("measure").description
    assert tables["claims"]["columns"]["as_of"] == registry.as_of_field().description
    # What a reader uses
    assert tables["sources"]["label_column"] == "publisher" and tables["places"]["label_column"] == "name"
    assert {"source_kind", "kind", "field", "qualifier"} <= set(tables["claims"]["facets"])
    assert {"measure", "qualifier"} <= set(tables["figures"]["facets"])
    assert tables["places"]["facets"] == ["kind", "department"]
    assert tables["projects_status"]["facets"] == ["value"]
    assert "quote" not in tables["claims"]["sortable_columns"] and "as_of" in tables["claims"]["sortable_columns"]
    for name in ("claims", "organisations", "entities", "statements"):
        assert objects(conn)[tables[name]["fts_table"]] == "table"


def canned(meta: Path, name: str) -> str:
    return str(json.loads(meta.read_text(encoding="utf-8"))["databases"]["facts"]["queries"][name]["sql"])


def test_the_canned_queries_answer_their_questions(shared_export: tuple[Path, Path]) -> None:
    db, meta = shared_export
    conn = sqlite3.connect(db)
    about = conn.execute(canned(meta, "claims_about"), {"subject": "eastman-port-jerome"}).fetchall()
    book = bundled()
    mine = [f for f in book.figures if f.subject == "eastman-port-jerome"]
    assert len(about) >= len(mine) > 0
    dates = [row[0] for row in about if row[0] != "unknown"]
    assert dates == sorted(dates) and about[-1][0] == "unknown"  # in the order they were made, unknown last
    disagree = conn.execute(canned(meta, "sources_disagree")).fetchall()
    pairs = {(row[0], row[2], row[7], row[11]) for row in disagree}
    assert ("eastman-port-jerome", "investment", 850000000, 860000000) in pairs
    assert all(row[9] != row[13] for row in disagree)  # two sources
    assert not any("unknown" in (str(row[7]), str(row[11])) for row in disagree)
    states = conn.execute(canned(meta, "source_states"), {"source": "gazette"}).fetchall()
    assert len(states) == conn.execute("SELECT count(*) FROM claims WHERE source = 'gazette'").fetchone()[0] > 0


# Datasette -----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


DATASETTE = Path(sys.executable).with_name("datasette")


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An export served by the real Datasette on 127.0.0.1: its base URL."""
    if not DATASETTE.exists() and shutil.which("datasette") is None:
        pytest.skip("needs datasette")
    from normandie_cli.cli import app

    folder = tmp_path_factory.mktemp("served")
    db, meta = folder / "facts.db", folder / "metadata.json"
    env = {"NORMANDIE_NO_CACHE": "1", "NORMANDIE_DATA": "", "XDG_CACHE_HOME": str(folder / "cache")}
    result = CliRunner().invoke(app, ["export", "sqlite", str(db), "--metadata", str(meta)], env=env)
    assert result.exit_code == 0, result.output
    port = _free_port()
    command = str(DATASETTE) if DATASETTE.exists() else "datasette"
    server = subprocess.Popen([command, "serve", str(db), "--host", "127.0.0.1", "--port", str(port), "-m", str(meta)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):  # up to about 30 s for the server to answer
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=5):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"datasette exited: {server.stderr.read().decode() if server.stderr else ''}")
                time.sleep(0.2)
        else:
            pytest.fail("datasette did not answer")
        yield base
    finally:
        server.kill()
        server.wait()


def get(base: str, path: str, **params: str) -> Any:
    """Datasette's JSON for ``/facts/PATH`` (``.json``: the database's own)."""
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    url = f"{base}/facts{path}" if path == ".json" else f"{base}/facts/{path}"
    with urllib.request.urlopen(url + query, timeout=20) as resp:
        return json.load(resp)


def test_datasette_links_a_figure_to_its_source_and_subject(datasette: str) -> None:
    figure = next(f for f in bundled().figures if f.subject == "eldim")
    [row] = get(datasette, "figures.json", id=figure.id, _labels="on", _shape="array")
    assert row["source"] == {"value": figure.source, "label": bundled().index()[figure.source].publisher}  # type: ignore[union-attr]
    assert row["subject"] == {"value": "eldim", "label": "Eldim"}
    with urllib.request.urlopen(f"{datasette}/facts/figures?id={figure.id}", timeout=20) as resp:
        page = resp.read().decode()
    assert f'<a href="/facts/sources/{figure.source}">' in page and '<a href="/facts/entities/eldim">Eldim</a>' in page


def test_datasette_lists_what_links_to_eldim(datasette: str) -> None:
    def linked(table: str) -> dict[tuple[str, str], int]:
        data = get(datasette, f"{table}/eldim.json", _extras="foreign_key_tables")
        return {(t["other_table"], t["other_column"]): t["count"] for t in data["foreign_key_tables"]}

    book = bundled()
    eldim = book.index()["eldim"]
    organisation = linked("organisations")
    assert organisation[("organisations_cite", "organisation")] == len(eldim.cite) > 0  # type: ignore[union-attr]
    assert organisation[("organisations_roles", "organisation")] == 1
    entity = linked("entities")
    assert entity[("figures", "subject")] == sum(f.subject == "eldim" for f in book.figures) > 0
    assert entity[("claims", "subject")] >= entity[("figures", "subject")]
    assert entity[("organisations", "id")] == 1  # and from there, the organisation's own page


def test_datasette_facets_claims_by_source_kind(datasette: str) -> None:
    data = get(datasette, "claims.json", _facet="source_kind", _size="0")
    counts = {r["value"]: r["count"] for r in data["facet_results"]["source_kind"]["results"]}
    total = get(datasette, "claims.json", _size="0")["filtered_table_rows_count"]
    assert counts and sum(counts.values()) == total
    sources = {s.id: s.kind for s in bundled().sources}
    claims = [c for c in get(datasette, "claims.json", _shape="array", _size="max", _col="source")]
    assert counts == {kind: sum(sources[c["source"]] == kind for c in claims) for kind in counts}


def test_datasette_runs_the_canned_queries(datasette: str) -> None:
    about = get(datasette, "claims_about.json", subject="eastman-port-jerome", _shape="array")
    assert about and about[0]["as_of"] <= about[1]["as_of"]
    assert get(datasette, "sources_disagree.json", _shape="array")
    states = get(datasette, "source_states.json", source="gazette", _shape="array")
    assert states and all(row["quote"] is None or row["quote"] for row in states)
    assert {q["name"] for q in get(datasette, ".json")["queries"]} == {"claims_about", "sources_disagree",
                                                                       "source_states"}


def test_datasette_serves_nothing_internal(datasette: str) -> None:
    tables = get(datasette, ".json")["tables"]
    visible = [t for t in tables if not t["hidden"]]
    assert {t["name"] for t in visible} == {t.name for t in publish.tables()}
    for t in tables:
        assert t["name"] not in ("completion", "meta") and not {"line", "_search"} & set(t["columns"]), t["name"]
    found = get(datasette, "entities.json", _search="herouville", _shape="array")
    assert [r["id"] for r in found] == ["herouville-saint-clair"]
    with urllib.request.urlopen(f"{datasette}/-/metadata.json", timeout=5) as resp:
        assert json.load(resp)["license"] == "MIT"
