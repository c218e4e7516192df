"""search, show, fields, --where and --query, through the real CLI."""

from __future__ import annotations

import json

import pytest

from normandie_cli.errors import ExitCode

from .conftest import Golden, Runner


@pytest.mark.parametrize(
    ("text", "kind", "record"),
    [
        ("herouville", "place", "herouville-saint-clair"),
        ("HEROUVILLE", "organisation", "eldim"),
        ("pres de 1500", "figure", "eastman-jobs-indirect-gazette"),
        ("nucleaire", "statement", "region-asset-energy-gazette"),
        ("Kingston", "discrepancy", "destination-kingston-kingsport"),
    ],
)
def test_search_finds_any_fact_ignoring_case_and_accents(run: Runner, text: str, kind: str, record: str) -> None:
    rows = json.loads(run("search", text, "-f", "json").stdout)
    assert any(r["kind"] == kind and r["id"] == record for r in rows), rows


def test_search_groups_by_kind_and_kind_narrows(run: Runner) -> None:
    rows = json.loads(run("search", "eastman", "-f", "json").stdout)
    kinds = [r["kind"] for r in rows]
    order = ["source", "place", "organisation", "person", "event", "project", "figure", "milestone", "statement",
             "discrepancy"]
    assert kinds == sorted(kinds, key=order.index)
    only = json.loads(run("search", "eastman", "--kind", "person", "-f", "json").stdout)
    assert {r["id"] for r in only} == {"eric-dehouck", "cedric-perben", "herve-morin", "sophie-gaugain", "brad-lich",
                                       "mark-costa", "emmanuel-macron", "isabelle-jarry", "jean-louis-laure"}
    assert run("search", "x", "--kind", "persons").exit_code == ExitCode.USAGE


def test_search_highlights_the_match_on_a_colour_terminal(run: Runner) -> None:
    out = run("search", "nucleaire", "-f", "table", env={"NO_COLOR": "", "FORCE_COLOR": "1", "TERM": "xterm"}).stdout
    assert "\x1b[1;7mnucléaire\x1b[0m" in out


def test_golden_show(run: Runner, golden: Golden) -> None:
    golden("show-eastman-port-jerome.tsv", run("show", "eastman-port-jerome").stdout)
    golden("show-eldim.json", run("show", "eldim", "-f", "json").stdout)
    golden("show-eldim.table", run("show", "eldim", "-f", "table").stdout)


def test_show_has_fields_claims_relations_and_quotes(run: Runner) -> None:
    rows = json.loads(run("show", "eastman-port-jerome", "-f", "json").stdout)
    sections = {r["section"] for r in rows}
    assert {"fields", "status", "locations", "figures", "milestones", "statements", "related", "discrepancies",
            "citations"} <= sections
    investment = [r for r in rows if r["section"] == "figures" and r["field"] == "investment"]
    assert {(r["value"], r["qualifier"], r["as_of"]) for r in investment} >= {
        (1_000_000_000, "more-than", "2023-03"), (850_000_000, "up-to", "2022-03-30"),
        (2_000_000_000, "exact", "unknown")}
    assert any(r["section"] == "related" and r["field"] == "owner" and r["value"] == "eastman" for r in rows)
    assert any(r["quote"] == "d’un montant de plus de 1 milliard d’euros" for r in rows)


def test_show_accepts_a_name_and_suggests_close_ids(run: Runner) -> None:
    assert json.loads(run("show", "ELDIM", "-f", "json").stdout)[1]["value"] == "eldim"
    result = run("show", "eastman-port")
    assert result.exit_code == ExitCode.USAGE
    assert "did you mean eastman-port-jerome?" in result.stderr


