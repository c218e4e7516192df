"""``normandie schema`` (a JSON Schema derived from the reader) checked with the real
check-jsonschema, its agreement with ``normandie validate`` on a corpus, ``validate`` of several
files, and the pre-commit hook with the real pre-commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from normandie_cli import model as m
from normandie_cli.errors import DataError, ExitCode
from normandie_cli.loading.book import validate_file
from normandie_cli.loading.files import bundled_path
from normandie_cli.record import Record
from normandie_cli.render.schema import SCHEMA_ID, fact_schema, schema_text

from .conftest import ROOT, Runner, write


def tool(name: str) -> str:
    """A console script of the test extra, beside this Python or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def check(schema: Path, *files: Path) -> dict[Path, list[tuple[str, str]]]:
    """check-jsonschema's verdict on each file, in one run: (path, message) of every error; a
    file it cannot parse has the error path ``(parse)``."""
    out = subprocess.run([tool("check-jsonschema"), "--schemafile", str(schema), "-o", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(out.stdout)
    errors: dict[Path, list[tuple[str, str]]] = {file: [] for file in files}
    for error in report.get("errors", []):
        errors[Path(error["filename"])].append((error["path"], error["message"]))
    for error in report.get("parse_errors", []):
        errors[Path(error["filename"])].append(("(parse)", error.get("message", "")))
    assert out.returncode == (0 if not any(errors.values()) else 1), out.stderr
    return errors


@pytest.fixture
def schema_file(tmp_path: Path, run: Runner) -> Path:
    path = tmp_path / "normandie-facts.schema.json"
    result = run("schema", "--output", str(path))
    assert result.exit_code == 0 and result.stdout == ""
    return path


# A small fact file with every shape the reader accepts: partial dates of each precision, a
# range, a day without a year, unknown, a year as a number; fractions, exponents, qualifiers;
# an optional key left empty; a town not stated.
GOOD = """\
format: normandie-facts/1
sources:
  - id: gazette
    publisher: La Gazette
    published: 2024-03
    language: fr
  - id: annual
    publisher: Annual report
    published: 2023
    language: en
    kind: company
    title: ~
    primary: false
places:
  - id: rouen
    name: Rouen
    kind: town
    country: FR
    cite: [{source: gazette}]
organisations:
  - id: acme
    name: Acme
    kind: company
    town: not-stated
    roles: [producer]
    cite: [{source: gazette, quote: null}]
    sites: [{place: rouen, source: gazette}]
people:
  - id: jane
    name: Jane Doe
    organisation: acme
    cite: [{source: gazette}]
    titles: [{value: CEO, source: gazette, as_of: 2024-03-14}]
    also_known_as: [{name: J. Doe, source: annual}]
events:
  - id: visit
    name: A visit
    kind: visit
    cite: [{source: gazette}]
    dates: [{date: 2024-03-14/2024-03-19, source: gazette}]
    participants: [jane, acme]
projects:
  - id: plant
    name: Plant
    owner: acme
    cite: [{source: gazette}]
    status: [{value: on-hold, source: gazette, as_of: 2024-12}]
    locations: [{place: rouen, source: gazette}]
figures:
  - id: jobs
    subject: plant
    measure: jobs
    value: 350
    unit: jobs
    qualifier: more-than
    source: gazette
  - id: share
    subject: acme
    measure: share
    value: "1/3"
    unit: share
    qualifier: about
    source: annual
    period: 2023
    date_qualifier: end-of
  - id: cost
    subject: plant
    measure: cost
    value: 6.0e9
    unit: EUR
    qualifier: up-to
    source: gazette
    as_of: 2024
    planned: true
    revises: ~
milestones:
  - id: opening
    subject: plant
    what: opening
    date: --03-14
    source: gazette
    date_qualifier: by
  - id: works
    subject: plant
    what: works
    date: unknown
    source: annual
statements:
  - id: water
    subject: plant
    topic: water
    text: It uses river water.
    source: gazette
discrepancies:
  - id: jobs-differ
    subject: plant
    about: jobs
    kind: between-sources
    sides: [{value: "350", source: gazette}, {value: "400", source: annual}]
"""

#: Edits of GOOD that both the schema and the reader refuse: (name, text replaced, by, the
#: path check-jsonschema names).
BAD = [
    ("misspelt-key", "    publisher: La Gazette\n", "    publsher: La Gazette\n", "$.sources[0]"),
    ("text-for-number", "    value: 350\n", "    value: many\n", "$.figures[0].value"),
    ("unknown-qualifier", "qualifier: more-than", "qualifier: over", "$.figures[0].qualifier"),
    ("unknown-status", "value: on-hold", "value: paused", "$.projects[0].status[0].value"),
    ("bad-id", "  - id: rouen\n", "  - id: Rouen\n", "$.places[0].id"),
    ("bad-date", "date: --03-14", "date: 2024-3", "$.milestones[0].date"),
    ("missing-required", "    language: fr\n", "", "$.sources[0]"),
    ("null-required", "    unit: jobs\n", "    unit: ~\n", "$.figures[0].unit"),
    ("boolean-as-text", "planned: true", "planned: maybe", "$.figures[2].planned"),
    ("unknown-top-level", "format: normandie-facts/1\n", "format: normandie-facts/1\nnotes: []\n", "$"),
    ("wrong-format", "format: normandie-facts/1", "format: normandie-facts/2", "$.format"),
    ("number-as-text", "    name: Rouen\n", "    name: 75\n", "$.places[0].name"),
    ("text-for-a-list", "participants: [jane, acme]", "participants: jane", "$.events[0].participants"),
    ("decimal-comma", "value: 6.0e9", "value: '6,5'", "$.figures[2].value"),
    ("nested-unknown-key", "sites: [{place: rouen, source: gazette}]", "sites: [{place: rouen, sauce: gazette}]",
     "$.organisations[0].sites[0]"),
]


def test_the_schema_is_a_valid_draft_2020_12_schema_on_stdout(run: Runner) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == schema_text()
    data = json.loads(result.stdout)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema" and data["$id"] == SCHEMA_ID
    meta = subprocess.run([tool("check-jsonschema"), "--check-metaschema", "-"], input=result.stdout,
                          capture_output=True, text=True, timeout=120)
    assert meta.returncode == 0, meta.stdout + meta.stderr


def test_the_schema_is_derived_from_the_model() -> None:
    schema = fact_schema()
    defs = schema["$defs"]
    assert list(schema["properties"]) == ["format", *(section.name for section in m.SECTIONS)]
    for section in m.SECTIONS:
        keys = set(defs[section.kind]["properties"])
        assert issubclass(section.record, Record)
        # Every field of the record is a key of the file, but what the reader works out itself.
        assert keys == set(section.record._fields) - {"line", "value_text"}, section.name
        assert schema["properties"][section.name]["description"]
    assert defs["figure"]["properties"]["qualifier"]["enum"] == list(m.QUALIFIERS)
    assert defs["figure"]["properties"]["date_qualifier"]["enum"] == [*m.DATE_QUALIFIERS, None]
    assert defs["status_claim"]["properties"]["value"]["enum"] == list(m.STATUSES)
    assert defs["organisation"]["properties"]["kind"]["enum"] == list(m.ORGANISATION_KINDS)
    assert defs["source"]["properties"]["kind"]["enum"] == [*m.SOURCE_KINDS, None]
    assert defs["discrepancy"]["properties"]["kind"]["enum"] == list(m.DISCREPANCY_KINDS)
    assert defs["figure"]["required"] == ["id", "subject", "measure", "value", "unit", "qualifier", "source"]
    assert defs["source"]["properties"]["publisher"]["description"] == "who published it"


def test_the_bundled_file_validates(schema_file: Path, corpus: Corpus) -> None:
    """The file ``normandie schema --output`` writes is the corpus's schema, by which
    check-jsonschema finds no error in the bundled file."""
    assert schema_file.read_text(encoding="utf-8") == schema_text()
    assert bundled_path() in corpus.files and corpus.verdicts[bundled_path()] == []


@pytest.mark.parametrize(("name", "old", "new", "where"), BAD, ids=[b[0] for b in BAD])
def test_a_broken_file_fails_with_the_key_path(corpus: Corpus, name: str, old: str, new: str, where: str) -> None:
    assert old in GOOD
    path = corpus.folder / f"{name}.yaml"
    assert path.read_text(encoding="utf-8") == GOOD.replace(old, new, 1)
    errors = corpus.verdicts[path]
    assert errors, f"the schema accepted {name}"
    assert where in {error_path for error_path, _ in errors}, errors
    assert not _loads(path), f"the reader accepted {name}"


def _loads(path: Path) -> bool:
    """``normandie validate``'s verdict: no problem at all."""
    try:
        _, problems = validate_file(path)
    except DataError:
        return False
    return not problems


#: tests/hostile files the YAML reader parses (the others are refused before any key is read;
#: billion-laughs would have check-jsonschema expand its aliases until memory runs out).
HOSTILE = ["bom", "control-chars", "custom-tag", "date-as-text", "duplicate-id", "duplicate-key", "float-exponent",
           "formula", "invisible-chars", "octal", "published-yes", "python-tag", "rich-markup", "sexagesimal",
           "yes-no"]
#: Where they disagree, each a known gap documented in docs/facts-format.md#the-json-schema:
#: the schema accepts what only the reader refuses.
GAPS = {
    "control-chars": "control characters in text",
    "date-as-text": "YAML 1.1 reads 2023-03-14 as a date where text belongs; JSON Schema tools read YAML 1.2",
    "octal": "YAML 1.2 reads 0755 as the number 755",
    "yes-no": "YAML 1.1 reads NO as false where text belongs",
    "duplicate-id": "references and duplicate ids are validate's",
}


class Corpus(NamedTuple):
    folder: Path  # where good.yaml and each of BAD, as <name>.yaml, are written
    files: list[Path]  # those, the bundled file and HOSTILE's
    verdicts: dict[Path, list[tuple[str, str]]]  # check-jsonschema's, on them all in one run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The schema (``schema_text``, what ``normandie schema`` writes: see
    test_the_bundled_file_validates) and check-jsonschema's verdict on GOOD, the bundled file,
    each of BAD and HOSTILE, in one run: a file's verdict does not depend on the others named
    with it; the tests only read them."""
    folder = tmp_path_factory.mktemp("corpus")
    schema = folder / "normandie-facts.schema.json"
    schema.write_text(schema_text(), encoding="utf-8")
    files = [write(folder, GOOD, "good.yaml"), bundled_path()]
    files += [write(folder, GOOD.replace(old, new, 1), f"{name}.yaml") for name, old, new, _ in BAD]
    files += [ROOT / "tests" / "hostile" / f"{name}.yaml" for name in HOSTILE]
    return Corpus(folder, files, check(schema, *files))


def test_the_schema_and_validate_agree_on_a_corpus(corpus: Corpus) -> None:
    verdicts = corpus.verdicts
    disagree = {path.stem: (_loads(path), not verdicts[path]) for path in corpus.files
                if _loads(path) != (not verdicts[path])}
    # Every file the reader takes, the schema takes (an editor never flags a good file) ...
    assert not [name for name, (reader, _) in disagree.items() if reader]
    # ... and the other way round only where a gap is known.
    assert set(disagree) == set(GAPS)
    assert _loads(corpus.files[0]) and _loads(bundled_path())


def test_validate_checks_every_file_named(tmp_path: Path, run: Runner) -> None:
    good = write(tmp_path, GOOD, "good.yaml")
    bad = write(tmp_path, GOOD.replace("value: 350", "value: many"), "bad.yaml")
    worse = write(tmp_path, GOOD.replace("value: 350", "value: [1"), "worse.yaml")
    both = run("validate", str(good), str(good))
    assert (both.exit_code, both.stdout) == (0, "")
    assert both.stderr.count(": ok (") == 2
    result = run("validate", str(good), str(bad))
    assert result.exit_code == ExitCode.INVALID
    line = GOOD.splitlines().index("    value: 350") + 1
    assert result.stdout == f"{bad}:{line}:12: value: 'many' is not a plain decimal number (write 1500, 1500.5, " \
                            "6.0e9 or 1/3; no leading zeros, no 1:30)\n"
    result = run("validate", str(worse), str(bad), str(tmp_path / "missing.yaml"))
    assert result.exit_code == ExitCode.DATA_ERROR  # one could not be read: the others were still checked
    lines = result.stdout.splitlines()
    assert [text.split(":")[0] for text in lines] == [str(worse), str(bad), str(tmp_path / "missing.yaml")]
    assert lines[2].endswith(": no such file")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True, timeout=60)


@pytest.mark.slow
def test_the_pre_commit_hook_passes_a_good_file_and_names_the_bad_one(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: pre-commit try-repo needs the repository")
    book = tmp_path / "book"
    book.mkdir()
    _git(book, "init", "-q")
    write(book, GOOD, "facts.yaml")
    _git(book, "add", "facts.yaml")
    env: dict[str, Any] = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"), "NO_COLOR": "1"}

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run([tool("pre-commit"), "try-repo", str(ROOT), "normandie-validate", "--all-files"],
                              cwd=book, env=env, capture_output=True, text=True, timeout=600)

    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "normandie validate" in passed.stdout and "Passed" in passed.stdout
    write(book, GOOD.replace("qualifier: more-than", "qualifier: over"), "harbour-facts.yaml")
    write(book, "not: a fact file\n", "config.yaml")  # not named as a fact file: not checked
    _git(book, "add", "harbour-facts.yaml", "config.yaml")
    failed = try_repo()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    line = GOOD.splitlines().index("    qualifier: more-than") + 1
    assert f"harbour-facts.yaml:{line}:16: qualifier: 'over' is not one of" in failed.stdout
    assert "config.yaml" not in failed.stdout and "Failed" in failed.stdout
