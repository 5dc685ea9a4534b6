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
    assert data["counts"] == {
        "drafted": len(SAMPLES),
        "skipped": 0,
        "kept": 0,
        "stale": 0,
        "failed": 0,
    }
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
    # An attorney's edit is kept and reported, not a failure; the manifest keeps both hashes.
    kept = report.results[1]
    assert kept.status == "kept" and report.ok
    assert kept.edited_sha256 == hashlib.sha256(b"attorney's edits").hexdigest()
    assert kept.sha256 and kept.sha256 != kept.edited_sha256
    assert tampered.read_bytes() == b"attorney's edits"
    # --force redrafts everything else but still keeps the edit...
    report, _ = run(tmp_path, sheet, force=True)
    assert report.results[1].status == "kept" and report.count("drafted") == len(SAMPLES) - 1
    assert tampered.read_bytes() == b"attorney's edits"
    # ... unless the edits are explicitly to be overwritten.
    report, _ = run(tmp_path, sheet, force=True, overwrite_edited=True)
    assert report.results[1].status == "drafted"
    assert tampered.read_bytes() != b"attorney's edits"


@pytest.mark.parametrize("keep", [0, 100])
def test_a_document_a_crash_cut_short_is_redrafted_not_kept(tmp_path, keep):
    # Documents are synced once per batch, not one by one: after a power failure a file the
    # manifest lists may be empty or cut off. That is not an edit, and it is drafted again.
    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows)
    first, _ = run(tmp_path, sheet)
    torn = tmp_path / "out" / first.results[2].output
    whole = torn.read_bytes()
    torn.write_bytes(whole[:keep])
    report, _ = run(tmp_path, sheet)
    assert report.results[2].status == "drafted" and report.ok
    assert torn.read_bytes() == whole
    assert report.count("skipped") == len(SAMPLES) - 1


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


def distinct_clients_sheet(tmp_path, block):
    """The sample rows as a CSV, each client with an A-number of its own (A000-BLOCK-NNN)."""
    header, rows = sample_rows()
    many = [{**r, "respondent.a_number": f"A000-{block}-{i:03d}"} for i, r in enumerate(rows)]
    return write_csv(tmp_path / "c.csv", header, many)


def test_one_worker_and_several_give_identical_outputs(tmp_path):
    sheet = distinct_clients_sheet(tmp_path, "001")
    one, _ = run(tmp_path, sheet, workers=1, out="one")
    two, _ = run(tmp_path, sheet, workers=2, out="two")
    assert one.ok and two.ok
    assert [(r.output, r.sha256) for r in one.results] == [
        (r.output, r.sha256) for r in two.results
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")
def test_workers_fork_only_when_no_other_thread_runs(tmp_path, monkeypatch):
    import threading

    import drafter.batch as batch

    if threading.active_count() != 1:
        pytest.skip("an earlier test left a thread running; this one needs a single thread")
    started = []
    real = batch._pool_context

    def watched():
        context = real()
        started.append(context.get_start_method())
        return context

    monkeypatch.setattr(batch, "_pool_context", watched)
    sheet = distinct_clients_sheet(tmp_path, "002")
    forked, _ = run(tmp_path, sheet, workers=2, out="forked")
    # As drafter serve runs a batch: from a thread, beside the server's own threads.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        served, _ = run(tmp_path, sheet, workers=2, out="served")
    finally:
        stop.set()
        other.join()
    assert started == ["fork", "forkserver"]
    assert forked.ok and served.ok
    assert [(r.output, r.sha256) for r in forked.results] == [
        (r.output, r.sha256) for r in served.results
    ]


def test_duplicate_client_is_flagged(tmp_path):
    header, rows = sample_rows()
    report, _ = run(tmp_path, write_csv(tmp_path / "c.csv", header, [rows[0], rows[0]]))
    assert report.results[0].status == "drafted"
    assert report.results[1].status == "failed"
    # The flagged row keeps its own hashes in their own fields (not shifted one along).
    first, second = report.results
    assert second.input_sha256 == first.input_sha256 and second.edited_sha256 == ""
    assert second.library_sha256 == report.library_sha256
    assert "listed twice" in second.errors[0]


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
        workers = _workers(proc.pid)
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


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read()
    except OSError:  # gone, or not ours to read
        return b""


def _workers(pid):
    """The pool's workers: forked from the batch (same command line), or from a forkserver."""
    own = _cmdline(pid)
    found = []
    for child in _descendants(pid):
        line = _cmdline(child)
        if line == own:
            found.append(child)
        elif b"forkserver" in line:
            found += _descendants(child)
    return found


def test_row_that_now_fails_leaves_its_old_document_listed_as_stale(tmp_path):
    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows)
    first, _ = run(tmp_path, sheet)
    old_output = first.results[0].output
    rows[0]["respondent.a_number"] = "not a number"
    write_csv(sheet, header, rows)
    report, _ = run(tmp_path, sheet)
    assert report.results[0].status == "failed"
    stale = [r for r in report.results if r.status == "stale"]
    assert [r.output for r in stale] == [old_output]
    assert (tmp_path / "out" / old_output).exists()  # left where it was, never deleted
    data = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert data["counts"]["stale"] == 1
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert [r["status"] for r in csv_rows] == [r["status"] for r in data["rows"]]


