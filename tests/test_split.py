"""A large file read by two processes (``ingest.build`` with a split: a second process reads the
end of a long section, and what follows it) makes exactly the store one process makes,
wherever the second process starts: at an item of a section, or, where the text only looks like
an item (a line of a quoted text over several lines), nowhere, the first process reading on. A
broken file gets the same error, and no part store is left behind."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normandie_cli.errors import DataError
from normandie_cli.loading import cache, ingest
from normandie_cli.loading import ingest as store

from .conftest import write
from .test_ingest import dump, reorder
from .test_store import make_facts

#: Every test here starts from an empty cache (tests/conftest.py).
pytestmark = pytest.mark.cold_cache

Dump = dict[str, list[tuple[object, ...]]]


@pytest.fixture
def joins(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The part stores appended to the store being built: one per split that was joined."""
    appended: list[Path] = []
    append = store.append_part

    def record(conn: sqlite3.Connection, path: Path) -> dict[str, int]:
        counts = append(conn, path)
        appended.append(path)
        return counts

    monkeypatch.setattr(ingest, "append_part", record)
    return appended


def built(file: Path, target: Path, at: int | None, readers: int = 2) -> Dump:
    """The store of ``file``, read in one process (``at`` None) or with the second process
    starting at the first item after byte ``at`` (the later ones, if ``readers`` is more than
    two, each after about a ``readers - 1``th of what the one before reads)."""
    target.unlink(missing_ok=True)
    if at is None:
        ingest.build(file, target, {"path": "x"}, plan=ingest.ReadPlan(split=False))
    else:
        ingest.build(file, target, {"path": "x"},
                     plan=ingest.ReadPlan(split=True, split_min=0, split_at=at, readers=readers))
    assert not list(target.parent.glob(".part-*")), "a part store was left behind"
    return dump(target)


