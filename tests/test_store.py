"""The SQLite store: the whole book read back is exactly the parsed book, and queries run in
the store answer exactly as the row builders do on the parsed book."""

from __future__ import annotations

import functools
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normandie_cli import model as m
from normandie_cli import text
from normandie_cli.loading import cache
from normandie_cli.loading.book import load_facts
from normandie_cli.loading.files import bundled_path
from normandie_cli.query import companies
from normandie_cli.store import completion as store_completion
from normandie_cli.store import read as store_read
from normandie_cli.store import write as store_write
from normandie_cli.text import fold

from .conftest import installed, write

ROOT = Path(__file__).resolve().parent.parent


def make_facts(n: int, path: Path, seed: int = 7) -> Path:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_facts.py"), str(n), str(path), "--seed", str(seed)],
                   check=True, capture_output=True, timeout=120)
    return path


def stored(book, tmp_path: Path) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    path = tmp_path / "store.sqlite"
    store_write.write_database(path, book, {"path": "x"})
    return store_read.connect(path)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_facts(600, tmp_path_factory.mktemp("gen") / "facts.yaml")


def test_the_bundled_book_reads_back_exactly(tmp_path: Path) -> None:
    book = load_facts(bundled_path(), use_cache=False)
    conn = stored(book, tmp_path)
    assert store_read.read_book(conn, book.path) == book
    assert store_read.is_current(store_read.read_meta(conn))
    assert store_read.has_schema(conn, store_read.read_meta(conn))


def test_a_generated_book_reads_back_exactly(tmp_path: Path, generated: Path) -> None:
    book = load_facts(generated, use_cache=False)
    assert len(book.organisations) == 600
    assert store_read.read_book(stored(book, tmp_path), book.path) == book


NUMBERS = """\
sources:
  - {id: s1, publisher: P, published: "2023", language: en}
places:
  - {id: caen, name: Caen, kind: town, country: France, cite: [{source: s1}]}
figures:
"""


@pytest.mark.parametrize("value", ["1", "-7", "0.1", "6.0e9", "1/3", "123456789012345678901234567890",
                                   "-9223372036854775809", "9223372036854775807", "1e999", "2.5e-300"])
def test_numbers_keep_their_type_and_value(tmp_path: Path, value: str) -> None:
    text = NUMBERS + (f"  - {{id: f1, subject: caen, measure: area, value: {value}, unit: ha, qualifier: exact,"
                      " source: s1, period: 2023-03-14/2023-03-19}\n")
    book = load_facts(write(tmp_path, text), use_cache=False)
    back = store_read.read_book(stored(book, tmp_path), book.path)
    assert back == book
    assert type(back.figures[0].value) is type(book.figures[0].value)