def test_redraft_removes_the_pdf_of_the_old_document(tmp_path):
    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows[:1])
    run(tmp_path, sheet)
    out = tmp_path / "out"
    (docx,) = out.glob("*.docx")
    fake_pdf = docx.with_suffix(".pdf")
    fake_pdf.write_bytes(b"%PDF-1.4 old")
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    data["rows"][0]["pdf"] = fake_pdf.name  # as a run with --pdf would have recorded it
    (out / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    rows[0]["positive_factors.employment.description"] = "She now runs two salons."
    write_csv(sheet, header, rows[:1])
    report, _ = run(tmp_path, sheet)
    assert report.results[0].status == "drafted"
    assert not fake_pdf.exists()


def test_journal_cut_mid_character_and_damaged_manifest_are_recovered(tmp_path):
    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows[:3])
    run(tmp_path, sheet)
    out = tmp_path / "out"
    (out / "manifest.json").write_bytes(b'{"rows": [\xff\xfe')  # damaged, not even UTF-8
    (out / ".drafter-batch.journal").write_bytes(
        b'{"row": 1, "status": "drafted", "output": "Ngu'[:-1] + "ễ".encode()[:2]
    )
    report, _ = run(tmp_path, sheet)
    assert report.ok and report.count("skipped") == 3  # recovered from manifest.csv
    assert any("damaged" in w and "manifest.csv" in w for w in report.header_warnings)


def test_only_drafters_own_temporary_files_are_cleaned(tmp_path):
    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows[:1])
    out = tmp_path / "out"
    out.mkdir()
    mine = out / ".notes.part"
    mine.write_text("the user's own file")
    leftover = out / ".X.docx.drafter-tmp-abc123.part"
    leftover.write_text("half")
    run(tmp_path, sheet)
    assert mine.exists() and not leftover.exists()


def test_missing_required_column_is_one_error_and_nothing_is_written(tmp_path):
    header, rows = sample_rows()
    header = [h for h in header if h not in ("respondent.a_number", "filing.date")]
    sheet = write_csv(tmp_path / "c.csv", header, rows)
    with pytest.raises(drafter.UserError) as err:
        run(tmp_path, sheet)
    message = str(err.value)
    assert "respondent.a_number" in message and "filing.date" in message
    assert "\n" not in message
    assert not (tmp_path / "out").exists()


def test_csv_rows_are_spreadsheet_rows_even_with_line_breaks_in_cells(tmp_path):
    header, rows = sample_rows()
    rows = [dict(r) for r in rows[:3]]
    rows[0]["positive_factors.employment.description"] = "Line one.\nLine two.\nLine three."
    rows[2]["respondent.a_number"] = "bad"
    sheet = write_csv(tmp_path / "c.csv", header, rows)
    report, _ = run(tmp_path, sheet)
    failed = [r for r in report.results if r.status == "failed"]
    assert [r.row for r in failed] == [4]  # header is row 1; the third client is row 4
    assert failed[0].errors[0].startswith("row 4")


def test_true_and_false_stay_text_in_name_columns(tmp_path):
    header, rows = sample_rows()
    rows = [dict(rows[0])]
    rows[0]["respondent.middle_name"] = "True"
    sheet = write_csv(tmp_path / "c.csv", header, rows)
    report, _ = run(tmp_path, sheet)
    assert report.ok, report.results[0].errors
    from drafter.sheet import row_data

    assert row_data({"respondent.middle_name": "True"}) == {"respondent": {"middle_name": "True"}}
    assert row_data({"respondent.detained": "TRUE"}) == {"respondent": {"detained": True}}


