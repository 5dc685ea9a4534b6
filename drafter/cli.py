"""The command line: click commands that parse options, call the Python API and print."""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .errors import DrafterError, UserError


class _Later:
    """A module imported when first used, so ``drafter --help`` starts without the engine."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        module = sys.modules.get(self._name)
        if module is None:
            module = _import_engine(self._name)
        return getattr(module, attr)


def _import_engine(name: str) -> Any:
    """Import the engine with Python's cycle collector paused, then set what it made aside.

    Importing the engine makes a few hundred thousand objects (modules, classes, functions,
    pydantic's schemas) that live as long as the process. The collector would scan them over
    and over while they are made, about 2% of a cold ``drafter render``, and then at every full
    collection after. ``gc.freeze`` moves them where the collector no longer looks, which is
    also what Python's documentation advises before forking workers (a batch forks its
    workers from this process): they then share these pages instead of copying them.
    """
    if not gc.isenabled():  # someone else manages the collector
        return importlib.import_module(name)
    gc.disable()
    try:
        return importlib.import_module(name)
    finally:
        gc.freeze()
        gc.enable()


if TYPE_CHECKING:
    from . import api, documents
else:
    api = _Later("drafter.api")
    documents = _Later("drafter.documents")


class _DocumentChoice(click.Choice):  # type: ignore[type-arg]
    """The document kinds, read from :mod:`drafter.documents` only when an option needs them."""

    def __init__(self) -> None:
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> Sequence[str]:
        """The document kind ids, sorted."""
        return tuple(sorted(documents.DOCUMENTS))

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:
        pass  # click.Choice sets it on creation; the kinds are read when needed


_DOCUMENT = _DocumentChoice()


class _Group(click.Group):
    """Turns every DrafterError into ``Error: ...`` on stderr and exit status 1, no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            click.echo(f"Error: {exc}", err=True)
            hint = getattr(exc, "hint", None)
            if hint:
                click.echo(f"Hint: {hint}", err=True)
            ctx.exit(1)
        except MemoryError:
            # Every input is bounded; should one still exhaust memory, say so without a dump.
            click.echo("Error: ran out of memory; nothing was written", err=True)
            ctx.exit(1)


_case_arg = click.argument("case", type=click.Path(path_type=Path))
_document_opt = click.option(
    "--document", "-d", type=_DOCUMENT, required=True, help="Which document to draft."
)


def _out_opt(help_text: str) -> Callable[[Any], Any]:
    return click.option(
        "--out", "-o", "out_dir", type=click.Path(path_type=Path), required=True, help=help_text
    )


