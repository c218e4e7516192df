"""Why typer is pinned: a minimal Typer app running one command, against a bare
``python -c "import typer"`` of the same environment, for each Python given.

Usage: python benchmarks/typer_pin.py PYTHON [PYTHON ...] [--repeat N]
Each PYTHON is the interpreter of a virtual environment with one Typer version installed
(for example 0.28.0 and 0.29.2). Prints medians of whole-process wall time and ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

APP = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world") -> None:
    print(name)
@app.command()
def other() -> None:
    pass
app()
"""


def timed(argv: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pythons", nargs="+")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    cases = []
    for python in args.pythons:
        version = subprocess.run([python, "-c", "import typer; print(typer.__version__)"], capture_output=True,
                                 text=True, check=True).stdout.strip()
        cases.append((version, [python, "-c", "import typer"], [python, "-c", APP, "hello"]))
    times: dict[tuple[str, str], list[float]] = {(v, kind): [] for v, _, _ in cases for kind in ("bare", "app")}
    for _ in range(args.repeat):
        for version, bare, app in cases:
            times[(version, "bare")].append(timed(bare))
            times[(version, "app")].append(timed(app))
    print(f"{'typer':<10} {'import typer':>13} {'app runs a command':>19} {'ratio':>7}")
    for version, _, _ in cases:
        bare_time = statistics.median(times[(version, "bare")])
        app_time = statistics.median(times[(version, "app")])
        print(f"{version:<10} {bare_time * 1000:11.1f}ms {app_time * 1000:17.1f}ms {app_time / bare_time:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