def line_starts(text: str) -> list[int]:
    """The byte offset of every line's start but the first."""
    data = text.encode("utf-8")
    return [i + 1 for i, byte in enumerate(data) if byte == 0x0A and i + 1 < len(data)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_facts(300, tmp_path_factory.mktemp("split") / "facts.yaml")


@pytest.fixture(scope="module")
def one(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Dump:
    """The store of the generated file read in one process: what every split of it must make
    (built once for the module: the tests only compare with it)."""
    return built(generated, tmp_path_factory.mktemp("one") / "one.sqlite", None)


def test_a_generated_file_read_by_two_processes_makes_the_same_store(tmp_path: Path, generated: Path, one: Dump,
                                                                   joins: list[Path]) -> None:
    size = generated.stat().st_size
    points = [size * k // 10 for k in range(10)]
    for at in points:
        assert built(generated, tmp_path / "two.sqlite", at) == one, at
    # The companies are most of the file: a split in them, and in the figures after, is joined.
    assert len(joins) >= 6
    assert len(one["companies"]) == 300


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(0, 1))
def test_wherever_the_second_process_starts_the_store_is_the_same(tmp_path: Path, generated: Path, one: Dump,
                                                                  fraction: float) -> None:
    at = int(fraction * generated.stat().st_size)
    assert built(generated, tmp_path / "two.sqlite", at) == one


def tricky_text(count: int = 12) -> str:
    """Sections in every layout a split meets: flow and block items, comments between items,
    block texts with dashes in them, a quoted text over several lines one of which looks like
    an item of the section, an indentless list (items at column 0), sections after the split."""
    companies = []
    for i in range(count):
        town = "caen" if i % 2 else "rouen"
        if i % 4 == 0:
            companies.append(f"  - id: c{i}\n    name: \"Alpha {i}\n  - id: fake{i}\"\n    kind: company\n"
                             f"    town: {town}\n    cite: [{{source: s1}}]\n")
        elif i % 4 == 1:
            companies.append(f"# a comment at column 0\n  - {{id: c{i}, name: 'Beta ''{i}''', kind: company, "
                             f"town: {town}, cite: [{{source: s1}}]}}\n")
        elif i % 4 == 2:
            companies.append(f"  - id: c{i}\n    name: >\n      Folded\n      name {i}\n    kind: company\n"
                             f"    town: {town}\n    description: |\n      A block text\n        - with a dash\n"
                             f"      - and another\n    roles: [delegation]\n    cite:\n      - source: s1\n")
        else:
            companies.append(f"  -\n    id: c{i}\n    name: Gamma {i}\n    kind: company\n    town: {town}\n"
                             f"    cite:\n    - source: s1\n      quote: \"- not an item\"\n")
    figures = "".join(f"- id: f{i}\n  subject: c{i}\n  measure: jobs\n  value: {i + 1}\n  unit: jobs\n"
                      f"  qualifier: exact\n  source: s1\n" for i in range(count))
    return (
        'format: "normandie-facts/1"\n\nsources:\n  - id: s1\n    publisher: P\n    published: "2023"\n'
        "    language: en\nplaces:\n  - {id: caen, name: Caen, kind: town, country: France, cite: [{source: s1}]}\n"
        "  - id: rouen\n    name: Rouen\n    kind: town\n    country: France\n    cite:\n      - source: s1\n"
        "organisations:\n" + "".join(companies) + "figures:\n" + figures
        + "statements:\n  - {id: st1, subject: c1, topic: plans, text: Some text, source: s1}\n"
    )


@pytest.mark.slow
def test_a_split_at_a_sample_of_lines_makes_the_same_store(tmp_path: Path, joins: list[Path]) -> None:
    """A seeded sample of the line starts (every line took a second process each, for what a
    sample of each layout of :func:`tricky_text` shows as well): the first line, the end, and
    the line before each quoted text that looks like an item, a split's hardest place."""
    text = tricky_text()
    file = write(tmp_path, text)
    one = built(file, tmp_path / "one.sqlite", None)
    assert [row[1] for row in one["companies"]][:2] == ["Alpha 0 - id: fake0", "Beta '1'"]
    starts = [start - 1 for start in line_starts(text)]
    data = text.encode("utf-8")
    fakes = [start for start in starts if data[start + 1:].startswith(b"  - id: fake")]
    points = sorted({0, starts[-1], *fakes, *(start - 1 for start in fakes),
                     *random.Random(20).sample(starts, 24)})
    for at in points:
        assert built(file, tmp_path / "two.sqlite", at) == one, at
    # Company and figure lines that start an item are places to split; the quoted lines that
    # look like one are not (the first process reads on past them).
    assert len(joins) >= len(points) // 2


def test_places_after_the_split_are_read_by_the_first_process(tmp_path: Path, generated: Path,
                                                             joins: list[Path]) -> None:
    """An organisation's search text names its town: the second process, which knows only the
    places read before it started, does not read places; the first reads on."""
    file = write(tmp_path, reorder(generated.read_text(encoding="utf-8"), ["format", "sources", "organisations",
                                                                          "places"]))
    one = built(file, tmp_path / "one.sqlite", None)
    assert built(file, tmp_path / "two.sqlite", file.stat().st_size // 3) == one
    assert joins == []
    assert one["(search)"]


def broken(generated: Path, how: str) -> str:
    """The generated file, broken in its last company (in the second half)."""
    text = generated.read_text(encoding="utf-8")
    start = text.index('  - id: "company-000300"')
    end = text.index("\n  - ", start + 1) if "\n  - " in text[start + 1:] else len(text)
    company = text[start:end]
    changed = {
        "an unknown town": company.replace('town: "', 'town: "nowhere-'),
        "a missing citation": company[:company.index("    cite:")],
        "an id twice": company.replace("company-000300", "company-000001"),
        "a syntax error": company.replace("    kind:", "    bad: [unclosed\n    kind:"),
        "a key twice at the top": company,
    }[how]
    assert changed != company or how == "a key twice at the top"
    text = text[:start] + changed + text[end:]
    if how == "a key twice at the top":
        text += "\nsources:\n  - {id: s9, publisher: P, published: '2023', language: en}\n"
    return text


@pytest.mark.parametrize("how", ["an unknown town", "a missing citation", "an id twice", "a syntax error",
                                 "a key twice at the top"])
def test_a_file_broken_in_its_second_half_gets_the_same_error(tmp_path: Path, generated: Path, how: str) -> None:
    file = write(tmp_path, broken(generated, how))
    with pytest.raises((DataError, ingest.NeedsBook)) as one:
        ingest.build(file, tmp_path / "one.sqlite", {}, plan=ingest.ReadPlan(split=False))
    with pytest.raises((DataError, ingest.NeedsBook)) as two:
        ingest.build(file, tmp_path / "two.sqlite", {},
                     plan=ingest.ReadPlan(split=True, split_min=0, split_at=file.stat().st_size // 2))
    assert type(two.value) is type(one.value)
    if isinstance(one.value, DataError):  # (NeedsBook: the file is read whole, for its error)
        assert str(two.value) == str(one.value)
    assert os.listdir(tmp_path) == [file.name]  # neither store, nor a part


def test_the_command_line_reads_a_split_file_as_one(run, tmp_path: Path, generated: Path,  # type: ignore[no-untyped-def]
                                                   monkeypatch: pytest.MonkeyPatch, joins: list[Path]) -> None:
    """Through the cache, as every command builds its store: same answer, same error."""
    expected = run("--data", str(generated), "--no-cache", "companies", "--town", "Rouen", "-f", "json").stdout
    monkeypatch.setattr(ingest, "SPLIT_MIN", 0)
    monkeypatch.setattr(ingest, "processes", lambda: 2)
    result = run("--data", str(generated), "companies", "--town", "Rouen", "-f", "json")
    assert result.exit_code == 0 and result.stdout == expected
    assert len(joins) == 1 and len(cache.entries()) == 1
    file = write(tmp_path, broken(generated, "a missing citation"))
    expected_error = run("--data", str(file), "--no-cache", "companies").stderr
    assert expected_error.startswith(f"normandie: {file}:") and "missing 'cite'" in expected_error
    result = run("--data", str(file), "companies")
    assert result.exit_code == 1 and result.stderr == expected_error
    file = write(tmp_path, broken(generated, "an id twice"))
    expected_error = run("--data", str(file), "--no-cache", "companies").stderr
    assert "company-000001" in expected_error
    result = run("--data", str(file), "companies")
    assert result.exit_code == 1 and result.stderr == expected_error


@pytest.mark.parametrize("how", ["cannot start", "fails at once"])
def test_without_a_second_process_the_first_reads_it_all(tmp_path: Path, generated: Path, one: Dump,
                                                       joins: list[Path],
                                                       monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """No second process (none can be started, or it dies at once: another Python, a broken
    install): the first reads the whole file, and the store is the same."""
    if how == "cannot start":
        import subprocess

        def refuse(*args: object, **kwargs: object) -> None:
            raise OSError("no process for you")

        monkeypatch.setattr(subprocess, "Popen", refuse)
    else:
        python = tmp_path / "python"
        python.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
        python.chmod(0o755)
        monkeypatch.setattr("sys.executable", str(python))
    assert built(generated, tmp_path / "two.sqlite", generated.stat().st_size // 2) == one
    assert joins == []


def test_as_many_processes_as_cores_make_the_same_store(tmp_path: Path, generated: Path, one: Dump,
                                                       joins: list[Path]) -> None:
    """Three and four readers, a chain: each later process splits its own end again. The
    first process appends one part (which holds the later ones'); every process's part is gone."""
    size = generated.stat().st_size
    for readers in (3, 4):
        for at in (size // 10, size // 3):
            assert built(generated, tmp_path / "many.sqlite", at, readers) == one, (readers, at)
    assert len(joins) == 4  # the first process joins once per build; the later joins are in other processes


def splits(log: Path) -> list[tuple[int, int, Path]]:
    """The split checkpoints a chain of readers wrote: (the process that split, the process
    it started, that process's part store)."""
    lines = [line.split(" ", 3) for line in log.read_text().splitlines()] if log.exists() else []
    return [(int(pid), int(child), Path(part)) for pid, name, child, part in lines if name == "split"]


def test_a_later_process_splits_again(tmp_path: Path, generated: Path, one: Dump,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The chain, seen from outside: with four readers, each process starts the next (the
    split checkpoints, logged by every process, name them), and no part store is left."""
    from normandie_cli import testhook

    log = tmp_path / "splits.log"
    monkeypatch.setenv(testhook.LOG_ENV, str(log))
    assert built(generated, tmp_path / "many.sqlite", generated.stat().st_size // 8, 4) == one
    chain = splits(log)
    assert len(chain) == 3
    assert chain[0][0] == os.getpid()
    assert [pid for pid, _, _ in chain[1:]] == [child for _, child, _ in chain[:-1]]
    assert not any(part.exists() for _, _, part in chain)


def test_the_environment_says_how_many_processes(tmp_path: Path, generated: Path, one: Dump,
                                                 monkeypatch: pytest.MonkeyPatch, joins: list[Path]) -> None:
    """NORMANDIE_PROCESSES=3: three readers, same store; =1: no split at all."""
    from normandie_cli import testhook

    log = tmp_path / "splits.log"
    monkeypatch.setenv(testhook.LOG_ENV, str(log))
    monkeypatch.setenv(ingest.PROCESSES_ENV, "3")
    ingest.build(generated, tmp_path / "three.sqlite", {"path": "x"}, plan=ingest.ReadPlan(split_min=0))
    assert dump(tmp_path / "three.sqlite") == one
    assert len(splits(log)) == 2 and len(joins) == 1
    log.unlink()
    monkeypatch.setenv(ingest.PROCESSES_ENV, "1")
    ingest.build(generated, tmp_path / "single.sqlite", {"path": "x"}, plan=ingest.ReadPlan(split_min=0))
    assert splits(log) == [] and len(joins) == 1
    assert not list(tmp_path.glob(".part-*"))


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_a_wrong_number_of_processes_is_one_line(run, tmp_path: Path, generated: Path,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setattr(ingest, "SPLIT_MIN", 0)
    result = run("--data", str(generated), "companies", "--town", "Rouen", "-f", "tsv",
                 env={ingest.PROCESSES_ENV: value})
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "NORMANDIE_PROCESSES must be a whole number" in result.stderr
