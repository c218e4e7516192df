"""The bundled fact file: faithful to its sources, complete for the article, and clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from normandie_cli.loading.book import load_facts, validate_file
from normandie_cli.loading.files import bundled_path
from normandie_cli.model import FactBook
from normandie_cli.query import rows as query

ARTICLE = Path(__file__).resolve().parent.parent / "data" / "sources" / "article-gazette-2023-03.fr.txt"


def _normalise(text: str) -> str:
    """White space runs as one space, curly apostrophes and quote marks as straight ones."""
    for curly, straight in (("’", "'"), ("‘", "'"), ("«", '"'), ("»", '"'), ("“", '"'), ("”", '"')):
        text = text.replace(curly, straight)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def book() -> FactBook:
    return load_facts()


def _quotes(book: FactBook) -> list[tuple[str, str | None, str]]:
    """(record id, quote, source) for every citation and claim in the book."""
    return [(item.id, quote, source) for _, item in book.entities() for source, quote, _ in item.cited()]


def test_the_bundled_file_validates_cleanly() -> None:
    book, problems = validate_file(bundled_path())
    assert [str(p) for p in problems] == []


def test_every_quote_attributed_to_the_article_occurs_in_its_text(book: FactBook) -> None:
    article = _normalise(ARTICLE.read_text(encoding="utf-8"))
    quoted = [(rid, q) for rid, q, source in _quotes(book) if source == "gazette"]
    assert len(quoted) > 50
    missing = [(rid, q) for rid, q in quoted if q is None or _normalise(q) not in article]
    assert missing == []


def test_secondary_sources_are_not_quoted(book: FactBook) -> None:
    assert [(rid, s) for rid, q, s in _quotes(book) if s != "gazette" and q is not None] == []


def test_every_source_of_sources_md_is_listed_with_its_url(book: FactBook) -> None:
    urls = {s.id: s.url for s in book.sources}
    assert urls["gazette"] == "https://lagazettefrance.fr/article/la-normandie-fait-sa-promotion-aux-etats-unis"
    assert (urls["cci-normandie"] or "").startswith("https://www.normandinamik.cci.fr/")
    assert len([s for s in book.sources if s.url]) == 54
    gazette = next(s for s in book.sources if s.id == "gazette")
    assert (gazette.published.text, gazette.published_inferred) == ("2023-03", True)


def test_the_delegation_is_the_articles_eleven_with_their_towns(book: FactBook) -> None:
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


def test_eastman_claims_are_all_kept_never_overwritten(book: FactBook) -> None:
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


def test_the_articles_figures_keep_their_qualifiers(book: FactBook) -> None:
    gazette = {(f.measure, f.value, f.qualifier, f.planned) for f in book.figures if f.source == "gazette"}
    assert ("jobs-direct", 350, "exact", True) in gazette
    assert ("jobs-indirect", 1500, "about", True) in gazette
    assert ("investment", 1_000_000_000, "more-than", True) in gazette
    assert ("companies", 11, "exact", False) in gazette
    assert ("export-rank", 2, "exact", False) in gazette
    share = next(f for f in book.figures if f.source == "gazette" and f.measure == "share-of-gdp")
    assert share.value_text == "1/3"


def test_the_trip_dates_keep_the_articles_missing_year_and_the_disagreement(book: FactBook) -> None:
    trip = next(e for e in book.events if e.id == "trade-mission-2023")
    assert {(c.date.text, c.source) for c in trip.dates} >= {
        ("--03-14/--03-19", "gazette"),
        ("2023-03-14/2023-03-19", "esteval-region"),
        ("2023-03-13/2023-03-19", "francebleu-preview"),
    }


def test_recorded_discrepancies_include_kingston_and_the_company_count(book: FactBook) -> None:
    found = {d.id: d for d in book.discrepancies}
    kingston = next(d for d in found.values() if {s.value for s in d.sides} >= {"Kingston", "Kingsport"})
    assert kingston.kind == "internal"
    count = next(d for d in found.values() if {s.value for s in d.sides} >= {"11", "12"})
    assert count.kind == "between-sources"


def test_towns_carry_their_departments(book: FactBook) -> None:
    departments = {p.name: p.department for p in book.places if p.kind == "town"}
    assert departments["Maromme"] == "Seine-Maritime"
    assert departments["Hérouville-Saint-Clair"] == "Calvados"
    assert departments["Louviers"] == "Eure"
    assert departments["Kingsport"] is None


# --- issue 13: the second batch (2022-2025) and the fact-check's corrections ---------------

def test_the_project_is_on_hold_from_december_2024_and_in_the_latest_claims(book: FactBook) -> None:
    from normandie_cli.dates import parse_date
    from normandie_cli.query.snapshot import book_as_of

    def status(b: FactBook) -> str:
        return str(next(r for r in query.project_rows(b) if r["id"] == "eastman-port-jerome")["status"])

    then, _ = book_as_of(book, parse_date("2024-11"))
    assert status(then) == "planned"
    then, _ = book_as_of(book, parse_date("2025-01"))
    assert status(then) == "on-hold"
    # Ouest-France, 17 May 2025: maintained, aiming at 2030; it does not say the pause ended
    assert status(book) == "on-hold"
    eastman = next(p for p in book.projects if p.id == "eastman-port-jerome")
    claims = [(s.value, s.source, s.as_of.text) for s in eastman.status]
    assert ("on-hold", "tendance-ouest", "2024-12") in claims
    assert ("on-hold", "ouest-france-2025", "2025-05-17") in claims


def test_cryopak_has_no_stated_town_and_its_site_is_maromme(book: FactBook) -> None:
    cryopak = next(o for o in book.organisations if o.id == "cryopak")
    assert cryopak.town is None
    assert [(s.place, s.source, s.quote) for s in cryopak.sites] == [
        ("maromme", "gazette", "Cryopak, déjà présent à Maromme")]
    [row] = [r for r in query.company_rows(book) if r["id"] == "cryopak"]
    assert (row["town"], row["sites"]) == (None, ["Maromme"])


def test_each_disagreement_of_the_second_batch_is_recorded_with_both_sides(book: FactBook) -> None:
    found = {d.id: {s.source for s in d.sides} for d in book.discrepancies}
    assert found["eastman-kingsport-workforce"] >= {"francebleu-kingsport", "ouest-france-video"}
    assert found["eastman-kingsport-area"] >= {"francebleu-kingsport", "ouest-france-video"}
    assert found["eastman-site-area"] >= {"afp-slapp", "veilleco", "tendance-ouest"}
    assert found["eastman-jobs-direct"] >= {"l4m", "cci-normandie", "tendance-ouest", "ouest-france-2025"}
    assert found["eastman-interzero-tonnage"] >= {"actu-environnement", "gazette-normandie"}
    assert found["eastman-opening-2023"] >= {"gazette-normandie", "journal-entreprises"}
    assert found["eastman-project-state"] >= {"tendance-ouest", "ouest-france-2025"}
    assert found["destination-kingston-kingsport"] == {"gazette", "esteval-region"}


def test_the_underlying_figures_of_those_disagreements_are_there(book: FactBook) -> None:
    figures = {(f.subject, f.measure, f.value, f.unit, f.qualifier, f.source) for f in book.figures}
    assert ("eastman", "employees", 10000, "people", "exact", "francebleu-kingsport") in figures
    assert ("eastman", "employees", 4300, "people", "exact", "ouest-france-video") in figures
    assert ("eastman", "area", 900, "ha", "exact", "francebleu-kingsport") in figures
    assert ("eastman", "area", 364200, "m²", "exact", "ouest-france-video") in figures
    assert ("eastman-port-jerome", "area", 30, "ha", "exact", "afp-slapp") in figures
    assert ("eastman-port-jerome", "area", 40, "ha", "about", "veilleco") in figures
    assert ("eastman-port-jerome", "jobs-direct", 357, "jobs", "exact", "l4m") in figures
    assert ("eastman-port-jerome", "feedstock-contracted", 25000, "t", "exact", "actu-environnement") in figures
    assert ("eastman-port-jerome", "feedstock-contracted", 45000, "t", "exact", "gazette-normandie") in figures
    assert ("eastman-port-jerome", "power", 200, "MW", "exact", "l4m") in figures
    assert ("loop-port-jerome", "capacity", 70000, "t/year", "exact", "afp-slapp") in figures
    first = next(f for f in book.figures if f.id == "eastman-jobs-direct-first-l4m")
    assert (first.value, first.scope, first.planned) == (330, "first planned", True)
    power = next(f for f in book.figures if f.measure == "power")
    assert power.planned and "phase II" in (power.scope or "")


def test_job_figures_keep_about_at_least_and_more_than(book: FactBook) -> None:
    jobs = {(f.measure, f.value, f.qualifier, f.source) for f in book.figures if f.subject == "eastman-port-jerome"}
    assert ("jobs-indirect", 1500, "about", "gazette") in jobs  # "près de 1500"
    assert ("jobs-indirect", 1500, "at-least", "ouest-france-2025") in jobs
    assert ("jobs-direct", 350, "more-than", "ouest-france-2025") in jobs
    assert ("jobs-direct", 350, "about", "usine-nouvelle-choose-france") in jobs  # "close to 350"


def test_the_public_aid_is_planned_not_granted(book: FactBook) -> None:
    aid = [f for f in book.figures if f.measure == "public-aid"]
    assert {(f.value, f.source) for f in aid} == {(62_000_000, "afp-moongy"), (35_000_000, "afp-moongy"),
                                                  (100_000_000, "zero-waste-france-2025")}
    assert all(f.planned and not (f.note or "").startswith("Granted") for f in aid)


def test_the_business_france_words_are_the_regions_aim_not_a_fact_of_the_trip(book: FactBook) -> None:
    about = [s for s in book.statements if "Business France" in (s.quote or "")]
    assert about and all((s.subject, s.topic) == ("region-normandie", "aim") for s in about)


def test_no_citation_says_the_subsidiary_carries_the_plant(book: FactBook) -> None:
    notes = [c.note or "" for _, item in book.entities() for c in getattr(item, "cite", ())]
    assert not any("carried by" in n.lower() for n in notes)


def test_the_second_batch_events_and_people_are_there(book: FactBook) -> None:
    events = {e.id: e for e in book.events}
    assert [c.date.text for c in events["choose-france-2022"].dates] == ["2022-01-17"]
    assert [c.date.text for c in events["eastman-consultation-closing-meeting"].dates] == ["2024-05-28"]
    assert events["eastman-consultation-closing-meeting"].places == ("lillebonne",)
    assert "2022-09-27/2022-11-24" in {c.date.text for c in events["eastman-pre-consultation"].dates}
    assert [c.date.text for c in events["eastman-public-inquiry"].dates] == ["2024-06-10"]  # to open, said L4M
    people = {p.id: p for p in book.people}
    assert {"sophie-gaugain", "brad-lich", "mark-costa", "isabelle-jarry", "jean-louis-laure"} <= set(people)
    assert {c.source for c in people["eric-dehouck"].cite} >= {"ouest-france-2025", "l4m", "tendance-ouest"}
    places = {p.id: p.department for p in book.places}
    assert (places["lillebonne"], places["quillebeuf-sur-seine"]) == ("Seine-Maritime", "Eure")