def test_semicolon_separated_csv_says_how_to_save(tmp_path):
    sheet = tmp_path / "c.csv"
    sheet.write_text("respondent.given_name;respondent.family_name\nAna;Pérez\n", encoding="utf-8")
    with pytest.raises(drafter.UserError, match="semicolon") as err:
        run(tmp_path, sheet)
    assert "CSV UTF-8" in (err.value.hint or "")


def test_windows_1252_csv_says_how_to_save(tmp_path):
    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows[:1])
    text = sheet.read_text(encoding="utf-8").replace("Nguyễn", "Pérez")
    sheet.write_bytes(text.encode("cp1252", errors="replace"))
    assert "é".encode("cp1252") in sheet.read_bytes()
    with pytest.raises(drafter.UserError, match="not UTF-8") as err:
        run(tmp_path, sheet)
    assert "CSV UTF-8" in (err.value.hint or "")


def _workbook(path, sheets):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, (header, rows, state) in sheets.items():
        ws = book.create_sheet(name)
        ws.append(header)
        for r in rows:
            ws.append([r.get(h) for h in header])
        ws.sheet_state = state
    book.save(path)
    return path


def test_xlsx_reads_the_active_sheet_or_the_named_one_never_a_hidden_one(tmp_path):
    header, rows = sample_rows()
    path = _workbook(
        tmp_path / "c.xlsx",
        {
            "Old": (header, rows[:2], "hidden"),
            "Clients": (header, rows[:1], "visible"),
        },
    )
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.active = 1
    book.save(path)
    report, _ = run(tmp_path, path)
    assert len(report.results) == 1
    with pytest.raises(drafter.UserError, match="hidden"):
        run(tmp_path, path, sheet_name="Old", out="o2")
    with pytest.raises(drafter.UserError, match="no worksheet"):
        run(tmp_path, path, sheet_name="Nope", out="o3")


