"""Benchmark: how long a fresh process takes for `drafter --help` and one cold `drafter render`.

Not a test: it prints the median of several runs of each, each a new Python process, so it
measures what a paralegal waits for at the command line. drafter's own cache (parsed YAML,
compiled templates) starts empty in a temporary folder: the first render fills it, as a user's
first command after installing or upgrading does, and is reported on its own. Bytecode is
written as a pip install writes it (``PYTHONDONTWRITEBYTECODE`` is cleared for the runs).

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAFTER = [sys.executable, "-m", "drafter"]


def seconds(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, cwd=ROOT, env=env)
    return time.perf_counter() - start


def median_seconds(args: list[str], runs: int, env: dict[str, str]) -> float:
    return statistics.median(seconds(args, env) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="drafter-bench-") as out,
        tempfile.TemporaryDirectory(prefix="drafter-bench-cache-") as cache,
    ):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["DRAFTER_CACHE_DIR"] = cache
        render = [
            *DRAFTER,
            "render",
            "samples/03-pending-child-illness.yaml",
            "--document",
            "pd-request",
            "--out",
            out,
            "--force",
        ]
        subprocess.run([*DRAFTER, "--help"], check=True, capture_output=True, cwd=ROOT, env=env)
        print(
            f"drafter --help        : {median_seconds([*DRAFTER, '--help'], args.runs, env):6.3f} s (median of {args.runs})"
        )
        first = seconds(render, env)
        print(f"drafter render, first : {first:6.3f} s (empty cache: compiles the templates)")
        print(
            f"drafter render (cold) : {median_seconds(render, args.runs, env):6.3f} s (median of {args.runs}, one PD letter, a new process each)"
        )


if __name__ == "__main__":
    main()
