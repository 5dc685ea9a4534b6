"""Benchmark: batch drafting against the naive per-document docxtpl path (prints its figures).

Not a test: run it by hand on the machine you care about, then record the figures in the README.

    .venv/bin/python benchmarks/bench_batch.py [--rows 1000] [--naive-rows 200]
        [--memory-rows 10000] [--pdf-rows 60] [--repeat 3] [--document pd-request]

It generates fictional rows from the samples (obviously fictional names and A-numbers), then:
1. the fair naive path: for each row, drafter's own engine (validation, assessment, clauses)
   with its caches warm builds the context, then ``DocxTemplate(template).render(context)`` and
   ``save`` as a plain docxtpl user would;
2. ``drafter batch`` with one worker, and with every core;
3. peak memory of a whole batch of --memory-rows rows (parent and workers, summed, sampled);
4. with --pdf, documents per second end to end (and for the first --pdf batch on a machine).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402

from drafter.batch import BatchOptions, run_batch  # noqa: E402
from drafter.casefile import parse_case, read_case_data  # noqa: E402
from drafter.documents import get_document  # noqa: E402
from drafter.drafting import _view, builtin_dir, compose, load_library  # noqa: E402
from drafter.record import as_record  # noqa: E402
from drafter.sandbox import environment  # noqa: E402
from drafter.sheet import flatten, row_data  # noqa: E402

TODAY = dt.date(2026, 11, 23)


def fictional_rows(count: int, document: str) -> tuple[list[str], list[dict[str, str]]]:
    kind = get_document(document)
    bases = []
    for path in sorted((ROOT / "samples").glob("*.yaml")):
        data, _ = read_case_data(path)
        if not kind.check(parse_case(data, today=TODAY)):
            bases.append(flatten(data))
    header = list(dict.fromkeys(k for b in bases for k in b))
    rows = []
    for i in range(count):
        row = dict(bases[i % len(bases)])
        row["respondent.given_name"] = f"Client{i:05d}"
        row["respondent.a_number"] = f"A{900000000 + i:09d}"
        for key in [k for k in row if k.endswith("receipt_number")]:
            row[key] = f"SAM{i:010d}"
        for key in [k for k in row if k.endswith(".a_number") and k.startswith("family_members")]:
            row[key] = f"A{800000000 + i:09d}"
        rows.append(row)
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if row.get(h) is None else row[h] for h in header])


def naive(rows: list[dict[str, str]], document: str, out: Path) -> float:
    """The fair baseline: drafter's own engine warm, then plain docxtpl for every document.

    Per row it builds the same context drafter does (validation, the assessment, clause
    selection and text, all with drafter's caches warm), then does what a docxtpl user does:
    ``DocxTemplate(template).render(context, jinja_env=..., autoescape=True)`` and ``save()``.
    The difference from ``drafter batch`` is therefore the Word rendering and writing alone.
    """
    kind = get_document(document)
    library = load_library()
    template = builtin_dir("templates") / kind.template
    out.mkdir(parents=True, exist_ok=True)
    compose(parse_case(row_data(rows[0]), today=TODAY), kind, library)  # warm the caches
    start = time.perf_counter()
    for i, row in enumerate(rows):
        case = parse_case(row_data(row), today=TODAY)
        comp = compose(case, kind, library)
        tpl = DocxTemplate(str(template))
        tpl.render(
            {"case": as_record(comp.visible), "draft": as_record(_view(case, kind, comp))},
            jinja_env=environment(),
            autoescape=True,
        )
        buffer = io.BytesIO()
        tpl.save(buffer)
        (out / f"{i}.docx").write_bytes(buffer.getvalue())
    return len(rows) / (time.perf_counter() - start)


def batch(sheet: Path, document: str, out: Path, workers: int, pdf: bool = False) -> float:
    start = time.perf_counter()
    report = run_batch(
        BatchOptions(
            sheet=sheet, document=document, out_dir=out, workers=workers, pdf=pdf, today=TODAY
        ),
        echo=lambda _line: None,
    )
    elapsed = time.perf_counter() - start
    assert report.ok, [r.errors for r in report.results if r.errors][:3] or report.pdf_failures[:3]
    return len(report.results) / elapsed


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of a process and all its descendants, in KiB (Linux /proc).

    RSS counts a page shared by several processes (the forked workers share the preloaded
    engine) once per process; PSS divides it among them, so summed PSS is the memory the batch
    really holds. Both are reported.
    """
    pss = rss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return pss, rss


def peak_memory_mb(
    sheet: Path, document: str, out: Path, workers: int
) -> tuple[float, float, float]:
    """Run a batch in a child process; sample the process tree's memory.

    Returns:
        (peak summed PSS in MB, peak summed RSS in MB, seconds).
    """
    code = (
        "import sys, datetime as dt; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from drafter.batch import BatchOptions, run_batch;"
        "from drafter.inputs import set_input_limits;"
        "set_input_limits(max_mb=max(50, Path(sys.argv[2]).stat().st_size / 2**20 + 1));"
        "r = run_batch(BatchOptions(sheet=Path(sys.argv[2]), document=sys.argv[3], out_dir=Path(sys.argv[4]),"
        " workers=int(sys.argv[5]), today=dt.date(2026, 11, 23)), echo=lambda _l: None);"
        "sys.exit(0 if r.ok else 1)"
    )
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(ROOT), str(sheet), document, str(out), str(workers)]
    )
    peak = [0, 0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            pss, rss = tree_memory_kb(proc.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code_ = proc.wait()
    stop.set()
    sampler.join()
    assert code_ == 0, "the memory batch failed"
    return peak[0] / 1024, peak[1] / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--document", default="pd-request")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--naive-rows", type=int, default=200)
    parser.add_argument("--memory-rows", type=int, default=10000)
    parser.add_argument("--pdf-rows", type=int, default=60, help="0 skips the PDF figure")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (best is kept)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as tmp:
        work = Path(tmp)
        header, rows = fictional_rows(
            max(args.rows, args.naive_rows, args.memory_rows), args.document
        )
        sheet = work / "rows.csv"
        write_csv(sheet, header, rows[: args.rows])
        print(
            f"machine: {cores} core(s), Python {sys.version.split()[0]}; document: {args.document}"
        )
        # Interleaved rounds, best of each: the machine's speed drifts from minute to minute,
        # and a ratio of two figures taken minutes apart would measure the drift.
        rates: dict[str, list[float]] = {"naive": [], "one": [], "many": []}
        for r in range(args.repeat):
            rates["naive"].append(naive(rows[: args.naive_rows], args.document, work / f"naive{r}"))
            rates["one"].append(batch(sheet, args.document, work / f"one{r}", workers=1))
            rates["many"].append(batch(sheet, args.document, work / f"many{r}", workers=cores))
        naive_rate, one, many = (max(rates[k]) for k in ("naive", "one", "many"))
        best = f"best of {args.repeat} interleaved rounds"
        print(f"naive docxtpl path   : {naive_rate:8.1f} docs/s  ({args.naive_rows} rows, {best})")
        print(
            f"drafter batch, 1 wkr : {one:8.1f} docs/s  ({args.rows} rows)  {one / naive_rate:5.1f}x naive"
        )
        print(
            f"drafter batch, {cores} wkr : {many:8.1f} docs/s  ({args.rows} rows)  {many / naive_rate:5.1f}x naive"
        )
        big = work / "big.csv"
        write_csv(big, header, rows[: args.memory_rows])
        pss, rss, seconds = peak_memory_mb(big, args.document, work / "big", workers=cores)
        print(
            f"peak memory          : {pss:8.1f} MB PSS ({rss:.1f} MB RSS) for {args.memory_rows} rows, {cores} workers, all processes summed ({args.memory_rows / seconds:.1f} docs/s incl. start-up)"
        )
        if args.pdf_rows:
            if shutil.which("soffice") is None:
                print("pdf                  : skipped (LibreOffice not installed)")
            else:
                pdf_sheet = work / "pdf.csv"
                write_csv(pdf_sheet, header, rows[: args.pdf_rows])
                # LibreOffice's profiles are kept in drafter's cache: the first --pdf batch on a
                # machine sets them up (in a fresh cache here), later ones start LibreOffice early.
                saved = os.environ.get("DRAFTER_CACHE_DIR")
                os.environ["DRAFTER_CACHE_DIR"] = str(work / "fresh-cache")
                try:
                    first = batch(pdf_sheet, args.document, work / "pdf0", workers=cores, pdf=True)
                    rate = max(
                        batch(
                            pdf_sheet, args.document, work / f"pdf{r + 1}", workers=cores, pdf=True
                        )
                        for r in range(args.repeat)
                    )
                finally:
                    if saved is None:
                        del os.environ["DRAFTER_CACHE_DIR"]
                    else:
                        os.environ["DRAFTER_CACHE_DIR"] = saved
                print(
                    f"with --pdf, end to end: {rate:7.1f} docs/s  ({args.pdf_rows} rows, best of "
                    f"{args.repeat}; the first on a machine, setting LibreOffice's profiles up: "
                    f"{first:.1f} docs/s)"
                )


if __name__ == "__main__":
    main()
