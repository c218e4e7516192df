"""Facts over time: history, conflicts, --as-of, --cite and citation formats."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from normandie_cli.dates import compare_dates, parse_date
from normandie_cli.errors import ExitCode


def test_golden_history_of_eastman_investment_and_opening(run, golden) -> None:  # type: ignore[no-untyped-def]
    golden("history-eastman-investment.table",
           run("history", "eastman-port-jerome", "investment", "-f", "table").stdout)
    golden("history-eastman-opening.table", run("history", "eastman-port-jerome", "opening", "-f", "table").stdout)
    golden("history-eastman.json", run("history", "eastman-port-jerome", "-f", "json").stdout)


def test_history_keeps_every_claim_in_as_of_order_with_the_change(run) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run("history", "eastman-port-jerome", "opening", "-f", "json").stdout)
    dated = [(r["value"], r["source"], r["change"]) for r in rows if r["dated"]]
    assert dated[0][:2] == ("2025", "cci-normandie")
    assert ("2026", "gazette", "same year") in dated
    assert dated[-1] == ("2030", "ouest-france-2025", "slipped 4 years")
    undated = [r["source"] for r in rows if not r["dated"]]
    assert undated == ["concertation", "ouest-france-video"]  # listed after the dated ones
    money = json.loads(run("history", "eastman-port-jerome", "investment", "-f", "json").stdout)
    values = {(r["value"], r["unit"], r["source"]) for r in money}
    assert {(850_000_000, "EUR", "cci-normandie"), (860_000_000, "EUR", "veilleco"),
            (1_000_000_000, "EUR", "gazette"), (2_000_000_000, "EUR", "ouest-france-video")} <= values
    assert any(r["change"] == "+10 M EUR" and r["source"] == "veilleco" for r in money)


def test_history_draws_a_strip_per_field_at_a_terminal(run) -> None:  # type: ignore[no-untyped-def]
    out = run("history", "eastman-port-jerome", "opening", "-f", "table").stdout
    strip = next(line for line in out.splitlines() if line.startswith("opening "))
    assert "2022-03" in strip and "2025-05" in strip and "█" in strip
    assert "Undated claims" in out


def test_history_of_an_unknown_field_names_the_fields(run) -> None:  # type: ignore[no-untyped-def]
    result = run("history", "eastman-port-jerome", "colour")
    assert result.exit_code == ExitCode.USAGE and "investment" in result.stderr


def test_golden_conflicts(run, golden) -> None:  # type: ignore[no-untyped-def]
    golden("conflicts.tsv", run("conflicts").stdout)
    golden("conflicts.json", run("conflicts", "-f", "json").stdout)


def test_conflicts_show_what_the_sources_disagree_on_and_say_which_kind(run) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run("conflicts", "-f", "json").stdout)

    def find(text: str) -> dict:  # type: ignore[type-arg]
        return next(r for r in rows if text in " ".join(r["sides"]))

    assert find("Kingston")["kind"] == "internal"
    assert find("12 [francebleu-preview]")["kind"] == "between-sources"
    assert find("13–19 Mar 2023")["kind"] == "disagreement"  # same date, different first day
    money = next(r for r in rows if r["field"] == "investment (EUR)")
    assert money["kind"] == "revision" and "EUR 860 M [veilleco, 2022-09/2022-12]" in money["sides"]
    opening = next(r for r in rows if r["field"] == "opening")
    assert opening["kind"] == "revision" and any("2030" in side for side in opening["sides"])


def test_conflicts_exit_0_and_strict_exits_4(run) -> None:  # type: ignore[no-untyped-def]
    assert run("conflicts").exit_code == 0
    strict = run("conflicts", "--strict", "-f", "json")
    assert strict.exit_code == ExitCode.CONFLICTS
    assert json.loads(strict.stdout)  # the conflicts are still printed


@pytest.mark.parametrize("date", ["2022-12", "2023-06"])
def test_golden_projects_as_of(run, golden, date: str) -> None:  # type: ignore[no-untyped-def]
    golden(f"projects-as-of-{date}.table", run("projects", "--as-of", date, "-f", "table").stdout)
    golden(f"projects-as-of-{date}.json", run("projects", "--as-of", date, "-f", "json").stdout)


def test_as_of_answers_as_the_sources_of_that_date_would(run) -> None:  # type: ignore[no-untyped-def]
    [eastman] = json.loads(run("projects", "--as-of", "2022-12", "-f", "json").stdout)
    assert (eastman["investment"], eastman["investment_source"]) == (860_000_000, "veilleco")
    assert (eastman["opening"], eastman["opening_source"]) == ("2025", "veilleco")
    latest = {r["id"]: r for r in json.loads(run("projects", "-f", "json").stdout)}["eastman-port-jerome"]
    assert (latest["opening"], latest["opening_source"]) == ("2030", "ouest-france-2025")
    result = run("projects", "--as-of", "2023-06", "-f", "json")
    assert "sources with an unknown publication date are left out" in result.stderr
    assert "concertation" in result.stderr


def test_as_of_hides_what_was_not_yet_said(run) -> None:  # type: ignore[no-untyped-def]
    people = {r["id"] for r in json.loads(run("people", "--as-of", "2023-06", "-f", "json").stdout)}
    assert "eric-dehouck" not in people and "herve-morin" in people
    companies = json.loads(run("companies", "--as-of", "2022-12", "-f", "json").stdout)
    # The delegation is not known before March 2023; Eastman (March 2022) and its subsidiary (autumn 2022) are.
    assert {c["id"] for c in companies} == {"eastman", "eastman-circular-solution-france"}
    assert run("companies", "--as-of", "March").exit_code == ExitCode.USAGE


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=__import__("datetime").date(2021, 1, 1), max_value=__import__("datetime").date(2026, 12, 31)),
       st.sampled_from(["year", "month", "day"]),
       st.sampled_from(["figures", "jobs", "timeline", "statements", "history"]))
def test_as_of_never_returns_a_claim_dated_after_it(day, precision, command) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from normandie_cli.cli import app

    text = {"year": f"{day.year}", "month": f"{day.year}-{day.month:02d}", "day": day.isoformat()}[precision]
    args = [command, *(["eastman-port-jerome"] if command == "history" else []), "--as-of", text, "-f", "json"]
    result = CliRunner().invoke(app, args)
    if command == "history" and "unknown id" in result.output:
        assume(False)  # before its first source, the project is not known at all: an error, rightly
    assert result.exit_code == 0, result.output
    when = parse_date(text)
    for row in json.loads(result.stdout):
        order = compare_dates(parse_date(row["as_of"]), when)
        assert order is not None and order <= 0, (text, row)


def test_cite_adds_source_url_and_quote_in_machine_formats(run, golden) -> None:  # type: ignore[no-untyped-def]
    golden("jobs-cite.json", run("jobs", "--where", "source=gazette", "--cite", "-f", "json").stdout)
    rows = json.loads(run("companies", "--role", "delegation", "--cite", "-f", "json").stdout)
    eldim = next(r for r in rows if r["id"] == "eldim")
    assert eldim["source_url"][0] == "https://lagazettefrance.fr/article/la-normandie-fait-sa-promotion-aux-etats-unis"
    assert eldim["quote"] == "Eldim (Hérouville-Saint-Clair)"


def test_cite_in_a_table_numbers_footnotes(run, golden) -> None:  # type: ignore[no-untyped-def]
    out = run("jobs", "--where", "source=gazette", "--cite", "-f", "table").stdout
    golden("jobs-cite.table", out)
    assert "gazette [1]" in out and "gazette [2]" in out
    assert "[1] gazette: La Gazette France, “La Normandie fait sa promotion aux Etats-Unis”" in out
    assert "« devrait permettre la création de 350 emplois directs »" in " ".join(out.split())


def test_sources_as_bibtex_and_csl_json(run, golden) -> None:  # type: ignore[no-untyped-def]
    bib = run("sources", "--format", "bibtex").stdout
    golden("sources.bibtex", bib)
    assert bib.count("@online{") == 13
    assert "title = {La Normandie fait sa promotion aux Etats-Unis}" in bib
    assert "date = {2023-03}" in bib and "note = {date inferred;" in bib
    csl = json.loads(run("sources", "--format", "csl-json").stdout)
    gazette = next(item for item in csl if item["id"] == "gazette")
    assert gazette["issued"] == {"date-parts": [[2023, 3]], "circa": True}
    assert next(item for item in csl if item["id"] == "concertation").get("issued") is None
    assert run("companies", "--format", "bibtex").exit_code == ExitCode.USAGE


# Like with like ---------------------------------------------------------------------------

ENTITIES = ["eastman-port-jerome", "trade-mission-2023", "axeos", "region-normandie", "eastman"]


@pytest.mark.parametrize("entity", ENTITIES)
def test_history_diffs_a_claim_only_against_one_about_the_same_thing(run, entity: str) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run("history", entity, "-f", "json").stdout)
    for i, row in enumerate(rows):
        if row["compared_with"] is None:
            # Not diffed: no change, or one that says why; never a number.
            assert row["change"] is None or row["change"].startswith("not compared: "), row
            continue
        earlier = [r for r in rows[:i] if r["field"] == row["field"] and r["dated"]
                   and row["compared_with"] in (r["id"], f"{r['source']} {r['as_of']}")]
        assert earlier, row
        same = ("field", "unit", "scope", "planned", "period")
        assert {tuple(r[k] for k in same) for r in earlier} == {tuple(row[k] for k in same)}, row
        assert row["dated"] and not row["change"].startswith("not compared")


def test_history_never_diffs_phase_i_against_the_whole_plant(run) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run("history", "eastman-port-jerome", "capacity", "-f", "json").stdout)
    phase_1 = next(r for r in rows if r["scope"] == "phase I")
    assert phase_1["change"] == "not compared: phase I vs whole project (scope)"
    assert phase_1["compared_with"] is None
    assert not any(r["change"] and r["change"][0] in "+−" for r in rows)  # no two capacity claims alike
    money = json.loads(run("history", "eastman-port-jerome", "investment", "-f", "json").stdout)
    phase_2 = next(r for r in money if r["scope"] == "phase II")
    assert phase_2["change"] == "not compared: phase II vs phase I (scope)"
    # The gazette's whole-project figure is diffed against the last whole-project one (veilleco's),
    # not against the journal's phase I figure listed between them.
    gazette = next(r for r in money if r["source"] == "gazette")
    assert (gazette["change"], gazette["compared_with"]) == ("+140 M EUR", "eastman-investment-veilleco")
    usd = next(r for r in money if r["source"] == "cci-normandie" and r["unit"] == "EUR")
    assert usd["change"] == "not compared: EUR vs USD (unit)"


def test_history_does_not_diff_a_target_against_a_fact(run) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run("history", "eastman-port-jerome", "feedstock-contracted", "-f", "json").stdout)
    target = next(r for r in rows if r["planned"])
    assert target["value"] == 80 and target["compared_with"] is None
    assert target["change"].startswith("not compared: a plan or target, not a fact")
    tonnage = next(r for r in rows if r["unit"] == "t/year")
    assert tonnage["change"] == "not compared: t/year vs % (unit)"
    undated = json.loads(run("history", "eastman-port-jerome", "opening", "-f", "json").stdout)
    assert {r["change"] for r in undated if not r["dated"]} == {"not compared: undated"}


def test_history_reads_dates_at_their_precision(run) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run("history", "trade-mission-2023", "dates", "-f", "json").stdout)
    assert [r["change"] for r in rows] == [None, "same date (year not stated)", "brought forward 1 day"]
    announcement = json.loads(run("history", "eastman-port-jerome", "announcement", "-f", "json").stdout)
    assert announcement[-1]["change"] == "not compared: no date stated"  # the gazette gives none


SHARES = """\
format: normandie-facts/1
sources:
  - {id: s1, title: "One", publisher: "P", published: "2022-05", language: en}
  - {id: s2, title: "Two", publisher: "P", published: "2023-05", language: en}
