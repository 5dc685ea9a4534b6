"""Benchmark: how long a fresh process takes for `drafter --help` and one cold `drafter render`.

Not a test: it prints the median of several runs of each, each a new Python process (no caches
but the operating system's), so it measures what a paralegal waits for at the command line.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAFTER = [sys.executable, "-m", "drafter"]


def median_seconds(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as out:
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
        print(
            f"drafter --help        : {median_seconds([*DRAFTER, '--help'], args.runs):6.3f} s (median of {args.runs})"
        )
        print(
            f"drafter render (cold) : {median_seconds(render, args.runs):6.3f} s (median of {args.runs}, one PD letter)"
        )


if __name__ == "__main__":
    main()
