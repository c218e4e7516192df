"""The bundled fact file: faithful to its sources, complete for the article, and clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from normandie_cli.query import rows as query
from normandie_cli.book import load_facts
from normandie_cli.loader import bundled_path
from normandie_cli.book import validate_file

ARTICLE = Path(__file__).resolve().parent.parent / "data" / "sources" / "article-gazette-2023-03.fr.txt"


def _normalise(text: str) -> str:
    """White space runs as one space, curly apostrophes and quote marks as straight ones."""
    for curly, straight in (("’", "'"), ("‘", "'"), ("«", '"'), ("»", '"'), ("“", '"'), ("”", '"')):
        text = text.replace(curly, straight)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def book():  # type: ignore[no-untyped-def]
    return load_facts()


def _quotes(book) -> list[tuple[str, str | None, str]]:  # type: ignore[no-untyped-def]
    """(record id, quote, source) for every citation and claim in the book."""
    out = []
    for _, item in book.entities():
        for cite in getattr(item, "cite", ()):
            out.append((item.id, cite.quote, cite.source))
        for claim in (*getattr(item, "dates", ()), *getattr(item, "locations", ()), *getattr(item, "sides", ())):
            out.append((item.id, claim.quote, claim.source))
        if isinstance(getattr(item, "status", None), tuple):
            out.extend((item.id, claim.quote, claim.source) for claim in item.status)
        if hasattr(item, "quote") and hasattr(item, "source"):
            out.append((item.id, item.quote, item.source))
    return out


def test_the_bundled_file_validates_cleanly() -> None:
    book, problems = validate_file(bundled_path())
    assert [str(p) for p in problems] == []


def test_every_quote_attributed_to_the_article_occurs_in_its_text(book) -> None:  # type: ignore[no-untyped-def]
    article = _normalise(ARTICLE.read_text(encoding="utf-8"))
    quoted = [(rid, q) for rid, q, source in _quotes(book) if source == "gazette"]
    assert len(quoted) > 50
    missing = [(rid, q) for rid, q in quoted if q is None or _normalise(q) not in article]
    assert missing == []


def test_secondary_sources_are_not_quoted(book) -> None:  # type: ignore[no-untyped-def]
    assert [(rid, s) for rid, q, s in _quotes(book) if s != "gazette" and q is not None] == []


def test_every_source_of_sources_md_is_listed_with_its_url(book) -> None:  # type: ignore[no-untyped-def]
    urls = {s.id: s.url for s in book.sources}
    assert urls["gazette"] == "https://lagazettefrance.fr/article/la-normandie-fait-sa-promotion-aux-etats-unis"
    assert urls["cci-normandie"].startswith("https://www.normandinamik.cci.fr/")
    assert len([s for s in book.sources if s.url]) == 12
    gazette = next(s for s in book.sources if s.id == "gazette")
    assert (gazette.published.text, gazette.published_inferred) == ("2023-03", True)


def test_the_delegation_is_the_articles_eleven_with_their_towns(book) -> None:  # type: ignore[no-untyped-def]
    rows = query.company_rows(book, role="delegation")
    assert {(r["name"], r["town"]) for r in rows} == {
        ("Aurora Cold Plasma Sterilisation", "Rouen"),
        ("AXEOS", "Fleury-sur-Orne"),
        ("Eldim", "Hérouville-Saint-Clair"),
        ("Genexpath", "Rouen"),
        ("La Pâtisserie Numérique", "Louviers"),
        ("ProtectECRAN", "Rouen"),
        ("Agence Sébastien MARIANO – Swiss Life", "Deauville"),
        ("UBI-PLUG", "Saint-Contest"),
        ("Urbest", "Caen"),
        ("Alga Biologics", "Mont-Saint-Aignan"),
        ("Normandie Web Xperts", None),
    }


def test_eastman_claims_are_all_kept_never_overwritten(book) -> None:  # type: ignore[no-untyped-def]
    money = {(f.value, f.unit, f.qualifier, f.source) for f in book.figures
             if f.subject == "eastman-port-jerome" and f.measure == "investment"}
    assert (850_000_000, "EUR", "about", "cci-normandie") in money
    assert (850_000_000, "EUR", "up-to", "afp-moongy") in money
    assert (860_000_000, "EUR", "exact", "veilleco") in money
    assert (1_000_000_000, "EUR", "more-than", "gazette") in money
    assert (1_000_000_000, "EUR", "exact", "journal-entreprises") in money
    assert (2_000_000_000, "EUR", "exact", "ouest-france-video") in money
    years = {(s.date.text, s.planned, s.source) for s in book.milestones if s.subject == "eastman-port-jerome"}
    assert ("2026", True, "gazette") in years
    assert ("2025", True, "cci-normandie") in years
    assert ("2027", True, "ouest-france-video") in years
    assert ("2030", True, "ouest-france-2025") in years


def test_the_articles_figures_keep_their_qualifiers(book) -> None:  # type: ignore[no-untyped-def]
    gazette = {(f.measure, f.value, f.qualifier, f.planned) for f in book.figures if f.source == "gazette"}
    assert ("jobs-direct", 350, "exact", True) in gazette
    assert ("jobs-indirect", 1500, "about", True) in gazette
    assert ("investment", 1_000_000_000, "more-than", True) in gazette
    assert ("companies", 11, "exact", False) in gazette
    assert ("export-rank", 2, "exact", False) in gazette
    share = next(f for f in book.figures if f.source == "gazette" and f.measure == "share-of-gdp")
    assert share.value_text == "1/3"


def test_the_trip_dates_keep_the_articles_missing_year_and_the_disagreement(book) -> None:  # type: ignore[no-untyped-def]
    trip = next(e for e in book.events if e.id == "trade-mission-2023")
    assert {(c.date.text, c.source) for c in trip.dates} >= {
        ("--03-14/--03-19", "gazette"),
        ("2023-03-14/2023-03-19", "esteval-region"),
        ("2023-03-13/2023-03-19", "francebleu-preview"),
    }


def test_recorded_discrepancies_include_kingston_and_the_company_count(book) -> None:  # type: ignore[no-untyped-def]
    found = {d.id: d for d in book.discrepancies}
    kingston = next(d for d in found.values() if {s.value for s in d.sides} >= {"Kingston", "Kingsport"})
    assert kingston.kind == "internal"
    count = next(d for d in found.values() if {s.value for s in d.sides} >= {"11", "12"})
    assert count.kind == "between-sources"


def test_towns_carry_their_departments(book) -> None:  # type: ignore[no-untyped-def]
    departments = {p.name: p.department for p in book.places if p.kind == "town"}
    assert departments["Maromme"] == "Seine-Maritime"
    assert departments["Hérouville-Saint-Clair"] == "Calvados"
    assert departments["Louviers"] == "Eure"
    assert departments["Kingsport"] is None
