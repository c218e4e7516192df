"""Shared fixtures: a clean environment for every test, and a runner for the real CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Protocol

import pytest
from typer.testing import CliRunner

from normandie_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


#: Where the installed ``normandie`` script is: beside the Python running the tests (see :func:`installed`).
SCRIPT = Path(sys.executable).with_name("normandie")


def installed() -> Path:
    """The installed ``normandie`` script, for every test that runs the command as a user does.

    It is the one beside the Python running the tests (the ``bin`` folder of its virtual
    environment), so it is found whether or not that environment is activated and whatever
    else is on ``PATH``. Without it (the package not installed) the test is skipped, saying why."""
    if not SCRIPT.exists():
        pytest.skip(f"the normandie script is not installed beside {sys.executable}")
    return SCRIPT


#: Tests that take many seconds but are not ours to mark slow (tests/test_tab.py): started first too.
LONGEST = ("tests/test_tab.py::test_the_fast_path_gives_what_the_full_path_gives",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, in their order, then the rest in theirs: with ``-n auto`` the
    workers start on the long tests together instead of one of them finishing a long test
    alone at the end. (Every worker collects the same order, as pytest-xdist requires.)"""
    def long(item: pytest.Item) -> bool:
        return item.get_closest_marker("slow") is not None or item.nodeid.startswith(LONGEST)

    items[:] = [item for item in items if long(item)] + [item for item in items if not long(item)]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/* from the current output")


@pytest.fixture(scope="session")
def bundled_entry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled fact file's cache entry, as the program writes it on a first run: built once
    per test process, by ``python -m normandie_cli`` in a cache folder of its own."""
    folder = tmp_path_factory.mktemp("seed")
    env = {key: value for key, value in os.environ.items()
           if key not in ("NORMANDIE_DATA", "NORMANDIE_NO_CACHE", "NORMANDIE_CACHE_DIR")}
    env.update(XDG_CACHE_HOME=str(folder), HOME=str(folder))
    subprocess.run([sys.executable, "-m", "normandie_cli", "companies", "--limit", "1"], env=env,
                   check=True, capture_output=True)
    [entry] = (folder / "normandie").glob("*.sqlite")
    return entry


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """No colour, a fixed width, no user data file, and a temporary home and cache. The cache
    holds the bundled file's entry, as a first run leaves it (each test its own copy: a test
    may damage it), so that a test pays for the bundled file's parse only when it asks to
    (``@pytest.mark.cold_cache``: the cache starts empty)."""
    for name in ("NORMANDIE_DATA", "FORCE_COLOR", "NORMANDIE_NO_CACHE", "NORMANDIE_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if request.node.get_closest_marker("cold_cache") is None:
        entry = request.getfixturevalue("bundled_entry")
        (tmp_path / "cache" / "normandie").mkdir(parents=True)
        shutil.copy(entry, tmp_path / "cache" / "normandie" / entry.name)  # its mode too


class Run:
    def __init__(self, exit_code: int, stdout: str, stderr: str, exception: BaseException | None) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.exception = exception


class Runner(Protocol):
    """The ``run`` fixture: the command line's words in, a :class:`Run` out."""

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Run: ...


class Golden(Protocol):
    """The ``golden`` fixture: compare a text with a golden file."""

    def __call__(self, name: str, text: str) -> None: ...


@pytest.fixture
def run() -> Runner:
    """``run("companies", "-f", "json")`` through Typer's CliRunner; stdout and stderr apart."""
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Run:
        result = runner.invoke(app, list(args), env=env, prog_name="normandie")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr, result.exception)

    return invoke


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """``golden("name.txt", text)``: compare with tests/golden/name.txt (``--update-golden`` rewrites it)."""
    update = request.config.getoption("--update-golden") or os.environ.get("UPDATE_GOLDEN") == "1"

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {path}; run pytest --update-golden and review the diff"
        assert text == path.read_text(encoding="utf-8")

    return check


def request_env(shell: str, line: str, action: str = "get-args") -> dict[str, str]:
    """The environment Typer's completion script gives the program for ``line`` (the cursor at
    its end), as bash's script joins COMP_WORDS (IFS a line end)."""
    env = {"_NORMANDIE_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        words = line.split() + ([""] if line.endswith(" ") else [])
        env.update(COMP_WORDS="\n".join(words), COMP_CWORD=str(len(words) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = action
    return env


#: What :func:`driver` prints after each command's output, then the command's exit status.
DRIVER_END = "@@@ end of command, exit status:"


def driver(*before: str) -> str:
    """A Python program that runs each of its arguments, a command's words joined by ``\\x1f``
    (:func:`driver_args`), through the console script's own ``main``, one after the other in
    one process (one start-up for many commands), each followed by DRIVER_END and its exit
    status; ``before``: words put before each command's."""
    return f"""
import sys
from normandie_cli.cli import main
for words in sys.argv[1:]:
    sys.argv = ["normandie", *{list(before)!r}, *words.split("\\x1f")]
    try:
        main()
        status = 0
    except SystemExit as ended:
        status = ended.code if isinstance(ended.code, int) else 0 if ended.code is None else 1
    sys.stdout.flush()
    sys.stderr.flush()
    print({DRIVER_END!r}, status, flush=True)
"""


def driver_args(commands: list[tuple[str, ...]]) -> list[str]:
    return ["\x1f".join(words) for words in commands]


def driven_outputs(raw: str, count: int) -> list[str]:
    """Each of ``count`` commands' output from what :func:`driver` printed (line ends as a
    terminal gives them, or not), each command having exited with status 0."""
    parts = re.split(f"{re.escape(DRIVER_END)} (\\d+)\n", raw.replace("\r\n", "\n"))
    assert len(parts) == 2 * count + 1, raw[-2000:]
    assert parts[1::2] == ["0"] * count, raw[-2000:]  # each command's exit status
    return parts[0:-1:2]


def write(tmp_path: Path, text: str, name: str = "facts.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