def test_fields_lists_every_command_s_fields(run: Runner, golden: Golden) -> None:
    golden("fields-companies.tsv", run("fields", "companies").stdout)
    everything = json.loads(run("fields", "-f", "json").stdout)
    assert {r["command"] for r in everything} >= {"companies", "jobs", "timeline", "projects", "sources"}
    assert run("fields", "compnies").exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("command", "where", "expected"),
    [
        ("companies", ["town=Rouen"], {"aurora-cold-plasma-sterilisation", "genexpath", "protectecran"}),
        ("companies", ["department!=Calvados", "roles=delegation", "town~rou"],
         {"aurora-cold-plasma-sterilisation", "genexpath", "protectecran"}),
        ("companies", ["name~PLASMA"], {"aurora-cold-plasma-sterilisation"}),
        ("companies", ["town="], {"normandie-web-xperts", "cryopak", "loop-industries", "interzero"}),
        ("jobs", ["value>=350", "as_of>=2025"], {"eastman-jobs-direct-of2025", "eastman-jobs-indirect-of2025",
                                                 "eastman-jobs-direct-en", "eastman-jobs-indirect-en",
                                                 "eastman-jobs-direct-ef", "eastman-jobs-indirect-ef"}),
        ("jobs", ["kind=construction"], {"eastman-jobs-construction-concertation"}),
        ("figures", ["as_of=2022-03", "measure=investment"],
         {"eastman-investment-usd-cci", "eastman-investment-eur-cci", "eastman-investment-afp"}),
        # Dates compare at the coarser precision: the journal's "2023" may be March 2023, so it matches.
        ("figures", ["as_of=2023-03", "measure=investment"],
         {"eastman-investment-gazette", "eastman-investment-announcement-journal",
          "eastman-investment-phase-1-journal"}),
    ],
)
def test_where_filters_every_listing(run: Runner, command: str, where: list[str], expected: set[str]) -> None:
    args = [part for expr in where for part in ("--where", expr)]
    rows = json.loads(run(command, *args, "-f", "json").stdout)
    assert {r["id"] for r in rows} == expected


def test_where_compares_dates_by_precision(run: Runner) -> None:
    rows = json.loads(run("timeline", "--where", "date>=2026", "--where", "date<2027", "-f", "json").stdout)
    assert {r["date"] for r in rows} == {"2026", "2026-02-06"}
    before = json.loads(run("figures", "--where", "as_of<2023", "-f", "json").stdout)
    assert before and all(r["as_of"] in ("2022-01", "2022-01-16", "2022-03-30", "2022-04", "2022-04-06",
                                         "2022-05-04/2024", "2022-09", "2022-09/2022-12") for r in before)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("nope=1", "unknown field 'nope' for companies"),
        ("twn=Rouen", "(did you mean town or town_id?)"),
        ("town", "no operator"),
        ("town:Rouen", "unknown operator ':'"),
        ("town=>Rouen", "unknown operator '=>' (did you mean >=?)"),
        ("=Rouen", "does not start with a field"),
        ("roles>a", "roles is a list"),
    ],
)
def test_bad_where_is_a_usage_error_naming_the_fields(run: Runner, expr: str, message: str) -> None:
    result = run("companies", "--where", expr)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr
    assert "department" in result.stderr or "roles is a list" in result.stderr or "OP one of" in result.stderr


@pytest.mark.parametrize(
    "expr",
    ["town=Rouen", "town==Rouen", "town = Rouen", "town == 'Rouen'", ' town  ==  "rouen" ', "town ~ ROUEN"],
)
def test_where_takes_the_operators_people_know(run: Runner, expr: str) -> None:
    result = run("companies", "--where", expr, "--fields", "id", "--no-headers")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["aurora-cold-plasma-sterilisation", "genexpath", "protectecran"]


def test_several_where_combine_with_and(run: Runner) -> None:
    both = run("jobs", "--where", "kind=direct", "--where", "source = gazette", "--fields", "id", "--no-headers")
    assert both.stdout.split() == ["eastman-jobs-direct-gazette"]


@pytest.mark.parametrize("when", ["2023-03", "Mar 2023", "march 2023", "MAR 2023"])
def test_where_dates_take_the_forms_the_tables_show(run: Runner, when: str) -> None:
    result = run("jobs", "--where", f"as_of = {when}", "--fields", "as_of", "--no-headers")
    assert result.exit_code == 0, result.stderr
    assert set(result.stdout.split()) == {"2023-03", "2023"}  # a year compares at its own precision


def test_where_rejects_a_value_of_the_wrong_type(run: Runner) -> None:
    assert "value is a number" in run("jobs", "--where", "value>=many").stderr
    assert "as_of is a date" in run("jobs", "--where", "as_of>=March").stderr


def test_query_applies_jmespath_to_the_json_form(run: Runner) -> None:
    result = run("jobs", "--where", "source=gazette", "--query", "[].{kind: kind, value: value, q: qualifier}")
    assert json.loads(result.stdout) == [
        {"kind": "direct", "value": 350, "q": "exact"},
        {"kind": "indirect", "value": 1500, "q": "about"},
    ]
    assert json.loads(run("companies", "--query", "length(@)").stdout) == 16


def test_bad_query_is_a_usage_error_with_the_library_message(run: Runner) -> None:
    result = run("companies", "--query", "[?")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("normandie: error: --query: ") and "jmespath" in result.stderr.lower()
    assert run("companies", "--query", "[]", "-f", "csv").exit_code == ExitCode.USAGE
