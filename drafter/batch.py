"""Batch drafting for clinics: a document per spreadsheet row, in parallel, resumable, with a manifest.

The parent process streams rows from the sheet, keeps a bounded number in flight in a process pool,
and records each finished row in a journal; workers load the clause library and compile the Word
template once, draft and write their own files atomically, and send back a small record. A rerun
skips rows whose output still matches what the manifest recorded; an interrupted run leaves no
half-written file and can simply be run again.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import hashlib
import io
import itertools
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from .casefile import parse_case, read_case_data, required_paths
from .clauses import ClauseLibrary, clause_files
from .documents import get_document
from .drafting import builtin_dir, draft, load_library
from .errors import CaseValidationError, DrafterError, UserError
from .frozen import frozen
from .lifeline import die_with_parent
from .pdf import PdfConverter
from .render import TEMP_MARK, atomic_writer, prepare_out_dir, write_atomic
from .sheet import (
    Row,
    RowError,
    Sheet,
    flatten,
    merge,
    open_sheet,
    row_data,
    unknown_columns,
    write_sheet,
)

__all__ = [
    "BatchOptions",
    "BatchReport",
    "STATUSES",
    "RowResult",
    "batch_template",
    "library_fingerprint",
    "run_batch",
]

MANIFEST_FIELDS = [
    "row",
    "status",
    "output",
    "sha256",
    "edited_sha256",
    "input_sha256",
    "library_sha256",
    "pdf",
    "errors",
]
_JOURNAL = ".drafter-batch.journal"
_LOCK = ".drafter-batch.lock"
STATUSES = ("drafted", "skipped", "kept", "stale", "failed")
"""Row statuses: drafted now; already up to date; edited by hand and kept; from an earlier run
and no longer drafted by any row (left in place); failed."""


@frozen
class BatchOptions:
    """What to draft, from where, and how."""

    sheet: Path
    document: str
    out_dir: Path
    workers: int = 0
    """0 means one per core."""
    library: Path | None = None
    template: Path | None = None
    defaults: Path | None = None
    force: bool = False
    overwrite_edited: bool = False
    """With ``force``: replace documents someone edited since the batch wrote them, too."""
    pdf: bool = False
    today: dt.date | None = None
    sheet_name: str | None = None
    """For an XLSX workbook, the worksheet to read (default: the active one)."""


@dataclass(frozen=True, slots=True)
class RowResult:
    """What happened to one row."""

    row: int
    status: str
    """One of :data:`STATUSES`."""
    output: str = ""
    sha256: str = ""
    """The document as drafter drafted it."""
    edited_sha256: str = ""
    """For a ``kept`` row: the document as someone edited it (what is on disk)."""
    input_sha256: str = ""
    library_sha256: str = ""
    pdf: str = ""
    errors: tuple[str, ...] = ()


_RESULT_FIELDS = tuple(f.name for f in fields(RowResult))


def _as_dict(result: RowResult) -> dict[str, Any]:
    """A result's fields in order (``dataclasses.asdict`` without its deep copy)."""
    return {name: getattr(result, name) for name in _RESULT_FIELDS}


