"""The story to February 2026 (issue 18): the third batch of sources through the command line,
who each source is, the legal steps, a project that moved, titles and seats over time, and the
review's corrections. Everything is read as a user reads it: the CLI's JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from normandie_cli.registry import LISTINGS

from .conftest import Runner, write

ARTICLE = Path(__file__).resolve().parent.parent / "data" / "sources" / "article-gazette-2023-03.fr.txt"


def rows(run: Runner, *args: str) -> Any:
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, (args, result.stderr)
    return json.loads(result.stdout)


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items if item.get("id")}


def show(run: Runner, entity: str) -> list[dict[str, Any]]:
    return list(rows(run, "show", entity))


def fields_of(run: Runner, entity: str) -> dict[str, Any]:
    return {r["field"]: r["value"] for r in show(run, entity) if r["section"] == "fields"}


# Who each source is -----------------------------------------------------------------------

def test_every_source_says_who_it_is(run: Runner) -> None:
    sources = [s["id"] for s in rows(run, "sources")]
    assert len(sources) == 55
    kinds = {source: fields_of(run, source).get("kind") for source in sources}
    assert not [s for s, kind in kinds.items() if kind in (None, "not-stated")]
    assert kinds["places-table"] == "reference"
    assert (kinds["esteval-region"], kinds["cci-normandie"], kinds["concertation"]) == (
        "government", "public-body", "consultation")
    assert (kinds["eastman-site-en"], kinds["conseil-etat-500384"], kinds["zero-waste-france-2025"],
            kinds["gossement-avocats"], kinds["haropa-port"], kinds["kunststoffweb-2024"],
            kinds["normandie-incubation-alga"], kinds["possible-future-lpn"], kinds["dila-pinm"]) == (
        "company", "court", "party", "law-firm", "public-body", "trade-press", "support-body", "blog", "government")


@pytest.mark.parametrize(("outlet", "members"), [
    ("France Bleu Normandie", {"francebleu-preview", "francebleu-evening", "francebleu-kingsport",
                               "francebleu-consultation"}),
    ("Le Journal des Entreprises", {"journal-entreprises", "journal-entreprises-2024", "journal-entreprises-2025",
                                    "journal-entreprises-alga", "journal-entreprises-normandie-numerique"}),
    ("AFP", {"afp-moongy", "afp-slapp"}),
    ("Eastman", {"eastman-site-en", "eastman-site-fr", "parliament-magazine"}),
    ("Loop Industries", {"loop-release-2022", "suez-loop-release-2023"}),
    ("Zero Waste France", {"zero-waste-france-2025", "zero-waste-france-2026"}),
    ("Ouest-France", {"ouest-france-2025", "ouest-france-video"}),
])
def test_sources_by_the_same_author_share_an_outlet(run: Runner, outlet: str, members: set[str]) -> None:
    for source in members:
        assert fields_of(run, source).get("outlet") == outlet, source


def test_a_relay_names_the_site_it_was_read_on(run: Runner) -> None:
    assert (fields_of(run, "afp-moongy")["via"], fields_of(run, "afp-slapp")["via"]) == (
        "moongy.group", "gi2022.slapp.me")
    assert fields_of(run, "le-monde")["via"] == "cariforefnormandie.fr"
    assert fields_of(run, "ouest-france-2025")["via"] == "cariforefnormandie.fr"
    assert fields_of(run, "loop-release-2022")["via"] == "lelezard.com"


def test_the_fact_file_validates_cleanly(run: Runner) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.stdout + result.stderr


# The third batch, a handful of facts per source -------------------------------------------

FIGURES = [
    # (id, value, unit, qualifier, planned, scope, source)
    ("eastman-capacity-phase-1-en", 110000, "t/year", "more-than", True, "phase I", "eastman-site-en"),
    ("eastman-investment-phase-1-usd-en", 1000000000, "USD", "more-than", True, "phase I", "eastman-site-en"),
    ("eastman-investment-phase-1-ef", 1000000000, "EUR", "more-than", True, "phase I", "eastman-site-fr"),
    ("eastman-investment-three-plants-ef", 2000000000, "EUR", "more-than", True, "the three plants",
     "eastman-site-fr"),
    ("eastman-investment-cndp-cf", 859000000, "EUR", "about", True, None, "concertation-faq"),
    ("eastman-feedstock-origin-france-cf", 30, "%", "exact", True, "from France", "concertation-faq"),
    ("eastman-jobs-direct-fb4", 330, "jobs", "exact", True, None, "francebleu-consultation"),
    ("eastman-capacity-fb4", 160000, "t/year", "exact", True, None, "francebleu-consultation"),
    ("eastman-feedstock-share-ae24", 70, "%", "more-than", False, None, "actu-environnement-2024"),
    ("eastman-site-area-hp", 41, "ha", "exact", False, "site", "haropa-port"),
    ("eastman-waste-in-hp", 205000, "t", "exact", True, "plastic waste taken in", "haropa-port"),
    ("eastman-waste-in-eventually-hp", 220000, "t", "up-to", True, "plastic waste taken in, eventually",
     "haropa-port"),
    ("eastman-jobs-direct-hp", 350, "jobs", "about", True, None, "haropa-port"),
    ("eastman-investment-inno", 1000000000, "EUR", "more-than", True, None, "innovations"),
    ("eastman-investment-lm", 1000000000, "EUR", "exact", True, "as announced in 2022", "le-monde"),
    ("eastman-public-aid-zwf1", 100000000, "EUR", "about", True, None, "zero-waste-france-2025"),
    ("eastman-waste-in-zwf1", 286000, "t", "exact", True, "waste taken in", "zero-waste-france-2025"),
    ("loop-investment-loop1", 250000000, "EUR", "exact", True, None, "loop-release-2022"),
    ("loop-plot-price-loop1", 1300000, "EUR", "about", True, "plot of 130,000 m²", "loop-release-2022"),
    ("loop-saint-avold-capacity-loop2", 70000, "t/year", "exact", True, None, "suez-loop-release-2023"),
    ("loop-saint-avold-investment-gn23", 450000000, "EUR", "exact", True, None, "gazette-normandie-loop"),
    ("loop-saint-avold-investment-spl", 450000000, "EUR", "exact", True, None, "sustainable-plastics"),
    ("loop-saint-avold-investment-jde25", 440000000, "EUR", "exact", True, None, "journal-entreprises-2025"),
    ("loop-lausitz-jobs-jde25", 150, "jobs", "exact", True, None, "journal-entreprises-2025"),
    ("aurora-funds-raised-lt23", 5000000, "EUR", "exact", False, None, "la-tribune-aurora"),
    ("aurora-price-lt23", 150000, "EUR", "about", True, "one machine", "la-tribune-aurora"),
    ("alga-employees-alg1", 7, "people", "exact", False, None, "journal-entreprises-alga"),
    ("alga-employees-alg3", 8, "people", "exact", False, None, "normandie-incubation-alga"),
    ("eastman-employees-jde24", 14000, "people", "exact", False, None, "journal-entreprises-2024"),
]


def test_the_third_batchs_figures_keep_qualifier_unit_plan_and_scope(run: Runner) -> None:
    figures = by_id(rows(run, "figures"))
    for fid, value, unit, qualifier, planned, scope, source in FIGURES:
        f = figures[fid]
        assert (f["value"], f["unit"], f["qualifier"], f["planned"], f["scope"], f["source"]) == (
            value, unit, qualifier, planned, scope, source), fid
    # a claim about another time says so: the CNDP referral came before 4 May 2022
    assert figures["eastman-investment-cndp-cf"]["period"] == "2022-05-04"


MILESTONES = [
    # (id, date, precision, qualifier, status, source)
    ("eastman-application-filed-ct", "2023-07-31", "day", None, "happened", "concertation-timeline"),
    ("eastman-application-completed-ct", "2024-01-25", "day", None, "happened", "concertation-timeline"),
    ("eastman-construction-start-ct", "2024-09", "month", None, "planned", "concertation-timeline"),
    ("eastman-commissioning-hp", "2026", "year", None, "planned", "haropa-port"),
    ("eastman-operational-fb4", "2025", "year", None, "planned", "francebleu-consultation"),
    ("eastman-dentis-agreement-ae24", "2024-02-16", "day", None, "happened", "actu-environnement-2024"),
    ("eastman-permits-jde24", "2024-11", "month", "early", "happened", "journal-entreprises-2024"),
    ("eastman-suspended-lm", "2024-12", "month", None, "happened", "le-monde"),
    ("eastman-rouen-court-request-zwf1", "2025-04-26", "day", None, "happened", "zero-waste-france-2025"),
    ("eastman-operational-planned-2022-pa", "2026", "year", "end-of", "planned", "process-alimentaire"),
    ("eastman-conseil-etat-request-ce", "2025-01-07", "day", None, "happened", "conseil-etat-500384"),
    ("eastman-conseil-etat-decision-ga", "2026-02-06", "day", None, "happened", "gossement-avocats"),
]


def test_the_third_batchs_milestones_keep_their_date_precision_and_plan(run: Runner) -> None:
    timeline = by_id(rows(run, "timeline", "eastman-port-jerome"))
    for mid, date, precision, qualifier, status, source in MILESTONES:
        row = timeline[mid]
        assert (row["date"], row["date_precision"], row["date_qualifier"], row["status"], row["source"]) == (
            date, precision, qualifier, status, source), mid
    # a claim made in January 2025 about December 2024: two dates
    assert timeline["eastman-suspended-lm"]["as_of"] == "2025-01-22"


def test_the_companies_milestones(run: Runner) -> None:
    everything = by_id(rows(run, "timeline"))
    assert (everything["aurora-founded-aur"]["date"], everything["aurora-founded-aur"]["source"]) == (
        "2019", "aurora-site")
    assert everything["aurora-sales-start-lt23"]["status"] == "planned"
    assert (everything["alga-founded-alg4"]["date"], everything["alga-founded-alg4"]["date_precision"]) == (
        "2021-11", "month")
    techinnov = everything["alga-techinnov-alg3"]
    assert (techinnov["date"], techinnov["date_qualifier"], techinnov["outcome"]) == (
        "2024-03", "end-of", "won the contest")
    merged = everything["normandie-web-xperts-merged-nn"]
    assert (merged["date"], merged["date_qualifier"]) == ("2025-11-24", "by")
    assert merged["outcome"] == "merged with Campus Normandie Cyber into Normandie Numérique"
    assert everything["la-patisserie-numerique-founded-lpn"]["source"] == "possible-future-lpn"


@pytest.mark.parametrize(("source", "subject", "words"), [
    ("kunststoffweb-2024", "eastman-port-jerome", "in doubt for lack of long-term offtake agreements"),
    ("kunststoffweb-2025", "eastman-port-jerome", "serve European demand from the United States"),
    ("dila-pinm", "eastman-port-jerome", "5, 6 and 7 July 2024"),
    ("parliament-magazine", "eric-dehouck", "from waste collected in the EU"),
    ("tendance-ouest-eldim", "eldim", "Apple, Samsung, LG, L'Oréal and the State"),
    ("possible-future-lpn", "marine-core-baillais", "ESSEC"),
    ("innovations", "eastman-port-jerome", "considering slowing"),
    ("zero-waste-france-2026", "eastman-port-jerome", "rejected more than a year later"),
])
def test_the_third_batchs_statements(run: Runner, source: str, subject: str, words: str) -> None:
    statements = rows(run, "statements", "--subject", subject)
    assert any(s["source"] == source and words in s["text"] for s in statements), (source, words)


def test_the_third_batchs_sources_keep_their_dates_and_say_how_they_were_inferred(run: Runner) -> None:
    sources = by_id(rows(run, "sources"))
    expected = {
        "eastman-site-en": ("2025/2026", True), "concertation-timeline": ("2024-01-25/2024-04", True),
        "francebleu-consultation": ("2022-09", True), "actu-environnement-2024": ("2024-02-16", True),
        "journal-entreprises-2024": ("2024-11-11/2024-11-25", True), "innovations": ("2024-11-25", False),
        "le-monde": ("2025-01-22", True), "process-alimentaire": ("2025-05-20/2025-05-31", True),
        "conseil-etat-500384": ("2026-02-06", False), "zero-waste-france-2026": ("2026-02-06/2026-12", True),
        "loop-release-2022": ("2022-01-16", False), "gazette-normandie-loop": ("2023-02-16/2023-02-28", True),
        "tendance-ouest-eldim": ("2017/2022-05", True), "journal-entreprises-alga": (None, False),
    }
    for source, (published, inferred) in expected.items():
        row = sources[source]
        assert (row["published"], row["published_inferred"]) == (published, inferred), source
        if inferred:
            assert row["published_note"], source


# Eastman on hold, in the owner's own words ------------------------------------------------

def test_eastman_is_on_hold_since_december_2024_with_the_owners_words(run: Runner) -> None:
    eastman = by_id(rows(run, "projects"))["eastman-port-jerome"]
    assert (eastman["status"], eastman["status_since"]) == ("on-hold", "2024-12")
    assert eastman["status_sources"][0] == "tendance-ouest"
    assert {"le-monde", "ouest-france-2025", "process-alimentaire", "eastman-site-en"} <= set(
        eastman["status_sources"])
    status = [r for r in show(run, "eastman-port-jerome") if r["section"] == "status"]
    owner = [r for r in status if r["source"] == ["eastman-site-en"]]
    assert [r["value"] for r in owner] == ["on-hold"] and "temporarily paused" in owner[0]["note"]
    # no claim from December 2024 on says the pause ended
    history = [r for r in rows(run, "history", "eastman-port-jerome", "status") if r["dated"]]
    first = next(i for i, r in enumerate(history) if r["source"] == "tendance-ouest")
    assert history[first]["as_of"] == "2024-12"
    assert {r["value"] for r in history[first:]} == {"on-hold"} and len(history[first:]) == 5
    table = run("projects", "-f", "table").stdout
    assert "on-hold (since Dec 2024)" in table


# The legal steps, in date order -----------------------------------------------------------

def test_the_legal_steps_read_in_date_order_in_the_projects_timeline(run: Runner) -> None:
    order = [r["id"] for r in rows(run, "timeline", "eastman-port-jerome")]
    steps = ["eastman-pinm-decree-hp", "eastman-permits-jde24", "eastman-conseil-etat-request-ce",
             "eastman-rouen-court-request-zwf1", "eastman-conseil-etat-decision-ce"]
    positions = [order.index(step) for step in steps]
    assert positions == sorted(positions)
    timeline = by_id(rows(run, "timeline", "eastman-port-jerome"))
    assert timeline["eastman-conseil-etat-decision-ce"]["outcome"] == "decree held legal"
    assert timeline["eastman-conseil-etat-decision-ga"]["outcome"] == "request rejected"
    assert timeline["eastman-pinm-decree-ce"]["date"] == "2024-07-05"
    assert timeline["eastman-permits-jde24"]["outcome"].startswith("all obtained")
    # the request to the Rouen court has no outcome: no source gives one
    rouen = timeline["eastman-rouen-court-request-zwf1"]
    assert rouen["outcome"] is None and "Rouen" in rouen["scope"]
    # the request and the decision of one case share its scope
    assert timeline["eastman-conseil-etat-request-ce"]["scope"] == timeline["eastman-conseil-etat-decision-ce"]["scope"]


# Loop: one story across three sites --------------------------------------------------------

def test_loops_port_jerome_plant_is_abandoned_as_of_february_2023(run: Runner) -> None:
    loop = by_id(rows(run, "projects"))["loop-port-jerome"]
    assert loop["status"] == "abandoned" and loop["status_since"].startswith("2023-02")
    before = by_id(rows(run, "projects", "--as-of", "2023-01-31"))["loop-port-jerome"]
    assert before["status"] == "planned"
    after = by_id(rows(run, "projects", "--as-of", "2023-02-28"))["loop-port-jerome"]
    assert after["status"] == "abandoned"
    projects = by_id(rows(run, "projects"))
    assert projects["loop-saint-avold"]["status"] == "abandoned"
    assert projects["loop-lausitz"]["status"] == "planned"


@pytest.mark.parametrize("project", ["loop-port-jerome", "loop-saint-avold", "loop-lausitz"])
def test_the_timeline_of_any_of_loops_plants_tells_the_moves(run: Runner, project: str) -> None:
    timeline = rows(run, "timeline", project)
    ids = [r["id"] for r in timeline]
    story = ["loop-announcement-loop1", "loop-moved-loop2", "loop-saint-avold-chosen-loop2",
             "loop-saint-avold-abandoned-jde25", "loop-lausitz-operational-jde25"]
    assert [i for i in ids if i in story] == story
    assert {r["subject"] for r in timeline} == {"loop-port-jerome", "loop-saint-avold", "loop-lausitz"}
    moved = next(r for r in timeline if r["id"] == "loop-moved-loop2")
    assert (moved["date"], moved["status"]) == ("2023-02-16", "happened") and "Saint-Avold" in moved["outcome"]


def test_the_projects_say_which_one_they_follow_and_who_says_so(run: Runner) -> None:
    saint_avold = [r for r in show(run, "loop-saint-avold") if r["section"] == "follows"]
    assert {(r["value"], r["source"][0]) for r in saint_avold} == {
        ("loop-port-jerome", "suez-loop-release-2023"), ("loop-port-jerome", "gazette-normandie-loop")}
    related = [r for r in show(run, "loop-port-jerome") if r["section"] == "related"]
    assert ("followed by", "loop-saint-avold") in {(r["field"], r["value"]) for r in related}


# Titles and seats over time ---------------------------------------------------------------

def test_eric_dehoucks_title_changes_over_time_each_title_sourced(run: Runner) -> None:
    titles = rows(run, "history", "eric-dehouck", "title")
    assert [(r["value"], r["source"], r["as_of"]) for r in titles] == [
        ("general manager of Eastman", "l4m", "2024-06-18"),
        ("head of Eastman in France", "tendance-ouest", "2024-12"),
        ("general manager of Eastman for France", "ouest-france-2025", "2025-05-17"),
        ("Managing Director for Circular Solutions Europe at Eastman", "parliament-magazine", "2025-09-25"),
    ]
    # a change of title is a career, not a disagreement: conflicts shows the recorded one only
    conflicts = [r for r in rows(run, "conflicts") if r["subject"] == "eric-dehouck"]
    assert [(r["origin"], r["recorded"]) for r in conflicts] == [("recorded", "eric-dehouck-title")]


def test_alga_biologics_seats_and_founding_as_each_source_gives_them(run: Runner) -> None:
    seats = [(r["value"], r["source"][0]) for r in show(run, "alga-biologics") if r["section"] == "seats"]
    assert seats == [("mont-saint-aignan", "gazette"), ("isneauville", "gazette-france-alga")]
    assert "alga-biologics" in {c["id"] for c in rows(run, "companies", "--town", "isneauville")}
    assert "alga-biologics" in {c["id"] for c in rows(run, "companies", "--town", "canteleu")}
    founded = next(r for r in rows(run, "conflicts") if r["subject"] == "alga-biologics" and r["field"] == "founded")
    assert sorted((s["value"], s["source"]) for s in founded["sides"]) == [
        ("2021", "normandie-incubation-alga"), ("2021-11", "societes-pole-alga"), ("2022", "gazette-france-alga")]


# Every disagreement the third batch lists -------------------------------------------------

def test_conflicts_hold_every_disagreement_of_the_third_batch(run: Runner) -> None:
    conflicts = rows(run, "conflicts")
    recorded = {r["recorded"] for r in conflicts if r["recorded"]}
    assert {"eastman-project-state", "eastman-permits", "eastman-construction-start", "eastman-opening-planned-2022",
            "eastman-phase-1-cost", "eastman-investment-revision", "eastman-site-area", "eastman-waste-in",
            "eastman-jobs-direct", "eastman-waste-origin", "eric-dehouck-title", "loop-plant-moves",
            "alga-biologics-seat", "eastman-eu-rule", "normandie-web-xperts-merged"} <= recorded
    computed = {(r["subject"], r["field"]) for r in conflicts if r["origin"].startswith("computed")}
    assert {("alga-biologics", "founded"), ("alga-biologics", "employees (people)"),
            ("loop-saint-avold", "investment (EUR)"), ("eastman-port-jerome", "permits")} <= computed
    state = next(r for r in conflicts if r["recorded"] == "eastman-project-state")
    assert {"tendance-ouest", "le-monde", "process-alimentaire", "ouest-france-2025", "eastman-site-en"} <= {
        s["source"] for s in state["sides"]}
    jobs = next(r for r in conflicts if r["recorded"] == "eastman-jobs-direct")
    assert {(s["value"], s["source"]) for s in jobs["sides"]} >= {(330, "francebleu-consultation"),
                                                                  (350, "cci-normandie")}


def test_the_rumour_left_out_on_purpose_stays_out(run: Runner) -> None:
    assert rows(run, "search", "safeguard") == []
    assert rows(run, "search", "sauvegarde") == []


# The review's corrections (issue 18, item 5) ----------------------------------------------

def _printed(run: Runner) -> list[tuple[str, str]]:
    """(command, text) for every listing in JSON (and the sources as citations), every history
    and every ``show`` of every id."""
    out = []
    skip = ("history", "search", "show", "cache", "diff")  # history, search, show, diff need arguments; cache no data
    commands: list[tuple[str, ...]] = [(name,) for name in LISTINGS if name not in skip]
    commands += [("jobs", "--totals"), ("sources", "--format", "bibtex"), ("sources", "--format", "csl-json")]
    for command in commands:
        args = command if "--format" in command else (*command, "-f", "json")
        result = run(*args)
        assert result.exit_code in (0, 4), (command, result.stderr)
        out.append((" ".join(command), result.stdout + result.stderr))
    # show of every id: the rows its JSON prints (through the command line for one id of each kind)
    from normandie_cli.loading.book import load_facts
    from normandie_cli.query.explore import show_rows

    book = load_facts()
    firsts = {kind: item.id for kind, item in reversed(book.entities())}
    for kind, item in book.entities():
        if firsts[kind] == item.id:
            result = run("show", item.id, "-f", "json")
            out.append((f"show {item.id}", result.stdout + result.stderr))
        out.append((f"show {item.id} (rows)", json.dumps(show_rows(book, item.id), ensure_ascii=False)))
    for project in ("eastman-port-jerome", "loop-port-jerome", "eric-dehouck", "alga-biologics", "eastman"):
        result = run("history", project, "-f", "json")
        out.append((f"history {project}", result.stdout + result.stderr))
    return out


@pytest.mark.slow
def test_no_printed_value_names_a_file_the_product_does_not_ship(run: Runner) -> None:
    printed = _printed(run)
    assert len(printed) > 500
    assert [command for command, text in printed if "SOURCES.md" in text] == []


def test_no_note_puts_an_english_gloss_in_quotation_marks(run: Runner) -> None:
    """Every passage in double quotation marks in a printed note, description or statement is the
    article's own words (the one source whose text we have)."""
    from normandie_cli.loading.book import load_facts
    from normandie_cli.loading.validate import normalise_quote
    from normandie_cli.record import Record

    article = normalise_quote(ARTICLE.read_text(encoding="utf-8"))

    def texts(value: Any) -> Any:
        if isinstance(value, Record):
            for name in value._fields:
                if name != "quote":
                    yield from texts(getattr(value, name))
        elif isinstance(value, tuple):
            for item in value:
                yield from texts(item)
        elif isinstance(value, str):
            yield value

    quoted = [(item.id, passage) for _, item in load_facts().entities() for text in texts(item)
              for passage in re.findall(r'"([^"]+)"', text)]
    assert quoted  # the article's spellings ("Kingston", "Port-Jérôme") are quoted
    assert [(rid, p) for rid, p in quoted if normalise_quote(p) not in article] == []
    # the two glosses the review found: L4M's heading and La Gazette Normandie's aim
    for claim in ("eastman-set-up-l4m", "eastman-feedstock-target-gazette-normandie"):
        note = next(r["note"] for r in show(run, claim) if r["section"] == "fields" and r["note"])
        assert '"' not in note, claim


