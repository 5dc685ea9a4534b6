"""Drafting: case and document kind -> clauses -> paragraphs -> Word document -> file."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import field, fields
from pathlib import Path

from .clauses import Clause, ClauseLibrary
from .documents import DocumentKind, get_document
from .errors import TemplateError, UserError
from .frozen import frozen
from .law import Assessment, assess
from .model import Case, Exhibit
from .record import Record
from .render import Block, DocProperties, RichText, blocks, render_docx, rich_text, safe_filename
from .rules import Selection, select_clauses
from .sandbox import render_text
from .scope import ClauseScope, disclosed_only, resolve_exhibits
from .text import Paragraph, Run, format_date, format_time, parse_markup

__all__ = ["Composition", "Draft", "builtin_dir", "compose", "draft", "load_library"]


@functools.cache  # where the package is does not change while it runs
def builtin_dir(name: str) -> Path:
    """Where the built-in ``templates``, ``clauses`` or ``samples`` live.

    In an installed wheel they ship inside the package (``drafter/_data``); in a source checkout
    they sit at the repository root.
    """
    here = Path(__file__).resolve().parent  # a regular package (not importlib.resources: it
    packaged = here / "_data" / name  # would cost a cold start several milliseconds)
    if packaged.is_dir():
        return packaged
    return here.parent / name


def load_library(overlay: Path | None = None, *, base: Path | None = None) -> ClauseLibrary:
    """Load the built-in clause library, overlaid by an attorney's directory if given."""
    return ClauseLibrary.load(base or builtin_dir("clauses"), overlay=overlay)


@frozen
class DraftView:
    """What a Word template sees as ``draft`` (the README lists these for template authors)."""

    kind: str
    title: str
    """As filed: ``JOINT MOTION TO REOPEN`` for a joint motion, the letter's title otherwise."""
    title_words: str
    """The title in running text: ``Joint Motion to Reopen``."""
    date: str
    body: list[Block]
    exhibits: list[tuple[str, str]]
    exhibit_rows: list[tuple[str, str, str]]
    """(tab, title, pages) for the exhibit index."""
    pages_known: bool
    """Every listed exhibit's page count is known: the index shows a Pages column."""
    service: str
    service_manner: str
    served_by: str
    signer: str
    signer_role: str
    signer_eoir_id: str
    filer_lines: list[str]
    detained: str
    court: str
    people: list[tuple[str, str]]
    """Every person the filing covers, as captioned (``NGUYỄN, Ánh Thị``), with A-number."""
    respondent_label: str
    judge: RichText
    """The judge's name, or a highlighted placeholder when the case names none."""
    next_hearing: str
    joint: bool
    dhs_signer: str
    dhs_office: str
    dhs_address: str
    order: str
    opla_attention: str = "Chief Counsel"
    paragraphs: list[str] = field(default_factory=list)
    board: bool = False
    """The motion goes to the Board of Immigration Appeals (it entered the final order)."""
    tribunal: str = "IMMIGRATION COURT"
    """The caption's tribunal line: ``IMMIGRATION COURT`` or ``BOARD OF IMMIGRATION APPEALS``."""
    order_heading: str = "ORDER OF THE IMMIGRATION JUDGE"
    decider: str = "Immigration Judge"
    """Who signs the proposed order."""
    declarant: str = ""
    """The respondent's full name (a declaration's signer)."""
    language: str = ""
    """The respondent's language when it is not English: a declaration adds an interpreter's
    certificate."""
    packet: bool = False
    """Drafted for a filing packet: the footer is left to the packet's page stamps, and the
    exhibit index gives each exhibit's pages in the whole filing."""


JUDGE_PLACEHOLDER = "name of the Immigration Judge"
"""The cover page's judge line when the case names none (highlighted; ``--final`` refuses it)."""


def service_lines(case: Case, kind: DocumentKind) -> tuple[str, str]:
    """How the document goes out: the letter's "Via ..." line and the certificate's manner.

    E-mail names the address. A PD request goes to the OPLA office's e-mail intake (or by mail
    or hand), never through ECAS, which is the court's filing system.
    """
    method = case.filing.service_method
    email = case.opla_office.email if case.opla_office else None
    if kind.motion is None and method == "ecas":
        method = "email"
    if method == "email":
        to = f" to {email}" if email else ""
        return f"VIA E-MAIL{': ' + email if email else ''}", f"by e-mail{to}"
    return {
        "ecas": (
            "VIA ECAS",
            "electronically through the EOIR Courts & Appeals System (ECAS)",
        ),
        "mail": ("VIA FIRST-CLASS MAIL", "by first-class mail, postage prepaid"),
        "hand": ("BY HAND DELIVERY", "by hand delivery"),
    }[method]