organisations:
  - {id: acme, name: "Acme", kind: company, town: not-stated, cite: [{source: s1}]}
figures:
  - {id: a1, subject: acme, measure: revenue-share, value: 70, unit: "%", qualifier: exact, scope: export, source: s1}
  - {id: a2, subject: acme, measure: revenue-share, value: 80, unit: "%", qualifier: exact, scope: export, source: s2}
  - {id: a3, subject: acme, measure: revenue-share, value: 90, unit: "%", qualifier: exact, scope: export,
     planned: true, source: s2}
  - {id: g1, subject: acme, measure: share-of-gdp, value: "1/4", unit: share, qualifier: exact, source: s1}
  - {id: g2, subject: acme, measure: share-of-gdp, value: 0.2, unit: share, qualifier: exact, source: s2}
  - {id: j1, subject: acme, measure: employees, value: 100, unit: people, qualifier: exact, source: s1}
  - {id: j2, subject: acme, measure: employees, value: 90, unit: people, qualifier: exact, source: s2}
"""


def test_history_changes_shares_in_points(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from .conftest import write

    path = write(tmp_path, SHARES)
    rows = {r["id"]: r for r in json.loads(run("--data", str(path), "history", "acme", "-f", "json").stdout)}
    assert (rows["a2"]["change"], rows["a2"]["compared_with"]) == ("+10 points", "a1")
    assert rows["a3"]["change"] == "not compared: a plan or target, not a fact"
    assert rows["g2"]["change"] == "−5 points"  # a fraction: 1/4 to 0.2
    assert rows["j2"]["change"] == "−10 people"  # not a share: in its unit