@dataclass
class BatchReport:
    """The outcome of a batch: every row's result, the manifest written, and the counts."""

    results: list[RowResult]
    manifest: Path
    library_sha256: str
    header_warnings: list[str]
    interrupted: bool = False
    pdf_failures: list[str] = field(default_factory=list)
    stop_reason: str = ""
    """Why the run stopped before the last row (``interrupted``, ``a worker process died``)."""

    def count(self, status: str) -> int:
        """How many rows ended with this status."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        """Whether no row failed, the run finished, and every PDF converted."""
        return not self.interrupted and self.count("failed") == 0 and not self.pdf_failures


# --------------------------------------------------------------------------- fingerprints


def library_fingerprint(document: str, library: Path | None, template: Path | None) -> str:
    """A hash of everything besides the row that shapes a draft: drafter, clauses, template."""
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("drafter").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"drafter-source")
    digest.update(document.encode())
    for directory in [builtin_dir("clauses"), *([library] if library else [])]:
        for path in [*clause_files(directory), directory / "authorities.yaml"]:
            if path.exists():
                digest.update(str(path.relative_to(directory)).encode())
                digest.update(path.read_bytes())
    kind = get_document(document)
    digest.update((template or builtin_dir("templates") / kind.template).read_bytes())
    return digest.hexdigest()


def _input_fingerprint(data: Any) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def _torn(path: Path, data: bytes) -> bool:
    """Whether a file holds only the start of ``data``: a write a crash cut short, not an edit.

    Documents are not synced one by one, so after a power failure a file the journal lists may
    be empty or cut off; an attorney's edit is never a strict prefix of what drafter wrote.
    """
    try:
        size = path.stat().st_size
        return size < len(data) and data.startswith(path.read_bytes()[:size])
    except OSError:
        return False


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- the worker side


@frozen
class _Job:
    document: str
    out_dir: str
    library: str | None
    template: str | None
    force: bool
    library_sha256: str
    today: dt.date | None
    owned: dict[str, str]
    """Files an earlier run of this batch wrote, with their SHA-256: safe to replace if unedited."""
    owned_pdfs: dict[str, str]
    """The PDF an earlier run made for each document, by document name."""
    overwrite_edited: bool = False
    sheet_name: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    """Field path -> the sheet column it came from (``column C (respondent.a_number)``), sent
    to each worker once rather than with every row."""
    defaults: dict[str, Any] = field(default_factory=dict)
    """Values every row shares (``--defaults``), merged under each row by the worker."""
    by_input: dict[str, dict[str, str]] = field(default_factory=dict)
    """Finished rows of earlier runs by input and library fingerprint (see :class:`_Prior`)."""


_STATE: dict[str, Any] = {}


def _worker_init(job: _Job) -> None:
    # Ctrl-C goes to the parent, which stops handing out rows; a worker finishes its row.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # If the process that started this worker dies (even by kill -9), so does the worker.
    die_with_parent()
    if os.getppid() == 1:
        os._exit(1)
    if _STATE.get("job") is not job:  # forked workers already hold the parent's library
        _setup(job)


def _setup(job: _Job, library: ClauseLibrary | None = None) -> None:
    _STATE["job"] = job
    _STATE["library"] = library or load_library(Path(job.library) if job.library else None)


def _draft_row(
    number: int, data: dict[str, Any], input_sha: str, prior: dict[str, str] | None
) -> RowResult:
    job: _Job = _STATE["job"]
    sheet_name, columns = job.sheet_name, job.columns
    out_dir = Path(job.out_dir)
    if prior and not job.force:
        previous = out_dir / prior["output"]
        if previous.exists() and _sha256_file(previous) == prior["sha256"]:
            return RowResult(
                number,
                "skipped",
                prior["output"],
                prior["sha256"],
                "",
                input_sha,
                job.library_sha256,
                prior.get("pdf", ""),
            )
        # Otherwise draft it: the new bytes tell an edit (kept) from a crash's torn write.
    try:
        case = parse_case(data, source=f"{sheet_name} row {number}", today=job.today)
        result = draft(
            case,
            job.document,
            library=_STATE["library"],
            template=Path(job.template) if job.template else None,
        )
        target = out_dir / result.filename
        sha = hashlib.sha256(result.docx).hexdigest()
        existing = _sha256_file(target) if target.exists() else None
        if existing == sha and not job.force:
            # Already there, byte for byte: e.g. written just before a worker was killed.
            return RowResult(
                number, "skipped", result.filename, sha, "", input_sha, job.library_sha256
            )
        written_before = job.owned.get(result.filename)
        torn = existing is not None and _torn(target, result.docx)
        edited = (
            existing is not None
            and written_before is not None
            and existing != written_before
            and not torn
        )
        if edited and not job.overwrite_edited:
            # This batch wrote the file and someone has changed it since: their work wins.
            pdf = prior.get("pdf", "") if prior and prior["output"] == result.filename else ""
            return RowResult(
                number,
                "kept",
                result.filename,
                sha,
                existing or "",
                input_sha,
                job.library_sha256,
                pdf,
            )
        # Replace a file only if asked, or if this batch wrote it and nobody has edited it since.
        ours = (
            existing is not None
            and written_before is not None
            and (written_before == existing or torn)
        )
        # Not synced file by file: the batch syncs once before its manifest names the files,
        # and a file a crash tore is redrafted on the resume (see _torn).
        write_atomic(target, result.docx, force=job.force or ours or edited, durable=False)
        stale_pdf = job.owned_pdfs.get(result.filename)
        if stale_pdf and existing != sha:
            # The PDF showed the old document; it would now contradict the new one.
            (out_dir / stale_pdf).unlink(missing_ok=True)
    except CaseValidationError as exc:
        errors = [f"{_where(number, p.location, columns)}: {p.message}" for p in exc.problems]
        return RowResult(
            number,
            "failed",
            input_sha256=input_sha,
            library_sha256=job.library_sha256,
            errors=tuple(errors),
        )
    except DrafterError as exc:
        return RowResult(
            number,
            "failed",
            input_sha256=input_sha,
            library_sha256=job.library_sha256,
            errors=(f"row {number}: {str(exc).splitlines()[0]}",),
        )
    return RowResult(number, "drafted", result.filename, sha, "", input_sha, job.library_sha256)


def _where(number: int, location: str, columns: dict[str, str]) -> str:
    """``row 7, column C (respondent.a_number)``: the cell a problem is in, as near as can be."""
    if location == "(top level)":
        return f"row {number}"
    if location in columns:
        return f"row {number}, {columns[location]}"
    near = [c for c in columns if c.startswith(location + ".")]
    if near:
        return f"row {number}, {columns[near[0]]}"
    return f"row {number}, {location} (no such column; add one or give it in --defaults)"


# --------------------------------------------------------------------------- the parent side


@dataclass
class _Prior:
    """What earlier runs of a batch into the same directory left on record."""

    by_input: dict[str, dict[str, str]] = field(default_factory=dict)
    """Finished rows by input and library fingerprint (to skip rows that have not changed)."""
    listed: dict[str, dict[str, str]] = field(default_factory=dict)
    """Every document earlier runs wrote, by file name (the manifest keeps listing them)."""
    warnings: list[str] = field(default_factory=list)


def _read_own(path: Path) -> str | None:
    """Read one of the batch's own files, never through a symbolic link; None if absent."""
    if path.is_symlink():
        raise UserError(
            f"{path}: is a symbolic link; drafter does not follow links for its own files",
            hint="Remove the link, or use another --out directory.",
        )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        # A journal cut off by kill -9 may end inside a character: keep what decodes.
        return fh.read().decode("utf-8", errors="replace")


