"""What ships: the sdist holds what its own tests need (as pypa/build checks its own sdist in
tests/test_self_packaging.py), the wheel holds the licence and the bundled data, and the
tests that need tools/ and .ci/ pass inside the unpacked sdist.

One build for the module: ``python -m build`` makes the sdist, then the wheel from the sdist,
as pip does for a user who installs from the sdist."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Every top-level entry of the sdist. hatchling adds PKG-INFO and always keeps .gitignore.
SDIST_TOP = {
    ".ci", ".gitignore", "LICENSE", "PKG-INFO", "README.md", "benchmarks", "data", "docs", "pyproject.toml", "src",
    "tests", "tools",
}
#: Where every file git tracks must be in the sdist.
TRACKED = ("src", "data", "tests", "tools", "docs", ".ci")
#: Never in an sdist, at any depth.
UNWANTED = {"__pycache__", ".git", ".venv", ".pytest_cache", ".hypothesis"}


#: Files a developer's checkout may hold that no sdist must take: a second virtual environment,
#: an old copy of the tree; their paths hold "src" and "tests" at depth.
STRAYS = (".venv2/lib/python3.11/site-packages/pkg/tests/test_stray.py", "old-copy/src/normandie_cli/stray.py",
          "scratch/tests/stray.txt")


def is_git_checkout() -> bool:
    """Whether ROOT is the top of a git checkout (not an unpacked sdist inside some other repository)."""
    if shutil.which("git") is None:
        return False
    top = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    return top.returncode == 0 and Path(top.stdout.strip()).resolve() == ROOT.resolve()


def checkout_copy(dest: Path) -> Path:
    """The project as a clean checkout holds it (git's files, or the unpacked sdist's), plus strays."""
    if is_git_checkout():
        listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, text=True,
                                check=True)
        for name in listed.stdout.split("\0"):
            if name and (ROOT / name).is_file():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, dest / name)
    else:  # not a git checkout (an unpacked sdist, say)
        shutil.copytree(ROOT, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*UNWANTED, "*.egg-info"))
    for stray in STRAYS:
        (dest / stray).parent.mkdir(parents=True, exist_ok=True)
        (dest / stray).write_text("not part of normandie\n")
    return dest


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    tree = checkout_copy(tmp_path_factory.mktemp("checkout"))
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(tree)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def sdist(dist: Path) -> Path:
    [path] = dist.glob("normandie-*.tar.gz")
    return path


@pytest.fixture(scope="module")
def sdist_files(sdist: Path) -> set[str]:
    """The sdist's files, relative to its one top directory."""
    with tarfile.open(sdist) as tar:
        members = tar.getmembers()
    [top] = {m.name.split("/", 1)[0] for m in members}
    assert top == sdist.name.removesuffix(".tar.gz")
    return {m.name.split("/", 1)[1] for m in members if m.isfile()}


@pytest.fixture(scope="module")
def wheel_names(dist: Path) -> tuple[Path, list[str]]:
    [path] = dist.glob("normandie-*.whl")
    with zipfile.ZipFile(path) as wheel:
        return path, wheel.namelist()


def test_the_sdist_has_exactly_these_top_level_entries(sdist_files: set[str]) -> None:
    assert {name.split("/", 1)[0] for name in sdist_files} == SDIST_TOP


def test_no_stray_file_of_the_checkout_lands_in_the_sdist(sdist_files: set[str]) -> None:
    assert not [name for name in sdist_files if "stray" in name]


def test_the_sdist_has_no_caches_bytecode_or_vcs(sdist_files: set[str]) -> None:
    bad = sorted(name for name in sdist_files
                 if UNWANTED & set(name.split("/")) or name.endswith((".pyc", ".pyo")))
    assert bad == []


def test_the_sdist_holds_every_file_git_tracks(sdist_files: set[str]) -> None:
    if not is_git_checkout():
        pytest.skip("not a git checkout (an unpacked sdist, say), or no git: nothing to compare with")
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--", *TRACKED], capture_output=True,
                            check=True).stdout.decode("utf-8").split("\0")
    tracked = {name for name in listed if name and (ROOT / name).exists()}  # not one deleted but uncommitted
    assert {name.split("/", 1)[0] for name in tracked} == set(TRACKED)
    assert sorted(tracked - sdist_files) == []


def test_the_sdist_ships_the_licence_and_declares_it(sdist: Path, sdist_files: set[str]) -> None:
    assert "LICENSE" in sdist_files
    with tarfile.open(sdist) as tar:
        top = sdist.name.removesuffix(".tar.gz")
        licence = tar.extractfile(f"{top}/LICENSE")
        pkg_info = tar.extractfile(f"{top}/PKG-INFO")
        assert licence is not None and pkg_info is not None
        assert licence.read() == (ROOT / "LICENSE").read_bytes()
        metadata = pkg_info.read().decode("utf-8")
    assert "License-Expression: MIT\n" in metadata
    assert "License-File: LICENSE\n" in metadata


def test_the_licence_is_mit() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 The normandie authors\n")


def test_the_wheel_ships_the_licence_and_the_bundled_data(wheel_names: tuple[Path, list[str]]) -> None:
    path, names = wheel_names
    [licence] = [name for name in names if name.endswith(".dist-info/licenses/LICENSE")]
    assert "normandie_cli/data/facts.yaml" in names
    assert "normandie_cli/data/sources/article-gazette-2023-03.fr.txt" in names
    assert "normandie_cli/cli/_app.py" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    with zipfile.ZipFile(path) as wheel:
        assert wheel.read(licence) == (ROOT / "LICENSE").read_bytes()
        assert wheel.read("normandie_cli/data/facts.yaml") == (ROOT / "data" / "facts.yaml").read_bytes()


@pytest.mark.slow
def test_the_docs_tests_pass_inside_the_unpacked_sdist(sdist: Path, tmp_path: Path) -> None:
    # They read tools/ and .ci/: the two that failed when the sdist left those out.
    folder = tmp_path / "sdist"  # tmp_path also holds the test's cache folder (conftest.py)
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
            tar.extractall(folder, filter="data")
        else:
            tar.extractall(folder)
    [unpacked] = folder.iterdir()
    env = {k: v for k, v in os.environ.items() if k not in ("NORMANDIE_DATA", "FORCE_COLOR", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(unpacked / "src")  # the sdist's own code, not the installed one
    result = subprocess.run([sys.executable, "-m", "pytest", "tests/test_docs.py", "-q", "-p", "no:cacheprovider",
                             "-n", "0"],
                            capture_output=True, text=True, cwd=unpacked, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "skipped" not in result.stdout
