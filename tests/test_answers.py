"""Answers a person can trust (issue 10): facets, totals that follow the filters, every event on
the timeline, empty answers that explain themselves, global options anywhere."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from normandie_cli.errors import ExitCode
from normandie_cli.registry import LISTINGS

from .conftest import Run, Runner, installed


def rows_of(result: Run) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


# Facets -------------------------------------------------------------------------------------

def test_the_delegation_by_department_is_the_articles_count(run: Runner) -> None:
    rows = rows_of(run("companies", "--role", "delegation", "--facet", "department", "-f", "json"))
    assert [(r["department"], r["count"]) for r in rows] == [
        ("Calvados", 5), ("Seine-Maritime", 4), ("Eure", 1), (None, 1)]
    assert sum(r["count"] for r in rows) == 11
    assert rows[0]["share"] == round(5 / 11, 4)


def test_a_facet_honours_every_filter_and_the_shared_options(run: Runner) -> None:
    rows = rows_of(run("companies", "--role", "delegation", "--where", "department != Calvados",
                       "--facet", "department", "-f", "json"))
    assert [(r["department"], r["count"]) for r in rows] == [("Seine-Maritime", 4), ("Eure", 1), (None, 1)]
    assert rows_of(run("companies", "--facet", "department", "--limit", "1", "-f", "json"))[0]["count"] >= 5
    tsv = run("companies", "--role", "delegation", "--facet", "department", "--sort", "department").stdout
    assert tsv.splitlines()[0] == "department\tcount\tshare"
    assert tsv.splitlines()[1].startswith("Calvados\t5\t")


def test_a_list_field_counts_each_value(run: Runner) -> None:
    rows = rows_of(run("companies", "--facet", "roles", "-f", "json"))
    delegation = next(r for r in rows if r["roles"] == "delegation")
    assert delegation["count"] == 11


def test_two_fields_facet_their_combinations(run: Runner) -> None:
    rows = rows_of(run("jobs", "--facet", "project,kind", "-f", "json"))
    assert all(set(r) == {"project", "kind", "count", "share"} for r in rows)
    assert sum(r["count"] for r in rows) == len(rows_of(run("jobs", "-f", "json")))


def test_a_facet_at_a_terminal_draws_a_bar(run: Runner) -> None:
    table = run("companies", "--role", "delegation", "--facet", "department", "-f", "table").stdout
    assert "45.5% █████████" in table and "(not stated)" in table


def test_an_unknown_facet_field_is_a_usage_error(run: Runner) -> None:
    result = run("companies", "--facet", "departement")
    assert result.exit_code == ExitCode.USAGE
    assert "did you mean department" in result.stderr


def _scalar_fields(rows: list[dict[str, Any]]) -> dict[str, Counter[Any]]:
    """Each field whose values are all scalars, with how often each value comes."""
    counts: dict[str, Counter[Any]] = {}
    for name in rows[0]:
        values = [row[name] for row in rows]
        if all(value is None or isinstance(value, (str, int, float, bool)) for value in values):
            counts[name] = Counter(values)
    return counts


@pytest.mark.parametrize("listing", [
    name for name in sorted(name for name in LISTINGS if name not in ("show", "history", "search", "diff"))])
def test_every_listing_takes_facet(run: Runner, listing: str) -> None:
    """The counts per value are the listing's own rows counted, with and without a filter: the
    facet field is one whose values repeat, the filter keeps the rows with another field's most
    common text value (the listing itself says which rows that keeps)."""
    command = ["cache", "info"] if listing == "cache" else [listing]
    if listing == "cache":
        run("companies")  # one entry to list
    every = rows_of(run(*command, "-f", "json"))
    assert every, listing
    fields = _scalar_fields(every)
    facet = next((name for name, counts in fields.items() if len(counts) < len(every)), next(iter(fields)))

    def faceted(*where: str) -> dict[Any, int]:
        rows = rows_of(run(*command, *where, "--facet", facet, "-f", "json"))
        assert all(set(row) == {facet, "count", "share"} for row in rows), rows[:2]
        counts = {row[facet]: row["count"] for row in rows}
        assert len(counts) == len(rows)  # each value once
        return counts

    assert faceted() == Counter(row[facet] for row in every)
    filters = [(name, counts.most_common(1)[0][0]) for name, counts in fields.items()
               if name != facet and len(counts) > 1 and isinstance(counts.most_common(1)[0][0], str)
               and "," not in counts.most_common(1)[0][0]]
    if listing == "cache":  # one entry: nothing to filter
        assert not filters
        return
    assert filters, f"{listing}: no field to filter on"
    name, value = filters[0]
    where = ("--where", f"{name}={value}")
    kept = rows_of(run(*command, *where, "-f", "json"))
    assert 0 < len(kept) < len(every), (listing, where)
    assert faceted(*where) == Counter(row[facet] for row in kept), (listing, facet, where)


# Totals follow the filters ------------------------------------------------------------------

def test_the_job_total_is_computed_from_the_rows_kept(run: Runner) -> None:
    table = run("jobs", "--where", "source=gazette", "-f", "table").stdout
    assert "(gazette, 2023-03)" in table and "ouest-france-2025" not in table
    one = run("jobs", "--where", "source=gazette", "--where", "kind=direct", "-f", "table").stdout
    assert "not stated by any source: eastman-port-jerome 350 jobs = direct 350 (gazette, 2023-03)" in " ".join(
        one.split())


def test_totals_are_rows_for_scripts(run: Runner) -> None:
    rows = rows_of(run("jobs", "--where", "source=gazette", "--totals", "-f", "json"))
    total = rows[-1]
    assert total["kind"] == "total" and total["project"] == "eastman-port-jerome"
    assert total["value"] == 1850 and total["qualifier"] == "about"  # 350 + about 1,500
    assert sorted(total["parts"]) == ["eastman-jobs-direct-gazette", "eastman-jobs-indirect-gazette"]
    assert all(r["parts"] is None for r in rows[:-1])
    assert not any(r["kind"] == "total" for r in rows_of(run("jobs", "-f", "json")))


# Every event on the timeline ----------------------------------------------------------------

def test_an_undated_event_is_placed_within_its_parent(run: Runner) -> None:
    rows = rows_of(run("timeline", "kingsport-visit", "-f", "json"))
    assert len(rows) == 1
    visit = rows[0]
    assert (visit["date_qualifier"], visit["derived_from"], visit["source"]) == ("during", "trade-mission-2023",
                                                                                 "gazette")
    parent_dates = {r["date"] for r in rows_of(run("timeline", "trade-mission-2023", "-f", "json"))
                    if r["subject"] == "trade-mission-2023"}
    assert visit["date"] in parent_dates
    assert "kingsport-visit" in {r["subject"] for r in rows_of(run("timeline", "-f", "json"))}


def test_an_organisation_has_a_timeline(run: Runner) -> None:
    rows = rows_of(run("timeline", "eastman", "-f", "json"))
    assert {"eastman", "eastman-port-jerome"} <= {r["subject"] for r in rows}


def test_an_id_of_the_wrong_kind_says_what_it_is(run: Runner) -> None:
    result = run("timeline", "herve-morin")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines()[0] == ("normandie: error: herve-morin is a person; timeline takes a project, "
                                             "an event or an organisation")


# Empty answers explain themselves ------------------------------------------------------------

def test_an_unknown_town_says_so_with_a_suggestion_and_exits_0(run: Runner) -> None:
    result = run("companies", "--town", "Rouenn")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [result.stdout.splitlines()[0]]  # the header line alone
    assert "--town 'Rouenn' matches no known value (did you mean Rouen?)" in result.stderr


@pytest.mark.parametrize(("option", "value", "hint"), [("--department", "calvdos", "Calvados"),
                                                        ("--role", "delegaton", "delegation")])
def test_other_vocabularies_explain_an_empty_answer(run: Runner, option: str, value: str, hint: str) -> None:
    result = run("companies", option, value)
    assert result.exit_code == 0 and hint in result.stderr


def test_a_known_value_says_nothing(run: Runner) -> None:
    assert run("companies", "--town", "rouen").stderr == ""


# One matching rule for a filter and for what it says when it finds nothing ---------------------

@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["store", "book"])
@pytest.mark.parametrize(("option", "value", "found"), [
    ("--town", "Herouville", "eldim"),  # the beginning of one name
    ("--town", "HÉROUVILLE-SAINT-CLAIR", "eldim"),  # a whole name, any case and accents
    ("--town", "saint clair", "eldim"),  # the beginning of a word of one name
    ("--town", "herouville-saint-clair", "eldim"),  # an id
    ("--department", "calva", "eldim"),
    ("--role", "deleg", "eldim"),
])
def test_a_filter_takes_an_id_a_name_or_the_beginning_of_one(run: Runner, cache: list[str], option: str,
                                                               value: str, found: str) -> None:
    result = run(*cache, "companies", option, value, "--fields", "id", "-f", "tsv")
    assert result.exit_code == 0 and result.stderr == ""
    assert found in result.stdout.split()


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["store", "book"])
def test_a_misspelt_town_suggests_by_the_same_comparison(run: Runner, cache: list[str]) -> None:
    result = run(*cache, "companies", "--town", "herouvile")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1
    assert "--town 'herouvile' matches no known value (did you mean Hérouville-Saint-Clair?)" in result.stderr
    assert "Deauville?" not in result.stderr


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["store", "book"])
def test_a_filter_that_could_mean_several_values_names_them(run: Runner, cache: list[str]) -> None:
    result = run(*cache, "companies", "--town", "saint")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1  # the header alone
    assert result.stderr == ("normandie: --town 'saint' could be Saint-Jean-de-Folleville, Saint-Contest, Saint-Avold: "
                             "give more of the name, or the id\n")


def test_the_rule_step_by_step() -> None:
    from normandie_cli.text import closest, pick

    spellings = {"caen": ("caen", "Caen"), "saint-contest": ("saint-contest", "Saint-Contest"),
                 "saint-lo": ("saint-lo", "Saint-Lô"), "lo": ("lo", "Lô")}
    assert pick("CAEN", spellings) == (["caen"], [])
    assert pick("lo", spellings) == (["lo"], [])  # whole first, though it begins a word of Saint-Lô
    assert pick("saint-c", spellings) == (["saint-contest"], [])
    assert pick("saint", spellings) == ([], ["saint-contest", "saint-lo"])
    assert pick("contest", spellings) == (["saint-contest"], [])  # a word's beginning
    assert pick("ontest", spellings) == ([], [])  # not inside a word
    assert pick(" ", spellings) == ([], [])
    assert closest("herouvile", ["Deauville", "Hérouville-Saint-Clair"]) == ["Hérouville-Saint-Clair"]


def test_jobs_for_an_organisation_are_its_projects_jobs(run: Runner) -> None:
    owned = rows_of(run("jobs", "--project", "eastman", "-f", "json"))
    assert owned and owned == rows_of(run("jobs", "--project", "eastman-port-jerome", "-f", "json"))
    assert rows_of(run("jobs", "--project", "Eastman-Port", "-f", "json")) == owned  # the rule of --town
    several = run("jobs", "--project", "cryo")
    assert several.exit_code == ExitCode.USAGE
    assert "'cryo' could be cryopak, cryopak-second-site" in several.stderr
    wrong = run("jobs", "--project", "herve-morin")
    assert wrong.exit_code == ExitCode.USAGE and "herve-morin is a person" in wrong.stderr


# Global options before or after the command ---------------------------------------------------

@pytest.mark.parametrize(
    "args",
    [
        ("companies", "--no-color", "-f", "table", "--fields", "id"),
        ("companies", "-f", "table", "--fields", "id", "--no-cache"),
        ("companies", "--data", "DATA", "--limit", "2"),
        ("companies", "--limit", "2", "--data=DATA"),
        ("companies", "--max-size", "10M", "--limit", "2"),
    ],
)
def test_global_options_work_after_the_command(run: Runner, args: tuple[str, ...]) -> None:
    from normandie_cli.loading.files import bundled_path

    args = tuple(a.replace("DATA", str(bundled_path())) for a in args)
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert "aurora-cold-plasma-sterilisation" in result.stdout


def test_a_global_option_after_the_command_still_applies(run: Runner, tmp_path: Path) -> None:
    result = run("companies", "--data", str(tmp_path / "missing.yaml"))
    assert result.exit_code == ExitCode.DATA_ERROR and "missing.yaml: no such file" in result.stderr
    tiny = run("companies", "--max-size", "10")
    assert tiny.exit_code == ExitCode.DATA_ERROR and "larger than" in tiny.stderr


@pytest.mark.parametrize("listing", ["projects", "jobs", "timeline", "companies"])
def test_as_of_works_before_the_command_as_after_it(run: Runner, listing: str) -> None:
    after = run(listing, "--as-of", "2024-01", "-f", "json")
    assert after.exit_code == 0, after.stderr
    for before in (("--as-of", "2024-01", listing), ("--as-of=2024-01", listing),
                   ("--no-color", "--as-of", "2024-01", "--no-cache", listing)):
        result = run(*before, "-f", "json")
        assert (result.exit_code, result.stdout, result.stderr) == (0, after.stdout, after.stderr)
    assert rows_of(after) != rows_of(run(listing, "-f", "json")) or listing == "companies"


def test_a_bad_as_of_date_is_the_same_error_before_and_after_the_command(run: Runner) -> None:
    after = run("projects", "--as-of", "2024-13")
    before = run("--as-of", "2024-13", "projects")
    assert after.exit_code == before.exit_code == ExitCode.USAGE
    assert before.stderr == after.stderr == "normandie: error: --as-of: '2024-13': month 13 is not 01 to 12\n"


def test_as_of_before_a_command_that_has_none_is_refused(run: Runner) -> None:
    result = run("--as-of", "2024", "fields")
    assert result.exit_code == ExitCode.USAGE and "No such option: --as-of" in result.stderr


def test_the_installed_command_takes_as_of_before_the_command() -> None:
    import subprocess

    script = installed()

    def tsv(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(script), *args, "-f", "tsv"], capture_output=True, text=True, timeout=60)

    before, after = tsv("--as-of", "2024-01", "projects"), tsv("projects", "--as-of", "2024-01")
    assert before.returncode == 0 and (before.stdout, before.stderr) == (after.stdout, after.stderr)
    assert tsv("--as-of", "2024-13", "projects").stderr == tsv("projects", "--as-of", "2024-13").stderr != ""


def test_an_option_value_that_looks_like_a_global_option_is_left_alone(run: Runner) -> None:
    result = run("search", "--kind", "organisation", "--", "--no-color")
    assert result.exit_code == 0, result.stderr


# fields, --fields, --sort and --where on every listing -----------------------------------------

@pytest.mark.parametrize("listing", ["history", "conflicts", "search", "show", "fields", "cache"])
def test_fields_describes_every_listing(run: Runner, listing: str) -> None:
    rows = rows_of(run("fields", listing, "-f", "json"))
    assert [r["field"] for r in rows] == LISTINGS[listing].field_names()


def test_history_conflicts_search_and_show_take_fields_sort_and_where(run: Runner) -> None:
    history = rows_of(run("history", "eastman-port-jerome", "--where", "field = investment", "--sort", "-as_of",
                          "--fields", "field,as_of", "-f", "json"))
    assert {r["field"] for r in history} == {"investment"} and list(history[0]) == ["field", "as_of"]
    conflicts = rows_of(run("conflicts", "--where", "subject = eastman-port-jerome", "--fields", "subject,field",
                            "-f", "json"))
    assert conflicts and {r["subject"] for r in conflicts} == {"eastman-port-jerome"}
    found = rows_of(run("search", "Kingsport", "--where", "kind = event", "--fields", "id", "-f", "json"))
    assert {"id": "kingsport-visit"} in found
    shown = rows_of(run("show", "eldim", "--where", "section = fields", "--sort", "field", "-f", "json"))
    assert shown and {r["section"] for r in shown} == {"fields"}


@pytest.mark.parametrize(("args", "hint"), [(("figures", "--subject", "eastman-port"), "eastman-port-jerome"),
                                            (("figures", "--measure", "investement"), "investment"),
                                            (("statements", "--topic", "assets"), "asset")])
def test_a_plain_listings_filter_that_matches_nothing_says_so(run: Runner, args: tuple[str, ...], hint: str) -> None:
    result = run(*args)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1  # the header alone
    assert "matches nothing" in result.stderr and f"did you mean {hint}" in result.stderr