def _usable(record: Any) -> bool:
    keys = ("status", "output", "sha256", "input_sha256", "library_sha256")
    return isinstance(record, dict) and all(isinstance(record.get(k), str) for k in keys)


def _load_prior(out_dir: Path) -> _Prior:
    """Earlier results: the manifest (JSON, else its CSV twin), then an interrupted run's journal."""
    prior = _Prior()
    records: list[Any] = []
    text = _read_own(out_dir / "manifest.json")
    if text is not None:
        try:
            rows = json.loads(text).get("rows", [])
            records += rows if isinstance(rows, list) else []
        except (json.JSONDecodeError, AttributeError):
            csv_text = _read_own(out_dir / "manifest.csv")
            recovered = list(csv.DictReader(io.StringIO(csv_text))) if csv_text else []
            records += recovered
            prior.warnings.append(
                f"{out_dir / 'manifest.json'}: damaged; "
                + (
                    f"recovered {len(recovered)} row(s) from manifest.csv"
                    if recovered
                    else "earlier documents there are treated as not drafted by this batch"
                )
            )
    journal = _read_own(out_dir / _JOURNAL)
    for line in (journal or "").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short when the run was killed
    for record in records:
        if not _usable(record) or not record["output"]:
            continue
        if record["status"] in ("drafted", "skipped", "kept"):
            prior.by_input[record["input_sha256"] + record["library_sha256"]] = record
        if record["status"] in ("drafted", "skipped", "kept", "stale"):
            prior.listed[record["output"]] = record
    return prior