def test_loop_industries_has_no_role_no_source_states(run: Runner) -> None:
    assert "roles" not in fields_of(run, "loop-industries")
    assert [c["id"] for c in rows(run, "companies", "--role", "investor")] == ["eastman"]


def test_the_interzero_note_derives_no_tonnage_la_gazette_normandie_never_gives(run: Runner) -> None:
    interzero = by_id(rows(run, "discrepancies"))["eastman-interzero-tonnage"]
    assert "first 25,000" not in interzero["note"]
    assert "20,000 t (GN)" in interzero["note"] and "25,000 t (AE)" in interzero["note"]
    gn = [f for f in rows(run, "figures", "--subject", "eastman-port-jerome") if f["source"] == "gazette-normandie"]
    assert 25000 not in {f["value"] for f in gn}


def test_afps_two_tonnages_in_one_sentence_have_one_unit(run: Runner) -> None:
    figures = by_id(rows(run, "figures", "--measure", "capacity"))
    eastman, loop = figures["eastman-capacity-afp-slapp"], figures["loop-capacity-afp-slapp"]
    assert (eastman["value"], loop["value"]) == (160000, 70000)
    assert eastman["unit"] == loop["unit"] == "t/year"


def test_the_plant_afp_says_will_cover_30_hectares_is_a_plan(run: Runner) -> None:
    area = by_id(rows(run, "figures", "--measure", "area"))["eastman-site-area-afp-slapp"]
    assert (area["value"], area["unit"], area["planned"]) == (30, "ha", True)


