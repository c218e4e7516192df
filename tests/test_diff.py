"""``normandie diff OLD NEW``: through the CLI (CliRunner), one end to end with jq and csv, a
published store on one side, and git's external diff driver in a real git repository."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from normandie_cli import registry
from normandie_cli.errors import ExitCode
from normandie_cli.loading.files import bundled_path

from .conftest import Runner, installed

BUNDLED = bundled_path()
FIGURE = """  - id: trade-mission-companies-gazette
    subject: trade-mission-2023
    measure: companies
    value: 11
"""
INVESTMENT = """    unit: EUR
    qualifier: more-than
    planned: true
    source: gazette
    quote: "d’un montant de plus de 1 milliard d’euros\""""
STATUS = """      - value: done
        source: esteval-region"""
DEPARTURE = """    what: departure
    date: "2023-03-14\""""
STATEMENT = "  - id: trade-mission-destinations-gazette\n"


def edited(tmp_path: Path, *changes: tuple[str, str], name: str = "new.yaml") -> Path:
    """A copy of the bundled file with each (old, new) text replaced once (each must be there)."""
    text = BUNDLED.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows_of(run: Runner, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = run("diff", *args, "--format", "json")
    assert result.stderr == ""
    return result.exit_code, json.loads(result.stdout)


def test_one_figure_value_edited_is_shown_and_exits_1(run: Runner, tmp_path: Path) -> None:
    """The issue's done-when case."""
    new = edited(tmp_path, (FIGURE, FIGURE.replace("value: 11", "value: 12")))
    code, rows = rows_of(run, str(BUNDLED), str(new))
    assert code == int(ExitCode.DIFFERENT) == 1
    assert rows == [{"change": "changed", "kind": "figure", "id": "trade-mission-companies-gazette",
                     "subject": "trade-mission-2023", "field": "value", "old": 11, "new": 12, "source": "gazette",
                     "as_of": "2023-03"}]
    table = run("diff", str(BUNDLED), str(new), "--format", "table")
    assert table.exit_code == 1
    assert [line.split() for line in table.stdout.splitlines() if line.startswith("changed")] == [
        ["changed", "trade-mission-2023", "value", "11", "12", "gazette"]]


def test_equal_books_exit_0_with_no_rows(run: Runner) -> None:
    result = run("diff", str(BUNDLED), str(BUNDLED), "--format", "tsv")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "\t".join(registry.DIFF.field_names()) + "\n"


def test_qualifier_source_date_precision_status_added_removed(run: Runner, tmp_path: Path) -> None:
    new = edited(
        tmp_path,
        (INVESTMENT, INVESTMENT.replace("more-than", "about").replace("source: gazette", "source: cci-normandie")),
        (STATUS, STATUS.replace("done", "planned")),
        (DEPARTURE, DEPARTURE.replace("2023-03-14", "2023-03")),
        (STATEMENT, STATEMENT.replace("destinations-gazette", "destinations-renamed")),
    )
    code, rows = rows_of(run, str(BUNDLED), str(new))
    assert code == 1
    seen = {(r["change"], r["id"], r["field"], r["old"], r["new"], r["source"]) for r in rows}
    assert seen == {
        ("changed", "trade-mission-2023", "status.value", "done", "planned", "esteval-region"),
        ("changed", "eastman-investment-gazette", "qualifier", "more-than", "about", "cci-normandie"),
        ("changed", "eastman-investment-gazette", "source", "gazette", "cci-normandie", "cci-normandie"),
        # the figure's as-of date is its source's: a new source, a new date
        ("changed", "eastman-investment-gazette", "as_of", "2023-03", "2022-03-30", "cci-normandie"),
        ("changed", "trade-mission-departure-fb1", "date", "2023-03-14", "2023-03", "francebleu-preview"),
        ("removed", "trade-mission-destinations-gazette", None,
         'The delegation went to New York and "Kingston" (as the article writes it).', None, "gazette"),
        ("added", "trade-mission-destinations-renamed", None, None,
         'The delegation went to New York and "Kingston" (as the article writes it).', "gazette"),
    }
    assert len(rows) == len(seen)
    order = ["event", "figure", "milestone", "statement"]  # the sections' order
    kinds = [str(r["kind"]) for r in rows]
    assert kinds == sorted(kinds, key=order.index)


def test_claim_without_id_whose_source_changes_is_removed_and_added(run: Runner, tmp_path: Path) -> None:
    """A status claim's identity is its record, list, source and as-of: another source, another claim."""
    new = edited(tmp_path, (STATUS, STATUS.replace("esteval-region", "gazette")))
    code, rows = rows_of(run, str(BUNDLED), str(new))
    assert code == 1
    assert [(r["change"], r["field"], r["old"], r["new"], r["source"]) for r in rows] == [
        ("removed", "status", "done", None, "esteval-region"),
        ("added", "status", None, "done", "gazette"),
    ]


def test_kind_keeps_only_those_records(run: Runner, tmp_path: Path) -> None:
    new = edited(tmp_path, (FIGURE, FIGURE.replace("value: 11", "value: 12")),
                 (STATUS, STATUS.replace("done", "planned")))
    code, rows = rows_of(run, str(BUNDLED), str(new), "--kind", "event")
    assert code == 1
    assert [r["id"] for r in rows] == ["trade-mission-2023"]
    code, rows = rows_of(run, str(BUNDLED), str(new), "--kind", "milestone,statements")
    assert (code, rows) == (0, [])  # nothing of those kinds changed: equal, as far as asked
    bad = run("diff", str(BUNDLED), str(new), "--kind", "figur")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("normandie: error: --kind: unknown kind 'figur'\nKinds: source, place,")


def test_fields_and_every_format(run: Runner, tmp_path: Path) -> None:
    new = edited(tmp_path, (FIGURE, FIGURE.replace("value: 11", "value: 12")))
    result = run("diff", str(BUNDLED), str(new), "--fields", "id,old,new", "--format", "csv")
    assert (result.exit_code, result.stdout) == (1, "id,old,new\ntrade-mission-companies-gazette,11,12\n")
    for fmt in registry.formats_for("diff"):
        result = run("diff", str(BUNDLED), str(new), "--format", fmt.name)
        assert result.exit_code == 1, (fmt.name, result.stderr)
        assert "trade-mission-companies-gazette" in result.stdout or fmt.name == "table", fmt.name


def test_trouble_exits_2_with_one_line(run: Runner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema: normandie-facts/1\nsources: [\n", encoding="utf-8")
    for args in ((str(BUNDLED), str(tmp_path / "missing.yaml")), (str(broken), str(BUNDLED))):
        result = run("diff", *args)
        assert result.exit_code == int(ExitCode.TROUBLE) == 2
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("normandie: "), result.stderr
    assert "missing.yaml" in run("diff", str(BUNDLED), str(tmp_path / "missing.yaml")).stderr
    assert "broken.yaml:" in run("diff", str(broken), str(BUNDLED)).stderr
    wrong = run("diff", str(BUNDLED))
    assert wrong.exit_code == 2
    assert "two fact files" in wrong.stderr


def test_a_published_store_on_either_side(run: Runner, tmp_path: Path) -> None:
    store = tmp_path / "facts.db"
    assert run("export", "sqlite", str(store)).exit_code == 0
    new = edited(tmp_path, (FIGURE, FIGURE.replace("value: 11", "value: 12")))
    assert rows_of(run, str(store), str(BUNDLED)) == (0, [])
    code, rows = rows_of(run, str(store), str(new))
    assert code == 1
    assert [(r["id"], r["old"], r["new"]) for r in rows] == [("trade-mission-companies-gazette", 11, 12)]


def test_the_table_fits_80_columns_with_ids_whole(run: Runner, tmp_path: Path) -> None:
    new = edited(tmp_path, (STATUS, STATUS.replace("done", "planned")),
                 (STATEMENT, STATEMENT.replace("destinations-gazette", "destinations-renamed")),
                 (INVESTMENT, INVESTMENT.replace("more-than", "about")))
    result = run("diff", str(BUNDLED), str(new), "--format", "table", env={"COLUMNS": "80"})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    header = lines[1].split()
    assert header == ["change", "field", "old", "new", "source"]  # the subject is each run's heading
    assert "trade-mission-2023" in lines and "eastman-port-jerome" in lines
    assert any(line.split()[-1:] == ["esteval-region"] for line in lines)
    assert ["changed", "qualifier", "more-than", "about", "gazette"] in [line.split() for line in lines]


def _console() -> list[str]:
    return [str(installed())]


def test_end_to_end_with_jq_and_csv(tmp_path: Path) -> None:
    new = edited(tmp_path, (FIGURE, FIGURE.replace("value: 11", "value: 12")))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run([*_console(), "diff", str(BUNDLED), str(new), "-f", "csv"], capture_output=True,
                         text=True, env=env)
    assert out.returncode == 1, out.stderr
    assert [(r["field"], r["old"], r["new"]) for r in csv.DictReader(io.StringIO(out.stdout))] == [
        ("value", "11", "12")]
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    piped = subprocess.run(f"{' '.join(_console())} diff '{BUNDLED}' '{new}' -f json | jq -c '.[] | [.old, .new]'",
                           shell=True, capture_output=True, text=True, env=env)
    assert piped.stdout == "[11,12]\n", piped.stderr


def test_as_git_external_diff_driver(tmp_path: Path) -> None:
    """git calls the driver with seven arguments and stops unless it exits 0."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "book"
    repo.mkdir()
    # The configuration as `git config` would write it, given to every git run here in its
    # environment (git 2.31+), instead of three `git config` runs.
    config = {"user.email": "test@example.org", "user.name": "test",
              "diff.normandie.command": f"'{sys.executable}' -m normandie_cli diff --format tsv"}
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "GIT_CONFIG_NOSYSTEM": "1",
           "HOME": str(tmp_path), "COLUMNS": "80", "GIT_CONFIG_COUNT": str(len(config))}
    for number, (key, value) in enumerate(config.items()):
        env.update({f"GIT_CONFIG_KEY_{number}": key, f"GIT_CONFIG_VALUE_{number}": value})

    def git(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=check)

    git("init", "-q")
    (repo / ".gitattributes").write_text("*.yaml diff=normandie\n", encoding="utf-8")
    shutil.copy(BUNDLED, repo / "facts.yaml")
    git("add", ".")
    git("commit", "-qm", "first")
    shutil.copy(edited(tmp_path, (FIGURE, FIGURE.replace("value: 11", "value: 12"))), repo / "facts.yaml")
    shown = git("diff")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "normandie diff a/facts.yaml b/facts.yaml"
    assert lines[2].split("\t")[:7] == ["changed", "figure", "trade-mission-companies-gazette",
                                        "trade-mission-2023", "value", "11", "12"]
    assert len(lines) == 3
    git("commit", "-qam", "second")
    assert "\t11\t12\t" in git("log", "-p", "--ext-diff", "-1").stdout
    git("rm", "-q", "facts.yaml")  # deleted: git gives /dev/null as the new side
    gone = git("diff", "--cached")
    assert gone.returncode == 0, gone.stderr
    assert gone.stdout.count("\nremoved\t") > 100 and "\nadded\t" not in gone.stdout
    (repo / "broken.yaml").write_text("schema: normandie-facts/1\nsources: [\n", encoding="utf-8")
    git("add", "broken.yaml")
    broken = git("diff", "--cached", check=False)
    assert broken.returncode != 0  # trouble: the driver exits 2 and git stops, naming the file
    assert "b/broken.yaml:" in broken.stderr


def test_facet_counts_the_changes(run: Runner, tmp_path: Path) -> None:
    new = edited(tmp_path, (STATUS, STATUS.replace("esteval-region", "gazette")),
                 (FIGURE, FIGURE.replace("value: 11", "value: 12")))
    result = run("diff", str(BUNDLED), str(new), "--facet", "change", "-f", "json")
    assert result.exit_code == 1
    assert {row["change"]: row["count"] for row in json.loads(result.stdout)} == {"removed": 1, "added": 1,
                                                                                   "changed": 1}