def _clean_partials(out_dir: Path) -> None:
    """Remove drafter's own temporary files a killed run left behind (never anything else)."""
    for stale in out_dir.glob(f".*.{TEMP_MARK}*.part"):
        stale.unlink(missing_ok=True)
    for stale_dir in out_dir.glob(f".{TEMP_MARK}pdf-*"):
        if not stale_dir.is_symlink():
            shutil.rmtree(stale_dir, ignore_errors=True)


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold the output directory for this run: a second batch into it is refused."""
    path = out_dir / _LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise UserError(f"{path}: cannot create the batch's lock file: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(
                f"{out_dir}: another drafter batch is writing there now",
                hint="Wait for it to finish, or choose another --out directory.",
            ) from None
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C until the block is done (the two manifests are written as a pair)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _prepare_row(
    row: Row,
    document: str,
    defaults: dict[str, Any],
    library_sha: str,
    by_input: dict[str, dict[str, str]],
) -> tuple[Any, ...] | RowResult:
    extra = row.cells.pop("__extra__", None)
    if extra:
        return RowResult(
            row.number,
            "failed",
            library_sha256=library_sha,
            errors=(f"row {row.number}: has {extra} more cell(s) than there are column names",),
        )
    try:
        data = merge(defaults, row_data(row.cells))
    except RowError as exc:
        return RowResult(
            row.number, "failed", library_sha256=library_sha, errors=(f"row {row.number}, {exc}",)
        )
    input_sha = _input_fingerprint({"document": document, "case": data})
    return (row.number, data, input_sha, by_input.get(input_sha + library_sha))


def _draft_rows(rows: list[Row]) -> list[RowResult]:
    """A worker's share: a few rows at a time, read into case data here, not in the parent.

    Sending raw rows in small chunks keeps the parent's work per row small (it competes with
    the workers for the cores), and one pickle per chunk sends the column names once.
    """
    job: _Job = _STATE["job"]
    results = []
    for row in rows:
        task = _prepare_row(row, job.document, job.defaults, job.library_sha256, job.by_input)
        results.append(task if isinstance(task, RowResult) else _draft_row(*task))
    return results


class _Progress:
    """A progress bar on a terminal; quiet line-based progress otherwise."""

    def __init__(self, total: int | None, echo: Callable[[str], None], tty: bool) -> None:
        self.total, self.echo, self.done, self.failed = total, echo, 0, 0
        self.start = time.monotonic()
        self.last = 0.0
        self.tty = tty
        self.bar: Any = None

    def update(self, result: RowResult) -> None:
        self.done += 1
        self.failed += result.status == "failed"
        rate = self.done / max(time.monotonic() - self.start, 1e-9)
        if self.tty and self.bar is None:
            # Made with the first result, once the workers are running: tqdm starts a monitor
            # thread, and a process with a thread no longer forks its workers.
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit="row", file=sys.stderr, dynamic_ncols=True)
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update(1)
            return
        now = time.monotonic()
        if now - self.last >= 2.0 or self.done == self.total:
            self.last = now
            of = f"/{self.total}" if self.total is not None else ""
            self.echo(f"progress: {self.done}{of} rows, {self.failed} failed, {rate:.1f} rows/s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_batch(
    options: BatchOptions, *, echo: Callable[[str], None] = print, tty: bool = False
) -> BatchReport:
    """Draft one document per row of a spreadsheet.

    Raises:
        UserError: the sheet, defaults, library or template cannot be used at all (each bad row,
            by contrast, is reported in the result and does not stop the others).
    """
    kind = get_document(options.document)
    prepare_out_dir(options.out_dir)
    sheet = open_sheet(options.sheet, sheet_name=options.sheet_name)
    try:
        header_warnings = [
            f"{c.describe()}: not a field of the case model; rows that fill it will fail"
            for c in unknown_columns(sheet.columns)
        ]
        defaults: dict[str, Any] = {}
        if options.defaults is not None:
            data, _ = read_case_data(options.defaults)
            if not isinstance(data, dict):
                raise UserError(
                    f"{options.defaults}: the defaults file must be a mapping of case fields"
                )
            defaults = data
        _check_required_columns(sheet, defaults, options)
        library = load_library(options.library)  # fail fast, once, on a broken library
        template = options.template or builtin_dir("templates") / kind.template
        from .compiled import compile_template

        compile_template(template)  # and on a broken template
        library_sha = library_fingerprint(options.document, options.library, options.template)
        prepare_out_dir(options.out_dir, create=True)
        with _locked(options.out_dir), _converter(options, sheet) as converter:
            return _run_locked(
                options,
                sheet,
                defaults,
                library,
                library_sha,
                header_warnings,
                converter,
                echo,
                tty,
            )
    finally:
        sheet.close()


def _workers(options: BatchOptions) -> int:
    return options.workers or os.cpu_count() or 1


@contextlib.contextmanager
def _converter(options: BatchOptions, sheet: Sheet) -> Iterator[PdfConverter | None]:
    """With ``--pdf``, LibreOffice for the batch, starting while the rows are drafted."""
    if not options.pdf:
        yield None
        return
    workers = _workers(options)
    with PdfConverter(min(workers, sheet.total) if sheet.total else workers) as converter:
        yield converter


def _run_locked(
    options: BatchOptions,
    sheet: Sheet,
    defaults: dict[str, Any],
    library: ClauseLibrary,
    library_sha: str,
    header_warnings: list[str],
    converter: PdfConverter | None,
    echo: Callable[[str], None],
    tty: bool,
) -> BatchReport:
    _clean_partials(options.out_dir)
    prior = _load_prior(options.out_dir)
    header_warnings = [*header_warnings, *prior.warnings]
    job = _Job(
        options.document,
        str(options.out_dir),
        str(options.library) if options.library else None,
        str(options.template) if options.template else None,
        options.force,
        library_sha,
        options.today,
        {name: r["sha256"] for name, r in prior.listed.items()},
        {name: r["pdf"] for name, r in prior.listed.items() if r.get("pdf")},
        options.overwrite_edited,
        sheet.path.name,
        {c.path: c.describe() for c in sheet.columns},
        defaults,
        prior.by_input,
    )
    workers = _workers(options)
    results: dict[int, RowResult] = {}
    progress = _Progress(sheet.total, echo, tty)
    journal_path = options.out_dir / _JOURNAL
    stop_reason: str | None = None
    with _open_journal(journal_path) as journal:

        def record(result: RowResult) -> None:
            # One copy of the strings every row repeats, however long the sheet.
            shared = library_sha if result.library_sha256 == library_sha else result.library_sha256
            result = replace(result, status=sys.intern(result.status), library_sha256=shared)
            results[result.row] = result
            journal.write(json.dumps(_as_dict(result), ensure_ascii=False) + "\n")
            journal.flush()
            progress.update(result)

        try:
            _setup(job, library)  # for drafting here, and for workers forked from here
            if workers == 1:
                for row in sheet.rows:
                    for result in _draft_rows([row]):
                        record(result)
            else:
                stop_reason = _run_pool(sheet.rows, job, workers, record)
        except KeyboardInterrupt:
            stop_reason = "interrupted"
        finally:
            progress.close()
            sheet.close()
            # Every worker has stopped: a temporary file left now belongs to one that was killed.
            _clean_partials(options.out_dir)
    ordered = [results[k] for k in sorted(results)]
    results.clear()  # one list of the results from here on, however long the sheet
    _mark_duplicates(ordered)
    pdf_failures: list[str] = []
    if converter is not None and not stop_reason:
        ordered, pdf_failures = _convert_pdfs(
            ordered, options.out_dir, converter, options.force, echo
        )
    ordered += _earlier_documents(options.out_dir, ordered, prior, finished=not stop_reason)
    if any(r.status == "drafted" for r in ordered):
        os.sync()  # the documents reach the disk before the manifest that names them
    try:
        with _uninterrupted():
            _write_manifest(options.out_dir, ordered, library_sha, options)
    except KeyboardInterrupt:
        stop_reason = stop_reason or "interrupted"
    if not stop_reason:
        journal_path.unlink(missing_ok=True)
    return BatchReport(
        ordered,
        options.out_dir / "manifest.csv",
        library_sha,
        header_warnings,
        bool(stop_reason),
        pdf_failures,
        stop_reason or "",
    )


@contextlib.contextmanager
def _open_journal(path: Path) -> Iterator[Any]:
    """The journal, appended to; never through a symbolic link."""
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644
        )
    except OSError as exc:
        raise UserError(
            f"{path}: cannot write the batch journal: {exc.strerror}",
            hint="drafter does not follow symbolic links for its own files.",
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as journal:
        yield journal


def _earlier_documents(
    out_dir: Path, results: list[RowResult], prior: _Prior, *, finished: bool
) -> list[RowResult]:
    """Documents earlier runs wrote that no row produced this time, still on disk.

    A finished run lists them as ``stale`` (the row changed, failed or left the sheet; the file
    is left as it was); an interrupted one lists them as they were, for the resume.
    """
    produced = {r.output for r in results if r.output and r.status != "failed"}
    earlier = []
    for name, record in sorted(prior.listed.items()):
        if name in produced or not (out_dir / name).is_file():
            continue
        row = int(record["row"]) if str(record.get("row", "")).isdigit() else 0
        status = "stale" if finished else record["status"]
        errors = (
            (f"{name}: no row of this sheet drafts it now (the row changed, failed or is gone)",)
            if finished
            else ()
        )
        earlier.append(
            RowResult(
                row,
                status,
                name,
                record["sha256"],
                str(record.get("edited_sha256") or ""),
                record["input_sha256"],
                record["library_sha256"],
                str(record.get("pdf") or ""),
                errors if status == "stale" else (),
            )
        )
    return earlier


def _check_required_columns(sheet: Sheet, defaults: dict[str, Any], options: BatchOptions) -> None:
    """Refuse, once, a sheet that lacks a column every row needs (rather than fail every row)."""
    given = set(flatten(defaults)) | {c.path for c in sheet.columns}
    missing = [p for p in required_paths() if p not in given]
    if missing:
        where = f" or in {options.defaults}" if options.defaults else ""
        raise UserError(
            f"{options.sheet}: no column for {', '.join(missing)}, which every case needs",
            hint=f"Add the column{'s' if len(missing) > 1 else ''} to row 1{where}, "
            "or give shared values with --defaults.",
        )


_CHUNK = 8
"""Rows a worker takes at a time."""


def _pool_context() -> multiprocessing.context.BaseContext:
    """How the workers start: forked when that is safe, else from a clean forkserver.

    On Linux a process with no other thread forks its workers: they start at once, holding the
    library and template this process has already loaded (shared, copy on write). With another
    thread running (``drafter serve`` drafts a batch from a request thread), a fork could copy a
    lock that thread holds, so a forkserver (spawn on Windows, where there is none) starts them.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        # A forked child flushes its copy of the standard streams when it ends: empty them now.
        sys.stdout.flush()
        sys.stderr.flush()
        return multiprocessing.get_context("fork")
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # drafter._forkserver ties the forkserver's life to this process (kill -9 included).
    context.set_forkserver_preload(["drafter._forkserver", "drafter.batch"])
    return context


