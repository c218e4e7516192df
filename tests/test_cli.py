"""Every command through the real Typer app (CliRunner): golden outputs, formats read back by
their standard readers, filters, options, errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from normandie_cli import __version__, registry
from normandie_cli.errors import ExitCode
from normandie_cli.loading.files import bundled_path
from normandie_cli.registry import FACT_LISTINGS

from .conftest import Golden, Runner, write

COMMANDS = sorted(FACT_LISTINGS)
FORMATS = tuple(f.name for f in registry.FORMATS if not f.only_for)  # what every listing offers


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fmt", ("table", "tsv", "json"))
def test_golden_output_of_every_command(run: Runner, golden: Golden, command: str, fmt: str) -> None:
    result = run(command, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(f"{command}.{fmt}", result.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_output_of_every_format(run: Runner, golden: Golden, fmt: str) -> None:
    result = run("companies", "--role", "delegation", "-f", fmt)
    assert result.exit_code == 0
    golden(f"companies-delegation.{fmt}", result.stdout)


def test_golden_summary_and_timeline_of_a_project(run: Runner, golden: Golden) -> None:
    golden("summary.txt", run().stdout.replace(str(bundled_path()), "<bundled facts.yaml>"))
    golden("timeline-eastman.tsv", run("timeline", "eastman-port-jerome").stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_format_reads_back_to_the_same_rows(run: Runner, command: str) -> None:
    rows = json.loads(run(command, "-f", "json").stdout)
    assert rows and all(list(row) == list(rows[0]) for row in rows)
    assert [json.loads(line) for line in run(command, "-f", "jsonl").stdout.splitlines()] == rows
    assert yaml.safe_load(run(command, "-f", "yaml").stdout) == rows

    def side(item: dict) -> str:  # type: ignore[type-arg]
        """A side of a discrepancy, as its field description says CSV and TSV hold it."""
        words = [item["qualifier"] if item["qualifier"] != "exact" else None, str(item["value"]), item["unit"],
                 f"({item['scope']})" if item["scope"] else None]
        where = [x for x in (item["source"], item["as_of"]) if x]
        return " ".join(w for w in words if w) + (f" [{', '.join(where)}]" if where else "")

    def flat(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, list):
            return "; ".join(side(item) if isinstance(item, dict) else str(item) for item in value)
        return str(value)

    expected = [[flat(v) for v in row.values()] for row in rows]
    parsed_csv = list(csv.reader(io.StringIO(run(command, "-f", "csv", "--no-excel-safe").stdout)))
    assert parsed_csv[0] == list(rows[0]) and parsed_csv[1:] == expected
    tsv_lines = run(command, "-f", "tsv").stdout.splitlines()
    def unescape(cell: str) -> str:
        return cell.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")

    assert [[unescape(c) for c in line.split("\t")] for line in tsv_lines[1:]] == expected


def test_piped_output_without_format_is_tsv_with_a_header(run: Runner) -> None:
    lines = run("companies").stdout.splitlines()
    assert lines[0].split("\t")[:4] == ["id", "name", "town", "town_id"]
    assert "\x1b[" not in "".join(lines)


def test_json_fields_are_stable_and_typed(run: Runner) -> None:
    companies = json.loads(run("companies", "-f", "json").stdout)
    assert list(companies[0]) == ["id", "name", "town", "town_id", "department", "country", "sites", "roles",
                                 "description", "source"]
    nwx = next(c for c in companies if c["id"] == "normandie-web-xperts")
    assert nwx["town"] is None and nwx["roles"] == ["delegation"]
    jobs = json.loads(run("jobs", "-f", "json").stdout)
    indirect = next(j for j in jobs if j["source"] == "gazette" and j["kind"] == "indirect")
    assert indirect["value"] == 1500 and indirect["qualifier"] == "about" and indirect["as_of"] == "2023-03"
    assert indirect["quote"] == "génèrera près de 1500 emplois indirects"


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (("--town", "herouville-saint-clair"), ["eldim"]),
        (("--town", "HEROUVILLE SAINT CLAIR"), ["eldim"]),
        (("--town", "maromme"), ["cryopak"]),  # Maromme is Cryopak's site, not its seat: still found
        (("--department", "eure"), ["la-patisserie-numerique"]),
        (("--search", "plasma"), ["aurora-cold-plasma-sterilisation"]),
        (("--search", "PATISSERIE"), ["la-patisserie-numerique"]),
        (("--role", "investor"), ["eastman"]),  # no source calls Loop Industries an investor
    ],
)
def test_company_filters_ignore_case_and_accents(run: Runner, args: tuple[str, ...], ids: list[str]) -> None:
    rows = json.loads(run("companies", *args, "-f", "json").stdout)
    assert [r["id"] for r in rows] == ids


def test_role_delegation_gives_exactly_eleven(run: Runner) -> None:
    assert len(json.loads(run("companies", "--role", "delegation", "-f", "json").stdout)) == 11


def test_fields_sort_limit_and_no_headers(run: Runner) -> None:
    out = run("companies", "--role", "delegation", "--fields", "town,id", "--sort", "town,-id", "--limit", "3",
              "-f", "csv", "--no-headers").stdout
    assert out == "Caen,urbest\nDeauville,agence-sebastien-mariano-swiss-life\nFleury-sur-Orne,axeos\n"
    out = run("jobs", "--sort", "-as_of", "--limit", "2", "--fields", "as_of,kind", "-f", "tsv").stdout
    assert out == "as_of\tkind\n2025-05-17\tdirect\n2025-05-17\tindirect\n"


def test_sorting_by_date_mixes_precisions_in_order(run: Runner) -> None:
    out = run("figures", "--sort", "as_of", "--fields", "as_of", "--no-headers").stdout.splitlines()
    dated = [d for d in out if d]
    assert dated.index("2022-03-30") < dated.index("2022-09/2022-12") < dated.index("2023") < dated.index("2023-03")
    assert out[-1] == ""  # an unknown date, last; in TSV an empty cell (its as_of_precision says unknown)


def test_jobs_table_shows_values_as_people_read_them_and_an_honest_total(run: Runner) -> None:
    out = run("jobs", "-f", "table").stdout
    assert "≈ 1,500" in out and "> 350" in out and "≥ 1,500" in out
    assert "Computed by normandie, not stated by any source: eastman-port-jerome > 1,850 jobs" in " ".join(out.split())
    assert "latest claim" in out


def test_timeline_marks_planned_and_happened(run: Runner) -> None:
    rows = json.loads(run("timeline", "eastman-port-jerome", "-f", "json").stdout)
    commissioning = next(r for r in rows if r["source"] == "gazette" and r["what"] == "commissioning")
    assert (commissioning["date"], commissioning["status"], commissioning["date_precision"]) == (
        "2026", "planned", "year")
    dates = [r["date"] for r in rows]
    assert dates.index("2025") < dates.index("2026") < dates.index("2030")


def test_projects_show_the_latest_claims(run: Runner) -> None:
    rows = {r["id"]: r for r in json.loads(run("projects", "-f", "json").stdout)}
    eastman = rows["eastman-port-jerome"]
    assert (eastman["investment"], eastman["investment_qualifier"], eastman["investment_as_of"]) == (
        1_000_000_000, "more-than", "2025-05-17")
    assert rows["cryopak-second-site"]["status"] == "prospective"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("companies", "--fields", "id,nope"), ExitCode.USAGE, "unknown field 'nope' for companies"),
        (("companies", "--sort", "-nope"), ExitCode.USAGE, "--sort: unknown field 'nope'"),
        (("timeline", "eastman-port"), ExitCode.USAGE, "did you mean"),
        (("--data", "/nonexistent/facts.yaml", "companies"), ExitCode.DATA_ERROR,
         "/nonexistent/facts.yaml: no such file"),
        (("companies", "--format", "xml"), ExitCode.USAGE, "xml"),
    ],
)
def test_errors_are_one_line_with_a_documented_exit_code(run: Runner, args: tuple[str, ...], code: int,
                                                        message: str) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    if code == ExitCode.USAGE:  # one line in one style, and at most one hint line
        assert lines[0].startswith("normandie: error: ") and len(lines) <= 2, lines
        assert len(lines) == 1 or lines[1].startswith(("hint: ", "Try 'normandie")), lines
    else:
        assert len(lines) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("companies", "--nope"),  # Click's own errors: unknown option, command, bad value
        ("compnies",),
        ("companies", "--limit", "x"),
        ("companies", "--format", "xml"),
        ("--max-size", "1x", "companies"),
        ("companies", "--where", "nope=1"),  # the project's own
        ("companies", "--where", "town<>Rouen"),
        ("show", "nope"),
        ("timeline", "herve-morin"),
        ("companies", "--as-of", "yesterday"),
    ],
)
def test_every_usage_error_has_one_style(run: Runner, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == ExitCode.USAGE
    first, *rest = result.stderr.splitlines()
    assert first.startswith("normandie: error: ") and "Usage:" not in result.stderr
    assert len(rest) <= 1 and all(line.startswith(("hint: ", "Try 'normandie")) for line in rest), rest


def test_a_malformed_file_names_file_line_and_column(run: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - id: s1\n    publisher: [unclosed\n")
    result = run("--data", str(path), "companies")
    assert result.exit_code == ExitCode.DATA_ERROR
    assert result.stderr.startswith(f"normandie: {path}:")
    assert "invalid YAML" in result.stderr and len(result.stderr.splitlines()) == 1


def test_environment_variable_chooses_the_data_file(run: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "sources: []\n")
    result = run("companies", "-f", "json", env={"NORMANDIE_DATA": str(path)})
    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_validate_exit_codes(run: Runner, tmp_path: Path) -> None:
    assert run("validate").exit_code == 0
    bad = write(tmp_path, "sources: []\norganisations:\n  - {id: a, name: A, kind: company, town: nowhere, cite: []}\n")
    result = run("validate", str(bad))
    assert result.exit_code == ExitCode.INVALID
    assert result.stdout == f"{bad}:3: a: town: unknown id 'nowhere'\n"
    assert run("validate", str(tmp_path / "missing.yaml")).exit_code == ExitCode.DATA_ERROR


def test_version_and_help(run: Runner) -> None:
    assert run("--version").stdout == f"normandie {__version__}\n"
    assert "companies" in run("--help").stdout


EVERY_COMMAND = [*COMMANDS, "validate", "search", "show", "fields", "history", "conflicts", "schema", "diff"]


@pytest.mark.parametrize("command", EVERY_COMMAND)
def test_every_command_has_help_with_an_example(run: Runner, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: normandie " in result.stdout


def test_colour_only_when_forced(run: Runner) -> None:
    assert "\x1b[" not in run("companies", "-f", "table").stdout
    forced = run("companies", "-f", "table", env={"NO_COLOR": "", "FORCE_COLOR": "1", "TERM": "xterm"}).stdout
    assert "\x1b[" in forced
    assert "\x1b[" not in run("--no-color", "companies", "-f", "table", env={"NO_COLOR": "", "FORCE_COLOR": "1"}).stdout


@pytest.mark.parametrize(
    ("words", "name"),
    [
        (["companies", "-f", "tsv"], "companies"),
        (["--data", "x.yaml", "jobs"], "jobs"),
        (["--data=x.yaml", "--no-color", "timeline", "eastman"], "timeline"),
        (["--help"], None),
        (["--version"], None),
        ([], None),
        (["--no-cache"], None),
    ],
)
def test_only_the_command_about_to_run_is_built(words: list[str], name: str | None) -> None:
    from normandie_cli.cli.run import command_name

    assert command_name(words) == name


def test_the_app_has_exactly_the_documented_commands() -> None:
    from normandie_cli.cli import app

    assert sorted(str(info.name) for info in app.registered_commands) == sorted(EVERY_COMMAND)
