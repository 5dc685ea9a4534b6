"""Drafting: case and document kind -> clauses -> paragraphs -> Word document -> file."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path

from .clauses import Clause, ClauseLibrary
from .documents import DocumentKind, get_document
from .errors import TemplateError
from .model import Case, Exhibit
from .render import DocProperties, blocks, render_docx, render_text, safe_filename
from .rules import Selection, select_clauses
from .scope import ClauseScope, disclosed_only, resolve_exhibits
from .text import Paragraph, format_date, parse_markup

__all__ = ["Composition", "Draft", "builtin_dir", "compose", "draft", "load_library"]


def builtin_dir(name: str) -> Path:
    """Where the built-in ``templates``, ``clauses`` or ``samples`` live.

    In an installed wheel they ship inside the package (``drafter/_data``); in a source checkout
    they sit at the repository root.
    """
    packaged = resources.files("drafter") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / name


def load_library(overlay: Path | None = None, *, base: Path | None = None) -> ClauseLibrary:
    """Load the built-in clause library, overlaid by an attorney's directory if given."""
    return ClauseLibrary.load(base or builtin_dir("clauses"), overlay=overlay)


@dataclass(frozen=True)
class DraftView:
    """What a Word template sees as ``draft``."""

    kind: str
    title: str
    date: str
    body: list[object]
    exhibits: list[tuple[str, str]]
    service: str
    signer: str
    signer_role: str
    opla_attention: str = "Chief Counsel"
    paragraphs: list[str] = field(default_factory=list)


_SERVICE = {
    "ecas": "Via ECAS",
    "mail": "Via first-class mail",
    "hand": "By hand delivery",
    "email": "Via e-mail",
}


@dataclass(frozen=True)
class Composition:
    """A document's text before it meets a Word template, with everything that explains it."""

    case: Case
    """The case as given."""
    visible: Case
    """The case as the document may show it (undisclosed adverse facts removed)."""
    document: DocumentKind
    library: ClauseLibrary
    selection: Selection
    paragraphs: list[Paragraph]
    exhibits: list[tuple[str, Exhibit]]
    """(tab, exhibit), lettered in order of first reference."""
    cited: list[str]
    """Authority ids in order of first citation."""
    cited_by: dict[str, list[str]]
    """Authority ids each included clause cited."""
    held_back: list[str]


@dataclass(frozen=True)
class Draft(Composition):
    """A drafted document: the Word file's bytes and everything that explains them."""

    docx: bytes = b""
    filename: str = ""


def compose(case: Case, document: DocumentKind, library: ClauseLibrary) -> Composition:
    """Select and render the clauses for a document, and letter the exhibits."""
    visible, held_back = disclosed_only(case) if document.agency_bound else (case, [])
    scope = ClauseScope(visible, library.registry)
    selection = select_clauses(document, library, scope)
    names = scope.names()
    paragraphs: list[Paragraph] = []
    section = None
    for clause in selection.included:
        if clause.meta.section != section:
            section = clause.meta.section
            heading = document.heading(section)
            if heading:
                paragraphs.append(Paragraph.of("heading", heading))
        scope.current = str(clause.path)
        scope.clause_id = clause.id
        body = _render_clause_body(clause, names)
        paragraphs.extend(parse_markup(body))
    paragraphs, exhibits = resolve_exhibits(paragraphs, visible.exhibits)
    return Composition(
        case=case,
        visible=visible,
        document=document,
        library=library,
        selection=selection,
        paragraphs=paragraphs,
        exhibits=exhibits,
        cited=list(scope.cited),
        cited_by={k: list(v) for k, v in scope.cited_by.items()},
        held_back=held_back,
    )


def _render_clause_body(clause: Clause, names: dict[str, object]) -> str:
    """Render a clause body; an error's body line becomes the clause file's line."""
    try:
        return str(render_text(clause.body, names, name=str(clause.path)))
    except TemplateError as exc:
        prefix = f"{clause.path}:"
        number, _, tail = exc.message.removeprefix(prefix).partition(":")
        if exc.message.startswith(prefix) and number.isdigit():
            line = int(number) + clause.body_line - 1
            raise TemplateError(f"{clause.path}:{line}:{tail}", exc.hint) from None
        raise


def draft(
    case: Case,
    document: str,
    *,
    library: ClauseLibrary | None = None,
    template: Path | None = None,
) -> Draft:
    """Draft one document for a case.

    Args:
        case: a validated case.
        document: the document kind, e.g. ``"pd-request"``.
        library: the clause library (default: the built-in one).
        template: a Word template to render into (default: the built-in one for the kind).

    Raises:
        DrafterError: the case lacks what the document needs, a clause or the template fails.
    """
    kind = get_document(document)
    kind.require(case)
    comp = compose(case, kind, library or load_library())
    signer = case.counsel.name if case.counsel else case.respondent.full_name
    view = DraftView(
        kind=kind.id,
        title=kind.title,
        date=format_date(case.filing.date),
        body=list(blocks(comp.paragraphs)),
        exhibits=[(tab, ex.title) for tab, ex in comp.exhibits],
        service=_SERVICE[case.filing.service_method],
        signer=signer,
        signer_role="Attorney for the Respondent" if case.counsel else "Respondent, pro se",
        paragraphs=[p.plain for p in comp.paragraphs],
    )
    template_path = template or builtin_dir("templates") / kind.template
    docx = render_docx(
        template_path,
        {"case": comp.visible, "draft": view},
        properties=DocProperties(
            title=f"{kind.title}: {case.respondent.full_name} ({case.respondent.a_number})",
            subject=kind.title,
            author=signer,
            created=case.filing.date,
        ),
        source_name=str(template_path),
    )
    filename = safe_filename(
        [
            case.respondent.family_name,
            case.respondent.given_name,
            case.respondent.a_number,
            kind.id,
        ],
        ".docx",
    )
    return Draft(
        **{f.name: getattr(comp, f.name) for f in fields(Composition)}, docx=docx, filename=filename
    )