def _title_words(title: str) -> str:
    small = {"to", "of", "and", "the", "a", "an", "for", "in"}
    words = (
        title.replace("RESPONDENT'S", "Respondent's")
        .replace("RESPONDENTS'", "Respondents'")
        .split()
    )
    return " ".join(
        w if not w.isupper() else (w.lower() if w.lower() in small else w.capitalize())
        for w in words
    )


def _view(
    case: Case,
    kind: DocumentKind,
    comp: Composition,
    packet_pages: Mapping[str, tuple[int, int]] | None = None,
) -> DraftView:
    counsel = case.counsel
    r = case.respondent
    if counsel:
        signer, role = counsel.name, "Attorney for the Respondent"
        filer = [counsel.name + (f" (EOIR ID {counsel.eoir_id})" if counsel.eoir_id else "")]
        filer += [counsel.firm] if counsel.firm else []
        filer += [*counsel.address.lines, counsel.phone, counsel.email, role]
    else:
        signer, role = r.full_name, "Respondent, pro se"
        filer = [r.full_name, *(r.address.lines if r.address else []), role]
    people = [(r.caption_name, r.a_number)] + [
        (
            f"{m.family_name.upper()}, {' '.join(p for p in (m.given_name, m.middle_name) if p)}",
            m.a_number,
        )
        for m in case.family_members
    ]
    proc = case.proceedings
    hearing = proc.next_hearing
    next_hearing = "None scheduled"
    if hearing:
        next_hearing = format_date(hearing.date)
        if hearing.time:
            next_hearing += f" at {format_time(hearing.time)}"
    pages_known = bool(comp.exhibits) and all(ex.pages for _, ex in comp.exhibits)
    rows, start = [], 1
    placed = packet_pages is not None and all(ex.id in packet_pages for _, ex in comp.exhibits)
    if packet_pages is not None and placed:  # each exhibit's pages in the whole filing
        pages_known = bool(comp.exhibits)
        for tab, ex in comp.exhibits:
            first, last = packet_pages[ex.id]
            rows.append((tab, ex.title, f"{first}-{last}" if last > first else str(first)))
    for tab, ex in () if placed else comp.exhibits:
        if pages_known and ex.pages:
            end = start + ex.pages - 1
            rows.append((tab, ex.title, f"{start}-{end}" if end > start else str(start)))
            start = end + 1
        else:
            rows.append((tab, ex.title, str(ex.pages) if ex.pages else ""))
    service, manner = service_lines(case, kind)
    title = kind.title_for(case, comp.law)
    board = bool(kind.id == "reopen" and comp.law and comp.law.reopen.forum.value == "board")
    office = case.opla_office
    return DraftView(
        kind=kind.id,
        title=title,
        title_words=_title_words(title),
        date=format_date(case.filing.date),
        body=blocks(comp.paragraphs, numbered=kind.numbered),
        exhibits=[(tab, ex.title) for tab, ex in comp.exhibits],
        exhibit_rows=rows,
        pages_known=pages_known,
        service=service,
        service_manner=manner,
        served_by=case.filing.served_by or signer,
        signer=signer,
        signer_role=role,
        signer_eoir_id=(counsel.eoir_id or "") if counsel else "",
        filer_lines=filer,
        detained="DETAINED" if r.detained else "NOT DETAINED",
        court=(
            "Falls Church, Virginia"
            if board
            else f"{proc.court.city}, {proc.court.state}"
            if proc.court
            else ""
        ),
        people=people,
        respondent_label="Respondents" if case.family_members else "Respondent",
        judge=rich_text(
            Paragraph.of("body", proc.immigration_judge)
            if proc.immigration_judge
            else Paragraph("body", (Run(JUDGE_PLACEHOLDER, flag=True),))
        ),
        next_hearing=next_hearing,
        joint=case.dhs_position.stance == "joins",
        dhs_signer=case.dhs_position.opla_attorney or "",
        dhs_office=office.name if office else "",
        dhs_address=", ".join(office.address.lines) if office else "",
        order=kind.order_for(case, comp.law),
        paragraphs=[p.plain for p in comp.paragraphs],
        board=board,
        tribunal="BOARD OF IMMIGRATION APPEALS" if board else "IMMIGRATION COURT",
        order_heading=(
            "ORDER OF THE BOARD OF IMMIGRATION APPEALS"
            if board
            else "ORDER OF THE IMMIGRATION JUDGE"
        ),
        decider="Board Member" if board else "Immigration Judge",
        declarant=r.full_name,
        language=r.language if r.language and r.language.lower() != "english" else "",
        packet=packet_pages is not None,
    )


