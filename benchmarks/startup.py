"""Start-up benchmark: whole-process wall time of normandie's hot paths against a bare
``python -c "import typer"`` and a bare ``python -c pass`` in the same environment.

Every Tab press starts the program, so start-up is the product. Runs each case REPEAT times,
interleaved (so that a noisy neighbour hurts every case alike), and prints medians and ratios
to their baseline process, with the targets:

    value completion (normandie timeline <Tab>)   <= 1.3x  python -c 'import typer'
    normandie companies --format tsv               <= 1.3x  python -c 'import typer'
    normandie companies, a table (COLUMNS=120)     <= 2.0x  python -c 'import typer'
    normandie show ea<Tab> (the fast path)         <= 3.0x  python -c pass
    normandie companies --town R<Tab>              <= 3.0x  python -c pass

With --million FILE (a fact file of a million companies: benchmarks/make_facts.py 1000000
FILE), the same two Tab presses on it, <= 4.0x python -c pass, with NORMANDIE_MAX_SIZE=4G (the
file is over the default limit); its store is built before the timing if it is not there yet
(about a minute on 2 cores, with the cache directory the benchmark is run with).

A Tab press is the process bash's completion function starts: ``env COMP_WORDS=... COMP_CWORD=N
_NORMANDIE_COMPLETE=complete_bash normandie``, COMP_WORDS joined by line ends (its IFS).

Usage: python benchmarks/startup.py [--repeat N] [--data FILE] [--million FILE]
Run it with the Python of the environment where normandie is installed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("normandie")
BARE_TYPER = "bare: python -c 'import typer'"
BARE = "bare: python -c pass"

#: (name, argv, extra environment, target ratio or None, the baseline's name)
Case = tuple[str, list[str], dict[str, str], float | None, str]


def tab(words: list[str], env: dict[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The process bash's completion function starts for ``normandie WORDS`` (the last word the
    one being completed)."""
    line = ["normandie", *words]
    return [str(SCRIPT)], {"_NORMANDIE_COMPLETE": "complete_bash", "COMP_WORDS": "\n".join(line),
                           "COMP_CWORD": str(len(line) - 1), **(env or {})}


def cases(data: str | None, million: str | None) -> list[Case]:
    base = [str(SCRIPT)] + (["--data", data] if data else [])
    given = ["--data", data] if data else []
    timeline = tab([*given, "timeline", ""])
    show = tab([*given, "show", "ea"])
    town = tab([*given, "companies", "--town", "R"])
    table: list[Case] = [
        (BARE_TYPER, [sys.executable, "-c", "import typer"], {}, None, BARE_TYPER),
        (BARE, [sys.executable, "-c", "pass"], {}, None, BARE),
        ("completion: normandie timeline <Tab> (bash)", *timeline, 1.3, BARE_TYPER),
        ("normandie companies --format tsv", [*base, "companies", "--format", "tsv"], {}, 1.3, BARE_TYPER),
        ("normandie companies (table, COLUMNS=120)", [*base, "companies", "--format", "table"],
         {"COLUMNS": "120"}, 2.0, BARE_TYPER),
        ("Tab: normandie show ea<Tab>", *show, 3.0, BARE),
        ("Tab: normandie companies --town R<Tab>", *town, 3.0, BARE),
    ]
    if million:
        big = {"NORMANDIE_MAX_SIZE": "4G"}
        table += [
            ("Tab, 1M companies: show ea<Tab>", *tab(["--data", million, "show", "ea"], big), 4.0, BARE),
            ("Tab, 1M companies: --town R<Tab>", *tab(["--data", million, "companies", "--town", "R"], big),
             4.0, BARE),
        ]
    return table


def run_once(argv: list[str], extra_env: dict[str, str]) -> float:
    # Bytecode caches as an installed package has them (pip writes them at install time):
    # PYTHONDONTWRITEBYTECODE would make every run compile the sources again.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NORMANDIE_", "_NORMANDIE")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra_env)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"benchmark case failed ({done.returncode}): {' '.join(argv)}\n{done.stderr.decode()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="runs per case (default 30)")
    parser.add_argument("--data", help="fact file to use (default: the bundled one)")
    parser.add_argument("--million", metavar="FILE",
                        help="also the Tab presses on this file of a million companies (make_facts.py 1000000 FILE)")
    args = parser.parse_args()
    if not SCRIPT.exists():
        sys.exit(f"no normandie script beside {sys.executable}: install the project in this environment first")

    table = cases(args.data, args.million)
    for _, argv, env, _, _ in table:  # warm the file cache, the parse cache (a million: its first build) and the spec
        run_once(argv, env)
    times: list[list[float]] = [[] for _ in table]
    for _ in range(args.repeat):
        for index, (_, argv, env, _, _) in enumerate(table):
            times[index].append(run_once(argv, env))

    medians = {name: statistics.median(t) for (name, *_), t in zip(table, times, strict=True)}
    import typer

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"typer {typer.__version__}; {args.repeat} runs per case, medians; ratios to the baseline named")
    print(f"{'case':<46} {'median':>9} {'ratio':>7} {'target':>7}  {'baseline':<24} verdict")
    failures = 0
    for name, _, _, target, baseline in table:
        ratio = medians[name] / medians[baseline]
        verdict = "" if target is None else ("met" if ratio <= target else "MISSED")
        failures += verdict == "MISSED"
        shown_target = "" if target is None else f"<={target:.1f}x"
        shown_base = "" if target is None else baseline.removeprefix("bare: ")
        print(f"{name:<46} {medians[name] * 1000:7.1f}ms {ratio:6.2f}x {shown_target:>7}  {shown_base:<24} {verdict}")
    print("all targets met" if not failures else f"{failures} target(s) missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