def test_the_cache_stores_every_section_in_its_own_table(tmp_path: Path) -> None:
    load_facts(bundled_path())
    [entry] = cache.entries()
    conn = sqlite3.connect(entry)
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "sources", "places", "organisations", "people", "events", "projects", "figures",
            "milestones", "statements", "discrepancies", "organisations_roles"} <= tables
    book = load_facts(bundled_path(), use_cache=False)
    assert conn.execute("SELECT count(*) FROM organisations").fetchone() == (len(book.organisations),)
    roles = conn.execute("SELECT organisation FROM organisations_roles WHERE value = 'delegation' ORDER BY rowid")
    assert [r for (r,) in roles] == [o.id for o in book.organisations if "delegation" in o.roles]
    plan = " ".join(str(row) for row in conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM organisations WHERE town = 'rouen'"))
    assert "organisations_town" in plan  # the filter uses the index


# Queries in the store ----------------------------------------------------------------------


from normandie_cli.query.rows import company_rows  # noqa: E402


@pytest.fixture(scope="module")
def books(generated: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = []
    for path in (bundled_path(), generated):
        book = load_facts(path, use_cache=False)
        db = tmp_path_factory.mktemp("db") / "store.sqlite"
        store_write.write_database(db, book, {"path": str(path)})
        out.append((book, store_read.connect(db)))
    return out


def _words(book) -> list[str]:  # type: ignore[no-untyped-def]
    """Filter values worth trying: towns, départements, roles, pieces of names and descriptions,
    in other cases and with accents added or removed."""
    values: list[str] = []
    for p in book.places:
        values += [p.id, p.name, p.name.upper(), p.name.lower().replace("é", "e"), p.department or ""]
    for o in book.organisations[:200]:
        values += list(o.roles) + [o.name[:5], o.name.upper()[2:9], " ".join((o.description or "").split()[1:3])]
    values += ["Herouville saint", "é", "sur-", "seine maritime", "del", "DÉLÉGATION", "no-such-thing", "", " ",
               "saint clair", "saint", "herou", "jerome", "seine", "inv", "calv"]  # prefixes, word prefixes
    return values


@pytest.mark.parametrize("which", [0, 1], ids=["bundled", "generated"])
def test_company_rows_from_the_store_match_the_book(books, which: int) -> None:  # type: ignore[no-untyped-def]
    book, conn = books[which]
    words = _words(book)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        town=st.none() | st.sampled_from(words),
        department=st.none() | st.sampled_from(words),
        role=st.none() | st.sampled_from(words),
        search=st.none() | st.sampled_from(words) | st.text(max_size=6),
        limit=st.none() | st.integers(0, 30),
    )
    def check(town, department, role, search, limit) -> None:  # type: ignore[no-untyped-def]
        expected = company_rows(book, town=town, department=department, role=role, search=search)
        if limit is not None:
            expected = expected[:limit]
        got = list(companies.store_company_rows(conn, town=town, department=department, role=role, search=search,
                                                limit=limit))
        assert got == expected

    check()


@pytest.mark.parametrize(("needle", "terms"), [
    ("rouen", None),  # one word: anywhere inside a word, the index cannot help
    ("saint clair", '"clair"*'),
    ("a b c d", '"b" AND "c" AND "d"*'),
    ("l'x y", '"y"*'),
    ("a b&c d", '"d"*'),  # not a word of letters and digits: left to the substring test
])
def test_fts_terms_are_a_necessary_condition(needle: str, terms: str | None) -> None:
    assert companies.fts_terms(needle) == terms


def test_every_filter_combination_on_the_bundled_book(books) -> None:  # type: ignore[no-untyped-def]
    book, conn = books[0]
    for town in (None, "Rouen", "herouville-saint-clair", "HÉROUVILLE SAINT CLAIR", "nowhere"):
        for department in (None, "Calvados", "seine-maritime"):
            for role in (None, "delegation", "Délégation", "investor"):
                for search in (None, "cold", "Plasma Ster", "rouen", "é"):
                    expected = company_rows(book, town=town, department=department, role=role, search=search)
                    got = list(companies.store_company_rows(conn, town=town, department=department, role=role,
                                                            search=search))
                    assert got == expected, (town, department, role, search)
    assert len(list(companies.store_company_rows(conn, role="delegation"))) == 11


# Sorting in the store ------------------------------------------------------------------------

from normandie_cli import registry  # noqa: E402
from normandie_cli.query import shape  # noqa: E402

#: Ties once folded (case, accents, separators), absent towns, départements and descriptions,
#: several sites and sources (one cited twice), a place whose département is spelled apart, one
#: whose name and id sort apart, and lists whose order hangs on the "; " between their values.
TRICKY = """\
sources:
  - {id: s-b, publisher: P, published: "2023", language: fr}
  - {id: s-a, publisher: P, published: "2023", language: fr}
  - {id: sa, publisher: P, published: "2023", language: fr}
  - {id: s, publisher: P, published: "2023", language: fr}
  - {id: s1, publisher: P, published: "2023", language: fr}
places:
  - {id: evreux, name: "Évreux", kind: town, department: "Eure", country: France, cite: [{source: s-a}]}
  - {id: eu, name: "Eu", kind: town, department: "Seine-Maritime", country: France, cite: [{source: s-a}]}
  - {id: etretat, name: "Étretat", kind: town, department: "seine maritime", country: France, cite: [{source: s-a}]}
  - {id: kingsport, name: "Kingsport", kind: town, country: "United States", cite: [{source: s-a}]}
  - {id: l-aigle, name: "L'Aigle", kind: town, department: "Orne", country: france, cite: [{source: s-a}]}
  - {id: eu-treport, name: "Eu/Le Tréport", kind: town, country: France, cite: [{source: s-a}]}
  - {id: bourg, name: "Ville-de-Bourg", kind: town, department: "Calvados", country: France, cite: [{source: s-a}]}
organisations:
  - {id: c-ete-1, name: "Été Industries", kind: company, town: evreux, roles: [investor], cite: [{source: s-b}]}
  - {id: c-ete-2, name: "ete industries", kind: company, town: not-stated, description: "b", cite: [{source: s-a}]}
  - {id: c-ete-3, name: "ÉTÉ-INDUSTRIES", kind: company, town: kingsport, roles: [delegation, investor],
     description: "B", cite: [{source: s-a}, {source: s-b}]}
  - {id: b-1, name: "A-B", kind: company, town: eu, description: "é", cite: [{source: sa}],
     sites: [{place: etretat, source: sa}, {place: evreux, source: sa}]}
  - {id: b-2, name: "A B", kind: company, town: etretat, roles: [delegation], cite: [{source: s-a}, {source: s-a}],
     sites: [{place: evreux, source: sa}]}
  - {id: b-3, name: "ab", kind: company, town: l-aigle, description: "E", cite: [{source: sa}, {source: s-b}],
     sites: [{place: evreux, source: sa}, {place: evreux, source: s-a}]}
  - {id: b-4, name: "a.b", kind: company, town: not-stated, roles: [investor, delegation], cite: [{source: s-b}],
     sites: [{place: eu, source: sa}, {place: etretat, source: sa}]}
  - {id: z-1, name: "Zèbre", kind: company, town: kingsport, description: "é", cite: [{source: sa}]}
  - {id: a-0, name: "zebre", kind: company, town: evreux, cite: [{source: s-a}], sites: [{place: l-aigle, source: sa}]}
  - {id: s-0, name: "S", kind: company, town: bourg, cite: [{source: s}, {source: s-b}],
     sites: [{place: eu, source: s}, {place: bourg, source: s}]}
  - {id: s-1, name: "S", kind: company, town: bourg, roles: [investor2], cite: [{source: s1}],
     sites: [{place: eu-treport, source: s1}]}
  - {id: not-a-company, name: "Aaa", kind: association, town: eu, cite: [{source: sa}]}
"""

COMPANY_FIELDS = registry.COMPANIES.field_names()
SORT_KEYS = [*COMPANY_FIELDS, *(f"-{name}" for name in COMPANY_FIELDS)]


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("tricky"), TRICKY)