@frozen
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
    placeholders: dict[str, list[str]] = field(default_factory=dict)
    """The highlighted placeholders each clause left for the attorney, by clause id."""
    law: Assessment | None = None
    """The legal assessment the clauses were chosen by (as of the filing date)."""
    unsupported: dict[str, int] = field(default_factory=dict)
    """Statements that cite no exhibit, by clause id."""
    uncited: list[Exhibit] = field(default_factory=list)
    """Exhibits a motion's body cites nowhere, so it neither lists nor files them."""
    untold: list[str] = field(default_factory=list)
    """Facts a first-person document left out for want of the client's ``own_words``."""
    numbering: list[tuple[str, int]] = field(default_factory=list)
    """(clause id, paragraph number) for each numbered paragraph, in order."""
    visible_record: Record | None = field(default=None, repr=False, compare=False)
    """``visible`` as templates see it, converted once for the clauses and the Word template."""


@frozen
class Draft(Composition):
    """A drafted document: the Word file's bytes and everything that explains them."""

    docx: bytes = b""
    filename: str = ""


def compose(
    case: Case, document: DocumentKind, library: ClauseLibrary, *, explain: bool = False
) -> Composition:
    """Select and render the clauses for a document, and letter the exhibits.

    With ``explain``, each decision records the facts its rule read, for the drafting memo.
    """
    visible, held_back = disclosed_only(case) if document.agency_bound else (case, [])
    # The law is assessed on the whole case: a held-back fact still bars what it bars.
    law = assess(case)
    letter_motion = _letter_motion(case, document, law)
    if letter_motion is not None:  # the letter encloses the draft motion it asks about
        visible = visible.model_copy(
            update={
                "exhibits": [
                    *visible.exhibits,
                    Exhibit(id=DRAFT_MOTION, title=f"Draft {letter_motion}", kind="other"),
                ]
            }
        )
    # A self-represented client writes their own letter in the first person; court motions
    # always speak of "Respondent".
    first_person = document.first_person or (document.voice == "client" and case.counsel is None)
    scope = ClauseScope(
        visible,
        library.registry,
        first_person=first_person,
        law=law,
        declaration_index=None if document.first_person else _declaration_index(case, library),
    )
    selection = select_clauses(document, library, scope, explain=explain)
    names = scope.names()
    paragraphs: list[Paragraph] = []
    placeholders: dict[str, list[str]] = {}
    numbering: list[tuple[str, int]] = []
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
        numbered = next((x.numbered for x in document.sections if x.id == section), True)
        rendered = parse_markup(body, "body" if numbered else "plain")
        flags = [r.text for p in rendered for r in p.runs if r.flag]
        if flags:
            placeholders[clause.id] = flags
        paragraphs.extend(rendered)
        for par in rendered:
            if document.numbered and par.style == "body":
                numbering.append((clause.id, len(numbering) + 1))
    listed = visible.exhibits
    if document.motion is not None:
        # Form EOIR-28 goes on top of a motion, not behind an exhibit tab (the memo says so).
        listed = [e for e in listed if e.kind.value != "notice_of_appearance"]
    motion = document.motion is not None
    cited_only = motion or document.first_person  # an index or a declaration: only what it cites
    board = law.reopen.forum.value == "board" and document.id == "reopen"
    if motion and not board and not case.proceedings.immigration_judge:
        placeholders["cover page"] = [JUDGE_PLACEHOLDER]
    paragraphs, exhibits = resolve_exhibits(paragraphs, listed, cited_only=cited_only)
    enclosed = {e.id for _, e in exhibits}
    uncited = [e for e in listed if e.id not in enclosed]
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
        placeholders=placeholders,
        law=law,
        unsupported=dict(scope.unsupported),
        uncited=uncited,
        untold=list(dict.fromkeys(scope.untold)),
        numbering=numbering,
        visible_record=names["case"],
    )