def test_choose_france_2022_told_ahead_of_the_day_is_planned(run: Runner) -> None:
    status = [r for r in show(run, "choose-france-2022") if r["section"] == "status"]
    assert [(r["value"], r["source"]) for r in status] == [("planned", ["usine-nouvelle-choose-france"])]
    row = next(r for r in rows(run, "timeline") if r["subject"] == "choose-france-2022")
    assert (row["date"], row["status"]) == ("2022-01-17", "planned")


def test_the_public_inquiry_is_one_planned_row_on_the_day_it_was_to_open(run: Runner) -> None:
    inquiry = [r for r in rows(run, "timeline") if r["subject"] == "eastman-public-inquiry"]
    assert [(r["date"], r["status"], r["source"]) for r in inquiry] == [("2024-06-10", "planned", "l4m")]


def test_eastmans_status_history_changes_only_where_a_source_says_so(run: Runner) -> None:
    status = rows(run, "history", "eastman-port-jerome", "status")
    by_source = {r["source"]: r["value"] for r in status}
    # the same March 2022 choice, reported four times, is coded alike
    assert {by_source[s] for s in ("cci-normandie", "afp-moongy", "magazine-decideurs", "afp-slapp")} == {"planned"}
    # Ouest-France says the project is maintained, not that the pause ended
    assert by_source["ouest-france-2025"] == "on-hold"
    values = [r["value"] for r in status if r["dated"]]
    assert values == sorted(values, key=["planned", "on-hold"].index)  # planned, then on hold, never back


