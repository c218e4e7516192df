"""Large files: make_facts.py writes valid files, a cache hit answers exactly as a parse does for
every command and format, `cache info` / `cache clear`. (No spinner on a pipe: test_progress.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from normandie_cli import registry
from normandie_cli.loading import cache
from normandie_cli.registry import FACT_LISTINGS as LISTINGS

from .conftest import Runner

ROOT = Path(__file__).resolve().parent.parent
FORMATS = tuple(f.name for f in registry.FORMATS if not f.only_for)  # what every listing offers


def make_facts(n: int, path: Path, seed: int = 7) -> Path:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_facts.py"), str(n), str(path), "--seed", str(seed)],
                   check=True, capture_output=True, timeout=120)
    return path


@pytest.mark.parametrize("n", [1, 10, 500])
def test_make_facts_writes_a_valid_file(run: Runner, tmp_path: Path, n: int) -> None:
    path = make_facts(n, tmp_path / "facts.yaml")
    assert run("validate", str(path)).exit_code == 0
    companies = json.loads(run("--data", str(path), "companies", "-f", "json").stdout)
    assert len(companies) == n
    assert json.loads(run("--data", str(path), "companies", "--town", "Rouen", "-f", "json").stdout)


def test_make_facts_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = make_facts(200, tmp_path / "a.yaml").read_bytes()
    assert first == make_facts(200, tmp_path / "b.yaml").read_bytes()
    assert first != make_facts(200, tmp_path / "c.yaml", seed=8).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_cache_hit_answers_exactly_as_a_parse_for_every_command(run: Runner, fmt: str) -> None:
    commands = [[name] for name in LISTINGS] + [
        ["search", "eastman"], ["show", "eastman-port-jerome"], ["history", "eastman-port-jerome"], ["conflicts"],
        ["timeline", "eastman-port-jerome"],
    ]
    for args in commands:
        parsed = run(*args, "-f", fmt, env={"NORMANDIE_NO_CACHE": "1"})
        if not cache.entries():  # (no command writes to the store once it is there: one run writes it)
            run(*args, "-f", fmt)  # writes the cache
        assert cache.entries()
        cached = run(*args, "-f", fmt)
        assert (cached.exit_code, cached.stdout) == (parsed.exit_code, parsed.stdout), args


def test_cache_info_and_clear(run: Runner, tmp_path: Path) -> None:
    run("companies")
    rows = json.loads(run("cache", "info", "-f", "json").stdout)
    assert [r["status"] for r in rows] == ["fresh"]
    assert rows[0]["fact_file"].endswith("facts.yaml")
    assert rows[0]["directory"] == str(cache.cache_dir())
    result = run("cache", "clear")
    assert result.stdout == f"removed 1 cache entry from {cache.cache_dir()}\n"
    assert cache.entries() == []
    assert json.loads(run("cache", "info", "-f", "json").stdout) == []


@pytest.mark.cold_cache  # it needs the first run's build (tests/conftest.py)
def test_cache_info_says_when_an_entry_is_stale(run: Runner, tmp_path: Path) -> None:
    path = make_facts(5, tmp_path / "f.yaml")
    run("--data", str(path), "companies")
    os.utime(path, ns=(1, 1))
    [row] = json.loads(run("cache", "info", "-f", "json").stdout)
    assert row["status"] == "stale"