DRAFT_MOTION = "draft-motion"
"""The id of the draft motion a letter encloses (see :func:`_letter_motion`)."""


def _letter_motion(case: Case, document: DocumentKind, law: Assessment) -> str | None:
    """The motion a PD letter asks OPLA to join or not oppose, as titled in running text."""
    found = letter_motion(case, document, law)
    if found is None:
        return None
    kind, joint = found
    return _title_words(get_document(kind).title_for(case, law, joint=joint))


def letter_motion(case: Case, document: DocumentKind, law: Assessment) -> tuple[str, bool] | None:
    """The kind of motion a PD letter encloses in draft, and whether it is a joint motion."""
    if document.voice != "client" or case.request is None:
        return None
    relief = str(case.request.relief)
    kind = case.request.motion
    if kind is None:
        if relief == "join_motion_to_reopen" or (
            relief == "non_opposition" and case.proceedings.final_order is not None
        ):
            kind = "reopen"
        elif relief == "administrative_closure":
            kind = "admin-close"
    if kind is None or relief == "dismissal":
        return None
    if get_document(kind).check(case):
        return None
    return kind, relief == "join_motion_to_reopen" or case.dhs_position.stance == "joins"


def require_filled(comp: Composition, document: str) -> None:
    """Refuse a draft that still holds a highlighted placeholder (``--final``).

    Raises:
        UserError: a placeholder is left; the message quotes the first few.
    """
    left = [text for texts in comp.placeholders.values() for text in texts]
    if left:
        shown = "; ".join(f'"{t}"' for t in left[:3]) + (" ..." if len(left) > 3 else "")
        raise UserError(
            f"{document}: {len(left)} highlighted placeholder(s) still to fill ({shown}); "
            "nothing written",
            hint="Give the facts in the case file, or drop --final to write a working draft.",
        )


def _declaration_index(
    case: Case, library: ClauseLibrary
) -> Callable[[], dict[str, tuple[tuple[int, str], ...]]]:
    """The respondent's declaration's paragraphs by clause id, drafted once, on first use."""
    return functools.cache(lambda: declaration_paragraphs(case, library))


def declaration_paragraphs(
    case: Case, library: ClauseLibrary
) -> dict[str, tuple[tuple[int, str], ...]]:
    """The numbered paragraphs of the respondent's declaration each clause wrote, with text."""
    kind = get_document("declaration")
    comp = compose(case, kind, library)
    body = [p.plain for p in comp.paragraphs if p.style == "body"]
    numbers: dict[str, tuple[tuple[int, str], ...]] = {}
    for clause_id, number in comp.numbering:
        numbers[clause_id] = (*numbers.get(clause_id, ()), (number, body[number - 1]))
    return numbers


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
    explain: bool = False,
    packet_pages: Mapping[str, tuple[int, int]] | None = None,
) -> Draft:
    """Draft one document for a case.

    Args:
        case: a validated case.
        document: the document kind, e.g. ``"pd-request"``.
        library: the clause library (default: the built-in one).
        template: a Word template to render into (default: the built-in one for the kind).
        explain: record the facts behind each clause decision (needed for the memo).
        packet_pages: for a filing packet, the first and last page of each listed exhibit (by
            id) in the whole filing; the footer is then left to the packet's page stamps.

    Raises:
        DrafterError: the case lacks what the document needs, a clause or the template fails.
    """
    kind = get_document(document)
    kind.require(case)
    comp = compose(case, kind, library or load_library(), explain=explain)
    view = _view(case, kind, comp, packet_pages)
    template_path = template or builtin_dir("templates") / kind.template
    docx = render_docx(
        template_path,
        {"case": comp.visible_record or comp.visible, "draft": view},
        properties=DocProperties(
            title=f"{kind.title}: {case.respondent.full_name} ({case.respondent.a_number})",
            subject=kind.title,
            author=view.signer,
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