def _run_pool(
    rows: Iterator[Row],
    job: _Job,
    workers: int,
    record: Callable[[RowResult], None],
) -> str | None:
    """Hand the rows to the workers in chunks, a few per worker in flight at a time.

    Memory stays flat however long the sheet.

    Returns:
        None when every row was handed out and answered; otherwise why the run stopped early.
    """
    context = _pool_context()
    window = workers * 3
    pending: dict[Future[list[RowResult]], list[int]] = {}

    def collect(future: Future[list[RowResult]]) -> None:
        for result in _results(future, pending.pop(future)):
            record(result)

    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_init, initargs=(job,)
    ) as pool:
        try:
            while chunk := list(itertools.islice(rows, _CHUNK)):
                try:
                    future = pool.submit(_draft_rows, chunk)
                except BrokenProcessPool:
                    for f in list(pending):
                        collect(f)
                    return "a worker process died"
                pending[future] = [row.number for row in chunk]
                if len(pending) >= window:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        collect(f)
            for f in list(pending):
                collect(f)
        except KeyboardInterrupt:
            for f in pending:
                f.cancel()
            for f in [f for f in pending if not f.cancelled()]:
                collect(f)
            return "interrupted"
    return None


def _results(future: Future[list[RowResult]], rows: list[int]) -> list[RowResult]:
    try:
        return future.result()
    except BrokenProcessPool:
        return [
            RowResult(
                row,
                "failed",
                errors=(f"row {row}: the worker drafting it died; run the batch again",),
            )
            for row in rows
        ]


