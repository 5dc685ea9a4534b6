"""Batch drafting from CSV and XLSX: good and bad rows, resume, manifest, workers, defaults, PDF."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

import drafter
from drafter.batch import BatchOptions, run_batch
from drafter.casefile import read_case_data
from drafter.cli import cli
from drafter.sheet import flatten

from .conftest import SAMPLES, docx_text, need_libreoffice

TODAY = dt.date(2026, 11, 23)


def sample_rows():
    rows = [flatten(read_case_data(p)[0]) for p in SAMPLES]
    header = list(dict.fromkeys(k for r in rows for k in r))
    return header, rows


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if row.get(h) is None else row.get(h) for h in header])
    return path


def write_xlsx(path, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        cells = []
        for h in header:
            value = row.get(h)
            if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
                with contextlib.suppress(ValueError):
                    value = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
            cells.append(value)
        sheet.append(cells)
    book.save(path)
    return path


def run(tmp_path, sheet, workers=1, **kw):
    options = BatchOptions(
        sheet=sheet,
        document="pd-request",
        out_dir=tmp_path / kw.pop("out", "out"),
        workers=workers,
        today=TODAY,
        **kw,
    )
    lines: list[str] = []
    return run_batch(options, echo=lines.append), lines


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_good_row_drafted_same_as_single_render(tmp_path, kind):
    header, rows = sample_rows()
    sheet = (write_csv if kind == "csv" else write_xlsx)(tmp_path / f"clients.{kind}", header, rows)
    report, _ = run(tmp_path, sheet)
    assert report.ok, [r.errors for r in report.results]
    assert report.count("drafted") == len(SAMPLES)
    for path, result in zip(SAMPLES, report.results, strict=True):
        single = drafter.draft(drafter.load_case(path, today=TODAY), "pd-request")
        written = (tmp_path / "out" / result.output).read_bytes()
        assert written == single.docx, path.name


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_bad_rows_are_reported_and_do_not_stop_the_others(tmp_path, kind):
    header, rows = sample_rows()
    header.append("respondent.nickname")
    bad = [dict(rows[0]) for _ in range(4)]
    bad[0]["filing.date"] = "2026-02-30"
    bad[1]["respondent.nickname"] = "Annie"
    bad[2]["respondent.a_number"] = "12-34"
    bad[3]["respondent.family_name"] = ""
    writer = write_csv if kind == "csv" else write_xlsx
    sheet = writer(tmp_path / f"clients.{kind}", header, [rows[1], *bad, rows[2]])
    report, _ = run(tmp_path, sheet)
    by_row = {r.row: r for r in report.results}
    assert [by_row[n].status for n in range(2, 8)] == [
        "drafted",
        "failed",
        "failed",
        "failed",
        "failed",
        "drafted",
    ]

    def cell(path):
        if kind == "csv":
            return f"column {path}"
        return f"column {openpyxl.utils.get_column_letter(header.index(path) + 1)} ({path})"

    assert len(by_row[3].errors) == 1 and by_row[3].errors[0].startswith(
        f"row 3, {cell('filing.date')}:"
    )
    assert f"row 4, {cell('respondent.nickname')}: is not a known field" in by_row[4].errors[0]
    assert (
        by_row[5]
        .errors[0]
        .startswith(f"row 5, {cell('respondent.a_number')}: '12-34' is not an A-number")
    )
    assert (
        by_row[6].errors[0] == f"row 6, {cell('respondent.family_name')}: is required but missing"
    )
    assert report.header_warnings == [
        f"{cell('respondent.nickname')}: not a field of the case model; rows that fill it will fail"
    ]
    assert not report.ok
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8") as fh:
        manifest = list(csv.DictReader(fh))
    assert [m["status"] for m in manifest] == [
        "drafted",
        "failed",
        "failed",
        "failed",
        "failed",
        "drafted",
    ]


def test_xlsx_errors_name_the_column_letter(tmp_path):
    header, rows = sample_rows()
    row = dict(rows[0])
    row["respondent.a_number"] = "12"
    sheet = write_xlsx(tmp_path / "clients.xlsx", header, [row])
    report, _ = run(tmp_path, sheet)
    letter = openpyxl.utils.get_column_letter(header.index("respondent.a_number") + 1)
    assert report.results[0].errors[0].startswith(f"row 2, column {letter} (respondent.a_number):")


def test_manifest_hashes_match_files(tmp_path):
    header, rows = sample_rows()
    report, _ = run(tmp_path, write_csv(tmp_path / "c.csv", header, rows))
    data = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert data["counts"] == {"drafted": len(SAMPLES), "skipped": 0, "failed": 0}
    for record in data["rows"]:
        assert (
            hashlib.sha256((tmp_path / "out" / record["output"]).read_bytes()).hexdigest()
            == record["sha256"]
        )
        assert record["library_sha256"] == report.library_sha256


def test_rerun_skips_then_force_redoes(tmp_path):
    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows)
    run(tmp_path, sheet)
    report, _ = run(tmp_path, sheet)
    assert report.count("skipped") == len(SAMPLES) and report.ok
    report, _ = run(tmp_path, sheet, force=True)
    assert report.count("drafted") == len(SAMPLES)


def test_changed_row_is_redrafted_and_tampered_file_is_not_overwritten(tmp_path):
    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows)
    first, _ = run(tmp_path, sheet)
    rows[0]["positive_factors.employment.description"] = "She has managed the salon since 2020."
    write_csv(sheet, header, rows)
    report, _ = run(tmp_path, sheet)
    assert report.results[0].status == "drafted" and report.count("skipped") == len(SAMPLES) - 1
    tampered = tmp_path / "out" / report.results[1].output
    tampered.write_bytes(b"attorney's edits")
    report, _ = run(tmp_path, sheet)
    assert report.results[1].status == "failed" and "already exists" in report.results[1].errors[0]
    assert tampered.read_bytes() == b"attorney's edits"


def test_interrupted_run_resumes_without_redrafting(tmp_path, monkeypatch):
    import drafter.batch as batch

    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows)
    real = batch._draft_row
    calls = {"n": 0}

    def flaky(*args):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(batch, "_draft_row", flaky)
    report, _ = run(tmp_path, sheet)
    assert report.interrupted and report.count("drafted") == 3
    out = tmp_path / "out"
    assert not list(out.glob(".*.part"))
    assert (out / ".drafter-batch.journal").exists()
    monkeypatch.setattr(batch, "_draft_row", real)
    (out / "manifest.json").unlink()  # even without a manifest, the journal knows what was done
    report, _ = run(tmp_path, sheet)
    assert (
        report.ok and report.count("skipped") == 3 and report.count("drafted") == len(SAMPLES) - 3
    )
    assert not (out / ".drafter-batch.journal").exists()


def test_one_worker_and_several_give_identical_outputs(tmp_path):
    header, rows = sample_rows()
    many = [dict(r) for r in rows]
    for i, r in enumerate(many):
        r["respondent.a_number"] = f"A000-001-{i:03d}"
    sheet = write_csv(tmp_path / "c.csv", header, many)
    one, _ = run(tmp_path, sheet, workers=1, out="one")
    two, _ = run(tmp_path, sheet, workers=2, out="two")
    assert one.ok and two.ok
    assert [(r.output, r.sha256) for r in one.results] == [
        (r.output, r.sha256) for r in two.results
    ]


def test_duplicate_client_is_flagged(tmp_path):
    header, rows = sample_rows()
    report, _ = run(tmp_path, write_csv(tmp_path / "c.csv", header, [rows[0], rows[0]]))
    assert report.results[0].status == "drafted"
    assert report.results[1].status == "failed"


def test_defaults_fill_shared_fields(tmp_path):
    header, rows = sample_rows()
    shared = ("counsel.", "opla_office.", "filing.")
    slim_header = [h for h in header if not h.startswith(shared)]
    defaults = tmp_path / "office.json"
    office = {
        k: v
        for k, v in read_case_data(SAMPLES[0])[0].items()
        if k in ("counsel", "opla_office", "filing")
    }
    defaults.write_text(json.dumps(office), encoding="utf-8")
    represented = [r for r in rows if not r.get("self_represented")]
    sheet = write_csv(
        tmp_path / "c.csv",
        slim_header,
        [{h: v for h, v in r.items() if h in slim_header} for r in represented],
    )
    report, _ = run(tmp_path, sheet, defaults=defaults)
    assert report.ok, [r.errors for r in report.results]
    text = docx_text((tmp_path / "out" / report.results[2].output).read_bytes())
    assert "Harbor Immigration Law Clinic" in text  # counsel from the defaults
    assert "Lucía Andrea Ramírez Torres" in text  # the client from the row


def test_unusable_sheet_is_a_clear_error(tmp_path):
    with pytest.raises(drafter.UserError, match="no such spreadsheet"):
        run(tmp_path, tmp_path / "missing.csv")
    (tmp_path / "x.txt").write_text("a")
    with pytest.raises(drafter.UserError, match="expected a .csv or .xlsx"):
        run(tmp_path, tmp_path / "x.txt")
    (tmp_path / "dup.csv").write_text("respondent.given_name,respondent.given_name\nA,B\n")
    with pytest.raises(drafter.UserError, match="appears twice"):
        run(tmp_path, tmp_path / "dup.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(drafter.UserError, match="not a readable .xlsx"):
        run(tmp_path, tmp_path / "bad.xlsx")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_cli_template_then_batch(tmp_path, suffix):
    runner = CliRunner()
    target = tmp_path / f"clients.{suffix}"
    result = runner.invoke(cli, ["batch", "template", "--document", "pd-request", str(target)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli,
        [
            "batch",
            str(target),
            "--document",
            "pd-request",
            "--out",
            str(tmp_path / "out"),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 rows: 1 drafted" in result.output
    assert "progress: 1/1 rows" in result.output


def test_cli_exit_status_when_a_row_fails(tmp_path):
    header, rows = sample_rows()
    bad = dict(rows[0])
    bad["respondent.a_number"] = "nope"
    sheet = write_csv(tmp_path / "c.csv", header, [rows[1], bad])
    result = CliRunner().invoke(
        cli,
        ["batch", str(sheet), "-d", "pd-request", "-o", str(tmp_path / "out"), "--workers", "1"],
    )
    assert result.exit_code == 1
    assert "Error: " in result.output and "row 3, column respondent.a_number" in result.output
    assert "Traceback" not in result.output


def test_pdf_conversion(tmp_path):
    need_libreoffice()
    header, rows = sample_rows()
    report, lines = run(
        tmp_path, write_csv(tmp_path / "c.csv", header, rows[:3]), workers=2, pdf=True
    )
    assert report.ok, report.pdf_failures
    assert all(r.pdf and (tmp_path / "out" / r.pdf).exists() for r in report.results)
    assert any("LibreOffice process" in line for line in lines)


def _descendants(pid):
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(c) for c in fh.read().split()]
                found += kids
                stack += kids
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


@pytest.mark.skipif(
    not os.path.exists("/proc/self/task"), reason="needs Linux /proc to find the workers"
)
def test_killed_worker_leaves_no_partial_file_and_the_rerun_completes(tmp_path):
    header, rows = sample_rows()
    many = []
    for i in range(1500):
        row = dict(rows[i % 5])
        row["respondent.a_number"] = f"A{700000000 + i:09d}"
        row["respondent.given_name"] = f"Client{i}"
        many.append(row)
    sheet = write_csv(tmp_path / "c.csv", header, many)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "drafter",
        "batch",
        str(sheet),
        "-d",
        "pd-request",
        "-o",
        str(out),
        "--workers",
        "2",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        time.sleep(0.2)
        done = len(list(out.glob("*.docx"))) if out.exists() else 0
        workers = [w for p in _descendants(proc.pid) if _is_forkserver(p) for w in _descendants(p)]
        if done >= 50 and workers:
            victim = workers[0]
            os.kill(victim, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=300)
    assert victim is not None, "never saw a worker to stop"
    assert proc.returncode == 1, stderr[-2000:]
    assert "a worker process died" in stderr
    assert "Traceback" not in stderr
    assert not list(out.glob(".*.part"))
    for docx_file in out.glob("*.docx"):
        zipfile.ZipFile(docx_file).testzip()  # every file there is whole
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["counts"]["failed"] == 0
    assert data["counts"]["drafted"] + data["counts"]["skipped"] == 1500
    assert data["counts"]["skipped"] >= 50


def _is_forkserver(pid):
    """The forkserver process, whose children are the pool's workers."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"forkserver" in fh.read()
    except FileNotFoundError:
        return False
