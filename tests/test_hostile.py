"""Hostile input: files built to crash, hang, mislead or take over a terminal.

Most tests run the installed ``normandie`` command in a subprocess (as test_e2e does) on the
corpus in tests/hostile/ (see its README) or on files generated here; where many files or
commands go through the same path and the process is not the point (the message, the output's
values), all of them run in this process (``cli``) and a few through the installed script too. A bad file must give
exit 1, nothing on stdout, and exactly one line ``normandie: <path>[:line[:column]]: <message>``
on stderr, never a traceback. Two hypothesis tests feed arbitrary bytes and arbitrary YAML to
the loader in-process; a resource-limited child checks that the billion laughs and very deep
nesting are refused in little memory and CPU time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from normandie_cli.cli import app
from normandie_cli.errors import DataError, ExitCode
from normandie_cli.loading.book import load_facts
from normandie_cli.registry import FACT_LISTINGS

from .conftest import installed
from .test_core import MINIMAL  # the smallest valid fact file
from .test_faults import Hooked

HOSTILE = Path(__file__).resolve().parent / "hostile"


#: The listing commands of the fact book (the registry's).
LISTINGS = FACT_LISTINGS


# Running the installed command -------------------------------------------------------------

class Result:
    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode = returncode
        self.stdout_bytes = stdout
        self.stderr_bytes = stderr
        self.stdout = stdout.decode("utf-8", "replace")
        self.stderr = stderr.decode("utf-8", "replace")


#: Variables a run does not inherit from the test's environment.
_UNSET = ("NORMANDIE_DATA", "FORCE_COLOR", "NORMANDIE_NO_CACHE", "NORMANDIE_MAX_SIZE")


def _env(**extra: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def normandie(*args: str, timeout: float = 20, **env: str | None) -> Result:
    """Run the installed command; bytes in, bytes out (no newline translation)."""
    try:
        proc = subprocess.run([str(installed()), *args], capture_output=True, env=_env(**env), timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"normandie {' '.join(args)} did not finish within {timeout} s (a hang)")
    return Result(proc.returncode, proc.stdout, proc.stderr)


def cli(*args: str, **env: str | None) -> Result:
    """The same command run in this process (Typer's CliRunner), bytes out as :func:`normandie`
    gives them (CliRunner's ``stdout`` text would turn CRLF into LF). An exception other than
    SystemExit is raised again: a traceback fails the test as it does through the script."""
    result = CliRunner().invoke(app, list(args), env={**dict.fromkeys(_UNSET), **env}, prog_name="normandie")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout_bytes, result.stderr_bytes)


def assert_one_line_error(result: Result, path: str | Path, *fragments: str) -> str:
    """Exit 1, empty stdout, one ``normandie: <path>[:line[:col]]: message`` line; returns the message."""
    where = f"normandie {path}: exit {result.returncode}, stdout {result.stdout[:200]!r}, stderr {result.stderr!r}"
    assert "Traceback" not in result.stderr, where
    assert result.returncode == 1, where
    assert result.stdout_bytes == b"", where
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, where
    match = re.fullmatch(rf"normandie: {re.escape(str(path))}(?::\d+(?::\d+)?)?: (.+)\n", result.stderr)
    assert match, f"not 'normandie: <path>[:line[:column]]: <message>': {where}"
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} missing: {where}"
    return match[1]


def in_process(test):  # type: ignore[no-untyped-def]
    """Mark a test that does not run the installed command (it runs without the script)."""
    test.in_process = True
    return test


@pytest.fixture(autouse=True)
def need_script(request: pytest.FixtureRequest) -> None:
    if not getattr(request.function, "in_process", False):
        installed()  # skips the test without the script


def corpus(name: str) -> Path:
    path = HOSTILE / name
    assert path.exists(), f"missing corpus file {path}"
    return path


def organisations_in(name: str) -> dict[str, dict[str, str]]:
    """The organisations of a corpus file as PyYAML itself reads them (independent of the loader)."""
    data = yaml.safe_load(corpus(name).read_text(encoding="utf-8-sig"))
    return {o["id"]: o for o in data["organisations"]}


def big_fact_file(path: Path, count: int = 20_000) -> Path:
    """A valid fact file with ``count`` organisations (about 160 bytes each)."""
    parts = [MINIMAL, "organisations:\n"]
    for i in range(count):
        parts.append(
            f"  - id: company-{i}\n"
            f"    name: \"Entreprise Numéro {i}\"\n"
            f"    kind: company\n"
            f"    town: rouen\n"
            f"    description: \"A company that makes things, number {i}\"\n"
            f"    cite: [{{source: s1}}]\n"
        )
    path.write_text("".join(parts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_fact_file(tmp_path_factory.mktemp("big") / "big.yaml")


# The corpus: bad files ---------------------------------------------------------------------

def _latin1_offset() -> str:
    return str(corpus("latin1.yaml").read_bytes().index(b"\xe9"))


BAD_FILES = [
    ("python-tag.yaml", ("tag", "python/object")),
    ("custom-tag.yaml", ("tag", "!secret")),
    ("alias.yaml", ("aliases",)),
    ("billion-laughs.yaml", ("aliases",)),
    ("recursive-alias.yaml", ("aliases",)),
    ("duplicate-key.yaml", ("duplicate key", "first at line 10")),
    ("utf16.yaml", ("not valid UTF-8 at byte offset 0",)),
    ("latin1.yaml", ("not valid UTF-8 at byte offset {latin1}",)),
    ("tab-indent.yaml", ("invalid YAML",)),
    ("syntax-error.yaml", ("invalid YAML",)),
    ("empty.yaml", ("the file is empty",)),
    ("comments-only.yaml", ("the file is empty",)),
    ("two-documents.yaml", ("invalid YAML",)),
    ("top-level-list.yaml", ("must be a mapping",)),
    ("top-level-scalar.yaml", ("must be a mapping",)),
    ("yes-no.yaml", ("expected text, got a boolean",)),
    ("published-yes.yaml", ("expected a date",)),
    ("date-as-text.yaml", ("expected text, got a date",)),
    ("octal.yaml", ("not a plain decimal number",)),
    ("sexagesimal.yaml", ("not a plain decimal number",)),
]


#: Bad files also run through the installed script (the others only in this process, where the
#: same error boundary writes the same line): one for each stage that refuses a file, its bytes
#: (not UTF-8), its YAML (aliases, the billion laughs) and a value in a record.
THROUGH_THE_SCRIPT = ("latin1.yaml", "billion-laughs.yaml", "yes-no.yaml")

BAD_RUNS = [pytest.param(name, fragments, "in-process", id=name) for name, fragments in BAD_FILES] + [
    pytest.param(name, fragments, "script", id=f"{name}-script") for name, fragments in BAD_FILES
    if name in THROUGH_THE_SCRIPT]


@in_process  # the "script" cases run the installed script, and are skipped without it
@pytest.mark.parametrize(("name", "fragments", "how"), BAD_RUNS)
def test_a_bad_file_is_one_line_on_stderr_and_exit_1(name: str, fragments: tuple[str, ...], how: str) -> None:
    path = corpus(name)
    fragments = tuple(f.replace("{latin1}", _latin1_offset()) if "{latin1}" in f else f for f in fragments)
    command = normandie if how == "script" else cli
    assert_one_line_error(command("--data", str(path), "companies"), path, *fragments)


@in_process
@pytest.mark.parametrize(
    ("name", "place"),
    [("duplicate-key.yaml", ":15:"), ("tab-indent.yaml", ":4:"), ("syntax-error.yaml", ":")],
)
def test_syntax_and_duplicate_key_errors_give_line_and_column(name: str, place: str) -> None:
    path = corpus(name)
    result = cli("--data", str(path), "companies")
    assert_one_line_error(result, path)
    assert re.match(rf"normandie: {re.escape(str(path))}:\d+:\d+: ", result.stderr), result.stderr
    assert result.stderr.startswith(f"normandie: {path}{place}"), result.stderr


def test_the_bad_corpus_is_refused_by_validate_too() -> None:
    """``validate`` exits 1 when the file cannot be read or parsed, 3 for problems in records:
    every bad file in this process, and one (the billion laughs) through the installed script."""
    runs = [(name, cli("--data", str(corpus(name)), "validate")) for name, _ in BAD_FILES]
    runs.append(("billion-laughs.yaml (script)", normandie("--data", str(corpus("billion-laughs.yaml")), "validate")))
    for name, result in runs:
        assert result.returncode in (1, 3), (name, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr, name


def test_duplicate_ids_are_refused() -> None:
    path = corpus("duplicate-id.yaml")
    assert_one_line_error(normandie("--data", str(path), "companies"), path, "duplicate id")


def test_a_bom_is_allowed() -> None:
    path = corpus("bom.yaml")
    result = normandie("--data", str(path), "companies", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [row["name"] for row in json.loads(result.stdout)] == ["Société Générale de Test"]
    assert normandie("--data", str(path), "validate").returncode == 0


def test_an_exponent_is_read_as_meant() -> None:
    path = corpus("float-exponent.yaml")
    result = normandie("--data", str(path), "figures", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [row["value"] for row in json.loads(result.stdout)] == [6_000_000_000]


@in_process
@pytest.mark.parametrize("name", ["invisible-chars.yaml", "rich-markup.yaml", "formula.yaml", "bom.yaml",
                                  "float-exponent.yaml"])
def test_hostile_content_files_are_valid(name: str) -> None:
    result = cli("--data", str(corpus(name)), "validate")
    assert result.returncode == 0, result.stderr + result.stdout


# Deep nesting ------------------------------------------------------------------------------

DEEP = 100_000

DEEP_FILES = {
    "flow-sequence": lambda: "[" * DEEP + "]" * DEEP,
    "block-sequence-one-line": lambda: "- " * DEEP + "x\n",
    "flow-mapping": lambda: "{a: " * DEEP + "1" + "}" * DEEP,
    "block-mapping-100": lambda: "".join("  " * i + "a:\n" for i in range(99)) + "  " * 99 + "a: 1\n",
    "inside-sources-70": lambda: "format: normandie-facts/1\nsources: " + "[" * 70 + "]" * 70 + "\n",
}


@pytest.mark.parametrize("kind", list(DEEP_FILES))
def test_deep_nesting_is_refused_without_a_crash(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"deep-{kind}.yaml"
    path.write_text(DEEP_FILES[kind](), encoding="utf-8")
    result = normandie("--no-cache", "--data", str(path), "companies")
    assert result.returncode >= 0, f"killed by signal {-result.returncode}"
    assert_one_line_error(result, path, "nested deeper than 64")


def test_moderate_nesting_is_not_called_too_deep(tmp_path: Path) -> None:
    path = tmp_path / "nested-40.yaml"
    path.write_text("format: normandie-facts/1\nsources: " + "[" * 40 + "]" * 40 + "\n", encoding="utf-8")
    message = assert_one_line_error(normandie("--no-cache", "--data", str(path), "companies"), path)
    assert "nested deeper" not in message


# Paths that are not fact files -------------------------------------------------------------

def test_a_directory(tmp_path: Path) -> None:
    directory = tmp_path / "facts.d"
    directory.mkdir()
    assert_one_line_error(normandie("--data", str(directory), "companies"), directory, "is a directory")


def test_dev_null() -> None:
    assert_one_line_error(normandie("--data", "/dev/null", "companies"), "/dev/null", "not a regular file")


def test_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "facts.fifo"
    os.mkfifo(fifo)
    assert_one_line_error(normandie("--data", str(fifo), "companies", timeout=20), fifo, "not a regular file")


def test_a_symlink_loop(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    assert_one_line_error(normandie("--data", str(a), "companies"), a, "symbolic links")


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "facts.yaml"
    assert_one_line_error(normandie("--data", str(path), "companies"), path, "no such file")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="running as root, which can read a file without read permission")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    path.chmod(0)
    try:
        assert_one_line_error(normandie("--data", str(path), "companies"), path, "permission denied")
    finally:
        path.chmod(0o600)


# Size limit --------------------------------------------------------------------------------

def _two_kilobyte_file(tmp_path: Path) -> Path:
    parts = [MINIMAL, "organisations:\n"]
    i = 0
    while sum(map(len, parts)) < 2048:
        parts.append(f"  - {{id: c{i}, name: \"Company {i}\", kind: company, town: rouen, cite: [{{source: s1}}]}}\n")
        i += 1
    path = tmp_path / "two-k.yaml"
    path.write_text("".join(parts), encoding="utf-8")
    assert 2048 <= path.stat().st_size < 2300
    return path


def test_max_size_refuses_a_larger_file(tmp_path: Path) -> None:
    path = _two_kilobyte_file(tmp_path)
    message = assert_one_line_error(normandie("--max-size", "1K", "--data", str(path), "companies"), path,
                                    "larger than")
    assert re.search(r"\b1 ?(K|KiB|kB)\b|\b1024\b", message), f"the limit is not in {message!r}"


def test_max_size_lets_a_smaller_file_load(tmp_path: Path) -> None:
    path = _two_kilobyte_file(tmp_path)
    result = normandie("--max-size", "1M", "--data", str(path), "companies", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) >= 10


def test_max_size_bad_value_is_a_usage_error(tmp_path: Path) -> None:
    path = _two_kilobyte_file(tmp_path)
    result = normandie("--max-size", "lots", "--data", str(path), "companies")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


# Output: control characters, markup, formulas ----------------------------------------------

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")  # every C0 but TAB and LF, DEL, every C1
#: What JSON output escapes beyond C0: DEL, C1, bidi controls, line and paragraph separators.
RAW_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def test_control_characters_in_a_fact_file_are_refused_naming_file_place_and_code_point() -> None:
    path = corpus("control-chars.yaml")
    result = normandie("--data", str(path), "companies")
    assert result.returncode == ExitCode.DATA_ERROR
    assert result.stdout == ""
    assert re.fullmatch(rf"normandie: {re.escape(str(path))}:17:11: name: U\+001B \(ESCAPE\) is not allowed .*\n",
                        result.stderr), result.stderr
    listed = normandie("--data", str(path), "validate")
    assert listed.returncode == ExitCode.INVALID
    assert re.findall(r"U\+[0-9A-F]{4}", listed.stdout) == ["U+001B", "U+0007", "U+009B"]


@in_process
@pytest.mark.parametrize(
    ("escape", "code"),
    [("\\x00", "U+0000"), ("\\x7f", "U+007F"), ("\\x85", "U+0085"), ("\\r", "U+000D"), ("\\u202e", "U+202E"),
     ("\\u2066", "U+2066"), ("\\u2069", "U+2069"), ("\\x9d", "U+009D")],
)
def test_each_forbidden_character_is_refused(tmp_path: Path, escape: str, code: str) -> None:
    """In this process: the refusal through the installed script is the control-characters test's."""
    path = tmp_path / "facts.yaml"
    path.write_text(MINIMAL + f'organisations:\n  - {{id: x, name: "a{escape}b", kind: company, town: rouen,'
                    " cite: [{source: s1}]}\n", encoding="utf-8")
    result = cli("--data", str(path), "companies")
    assert result.returncode == ExitCode.DATA_ERROR, result.stdout
    assert f":{MINIMAL.count(chr(10)) + 2}:" in result.stderr and code in result.stderr, result.stderr


def test_tab_and_newline_are_text(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(MINIMAL + 'organisations:\n  - {id: x, name: "a\\tb", kind: company, town: rouen,'
                    ' description: "one\\ntwo", cite: [{source: s1}]}\n', encoding="utf-8")
    result = normandie("--data", str(path), "companies", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["description"] == "one\ntwo"


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_invisible_characters_are_shown_for_the_terminal(fmt: str) -> None:
    result = normandie("--data", str(corpus("invisible-chars.yaml")), "companies", "--format", fmt,
                       "--fields", "id,name,description", COLUMNS="250")
    assert result.returncode == 0, result.stderr
    assert not RAW_CONTROL.search(result.stdout) and "\u200e" not in result.stdout and "\u200f" not in result.stdout
    assert "\\u200e" in result.stdout, result.stdout
    for company in ("lrm-company", "separator-company"):
        assert company in result.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_escapes_every_control_character_and_reads_back_exactly(fmt: str) -> None:
    expected = organisations_in("invisible-chars.yaml")
    result = normandie("--data", str(corpus("invisible-chars.yaml")), "companies", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert not RAW_IN_JSON.search(result.stdout), RAW_IN_JSON.search(result.stdout)
    assert "\\u2028" in result.stdout and "\\u200e" in result.stdout
    rows = json.loads(result.stdout) if fmt == "json" else [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["id"]: (r["name"], r["description"]) for r in rows} == {
        k: (o["name"], o["description"]) for k, o in expected.items()
    }


def test_invisible_characters_are_exact_in_yaml() -> None:
    expected = organisations_in("invisible-chars.yaml")
    result = normandie("--data", str(corpus("invisible-chars.yaml")), "companies", "--format", "yaml")
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in yaml.safe_load(result.stdout)}
    assert {k: (r["name"], r["description"]) for k, r in rows.items()} == {
        k: (o["name"], o["description"]) for k, o in expected.items()
    }


def _csv_rows(result: Result) -> list[list[str]]:
    return list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8"), newline="")))


_TSV_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _tsv_rows(result: Result) -> list[list[str]]:
    text = result.stdout_bytes.decode("utf-8")
    assert text.endswith("\n")
    rows = []
    for line in text[:-1].split("\n"):
        rows.append([re.sub(r"\\(.)", lambda m: _TSV_ESCAPES.get(m[1], m[0]), cell) for cell in line.split("\t")])
    return rows


def _by_id(rows: list[list[str]]) -> dict[str, tuple[str, str]]:
    header, *body = rows
    assert header == ["id", "name", "description"], header
    return {row[0]: (row[1], row[2]) for row in body}


@in_process
@pytest.mark.parametrize("name", ["invisible-chars.yaml", "formula.yaml", "rich-markup.yaml"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_carry_values_exactly(name: str, fmt: str) -> None:
    """In this process, the output's bytes as written (the tests below read csv and tsv through
    the installed script)."""
    expected = {k: (o["name"], o["description"]) for k, o in organisations_in(name).items()}
    exact = ["--no-excel-safe"] if fmt == "csv" else []  # tsv is exact by default
    result = cli("--data", str(corpus(name)), "companies", "--format", fmt, "--fields", "id,name,description", *exact)
    assert result.returncode == 0, result.stderr
    rows = _csv_rows(result) if fmt == "csv" else _tsv_rows(result)
    assert _by_id(rows) == expected


def test_tsv_escapes_only_backslash_tab_newline_and_cr(tmp_path: Path) -> None:
    path = tmp_path / "escapes.yaml"
    path.write_text(MINIMAL + 'organisations:\n  - {id: x, name: "a\\\\b\\tc\\nd\\u00e9", kind: company,'
                    " town: rouen, cite: [{source: s1}]}\n", encoding="utf-8")
    result = normandie("--data", str(path), "companies", "--format", "tsv", "--fields", "id,name", "--no-headers")
    assert result.returncode == 0, result.stderr
    assert result.stdout_bytes == "x\ta\\\\b\\tc\\ndé\n".encode(), result.stdout_bytes


def test_rich_markup_in_data_is_printed_literally() -> None:
    expected = organisations_in("rich-markup.yaml")
    result = normandie("--data", str(corpus("rich-markup.yaml")), "companies", "--format", "table",
                       "--fields", "id,name,description", COLUMNS="250")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr
    for org in expected.values():
        assert org["name"] in result.stdout, (org["name"], result.stdout)
        assert org["description"] in result.stdout, (org["description"], result.stdout)
    assert "😄" not in result.stdout and "\x1b]8;" not in result.stdout


def _excel_safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def test_csv_neutralises_formulas_by_default_and_no_excel_safe_keeps_it_exact() -> None:
    args = ["--data", str(corpus("formula.yaml")), "companies", "--format", "csv", "--fields", "id,name,description"]
    safe, exact = normandie(*args), normandie(*args, "--no-excel-safe")
    assert safe.returncode == exact.returncode == 0, safe.stderr + exact.stderr
    assert _by_id(_csv_rows(safe))["eq-company"] == ("'=1+1", "'+cmd|' /C calc'!A0")
    assert _by_id(_csv_rows(exact))["eq-company"] == ("=1+1", "+cmd|' /C calc'!A0")


def test_tsv_is_exact_by_default() -> None:
    result = normandie("--data", str(corpus("formula.yaml")), "companies", "--format", "tsv",
                       "--fields", "id,name,description")
    assert _by_id(_tsv_rows(result))["eq-company"] == ("=1+1", "+cmd|' /C calc'!A0")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_excel_safe_prefixes_formula_cells(fmt: str) -> None:
    orgs = organisations_in("formula.yaml")
    expected = {k: (_excel_safe(o["name"]), _excel_safe(o["description"])) for k, o in orgs.items()}
    assert expected["plain-company"] == ("Plain Name", "a = b, not a formula")
    result = normandie("--data", str(corpus("formula.yaml")), "companies", "--format", fmt,
                       "--fields", "id,name,description", "--excel-safe")
    assert result.returncode == 0, result.stderr
    rows = _csv_rows(result) if fmt == "csv" else _tsv_rows(result)
    assert _by_id(rows) == expected


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_excel_safe_leaves_other_formats_exact(fmt: str) -> None:
    orgs = organisations_in("formula.yaml")
    result = normandie("--data", str(corpus("formula.yaml")), "companies", "--format", fmt, "--excel-safe")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout) if fmt == "json" else yaml.safe_load(result.stdout)
    assert {r["id"]: r["name"] for r in rows} == {k: o["name"] for k, o in orgs.items()}


@in_process
@pytest.mark.parametrize("command", LISTINGS)
def test_every_listing_command_takes_excel_safe(command: str) -> None:
    result = cli(command, "--format", "csv", "--excel-safe")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


# Signals, pipes, locales -------------------------------------------------------------------

@pytest.mark.cold_cache  # it needs the first run's build (tests/conftest.py)
@pytest.mark.parametrize("where", ["build", "read"])
def test_ctrl_c_exits_130_with_one_line(tmp_path: Path, where: str) -> None:
    # The test hook (testhook.py): the command says it reached a checkpoint, then waits there
    # for an answer that never comes, so Ctrl-C lands at that point every time, and the command
    # cannot end first. "build": a cold run, about to read the file into its cache entry;
    # "read": without the cache, the file read, its stamp about to be checked.
    run = Hooked(tmp_path, *(["--no-cache"] if where == "read" else []), "companies")
    try:
        said = run.event()
        assert said is not None and said[0] == where, run.seen
        run.proc.send_signal(signal.SIGINT)
        code, out, err = run.finish()
    finally:
        if run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()
    assert (code, out, err) == (ExitCode.INTERRUPTED, b"", "normandie: interrupted\n")


@pytest.mark.parametrize("fmt", ["tsv", "json"])  # a 20,000-row table takes ~25 s to lay out
def test_a_reader_that_closes_early_gets_silence(big_file: Path, tmp_path: Path, fmt: str) -> None:
    command = f"'{installed()}' --no-cache --data '{big_file}' companies --format {fmt} | head -n 1"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, cwd=tmp_path, env=_env(),
                          timeout=60)
    assert proc.stderr == b"", proc.stderr
    assert proc.stdout.count(b"\n") == 1
    assert proc.returncode in (0, 141)


@pytest.mark.parametrize(
    "env",
    [
        {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": None, "PYTHONUTF8": None},
        {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": None, "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
        {"PYTHONIOENCODING": "ascii", "PYTHONUTF8": None},
    ],
    ids=["C-locale", "C-locale-no-utf8-mode", "PYTHONIOENCODING-ascii"],
)
@pytest.mark.parametrize("data", ["bundled", "bom.yaml", "invisible-chars.yaml"])
def test_ascii_terminals_get_no_encoding_error(env: dict[str, str | None], data: str) -> None:
    args = [] if data == "bundled" else ["--data", str(corpus(data))]
    result = normandie(*args, "companies", "--format", "table", **env)  # type: ignore[arg-type]  # env: str | None
    assert "Traceback" not in result.stderr and "UnicodeEncodeError" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert result.stdout


# The loader never fails with anything but DataError ----------------------------------------

_FIELDS = ["format", "sources", "places", "organisations", "figures", "id", "name", "kind", "town", "cite", "source",
           "publisher", "published", "language", "country", "value", "unit", "qualifier", "subject", "measure",
           "as_of", "date", "quote", "roles", "status"]
_TRAPS = ["NO", "no", "yes", "Off", "on", "y", "0755", "0x1F", "14:30", "1:30:00", "6.0e9", "1_500", "2023-03-14",
          "2023-03-14 10:00:00", ".inf", ".nan", "~", "null", "=1+1", "<<", "normandie-facts/1", "s1", "rouen",
          "company", "exact", "\x1b[31m", "[bold]x[/bold]", "not-stated"]

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.sampled_from(_TRAPS),
    st.dates(min_value=dt.date(1, 1, 1)), st.datetimes(),
)
_KEYS = st.one_of(st.sampled_from(_FIELDS), st.text(max_size=10), st.sampled_from(_TRAPS), st.integers(),
                  st.booleans(), st.none())


def _nested(depth: int) -> st.SearchStrategy[object]:
    if depth == 0:
        return _SCALARS
    inner = _nested(depth - 1)
    return st.one_of(_SCALARS, st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5))


_VALID: dict[str, dict[object, object]] = {
    "sources": {"id": "s1", "publisher": "P", "published": "2023-03", "language": "en"},
    "places": {"id": "rouen", "name": "Rouen", "kind": "town", "country": "France", "cite": [{"source": "s1"}]},
    "organisations": {"id": "acme", "name": "Acme", "kind": "company", "town": "rouen", "cite": [{"source": "s1"}]},
    "figures": {"id": "f1", "subject": "rouen", "measure": "jobs-direct", "value": 1500, "unit": "jobs",
                "qualifier": "exact", "source": "s1"},
}


def _mutated(section: str) -> st.SearchStrategy[dict[object, object]]:
    """A valid record of the section with a few keys dropped, replaced or added."""
    base = _VALID[section]
    return st.tuples(
        st.sets(st.sampled_from(sorted(map(str, base))), max_size=2),
        st.dictionaries(st.sampled_from(_FIELDS), _nested(2), max_size=3),
    ).map(lambda t: {**{k: v for k, v in base.items() if k not in t[0]}, **t[1]})


_FACT_SHAPED = st.fixed_dictionaries(
    {"sources": st.lists(_mutated("sources"), min_size=1, max_size=2)},
    optional={
        "format": st.sampled_from(["normandie-facts/1", "normandie-facts/2", "NO"]),
        "places": st.lists(_mutated("places"), max_size=2),
        "organisations": st.lists(_mutated("organisations"), max_size=2),
        "figures": st.lists(_mutated("figures"), max_size=2),
    },
)

_DOCUMENTS = st.one_of(
    _nested(5),
    st.dictionaries(st.sampled_from(_FIELDS), _nested(4), max_size=6),
    _FACT_SHAPED,
    _FACT_SHAPED,  # twice: half the documents get past the top level into the records
)

class _NoAliasDumper(yaml.SafeDumper):
    """safe_dump, but a value used twice is written out twice (aliases are refused, see the corpus)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


_YAML_CHARS = "[]{}:-,#&*!|>'\"%@`?~ \n\t\r\\abcnoyes0123456789.eE+_/é\ufeff\x00\x1b\x85\u2028"
_BYTES = st.one_of(
    st.binary(max_size=600),
    st.text(alphabet=_YAML_CHARS, max_size=300).map(lambda t: t.encode("utf-8")),
    st.tuples(st.integers(0, len(MINIMAL)), st.integers(0, 40), st.text(alphabet=_YAML_CHARS, max_size=20)).map(
        lambda t: (MINIMAL[: t[0]] + t[2] + MINIMAL[t[0] + t[1]:]).encode("utf-8")
    ),
)


def _load_or_data_error(path: Path) -> None:
    try:
        load_facts(path, use_cache=False)
    except DataError:
        pass
    except BaseException as err:  # anything else is the failure under test
        pytest.fail(f"load_facts raised {type(err).__name__}: {err!r} on {path.read_bytes()[:300]!r}")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hypothesis") / "facts.yaml"


@in_process
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_BYTES)
def test_arbitrary_bytes_load_or_raise_data_error(scratch: Path, data: bytes) -> None:
    scratch.write_bytes(data)
    _load_or_data_error(scratch)


@pytest.mark.slow
@in_process
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_DOCUMENTS, unicode=st.booleans(), flow=st.sampled_from([None, True, False]))
def test_arbitrary_yaml_loads_or_raises_data_error(scratch: Path, document: object, unicode: bool,
                                                   flow: bool | None) -> None:
    text = yaml.dump(document, Dumper=_NoAliasDumper, allow_unicode=unicode, default_flow_style=flow, sort_keys=False)
    scratch.write_text(text, encoding="utf-8")
    _load_or_data_error(scratch)


# Memory and CPU under resource limits ------------------------------------------------------

#: Run in the measured child: load the file, print a marker.
_CHILD = """\
import sys
from normandie_cli.errors import DataError
from normandie_cli.loading.book import load_facts
try:
    load_facts(sys.argv[1], use_cache=False)
except DataError as err:
    print("DATA-ERROR", err)
else:
    print("LOADED")
"""

#: A small launcher between pytest and the child. Linux keeps the high-water RSS of the image a
#: child was forked from (ru_maxrss of a child forked from pytest is at least pytest's RSS), so the
#: child is forked from this fresh, small interpreter instead, with the limits set in preexec_fn.
_LAUNCHER = """\
import json, os, resource, subprocess, sys

def limits():
    resource.setrlimit(resource.RLIMIT_CPU, (2, 3))
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

child = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, preexec_fn=limits)
out = child.stdout.read()
err = child.stderr.read()
_, status, usage = os.wait4(child.pid, 0)
print(json.dumps({
    "exited": os.WIFEXITED(status), "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
    "maxrss_kib": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
    "stdout": out.decode("utf-8", "replace"), "stderr": err.decode("utf-8", "replace"),
}))
"""


def _measure(path: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, _CHILD, str(path)], capture_output=True, text=True,
                          env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


@in_process
@pytest.mark.parametrize("case", ["billion-laughs", "flow-sequence-100000", "block-sequence-100000"])
def test_refused_in_little_memory_and_cpu(tmp_path: Path, case: str) -> None:
    if case == "billion-laughs":
        path = corpus("billion-laughs.yaml")
    else:
        path = tmp_path / f"{case}.yaml"
        path.write_text(DEEP_FILES["flow-sequence" if case.startswith("flow") else "block-sequence-one-line"]())
    report = _measure(path)
    assert report["exited"], f"the child was killed by signal {report['signal']} (SIGXCPU=24, SIGSEGV=11): {report}"
    assert report["code"] == 0, report
    assert str(report["stdout"]).startswith("DATA-ERROR"), report
    assert int(report["maxrss_kib"]) < 100_000_000 // 1024, f"peak RSS {report['maxrss_kib']} KiB"