@pytest.fixture(scope="module")
def sort_books(books, tricky: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    book = load_facts(tricky, use_cache=False)
    db = tmp_path_factory.mktemp("db") / "store.sqlite"
    store_write.write_database(db, book, {"path": str(tricky)})
    return [*books, (book, store_read.connect(db))]


def test_the_store_sorts_by_every_field_of_companies() -> None:
    assert sorted(companies.COMPANY_SORTS) == sorted(COMPANY_FIELDS)


@pytest.mark.slow
@pytest.mark.parametrize("nulls_last", [True, False], ids=["nulls-last", "is-null"])
@pytest.mark.parametrize("which", [0, 1, 2], ids=["bundled", "generated", "tricky"])
def test_company_rows_sorted_in_the_store_are_sort_rows(sort_books, which: int, nulls_last: bool,  # type: ignore[no-untyped-def]
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Any list of sort keys, with or without filters and a limit: the store's rows are exactly
    ``shape.sort_rows`` on the book's rows, then cut (with ``NULLS LAST`` and without it)."""
    monkeypatch.setattr(companies, "_NULLS_LAST", nulls_last)
    book, conn = sort_books[which]
    words = _words(book)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        keys=st.lists(st.sampled_from(SORT_KEYS), min_size=1, max_size=3),
        limit=st.none() | st.integers(0, 12),
        town=st.none() | st.sampled_from(words),
        role=st.none() | st.sampled_from(words),
    )
    def check(keys: list[str], limit: int | None, town: str | None, role: str | None) -> None:
        expected = shape.sort_rows(company_rows(book, town=town, role=role), keys, registry.COMPANIES)
        got = list(companies.store_company_rows(conn, town=town, role=role, sort=keys, limit=limit))
        assert got == expected[:limit], keys

    check()
    for key in SORT_KEYS:  # every field both ways, on every row
        expected = shape.sort_rows(company_rows(book), [key], registry.COMPANIES)
        assert list(companies.store_company_rows(conn, sort=[key])) == expected, key


COMPANY_ARGS = [
    [], ["--town", "Rouen"], ["--town", "rouen", "--limit", "2"], ["--department", "Calvados", "--sort", "-name"],
    ["--role", "delegation", "--sort", "town,name", "--limit", "4"], ["--search", "plasma"],
    ["--search", "saint clair"], ["--fields", "id,town", "--limit", "0"], ["--where", "town=Rouen"],
    ["--role", "delegation", "--cite"], ["--town", "Caen", "--as-of", "2023"], ["--query", "[].id"],
    ["--sort", "-town,name", "--limit", "5"], ["--sort", "description", "--fields", "id"],
    ["--facet", "town", "--sort", "-town", "--limit", "3"],  # the sort and the limit are the counts'
    ["--town", "nowhere", "--sort", "nothing"], ["--sort", " , "],  # said after the command's message
]


@pytest.mark.parametrize("args", COMPANY_ARGS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["json", "tsv", "table"])
def test_companies_answer_the_same_from_the_store(run, args: list[str], fmt: str) -> None:  # type: ignore[no-untyped-def]
    if "--query" in args and fmt != "json":
        return
    parsed = run("companies", *args, "-f", fmt, env={"NORMANDIE_NO_CACHE": "1"})
    run("companies")  # leaves the store
    stored_run = run("companies", *args, "-f", fmt)
    assert (stored_run.exit_code, stored_run.stdout, stored_run.stderr) == (parsed.exit_code, parsed.stdout,
                                                                             parsed.stderr)


def test_companies_on_a_generated_file_answer_the_same_from_the_store(run, generated: Path) -> None:  # type: ignore[no-untyped-def]
    for args in (["--town", "Argentan", "--limit", "20"], ["--town", "Rouen"], ["--search", "saint"],
                 ["--department", "eure", "--sort", "name"]):
        parsed = run("--data", str(generated), "companies", *args, "-f", "json", env={"NORMANDIE_NO_CACHE": "1"})
        stored_run = run("--data", str(generated), "companies", *args, "-f", "json")
        assert stored_run.stdout == parsed.stdout and parsed.stdout.startswith("[")


def _sort_args() -> list[list[str]]:
    """Every field of companies both ways, and pairs of keys, each with and without --limit."""
    sorts = [*SORT_KEYS, "town,name", "-department,-name", "roles,-id", "-sites,town_id", "country,-source",
             "-description,town", "name,-name", "-town_id,sites"]
    return [args for key in sorts for args in (["--sort", key], ["--sort", key, "--limit", "3"])]


@pytest.mark.slow
@pytest.mark.parametrize("which", ["bundled", "generated", "tricky"])
def test_sorted_companies_answer_the_same_from_the_store(run, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                         which: str, generated: Path, tricky: Path) -> None:
    """--sort and --limit run in SQL (the rows are not sorted in Python, and the store keeps
    only the limit) and the output is the parse path's (--no-cache) to the byte."""
    data = ["--data", str({"bundled": bundled_path(), "generated": generated, "tricky": tricky}[which])]
    run(*data, "companies", "--limit", "0")  # leaves the store
    real, kept = companies.store_company_rows, []

    def counted(*args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        rows = list(real(*args, **kwargs))
        kept.append((kwargs["sort"], kwargs["limit"], len(rows)))
        return iter(rows)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("sorted in Python")

    # A seeded sample, another per file (the store's sort by every field both ways, on every
    # row: test_the_store_sorts_by_every_field_of_companies).
    for args in random.Random(which).sample(_sort_args(), 16):
        parsed = run("--no-cache", *data, "companies", *args, "-f", "json")
        with monkeypatch.context() as patch:
            patch.setattr(companies, "store_company_rows", counted)
            patch.setattr(shape, "sort_rows", refuse)
            stored_run = run(*data, "companies", *args, "-f", "json")
        assert (stored_run.exit_code, stored_run.stdout, stored_run.stderr) == (0, parsed.stdout, parsed.stderr), args
        assert parsed.exit_code == 0 and parsed.stdout.startswith("[")
        sort, limit, count = kept.pop()
        assert sort == args[1].split(",") and limit == (int(args[3]) if len(args) > 2 else None), args
        assert limit is None or count <= limit


def test_a_selective_query_does_not_build_the_book(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    run("companies")  # leaves the store

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole book was read")

    monkeypatch.setattr(store_read, "read_book", refuse)
    monkeypatch.setattr("normandie_cli.loading.reader.read_facts", refuse)  # as book.py imports it
    result = run("companies", "--town", "Rouen", "--limit", "1", "-f", "tsv")
    assert result.exit_code == 0 and result.stdout.count("\n") == 2
    with pytest.raises(AssertionError, match="whole book"):
        run("companies", "--town", "Rouen", "--where", "name~a", "-f", "tsv")  # --where needs the book


# Completion from the store -------------------------------------------------------------------

from normandie_cli.cli import _complete, _tab  # noqa: E402


def completion_lines(book: m.FactBook) -> list[tuple[str, str, str]]:
    """What tab completion offers, as (kind, value, help) in the order offered, told in Python
    from the book: the specification ``store.fill_completion`` builds in SQL."""
    lines: list[tuple[str, str, str]] = []
    entities = book.entities()
    for kind, item in entities:  # each id, under its kind (id:organisation, ...)
        label = getattr(item, "name", None) or getattr(item, "title", None) or item.id
        lines.append((f"id:{kind}", item.id, f"{kind}: {label}"))
    for kind, item in entities:  # each named record's id again, matched by its name
        if hasattr(item, "name"):
            lines.append((f"id:{kind}", item.id, f"{kind}: {item.name or item.id}"))
    for place in book.places:
        if place.kind == "town":
            where = ", ".join(x for x in (place.department, place.region, place.country) if x)
            lines.append(("town", place.id, f"{place.name} ({where})"))
    lines += [("department", name, "département") for name in sorted({p.department for p in book.places
                                                                      if p.department})]
    lines += [("role", role, "role") for role in sorted({r for org in book.organisations for r in org.roles})]
    lines += [("measure", measure, "measure") for measure in sorted({f.measure for f in book.figures})]
    lines += [("topic", topic, "topic") for topic in sorted({s.topic for s in book.statements})]
    fields: dict[str, dict[str, None]] = {}
    for figure in book.figures:
        fields.setdefault(figure.subject, {})[figure.measure] = None
    for stone in book.milestones:
        fields.setdefault(stone.subject, {})[stone.history_field()] = None
    for event in book.events:
        for name in ("dates", "status"):
            if getattr(event, name):
                fields.setdefault(event.id, {})[name] = None
    for project in book.projects:
        if project.status:
            fields.setdefault(project.id, {})["status"] = None
    for person in book.people:
        if person.titles:
            fields.setdefault(person.id, {})["title"] = None
    lines += [(f"field:{subject}", name, f"a field of {subject}'s history")
              for subject, names in fields.items() for name in names]
    index = book.index()
    claims: tuple[m.Figure | m.Milestone | m.Statement, ...] = (*book.figures, *book.milestones, *book.statements)
    for subject in dict.fromkeys(c.subject for c in claims):
        lines.append(("subject", subject, getattr(index.get(subject), "name", None) or subject))
    return [(kind, " ".join(str(value).split()), " ".join(str(help_text).split())) for kind, value, help_text in lines]


def folded_spec(book: m.FactBook) -> list[str]:
    """What each completion line is matched against, in the order of :func:`completion_lines`:
    the folded value, or the folded name for an id offered for its name."""
    texts = [line[1] for line in completion_lines(book)]
    names = [item.name for _, item in book.entities() if hasattr(item, "name")]
    start = len(book.entities())
    texts[start:start + len(names)] = names
    return [fold(" ".join(text.split())) for text in texts]


def folded_texts(conn) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(f) for (f,) in conn.execute("SELECT folded FROM completion ORDER BY position")]


def test_the_completion_table_holds_every_value_in_the_order_offered(books) -> None:  # type: ignore[no-untyped-def]
    for book, conn in books:
        table = [tuple(row) for row in conn.execute("SELECT kind, value, help FROM completion ORDER BY position")]
        assert table == completion_lines(book)
        assert {kind for kind, _, _ in table} >= {"id:organisation", "id:figure", "town", "department", "role",
                                                   "measure", "subject"}
        assert folded_texts(conn) == folded_spec(book)


_NAME_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc", "Cf")) | st.sampled_from(" \t\n\u00a0\u3000-'.")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(_NAME_CHARACTERS, max_size=12), min_size=1, max_size=5))
def test_organisations_completion_lines_whatever_their_names(tmp_path: Path, names: list[str]) -> None:
    """Organisations' lines are worked out as they are written (by each process of a split
    file), the others when the table is filled: both as the specification says, for names
    with runs of white space, line breaks, no letters at all, or nothing."""
    import json

    companies = "".join(f"  - {{id: c{i}, name: {json.dumps(name, ensure_ascii=False)}, kind: company, town: caen,"
                        " cite: [{source: s1}]}\n" for i, name in enumerate(names))
    file = write(tmp_path, "sources:\n  - {id: s1, publisher: P, published: '2023', language: en}\nplaces:\n"
                           "  - {id: caen, name: Caen, kind: town, country: France, cite: [{source: s1}]}\n"
                           "organisations:\n" + companies)
    book = load_facts(file, use_cache=False)
    conn = stored(book, tmp_path)
    try:
        table = [tuple(row) for row in conn.execute("SELECT kind, value, help FROM completion ORDER BY position")]
        assert table == completion_lines(book)
        assert folded_texts(conn) == folded_spec(book)
    finally:
        conn.close()


@pytest.mark.slow
def test_completion_candidates_from_the_store_are_those_of_the_book(books,  # type: ignore[no-untyped-def]
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """For every kind and many typed prefixes, the prefix query on the store offers exactly
    what filtering every value of the book offers."""
    # Filtering every value for every prefix folds the same pieces of the same values again and
    # again (a million calls of _tab.loose, most of this test's time): loose is a pure function
    # of its text, so it is remembered here. The store's query (the code under test) never
    # calls it; both sides of the comparison go through the same _offer.
    monkeypatch.setattr(_tab, "loose", functools.cache(_tab.loose))
    for book, conn in books:
        lines = completion_lines(book)
        for kind in {k for k, _, _ in lines}:
            values = [(v, h) for k, v, h in lines if k == kind]
            prefixes = {""} | {v[:n] for v, _ in values[:300] for n in (1, 2, 4, 7)}
            prefixes |= {p.upper() for p in list(prefixes)[:50]} | {"É", "he", "HÉROU", "saint-", "seine ", " "}
            for typed in prefixes:
                offered = store_completion.complete(conn, kind, typed)
                assert _complete._offer(typed, offered) == _complete._offer(typed, values), (
                    kind, typed)


def test_completion_honours_max_size(tmp_path: Path) -> None:
    script = installed()
    import os

    def complete(*words: str, **env: str) -> list[str]:
        variables = {k: v for k, v in os.environ.items() if not k.startswith(("_NORMANDIE", "_TYPER", "COMP_"))}
        variables.update(_NORMANDIE_COMPLETE="complete_bash", COMP_WORDS="\n".join(("normandie", *words)),
                         COMP_CWORD=str(len(words)), **env)
        result = subprocess.run([str(script)], capture_output=True, text=True, env=variables, timeout=60)
        assert result.returncode == 0 and result.stderr == ""
        return result.stdout.split()

    assert complete("companies", "--town", "herou") == ["herouville-saint-clair"]
    assert complete("companies", "--town", "herou", NORMANDIE_MAX_SIZE="1K") == []  # the file is larger
    assert complete("--max-size", "1K", "companies", "--town", "herou") == []
    assert complete("--max-size", "10M", "companies", "--town", "herou",
                    NORMANDIE_MAX_SIZE="1K") == ["herouville-saint-clair"]
    assert complete("--no-cache", "companies", "--town", "herou", NORMANDIE_MAX_SIZE="10M") == [
        "herouville-saint-clair"]


@settings(max_examples=2000, deadline=None)
@given(st.text() | st.text(alphabet="Hérouville-Saint-Clair ÉéèÆæßİıŁłØøﬁ’'._- \t\u0301\u0327ǅΐΣσς"))
def test_the_fast_fold_is_the_folds_definition(value: str) -> None:
    """text.fold folds character by character through a table; its definition works on the
    whole text: NFKD, combining marks dropped, casefold, separators one space, stripped."""
    import re
    import unicodedata

    bare = "".join(ch for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch))
    assert text.fold(value) == re.sub(text.SEPARATORS, " ", bare.casefold()).strip()


def test_without_a_writable_cache_a_query_parses_the_file_once(run, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    import normandie_cli.loading.reader as reader_module

    calls: list[object] = []
    real = reader_module.read_facts  # what book.py imports where it parses: counted below

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(reader_module, "read_facts", counting)
    parsed = run("companies", "--role", "delegation", "-f", "json", env={"NORMANDIE_NO_CACHE": "1"})
    calls.clear()
    result = run("companies", "--role", "delegation", "-f", "json")
    assert result.stdout == parsed.stdout
    assert len(calls) == 1
    assert cache.entries() == []