# The model's new fields are checked like the others ---------------------------------------

BASE = """\
format: normandie-facts/1
sources:
  - {id: s1, publisher: P, published: "2024", language: en}
places:
  - {id: here, name: Here, kind: town, country: France, cite: [{source: s1}]}
organisations:
  - id: org
    name: Org
    kind: company
    town: here
    seats: [{place: %(seat)s, source: s1}]
    cite: [{source: s1}]
people:
  - id: someone
    name: Someone
    titles: [{value: "head", organisation: %(title_org)s, source: s1}]
    cite: [{source: s1}]
projects:
  - {id: first, name: First, owner: org, cite: [{source: s1}]}
  - id: second
    name: Second
    owner: org
    follows: [{project: %(follows)s, source: s1}]
    cite: [{source: s1}]
milestones:
  - {id: step, subject: second, what: court-decision, date: "2024-02-01", outcome: "held legal", source: s1}
"""


def test_seats_titles_and_follows_are_references_validate_checks(run: Runner, tmp_path: Path) -> None:
    good = write(tmp_path, BASE % {"seat": "here", "title_org": "org", "follows": "first"}, "good.yaml")
    assert run("--data", str(good), "validate").exit_code == 0
    timeline = rows(run, "--data", str(good), "timeline", "first")
    assert [(r["id"], r["outcome"]) for r in timeline] == [("step", "held legal")]
    bad = write(tmp_path, BASE % {"seat": "nowhere", "title_org": "here", "follows": "org"}, "bad.yaml")
    result = run("--data", str(bad), "validate")
    assert result.exit_code != 0
    problems = result.stdout + result.stderr
    assert "seat: unknown id 'nowhere'" in problems
    assert "title organisation: 'here' is a place, expected a organisation" in problems
    assert "follows: 'org' is a organisation, expected a project" in problems


def test_a_typo_in_a_new_key_is_an_error(run: Runner, tmp_path: Path) -> None:
    typo = write(tmp_path, (BASE % {"seat": "here", "title_org": "org", "follows": "first"}).replace(
        "outcome:", "outcom:"), "typo.yaml")
    result = run("--data", str(typo), "validate")
    assert result.exit_code != 0 and "unknown key 'outcom'" in result.stdout + result.stderr