_template_opt = click.option(
    "--template",
    type=click.Path(path_type=Path),
    help="Render into your own Word template instead of the built-in one.",
)
_library_opt = click.option(
    "--library",
    type=click.Path(path_type=Path, file_okay=False),
    help="A directory of your own clauses, overlaid on the built-in library.",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drafter")
@click.option(
    "--max-input-mb",
    type=click.FloatRange(min=0.001),
    default=None,
    help="Largest case, clause or registry file to read, in MB (default 4).",
)
def cli(max_input_mb: float | None) -> None:
    """Draft immigration prosecutorial discretion filings as Word documents.

    A case file (YAML or JSON) describes one client; drafter picks the clauses that fit, renders
    them into a Word template, and writes a .docx for attorney review.

    \b
    Start here:
        drafter init my-client.yaml
        drafter validate my-client.yaml
        drafter render my-client.yaml --document pd-request --out drafts/
    """
    api.set_input_limits(max_mb=max_input_mb)


@cli.command()
@_case_arg
@_document_opt
@_out_opt("Directory to write the .docx into (created if missing).")
@_template_opt
@_library_opt
@click.option("--memo", is_flag=True, help="Also write the drafting memo beside the .docx.")
@click.option("--pdf", is_flag=True, help="Also make a PDF with LibreOffice.")
@click.option(
    "--final",
    is_flag=True,
    help="Refuse (write nothing) while the draft holds a highlighted placeholder.",
)
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
def render(
    case: Path,
    document: str,
    out_dir: Path,
    template: Path | None,
    library: Path | None,
    memo: bool,
    pdf: bool,
    final: bool,
    force: bool,
) -> None:
    """Draft DOCUMENT for the client in CASE and write it as a Word file.

    The file is named from the client and document kind; an existing file is never overwritten
    unless --force is given.

    \b
    Example:
        drafter render samples/01-same-sex-spouse-joint-reopen.yaml \\
            --document pd-request --out drafts/
    """
    api.prepare_out_dir(out_dir)
    loaded = api.load_case(case)
    documents.get_document(document).require(loaded, source=str(case))  # errors name the file
    lib = api.load_library(library) if library else None
    result, path = api.draft_to_file(
        loaded,
        document,
        out_dir,
        force=force,
        library=lib,
        template=template,
        memo=memo,
        pdf=pdf,
        final=final,
    )
    click.echo(f"Wrote {path}")
    if memo:
        click.echo(f"Wrote {path.with_suffix('.memo.md')}")
    if pdf:
        click.echo(f"Wrote {path.with_suffix('.pdf')}")
    flagged = sum(1 for p in result.paragraphs for r in p.runs if r.flag)
    if flagged:
        click.echo(f"  {flagged} highlighted placeholder(s) for the attorney to fill.", err=True)
    if result.held_back:
        click.echo(
            f"  {len(result.held_back)} adverse fact(s) held back (not marked disclose).", err=True
        )


@cli.command()
@_case_arg
@_document_opt
@_out_opt("Directory to write the packet PDF into (created if missing).")
@_template_opt
@_library_opt
@click.option(
    "--final",
    is_flag=True,
    help="Refuse (write nothing) while an exhibit has no file or the draft a placeholder.",
)
@click.option("--pdfa", is_flag=True, help="Make PDF/A-2b (for archiving).")
@click.option(
    "--ocr",
    is_flag=True,
    help="Give scans without a text layer one, with ocrmypdf (needs ocrmypdf and Tesseract).",
)
@click.option(
    "--max-mb",
    type=click.FloatRange(min=0.1),
    default=25.0,
    show_default=True,
    help="Largest file to write, in MB; a larger packet is split between exhibits (ECAS: 25).",
)
@click.option("--memo", is_flag=True, help="Also write the drafting memo beside the packet.")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
def packet(
    case: Path,
    document: str,
    out_dir: Path,
    template: Path | None,
    library: Path | None,
    final: bool,
    pdfa: bool,
    ocr: bool,
    max_mb: float,
    memo: bool,
    force: bool,
) -> None:
    """Build the filing packet for DOCUMENT as one PDF, ready to upload.

    The motion as drafted (cover page, motion, exhibit index, proposed order, certificate of
    service), then each exhibit behind its tab page, every page numbered, with bookmarks; the
    exhibit index gives each exhibit's pages. For a PD request letter: the letter and its
    enclosures, for OPLA's e-mail intake. Exhibits come from each exhibit's file: in CASE (PDF,
    JPEG or PNG scan, DOCX or ODT); one with no file yet gets a "to be supplied" tab. Needs
    LibreOffice.

    \b
    Example:
        drafter packet my-client.yaml --document reopen --out filing/ --final
    """
    api.prepare_out_dir(out_dir)
    loaded = api.load_case(case)
    documents.get_document(document).require(loaded, source=str(case))
    built = api.build_packet(
        loaded,
        document,
        base=case.parent,
        library=api.load_library(library) if library else None,
        template=template,
        final=final,
        pdfa=pdfa,
        max_mb=max_mb,
        ocr=ocr,
    )
    for path in built.write(out_dir, memo=memo, force=force):
        click.echo(f"Wrote {path}")
    click.echo(f"{built.pages} pages; exhibits start on page {built.drafted_pages + 1}.")
    for note in built.checklist:
        click.echo(f"Before filing: {note}", err=True)


@cli.command()
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The case store (SQLite; default: drafter.sqlite3 in your data folder).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@_library_opt
@click.option(
    "--template-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder of Word templates named as the built-in ones (pd-request.docx, motion.docx ...).",
)
@click.option(
    "--set-password",
    is_flag=True,
    help="Set the password the app asks for (needed to listen on any address but this machine's).",
)
def serve(
    db: Path | None,
    host: str,
    port: int,
    library: Path | None,
    template_dir: Path | None,
    set_password: bool,
) -> None:
    """Run the web app for paralegals: cases in a browser, drafted by the same engine.

    Listens on this machine only (127.0.0.1) unless --host says otherwise; any other address
    needs a password (set it once with --set-password). The case store is one SQLite file:
    copy it to back it up, even while the app runs.

    \b
    Example:
        drafter serve                 # then open http://127.0.0.1:8000
    """
    from .web.serve import run

    run(
        db=db,
        host=host,
        port=port,
        library=library,
        template_dir=template_dir,
        set_password=set_password,
    )


@cli.command()
@_case_arg
@click.option("--document", "-d", type=_DOCUMENT, required=True, help="Which document to explain.")
@_library_opt
@click.option("--json", "as_json", is_flag=True, help="Print the memo as JSON.")
def explain(case: Path, document: str, library: Path | None, as_json: bool) -> None:
    """Print the drafting memo for DOCUMENT: every clause in or out, and why.

    For each clause: the rule, the case facts it read and their values; the authorities cited
    and their status (warning on anything not in force or unverified); the evidence each
    included clause relies on and whether the case has an exhibit for it; the adverse facts
    held back.

    \b
    Example:
        drafter explain samples/04-military-parent-disclosed-misdemeanor.yaml -d pd-request
    """
    loaded = api.load_case(case)
    memo = api.explain(loaded, document, library=api.load_library(library) if library else None)
    if as_json:
        click.echo(json.dumps(memo.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(memo.to_text(), nl=False)


@cli.command()
@_case_arg
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Compute deadlines as of this date (YYYY-MM-DD; default: today).",
)
@_library_opt
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
def suggest(case: Path, as_of: Any, library: Path | None, as_json: bool) -> None:
    """Suggest which documents fit CASE, most useful first, and what stands in the way.

    Computes the motion-to-reopen deadlines (90 days; 180 for in absentia orders on exceptional
    circumstances) and the one-motion limit, notes when a joint motion is exempt, picks
    recalendaring over reopening for a closed case, warns about entry without inspection, prior
    removals and fraud findings, and lists missing evidence and authorities to verify.

    \b
    Example:
        drafter suggest samples/02-closed-case-ewi-provisional-waiver.yaml --as-of 2026-12-01
    """
    loaded = api.load_case(case)
    lib = api.load_library(library) if library else None
    result = api.suggest(loaded, library=lib, as_of=as_of.date() if as_of else None)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(result.to_text(), nl=False)


@cli.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--document",
    "-d",
    type=_DOCUMENT,
    help="Also check that each case has what this document needs (e.g. the OPLA office).",
)
def validate(cases: tuple[Path, ...], document: str | None) -> None:
    """Check one or more case files and report every problem, with field and line.

    \b
    Example:
        drafter validate samples/*.yaml
        drafter validate clients/garcia.yaml --document reopen
    """
    failures = 0
    for path in cases:
        try:
            case = api.load_case(path)
            if document:
                documents.get_document(document).require(case, source=str(path))
        except UserError as exc:
            failures += 1
            click.echo(f"Error: {exc}", err=True)
            continue
        people = len(case.covered_people)
        click.echo(f"{path}: valid ({case.respondent.full_name}, {people} person(s) covered)")
    if failures:
        raise click.exceptions.Exit(1)


@cli.command()
@click.option("--indent", default=2, show_default=True, help="JSON indentation.")
def schema(indent: int) -> None:
    """Print the JSON Schema of case files (for editor completion and checks).

    \b
    Example:
        drafter schema > case.schema.json
    """
    click.echo(json.dumps(api.case_schema(), indent=indent, ensure_ascii=False))


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def init(file: Path, force: bool) -> None:
    """Write a commented starter case file to FILE, ready to fill in.

    \b
    Example:
        drafter init clients/garcia.yaml
    """
    api.write_starter(file, force=force)
    click.echo(f"Wrote {file}; fill it in, then run: drafter validate {file}")


@cli.command(name="documents")
def documents_cmd() -> None:
    """List the document kinds drafter can draft.

    \b
    Example:
        drafter documents
    """
    for kind in documents.DOCUMENTS.values():
        click.echo(f"{kind.id:<14} {kind.description}")


@cli.group()
def clauses() -> None:
    """Work with the clause library: list, show, copy to edit, and lint.

    \b
    Example:
        drafter clauses init my-clauses/
        drafter clauses lint --library my-clauses/
    """


@clauses.command(name="list")
@_library_opt
@click.option("--document", "-d", type=_DOCUMENT, help="Only clauses serving this document.")
def clauses_list(library: Path | None, document: str | None) -> None:
    """List the clauses: id, documents, section and title.

    \b
    Example:
        drafter clauses list --document pd-request
    """
    lib = api.load_library(library)
    for clause in lib:
        if document and document not in clause.meta.documents:
            continue
        docs = ",".join(clause.meta.documents)
        click.echo(f"{clause.id:<36} {docs:<14} {clause.meta.section:<13} {clause.meta.title}")


@clauses.command(name="show")
@click.argument("clause_id")
@_library_opt
def clauses_show(clause_id: str, library: Path | None) -> None:
    """Show one clause: where it comes from, its settings and its text.

    \b
    Example:
        drafter clauses show pd.equity.same_sex_marriage
    """
    clause = api.load_library(library).get(clause_id)
    click.echo(f"# {clause.path} ({clause.origin})")
    click.echo(clause.path.read_text(encoding="utf-8"), nl=False)


@clauses.command(name="init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
def clauses_init(directory: Path) -> None:
    """Start DIRECTORY as your firm's clause overlay, to use with --library.

    Nothing is copied: the overlay holds only the clauses you change or add, so later fixes to
    the built-in clauses still reach your drafts. In the overlay, a file with a built-in's id
    replaces it, a new id adds a clause, and `disabled: true` (with just the id) removes one.

    \b
    Example:
        drafter clauses init my-clauses/
        drafter clauses copy pd.closing my-clauses/      # then edit my-clauses/pd-request/closing.md
        drafter render case.yaml -d pd-request -o drafts/ --library my-clauses/
    """
    api.start_overlay(directory)
    click.echo(
        f"Started {directory}. Copy a clause to change it: drafter clauses copy ID {directory}"
    )


@clauses.command(name="copy")
@click.argument("clause_id")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Replace the copy already in DIRECTORY.")
def clauses_copy(clause_id: str, directory: Path, force: bool) -> None:
    """Copy the built-in clause CLAUSE_ID into your overlay DIRECTORY to edit.

    The copy records the built-in's version (based_on), and `drafter clauses lint --library
    DIRECTORY` warns when the built-in clause changes after you copied it.

    \b
    Example:
        drafter clauses copy pd.closing my-clauses/
    """
    path = api.copy_clause(clause_id, directory, force=force)
    click.echo(f"Copied {clause_id} to {path}")


@clauses.command(name="lint")
@_library_opt
@click.option(
    "--samples",
    "samples_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Case files to try every clause against (default: the built-in samples).",
)
def clauses_lint(library: Path | None, samples_dir: Path | None) -> None:
    """Check the clause library before any case is drafted.

    Errors (exit status 1): front matter problems, duplicate ids, unknown document kinds or
    sections, unknown authorities, Jinja syntax errors, variables the case model does not have
    (checked path by path), anything the sandbox forbids, clauses that fail on a sample case.
    Warnings: authorities not in force or unverified, citations not listed in front matter,
    clauses no sample case selects.

    \b
    Example:
        drafter clauses lint --library my-clauses/
    """
    report = api.lint(library, samples_dir=samples_dir)
    for problem in report.problems:
        click.echo(problem.format(), err=problem.severity == "error")
    summary = (
        f"{report.clauses} clauses: {len(report.errors)} error(s), "
        f"{len(report.warnings)} warning(s)"
    )
    if report.errors:
        click.echo(f"Error: {summary}", err=True)
        raise click.exceptions.Exit(1)
    click.echo(summary)


class _SheetGroup(click.Group):
    """``drafter batch SHEET ...`` runs a batch; ``drafter batch template ...`` writes a sheet."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=_SheetGroup)
def batch() -> None:
    """Draft a document for every client in a spreadsheet (CSV or XLSX).

    \b
    Example:
        drafter batch template --document pd-request clients.xlsx
        drafter batch clients.xlsx --document pd-request --out letters/ --defaults office.yaml
    """


@batch.command(name="run")
@click.argument("sheet", type=click.Path(path_type=Path))
@_document_opt
@_out_opt("Directory for the documents and the manifest.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default="one per core",
    help="Worker processes.",
)
@click.option(
    "--defaults",
    type=click.Path(path_type=Path),
    help="A case file with values shared by every row (counsel, OPLA office, filing date).",
)
@click.option(
    "--sheet",
    "sheet_name",
    help="For an .xlsx workbook, the worksheet to read (default: the active one).",
)
@_template_opt
@_library_opt
@click.option("--pdf", is_flag=True, help="Also convert every document to PDF with LibreOffice.")
@click.option(
    "--force",
    is_flag=True,
    help="Redraft rows whose output is already up to date, and overwrite files "
    "(documents edited by hand are still kept).",
)
@click.option(
    "--overwrite-edited",
    is_flag=True,
    help="With --force, also replace documents someone edited after the batch wrote them.",
)
def batch_run(
    sheet: Path,
    document: str,
    out_dir: Path,
    workers: int,
    defaults: Path | None,
    sheet_name: str | None,
    template: Path | None,
    library: Path | None,
    pdf: bool,
    force: bool,
    overwrite_edited: bool,
) -> None:
    """Draft DOCUMENT for every row of SHEET into --out, with a manifest.

    Columns are dotted case-field paths (respondent.family_name, relationships.children.0.name);
    empty cells are absent values; dates are YYYY-MM-DD or real spreadsheet dates. Each row is
    validated on its own: a bad row is reported with its row, column and problem, and the others
    go on. OUT/manifest.csv and manifest.json record each row's status, output, SHA-256 and input
    and library hashes. Run the same command again to resume: rows already drafted are skipped.
    The exit status is 1 if any row failed.

    \b
    Example:
        drafter batch run clients.csv --document pd-request --out letters/ --defaults office.yaml
    """
    from .batch import STATUSES, BatchOptions, run_batch

    def echo(line: str) -> None:
        click.echo(line, err=True)

    report = run_batch(
        BatchOptions(
            sheet=sheet,
            document=document,
            out_dir=out_dir,
            workers=workers,
            library=library,
            template=template,
            defaults=defaults,
            force=force,
            overwrite_edited=overwrite_edited,
            pdf=pdf,
            sheet_name=sheet_name,
        ),
        echo=echo,
        tty=sys.stderr.isatty(),
    )
    for warning in report.header_warnings:
        click.echo(f"Warning: {warning}", err=True)
    for result in report.results:
        if result.status == "kept":
            click.echo(f"Kept: {result.output} was edited by hand; not redrafted", err=True)
        elif result.status == "stale":
            click.echo(f"Stale: {' '.join(result.errors)}", err=True)
        else:
            for error in result.errors:
                click.echo(f"Error: {sheet}: {error}", err=True)
    for failure in report.pdf_failures:
        click.echo(f"Error: {failure}", err=True)
    counts = ", ".join(
        f"{report.count(s)} {s}"
        for s in STATUSES
        if s in ("drafted", "skipped", "failed") or report.count(s)
    )
    click.echo(f"{len(report.results)} rows: {counts}. Manifest: {report.manifest}")
    if report.interrupted:
        click.echo(
            f"Stopped early ({report.stop_reason}): run the same command again to resume.", err=True
        )
        raise click.exceptions.Exit(130 if report.stop_reason == "interrupted" else 1)
    if not report.ok:
        raise click.exceptions.Exit(1)


@batch.command(name="template")
@click.option(
    "--document", "-d", type=_DOCUMENT, required=True, help="The document the sheet is for."
)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def batch_template_cmd(document: str, file: Path, force: bool) -> None:
    """Write a sheet (FILE.csv or FILE.xlsx) with the columns DOCUMENT needs and one example row.

    \b
    Example:
        drafter batch template --document pd-request clients.xlsx
    """
    from .batch import batch_template

    batch_template(document, file, force=force)
    click.echo(f"Wrote {file}; replace the example row with your clients, one per row.")


def main() -> None:
    """Entry point of the ``drafter`` command."""
    try:
        cli(prog_name="drafter")
    except SystemExit as exc:
        _quick_exit(exc.code)
    _quick_exit(0)


def _quick_exit(code: object) -> NoReturn:
    """End the process as Python would, without tearing the interpreter down object by object.

    Python's own teardown frees every module and object one at a time: about 35 ms after a
    ``drafter render``, an eighth of the command. The work is done by then, so this does what a
    normal exit does that anyone could notice (the exit handlers run, which save drafter's caches;
    standard output and error are flushed; the status is the same) and then ends with
    ``os._exit``, as mypy does. It falls back to a normal exit while another thread or a child
    process is still running, which a normal exit waits for or cleans up.
    """
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        raise SystemExit(code)
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.active_children():
        raise SystemExit(code)
    status = _exit_status(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            status = status or 120  # as Python's own exit reports an output it could not flush
    os._exit(status)


def _exit_status(code: object) -> int:
    """The status ``sys.exit(code)`` ends with (printing a message code, as Python does)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(OSError, ValueError):
        print(code, file=sys.stderr)
    return 1
