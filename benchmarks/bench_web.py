"""Benchmark: how long ``drafter serve`` takes to render the case form and a document preview.

Not a test: it creates a store with every sample case, then times, through Flask's test client
(no network), the edit form of each and the PD letter's preview of those it fits, and prints
the medians.

    .venv/bin/python benchmarks/bench_web.py [--runs 5]
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

from drafter.web import create_app  # noqa: E402


def timed(client, path: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as tmp:
        app = create_app(Path(tmp) / "cases.sqlite3", testing=True)
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        samples = sorted((ROOT / "samples").glob("*.yaml"))
        for sample in samples:
            client.post("/cases/new", data={"mode": "sample", "sample": sample.name})
        forms, previews = [], []
        for case_id in range(1, len(samples) + 1):
            forms.append(timed(client, f"/cases/{case_id}/edit", args.runs))
            if client.get(f"/cases/{case_id}/draft/pd-request").status_code == 200:
                previews.append(timed(client, f"/cases/{case_id}/draft/pd-request", args.runs))
        print(
            f"case form          : {statistics.median(forms) * 1000:6.1f} ms (median over {len(forms)} cases)"
        )
        print(
            f"PD letter preview  : {statistics.median(previews) * 1000:6.1f} ms (median over {len(previews)} cases)"
        )
        print(
            f"case list ({len(samples)} cases): {timed(client, '/cases', args.runs) * 1000:6.1f} ms"
        )


if __name__ == "__main__":
    main()
