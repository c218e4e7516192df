"""Start-up benchmark: whole-process wall time of normandie's hot paths against a bare
``python -c "import typer"`` in the same environment.

Every Tab press starts the program, so start-up is the product. Runs each case REPEAT times,
interleaved (so that a noisy neighbour hurts every case alike), and prints medians and ratios
to the bare-Typer process, with the targets:

    value completion (normandie timeline <Tab>)   <= 1.3x
    normandie companies --format tsv               <= 1.3x
    normandie companies, a table (COLUMNS=120)     <= 2.0x

Usage: python benchmarks/startup.py [--repeat N] [--data FILE]
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


def cases(data: str | None) -> list[tuple[str, list[str], dict[str, str], float | None]]:
    base = [str(SCRIPT)] + (["--data", data] if data else [])
    completion_words = "normandie " + (f"--data {data} " if data else "") + "timeline "
    return [
        ("bare: python -c 'import typer'", [sys.executable, "-c", "import typer"], {}, None),
        ("completion: normandie timeline <Tab> (bash)", [str(SCRIPT)],
         {"_NORMANDIE_COMPLETE": "complete_bash", "COMP_WORDS": completion_words,
          "COMP_CWORD": str(len(completion_words.split()))}, 1.3),
        ("normandie companies --format tsv", [*base, "companies", "--format", "tsv"], {}, 1.3),
        ("normandie companies (table, COLUMNS=120)", [*base, "companies", "--format", "table"],
         {"COLUMNS": "120"}, 2.0),
    ]


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
    args = parser.parse_args()
    if not SCRIPT.exists():
        sys.exit(f"no normandie script beside {sys.executable}: install the project in this environment first")

    table = cases(args.data)
    for _, argv, env, _ in table:  # warm the file cache and any parse cache
        run_once(argv, env)
    times: list[list[float]] = [[] for _ in table]
    for _ in range(args.repeat):
        for index, (_, argv, env, _) in enumerate(table):
            times[index].append(run_once(argv, env))

    medians = [statistics.median(t) for t in times]
    bare = medians[0]
    import typer

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"typer {typer.__version__}; {args.repeat} runs per case, medians")
    print(f"{'case':<46} {'median':>9} {'ratio':>7} {'target':>7}  verdict")
    failures = 0
    for (name, _, _, target), median in zip(table, medians, strict=False):
        ratio = median / bare
        verdict = "" if target is None else ("met" if ratio <= target else "MISSED")
        failures += verdict == "MISSED"
        shown_target = "" if target is None else f"<={target:.1f}x"
        print(f"{name:<46} {median * 1000:7.1f}ms {ratio:6.2f}x {shown_target:>7}  {verdict}")
    print("all targets met" if not failures else f"{failures} target(s) missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