def _mark_duplicates(results: list[RowResult]) -> None:
    first: dict[str, int] = {}
    for i, r in enumerate(results):
        if r.status == "failed" or not r.output:
            continue
        if r.output in first:
            results[i] = RowResult(
                r.row,
                "failed",
                r.output,
                r.sha256,
                input_sha256=r.input_sha256,
                library_sha256=r.library_sha256,
                errors=(
                    f"row {r.row}: writes the same file as row {first[r.output]} ({r.output}); is the client listed twice?",
                ),
            )
        else:
            first[r.output] = r.row


def _write_manifest(
    out_dir: Path, results: list[RowResult], library_sha: str, options: BatchOptions
) -> Path:
    """Write manifest.json and manifest.csv row by row, so memory does not grow with the sheet."""
    counts = {s: sum(1 for r in results if r.status == s) for s in STATUSES}
    head = json.dumps(
        {
            "sheet": str(options.sheet),
            "document": options.document,
            "library_sha256": library_sha,
            "counts": counts,
        },
        indent=2,
        ensure_ascii=False,
    )
    with atomic_writer(out_dir / "manifest.json") as fh:
        # The summary, then "rows" one record at a time: the same JSON a single dump would give.
        fh.write(head[:-2].encode("utf-8") + b',\n  "rows": [')
        for n, r in enumerate(results):
            row = json.dumps(_as_dict(r), indent=2, ensure_ascii=False).replace("\n", "\n    ")
            fh.write((",\n    " if n else "\n    ").encode("utf-8") + row.encode("utf-8"))
        fh.write(b"\n  ]\n}" if results else b"]\n}")
    target = out_dir / "manifest.csv"
    with atomic_writer(target) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        writer = csv.DictWriter(text, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        for r in results:
            record = _as_dict(r)
            writer.writerow(
                {
                    **{k: record[k] for k in MANIFEST_FIELDS if k != "errors"},
                    "errors": " | ".join(record["errors"]),
                }
            )
        text.flush()
        text.detach()
    return target


# --------------------------------------------------------------------------- PDF conversion


def _convert_pdfs(
    results: list[RowResult],
    out_dir: Path,
    converter: PdfConverter,
    force: bool,
    echo: Callable[[str], None],
) -> tuple[list[RowResult], list[str]]:
    """Convert the batch's documents with as many LibreOffice processes as there are workers.

    A PDF is derived from its .docx: one older than the document is remade.
    """
    todo = []
    for r in results:
        if r.status not in ("drafted", "skipped", "kept"):
            continue
        docx = out_dir / r.output
        pdf = docx.with_suffix(".pdf")
        if force or not pdf.exists() or pdf.stat().st_mtime < docx.stat().st_mtime:
            todo.append(docx)
    if not todo:
        outcome: dict[Path, str | None] = {}
    else:
        processes = min(converter.processes, len(todo))
        echo(f"converting {len(todo)} document(s) to PDF with {processes} LibreOffice process(es)")
        try:
            outcome = converter.convert(todo, force=True, durable=False)  # synced below
        except UserError as exc:
            return results, [f"{len(todo)} document(s) not converted: {exc}"]
    failures: list[str] = []
    updated = []
    for r in results:
        if r.status in ("drafted", "skipped", "kept") and r.output:
            docx = out_dir / r.output
            problem = outcome.get(docx)
            pdf = docx.with_suffix(".pdf")
            if problem is None and pdf.exists():
                r = replace(r, pdf=pdf.name)
            else:
                failures.append(f"row {r.row}: {r.output} was not converted to PDF ({problem})")
        updated.append(r)
    return updated, failures


# --------------------------------------------------------------------------- sheet templates


def batch_template(document: str, path: Path, *, force: bool = False) -> Path:
    """Write the header row a document needs, with one fictional example row, as CSV or XLSX.

    The columns come from a built-in sample that fits the document, so they are the fields the
    document's clauses read; counsel, OPLA office and filing date may instead come from
    ``--defaults``.
    """
    from .casefile import load_case

    kind = get_document(document)
    samples = sorted(builtin_dir("samples").glob("*.yaml"))
    chosen = None
    for sample in samples:
        case = load_case(sample)
        if not kind.check(case):
            chosen = sample
            break
    if chosen is None:
        raise UserError(f"no built-in sample fits {document}; cannot build its columns")
    data, _ = read_case_data(chosen)
    flat = flatten(data)
    header = list(flat)
    data_bytes = write_sheet(path, header, [[flat[h] for h in header]])
    return write_atomic(path, data_bytes, force=force)
