"""``normandie export sqlite``: the documented schema, read with Python's sqlite3 and served by
the real Datasette; and a fact store given as ``--data``."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from normandie_cli.book import load_facts
from normandie_cli.errors import ExitCode
from normandie_cli.loader import bundled_path
from normandie_cli.registry import FACT_LISTINGS

DELEGATION = 11  # the companies of the March 2023 trade mission


@pytest.fixture
def exported(run, tmp_path: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    db, meta = tmp_path / "facts.db", tmp_path / "metadata.json"
    result = run("export", "sqlite", str(db), "--metadata", str(meta))
    assert result.exit_code == 0, result.stderr
    return db, meta


def test_the_export_has_the_documented_schema(exported: tuple[Path, Path]) -> None:
    db, _ = exported
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"
    conn = sqlite3.connect(db)
    objects = {name: kind for name, kind in conn.execute("SELECT name, type FROM sqlite_master")}
    for table in ("meta", "sources", "places", "organisations", "people", "events", "projects", "figures",
                  "milestones", "statements", "discrepancies", "organisations_roles", "events_places",
                  "events_participants", "completion"):
        assert objects.get(table) == "table", table
    assert objects["companies"] == "view"
    assert objects["organisations_fts"] == "table"  # virtual tables are listed as tables
    book = load_facts(bundled_path(), use_cache=False)
    assert conn.execute("SELECT count(*) FROM figures").fetchone() == (len(book.figures),)
    rows = conn.execute("SELECT id, town, department FROM companies WHERE id IN "
                        "(SELECT organisation FROM organisations_roles WHERE value = 'delegation')").fetchall()
    assert len(rows) == DELEGATION
    assert ("eldim", "Hérouville-Saint-Clair", "Calvados") in rows
    # The full-text index: words, case and accents folded
    found = conn.execute("SELECT o.id FROM organisations_fts JOIN organisations o ON o.rowid = organisations_fts.rowid"
                         " WHERE organisations_fts MATCH 'herouville'").fetchall()
    assert ("eldim",) in found


def test_the_metadata_describes_the_tables_and_the_sources(exported: tuple[Path, Path]) -> None:
    _, meta = exported
    data = json.loads(meta.read_text(encoding="utf-8"))
    assert data["license"] == "MIT" and data["title"]
    book = load_facts(bundled_path(), use_cache=False)
    for source in book.sources:
        if source.url:
            assert source.url.replace("&", "&amp;") in data["description_html"]
    tables = data["databases"]["facts"]["tables"]
    from normandie_cli import registry

    # Column descriptions come from the listings' field descriptions where the names match
    assert tables["companies"]["columns"]["department"] == registry.COMPANIES.field("department").description
    assert tables["figures"]["columns"]["as_of"] == registry.LISTINGS["figures"].field("as_of").description
    assert tables["figures"]["description"]
    assert tables["organisations"]["columns"]["cite"].startswith("citations")


@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_a_fact_store_as_data_answers_like_the_fact_file(run, exported: tuple[Path, Path], fmt: str) -> None:  # type: ignore[no-untyped-def]
    db, _ = exported
    commands = [[name] for name in FACT_LISTINGS] + [
        ["companies", "--role", "delegation"], ["companies", "--town", "rouen", "--cite"], ["search", "eastman"],
        ["show", "eastman-port-jerome"], ["history", "eastman-port-jerome"], ["conflicts"],
        ["timeline", "eastman-port-jerome"], ["figures", "--as-of", "2023"],
    ]
    for args in commands:
        from_yaml = run(*args, "-f", fmt, env={"NORMANDIE_NO_CACHE": "1"})
        from_store = run("--data", str(db), *args, "-f", fmt)
        assert (from_store.exit_code, from_store.stdout) == (from_yaml.exit_code, from_yaml.stdout), args


def test_a_foreign_sqlite_database_as_data_is_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    result = run("--data", str(db), "companies")
    assert result.exit_code == ExitCode.DATA_ERROR
    assert "not a fact store" in result.stderr


def test_export_refuses_to_replace_a_file_that_is_not_a_database(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    precious = tmp_path / "notes.txt"
    precious.write_text("keep me", encoding="utf-8")
    result = run("export", "sqlite", str(precious))
    assert result.exit_code == ExitCode.USAGE
    assert precious.read_text(encoding="utf-8") == "keep me"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


DATASETTE = Path(sys.executable).with_name("datasette")


@pytest.mark.skipif(not DATASETTE.exists() and shutil.which("datasette") is None, reason="needs datasette")
def test_datasette_serves_the_export(exported: tuple[Path, Path]) -> None:
    db, meta = exported
    port = _free_port()
    command = str(DATASETTE) if DATASETTE.exists() else "datasette"
    server = subprocess.Popen([command, "serve", str(db), "--host", "127.0.0.1", "--port", str(port), "-m", str(meta)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
    try:
        base = f"http://127.0.0.1:{port}"
        rows = None
        for _ in range(100):  # up to about 20 s for the server to answer
            try:
                with urllib.request.urlopen(f"{base}/facts/companies.json?_shape=array&_size=max", timeout=5) as resp:
                    rows = json.load(resp)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"datasette exited: {server.stderr.read().decode() if server.stderr else ''}")
                time.sleep(0.2)
        assert rows is not None, "datasette did not answer"
        delegation = [r["id"] for r in rows if "delegation" in json.loads(r["roles"])]
        assert len(delegation) == DELEGATION
        with urllib.request.urlopen(f"{base}/-/metadata.json", timeout=5) as resp:
            assert json.load(resp)["license"] == "MIT"
    finally:
        server.kill()
        server.wait(timeout=10)


def test_validate_says_a_fact_store_is_not_a_yaml_file(run, exported: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    db, _ = exported
    result = run("--data", str(db), "validate")
    assert result.exit_code == ExitCode.DATA_ERROR
    assert "validate the YAML fact file it was exported from" in result.stderr
