"""The public Python API: what scripts and the command line call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .casefile import load_case, parse_case
from .clauses import ClauseLibrary
from .documents import get_document
from .drafting import Draft, builtin_dir, compose, draft, load_library, require_filled
from .errors import OutputExistsError, UserError
from .inputs import set_input_limits
from .model import Case
from .render import prepare_out_dir, write_atomic

if TYPE_CHECKING:  # imported when first used, so drafting one document starts faster
    from .lint import LintReport
    from .memo import Memo
    from .packet import Packet, build_packet
    from .suggestions import Suggestions

__all__ = [
    "Packet",
    "build_packet",
    "copy_clause",
    "prepare_out_dir",
    "start_overlay",
    "set_input_limits",
    "Draft",
    "builtin_dir",
    "case_schema",
    "lint",
    "draft",
    "draft_to_file",
    "explain",
    "load_case",
    "load_library",
    "parse_case",
    "starter_text",
    "suggest",
    "write_starter",
]


def __getattr__(name: str) -> Any:
    # The packet pulls in PDF tooling: imported when first asked for, not for every draft.
    if name in ("Packet", "build_packet"):
        from . import packet

        return getattr(packet, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def case_schema() -> dict[str, Any]:
    """The JSON Schema of a case file."""
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "drafter case file"
    return schema


def starter_text() -> str:
    """The commented starter case file that ``drafter init`` writes."""
    return (Path(__file__).resolve().parent / "starter.yaml").read_text(encoding="utf-8")


def write_starter(path: Path, *, force: bool = False) -> Path:
    """Write the starter case file to ``path`` (never over an existing file unless ``force``)."""
    return write_atomic(Path(path), starter_text().encode("utf-8"), force=force)


OVERLAY_REGISTRY = """\
# Authorities your clauses cite that the built-in registry lacks, or entries of it you replace
# (same id). Each needs its real citation, date and status; see the built-in authorities.yaml.
[]
"""


def start_overlay(directory: Path) -> Path:
    """Start an empty overlay directory for an attorney's own clauses.

    Built-in clauses are not copied: an overlay holds only what the firm changes or adds, so
    every later fix to a built-in clause still reaches the firm's drafts. Copy one clause to
    change it with :func:`copy_clause`.

    Raises:
        OutputExistsError: the directory exists and is not empty.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise OutputExistsError(f"{directory}: is a file, not a directory")
    if directory.exists() and any(directory.iterdir()):
        raise OutputExistsError(f"{directory}: is not empty; nothing written")
    return write_atomic(directory / "authorities.yaml", OVERLAY_REGISTRY.encode("utf-8"))


def copy_clause(clause_id: str, directory: Path, *, force: bool = False) -> Path:
    """Copy one built-in clause into an overlay to edit, recording ``based_on: ID@VERSION``.

    Raises:
        ClauseError: no built-in clause has that id.
        OutputExistsError: the overlay already has the file, and ``force`` is false.
    """
    base = builtin_dir("clauses")
    clause = load_library(base=base).get(clause_id)
    text = clause.path.read_text(encoding="utf-8")
    front_end = text.index("\n---", 3)
    stamped = (
        text[:front_end]
        + f"\nbased_on: {clause.id}@{clause.meta.version}  # the built-in this copy came from"
        + text[front_end:]
    )
    target = Path(directory) / clause.path.relative_to(base)
    return write_atomic(target, stamped.encode("utf-8"), force=force)


def lint(library: Path | None = None, *, samples_dir: Path | None = None) -> LintReport:
    """Lint the built-in clause library, or an attorney's overlay on it, against the samples."""
    from .lint import lint_library

    samples = sorted((samples_dir or builtin_dir("samples")).glob("*.y*ml"))
    samples += sorted((samples_dir or builtin_dir("samples")).glob("*.json"))
    return lint_library(builtin_dir("clauses"), overlay=library, samples=samples)


def suggest(
    case: Case, *, library: ClauseLibrary | None = None, as_of: dt.date | None = None
) -> Suggestions:
    """Which documents fit the case, most useful first, with deadlines computed as of ``as_of``."""
    from .suggestions import suggest as _suggest

    return _suggest(case, library or load_library(), as_of=as_of)


def explain(case: Case, document: str, *, library: ClauseLibrary | None = None) -> Memo:
    """The drafting memo for a document, without rendering Word: what goes in, what stays out, why.

    Raises:
        DrafterError: the case lacks what the document needs, or a clause fails.
    """
    from .memo import build_memo

    kind = get_document(document)
    kind.require(case)
    return build_memo(compose(case, kind, library or load_library(), explain=True))


def draft_to_file(
    case: Case,
    document: str,
    out_dir: Path | str,
    *,
    force: bool = False,
    library: ClauseLibrary | None = None,
    template: Path | None = None,
    memo: bool = False,
    pdf: bool = False,
    final: bool = False,
) -> tuple[Draft, Path]:
    """Draft a document and write it into ``out_dir`` atomically.

    With ``final``, a draft that still holds a highlighted placeholder is refused (nothing is
    written): a filing-ready document has every fact filled in.

    With ``memo``, the drafting memo is written beside it as ``<name>.memo.md``; with ``pdf``,
    LibreOffice makes ``<name>.pdf``. Every target is checked before anything is written, so an
    existing file (or a missing LibreOffice) stops the whole write.

    Raises:
        OutputExistsError: a target exists and ``force`` is false (nothing is written).
        UserError: ``final`` and a placeholder is left, or ``pdf`` is asked for but LibreOffice
            is not installed (nothing is written), or the conversion failed (the .docx is kept).
    """
    result = draft(case, document, library=library, template=template, explain=memo)
    if final:
        require_filled(result, document)
    target = Path(out_dir) / result.filename
    targets = [target]
    if memo:
        targets.append(target.with_suffix(".memo.md"))
    if pdf:
        from .pdf import convert_to_pdf, require_soffice

        targets.append(target.with_suffix(".pdf"))
        require_soffice()
    if not force:
        for path in targets:
            if path.exists():
                raise OutputExistsError(
                    f"{path}: already exists; not overwritten", hint="Pass --force to replace it."
                )
    write_atomic(target, result.docx, force=force)
    if memo:
        from .memo import build_memo

        write_atomic(targets[1], build_memo(result).to_text().encode("utf-8"), force=force)
    if pdf:
        problem = convert_to_pdf([target], force=force)[target]
        if problem:
            raise UserError(f"{target}: written, but not converted to PDF: {problem}")
    return result, target