@pytest.mark.fault
@pytest.mark.skipif(
    not os.path.exists("/proc/self/task"), reason="needs Linux /proc to find the workers"
)
def test_kill_9_of_the_main_process_leaves_no_process_behind(tmp_path):
    header, rows = sample_rows()
    many = []
    for i in range(600):
        row = dict(rows[i % 5])
        row["respondent.a_number"] = f"A{710000000 + i:09d}"
        many.append(row)
    sheet = write_csv(tmp_path / "c.csv", header, many)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "drafter", "batch", str(sheet), "-d", "pd-request"]
    cmd += ["-o", str(out), "--workers", "2"]
    for attempt in range(2):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        family: set[int] = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.1)
            family |= set(_descendants(proc.pid))
            done = len(list(out.glob("*.docx"))) if out.exists() else 0
            if done >= 20 * (attempt + 1) and len(_workers(proc.pid)) >= 2:
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        alive = set(family)
        deadline = time.monotonic() + 15
        while alive and time.monotonic() < deadline:
            time.sleep(0.2)
            alive = {p for p in alive if os.path.exists(f"/proc/{p}") and not _zombie(p)}
        assert not alive, f"processes left behind after kill -9: {sorted(alive)}"
        for docx_file in out.glob("*.docx"):
            zipfile.ZipFile(docx_file).testzip()
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["counts"]["drafted"] + data["counts"]["skipped"] == 600
    with (out / "manifest.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(data["rows"])


@pytest.mark.fault
@pytest.mark.skipif(
    not os.path.exists("/proc/self/task"), reason="needs Linux /proc to find the processes"
)
def test_kill_9_of_a_pdf_batch_leaves_no_libreoffice_behind(tmp_path, monkeypatch):
    """LibreOffice, started while the rows are drafted, dies with the batch that started it."""
    from drafter.pdf import convert_to_pdf

    need_libreoffice()
    cache = tmp_path / "cache"
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(cache))
    header, rows = sample_rows()
    warm = tmp_path / "warm"
    run(tmp_path, write_csv(tmp_path / "w.csv", header, rows[:2]), workers=2, out="warm")
    convert_to_pdf(sorted(warm.glob("*.docx")), processes=2)  # sets up two kept profiles
    many = [{**rows[i % 5], "respondent.a_number": f"A{720000000 + i:09d}"} for i in range(600)]
    sheet = write_csv(tmp_path / "c.csv", header, many)
    cmd = [sys.executable, "-m", "drafter", "batch", str(sheet), "-d", "pd-request"]
    cmd += ["-o", str(tmp_path / "out"), "--workers", "2", "--pdf"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    offices: set[int] = set()
    deadline = time.monotonic() + 60
    while len(offices) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        offices = {p for p in _descendants(proc.pid) if b"soffice" in _cmdline(p)}
    assert len(offices) == 2, "LibreOffice did not start while the rows were drafted"
    assert not list((tmp_path / "out").glob("*.pdf"))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while offices and time.monotonic() < deadline:
        time.sleep(0.2)
        offices = {p for p in offices if os.path.exists(f"/proc/{p}") and not _zombie(p)}
    assert not offices, f"LibreOffice left behind after kill -9: {sorted(offices)}"


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return False


def test_batch_template_xlsx_is_laid_out_for_a_clinic(tmp_path):
    from openpyxl import load_workbook

    from drafter.casefile import required_paths

    target = tmp_path / "clients.xlsx"
    result = CliRunner().invoke(cli, ["batch", "template", "-d", "pd-request", str(target)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[1]]
    required = required_paths()
    assert header[: len(required)] == [p for p in required if p in header]
    assert set(required) <= set(header)
    assert sheet.freeze_panes == "A2"
    assert all(c.font.bold and c.comment and c.comment.text for c in sheet[1])
    lists = {
        str(d.sqref).split(":")[0][:-1]: d.formula1 for d in sheet.data_validations.dataValidation
    }
    col = {name: sheet.cell(1, i + 1).column_letter for i, name in enumerate(header)}
    assert lists[col["respondent.pronouns"]] == '"she,he,they"'
    assert "not_in_proceedings" in lists[col["proceedings.status"]]
    dob = sheet[f"{col['respondent.date_of_birth']}2"]
    assert isinstance(dob.value, dt.datetime) and dob.number_format == "yyyy-mm-dd"
    assert "Required." in sheet[f"{col['respondent.a_number']}1"].comment.text


def test_ctrl_c_while_the_manifests_are_written_leaves_them_agreeing(tmp_path, monkeypatch):
    import drafter.batch as batch

    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows[:2])
    real = batch.atomic_writer
    calls = {"n": 0}

    @contextlib.contextmanager
    def interrupted(path):
        calls["n"] += path.name == "manifest.json"
        if path.name == "manifest.json" and calls["n"] == 1:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C between the two manifests
            os.kill(os.getpid(), signal.SIGINT)  # and again, impatiently
        with real(path) as fh:
            yield fh

    monkeypatch.setattr(batch, "atomic_writer", interrupted)
    report, _ = run(tmp_path, sheet)
    assert report.interrupted and report.stop_reason == "interrupted"
    assert calls["n"] == 1
    out = tmp_path / "out"
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    with (out / "manifest.csv").open(encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert [(r["row"], r["status"], r["sha256"]) for r in csv_rows] == [
        (str(r["row"]), r["status"], r["sha256"]) for r in data["rows"]
    ]
    assert len(csv_rows) == 2


def test_the_manifest_written_row_by_row_is_the_json_a_single_dump_gives(tmp_path):
    header, rows = sample_rows()
    rows[1]["respondent.a_number"] = "not a number"  # a failed row, with errors, in the middle
    sheet = write_csv(tmp_path / "c.csv", header, rows)
    report, _ = run(tmp_path, sheet)
    text = (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, ensure_ascii=False)
    assert [r["row"] for r in data["rows"]] == [r.row for r in report.results]
    assert data["counts"]["failed"] == 1 and data["rows"][1]["errors"]


def test_a_list_column_that_skips_an_index_names_the_columns():
    from drafter.sheet import RowError, row_data

    assert row_data({"relationships.children.0.name": "Leo"}) == {
        "relationships": {"children": [{"name": "Leo"}]}
    }
    with pytest.raises(RowError, match=r"columns relationships\.children\.N: index 0 is missing"):
        row_data({"relationships.children.1.name": "Leo"})
