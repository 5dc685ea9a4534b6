"""Benchmark: how long `build_packet` takes for a 300-page filing from 20 exhibits.

Not a test: it makes 20 PDF exhibits of 14 pages each (text pages, as a clerk's scans with a
text layer would be, plus a PNG scan among them), builds the motion's packet from sample 07 and
prints the wall time of each run and the packet's size.

    .venv/bin/python benchmarks/bench_packet.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafter import load_case  # noqa: E402
from drafter.packet import build_packet  # noqa: E402
from tests.packet_fixtures import case_with_files, png_scan, text_pdf  # noqa: E402

EXHIBITS = 20
PAGES_EACH = 14


def make_case(folder: Path) -> Path:
    """Sample 07 with 20 exhibits, each cited by the motion, each with a file."""
    (folder / "ex").mkdir()
    ids = [f"evidence-{n:02d}" for n in range(EXHIBITS)]
    for n, ex_id in enumerate(ids):
        if n == 0:
            png_scan(folder / "ex" / f"{ex_id}.png", dpi=150)
        else:
            text_pdf(folder / "ex" / f"{ex_id}.pdf", ex_id.upper(), PAGES_EACH)

    def add_exhibits(data):
        data["exhibits"] += [
            {
                "id": ex_id,
                "title": f"Supporting record {n + 1}",
                "kind": "community",
                "file": f"ex/{ex_id}.{'png' if n == 0 else 'pdf'}",
            }
            for n, ex_id in enumerate(ids)
        ]
        data["positive_factors"]["employment"]["exhibits"] = ["pay", *ids]

    return case_with_files(folder, {}, add_exhibits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as tmp:
        folder = Path(tmp)
        case = load_case(make_case(folder))
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            packet = build_packet(case, "reopen", base=folder)
            times.append(time.perf_counter() - start)
        size = sum(len(f.data) for f in packet.files)
        print(
            f"packet: {packet.pages} pages ({packet.drafted_pages} drafted), "
            f"{len(packet.exhibits)} exhibits, {len(packet.files)} file(s), {size / 1e6:.1f} MB"
        )
        print(
            f"build_packet : {statistics.median(times):6.2f} s (median of {args.runs}; "
            f"runs {', '.join(f'{t:.2f}' for t in times)})"
        )


if __name__ == "__main__":
    main()
