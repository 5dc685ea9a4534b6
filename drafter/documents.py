"""The document kinds drafter produces, and what each needs from a case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from .errors import DocumentRequirementError, Problem
from .frozen import frozen
from .law import Assessment, assess
from .model import Case, ProceedingStatus

__all__ = ["DOCUMENTS", "DocumentKind", "MotionTitles", "Section", "get_document"]


@frozen
class Section:
    """A part of a document: clauses name it in their ``section``; it may carry a heading."""

    id: str
    heading: str | None = None
    numbered: bool = True
    """Its paragraphs are numbered when the document numbers paragraphs (a declaration's
    opening and attestation are not)."""


@frozen
class MotionTitles:
    """How a motion is titled, on its own or filed jointly with DHS, and what its order grants."""

    alone: str
    joint: str
    order: str
    """What the proposed order does if granted, e.g. 'these proceedings are REOPENED'."""
    rescind_alone: str | None = None
    rescind_joint: str | None = None
    rescind_order: str | None = None
    """For a motion to reopen that asks to rescind an in absentia order (ICPM 5.9)."""
    from_law: Callable[[Assessment], MotionTitles] | None = None
    """Titles that follow the legal assessment (termination: dismiss or terminate, and whether a
    closed case is recalendared in the same motion)."""


def _pd_request_needs(case: Case) -> list[Problem]:
    problems = []
    if case.opla_office is None:
        problems.append(
            Problem(
                "opla_office",
                "a PD request letter is addressed to an OPLA office; give its name and address",
            )
        )
    if case.request is None:
        problems.append(
            Problem(
                "request.relief",
                "say what the letter asks OPLA to do (dismissal, administrative_closure, "
                "join_motion_to_reopen or non_opposition)",
            )
        )
    return problems


def _motion_needs(*statuses: ProceedingStatus) -> Callable[[Case], list[Problem]]:
    def check(case: Case) -> list[Problem]:
        problems = []
        status = case.proceedings.status
        if status not in statuses:
            wanted = " or ".join(s.value for s in statuses)
            problems.append(
                Problem(
                    "proceedings.status",
                    f"this motion is for a case that is {wanted}, but the case is {status.value}",
                )
            )
        if case.opla_office is None:
            problems.append(
                Problem(
                    "opla_office",
                    "a motion is served on the OPLA office; give its name and address",
                )
            )
        if case.dhs_position.stance == "joins" and not case.dhs_position.opla_attorney:
            problems.append(
                Problem("dhs_position.opla_attorney", "a joint motion needs DHS's signer")
            )
        return problems

    return check


_MOTION_SECTIONS = (
    Section("introduction"),
    Section("facts", "STATEMENT OF FACTS"),
    Section("law", "LAW AND ARGUMENT"),
    Section("dhs_position", "POSITION OF THE DEPARTMENT OF HOMELAND SECURITY"),
    Section("conclusion", "CONCLUSION"),
)


@frozen
class DocumentKind:
    """A kind of document: its name, its Word template, its sections and its requirements."""

    id: str
    title: str
    template: str
    sections: tuple[Section, ...]
    description: str
    check: Callable[[Case], list[Problem]]
    motion: MotionTitles | None = None
    """Set for court motions: they are filed as packets (cover page, motion, order, service)."""
    agency_bound: bool = True
    """Sent to DHS or the court: adverse facts not marked for disclosure are held back."""
    voice: Literal["third", "client", "first"] = "third"
    """Who speaks: ``third`` (motions: "Respondent"), ``client`` (a letter: counsel, or the
    client in the first person when self-represented), ``first`` (the client's declaration)."""
    numbered: bool = False
    """Body paragraphs are numbered (motions, declarations)."""

    @property
    def first_person(self) -> bool:
        """Whether this kind always speaks as the client."""
        return self.voice == "first"

    def section_index(self, section: str) -> int:
        """Position of a section in the document (unknown sections sort last)."""
        for i, s in enumerate(self.sections):
            if s.id == section:
                return i
        return len(self.sections)

    def heading(self, section: str) -> str | None:
        """The heading printed above a section, if it has one."""
        return next((s.heading for s in self.sections if s.id == section), None)

    def _titles(self, law: Assessment | None) -> MotionTitles | None:
        titles = self.motion
        if titles and titles.from_law and law:
            return titles.from_law(law)
        return titles

    def title_for(
        self, case: Case, law: Assessment | None = None, *, joint: bool | None = None
    ) -> str:
        """The document's title as filed: joint when DHS joins; rescission when the ground is.

        ``joint`` overrides DHS's recorded stance (a letter asking OPLA to join names the joint
        motion it proposes).
        """
        titles = self._titles(law)
        if titles is None:
            return self.title
        rescind = bool(law and law.reopen.rescission.value and titles.rescind_alone)
        if joint is None:
            joint = case.dhs_position.stance == "joins"
        if joint:
            return (titles.rescind_joint if rescind else None) or titles.joint
        alone = (titles.rescind_alone if rescind else None) or titles.alone
        if case.family_members:  # the motion speaks for every respondent it covers
            return alone.replace("RESPONDENT'S", "RESPONDENTS'", 1)
        return alone

    def order_for(self, case: Case, law: Assessment | None = None) -> str:
        """What the proposed order grants, matching the motion's title."""
        titles = self._titles(law)
        if titles is None:
            return ""
        if law and law.reopen.rescission.value and titles.rescind_order:
            return titles.rescind_order
        return titles.order

    def require(self, case: Case, source: str = "case") -> None:
        """Check that the case has what this document needs.

        Raises:
            DocumentRequirementError: listing each missing field.
        """
        problems = self.check(case)
        if problems:
            lines = [f"{source}: the {self.title.lower()} needs what the case file lacks"]
            lines += [f"  {p.location}: {p.message}" for p in problems]
            raise DocumentRequirementError("\n".join(lines))


def _declaration_needs(case: Case) -> list[Problem]:
    if case.proceedings.status is ProceedingStatus.NOT_IN_PROCEEDINGS:
        return [
            Problem(
                "proceedings.status",
                "a declaration is filed with a motion in removal proceedings, and this client is "
                "not in proceedings",
            )
        ]
    return []


def _termination_needs(case: Case) -> list[Problem]:
    problems = _motion_needs(ProceedingStatus.PENDING, ProceedingStatus.ADMINISTRATIVELY_CLOSED)(
        case
    )
    if problems:
        return problems
    t = assess(case).termination
    if t.disposition.value != "dismiss" and t.reason.value == "none_found":
        problems.append(
            Problem(
                "petitions",
                "a motion to terminate needs a reason the case file shows: relief USCIS can "
                "grant (a pending or approved petition), a U visa petition, consular processing, "
                "or DHS joining (dhs_position.stance: joins) to move to dismiss",
            )
        )
    return problems


def _termination_titles(law: Assessment) -> MotionTitles:
    """Dismissal (DHS's motion, 239.2(c)) or termination, recalendaring a closed case first."""
    t = law.termination
    verb, done = (
        ("DISMISS", "DISMISSED")
        if t.disposition.value == "dismiss"
        else ("TERMINATE", "TERMINATED")
    )
    if t.recalendar_first.value:
        verb, done = f"RECALENDAR AND {verb}", f"RECALENDARED and {done}"
    under = " under 8 C.F.R. \u00a7\u00a01239.2(c)" if t.disposition.value == "dismiss" else ""
    return MotionTitles(
        alone=f"RESPONDENT'S MOTION TO {verb} PROCEEDINGS",
        joint=f"JOINT MOTION TO {verb} PROCEEDINGS",
        order=f"these proceedings are {done} without prejudice{under}",
    )


_S = ProceedingStatus

DOCUMENTS: dict[str, DocumentKind] = {
    "pd-request": DocumentKind(
        id="pd-request",
        title="Request for Prosecutorial Discretion",
        template="pd-request.docx",
        description="Letter asking ICE's Office of the Principal Legal Advisor to exercise "
        "prosecutorial discretion",
        sections=(
            Section("introduction"),
            Section("background", "Background"),
            Section("equities", "Factors Favoring Discretion"),
            Section("adverse", "Criminal and Immigration History"),
            Section("discretion", "Why Discretion Is Warranted"),
            Section("request", "Request"),
            Section("closing"),
        ),
        check=_pd_request_needs,
        voice="client",
    ),
    "admin-close": DocumentKind(
        id="admin-close",
        title="Motion to Administratively Close",
        template="motion.docx",
        description="Motion to administratively close pending removal proceedings "
        "(8 C.F.R. 1003.18(c))",
        sections=_MOTION_SECTIONS,
        numbered=True,
        check=_motion_needs(_S.PENDING),
        motion=MotionTitles(
            alone="RESPONDENT'S MOTION TO ADMINISTRATIVELY CLOSE PROCEEDINGS",
            joint="JOINT MOTION TO ADMINISTRATIVELY CLOSE PROCEEDINGS",
            order="these proceedings are ADMINISTRATIVELY CLOSED",
        ),
    ),
    "reopen": DocumentKind(
        id="reopen",
        title="Motion to Reopen",
        template="motion.docx",
        description="Motion to reopen after a final order; joint when DHS joins "
        "(8 C.F.R. 1003.23(b))",
        sections=_MOTION_SECTIONS,
        numbered=True,
        check=_motion_needs(_S.FINAL_ORDER),
        motion=MotionTitles(
            alone="RESPONDENT'S MOTION TO REOPEN",
            joint="JOINT MOTION TO REOPEN",
            order="these proceedings are REOPENED",
            rescind_alone="RESPONDENT'S MOTION TO RESCIND IN ABSENTIA ORDER AND REOPEN",
            rescind_joint="JOINT MOTION TO RESCIND IN ABSENTIA ORDER AND REOPEN",
            rescind_order="the in absentia order is RESCINDED and these proceedings are REOPENED",
        ),
    ),
    "recalendar": DocumentKind(
        id="recalendar",
        title="Motion to Recalendar",
        template="motion.docx",
        description="Motion to put an administratively closed case back on the active docket",
        sections=_MOTION_SECTIONS,
        numbered=True,
        check=_motion_needs(_S.ADMINISTRATIVELY_CLOSED),
        motion=MotionTitles(
            alone="RESPONDENT'S MOTION TO RECALENDAR",
            joint="JOINT MOTION TO RECALENDAR",
            order="these proceedings are RECALENDARED and placed on the active docket",
        ),
    ),
    "terminate": DocumentKind(
        id="terminate",
        title="Motion to Terminate",
        template="motion.docx",
        description="Motion to terminate so USCIS can adjudicate relief; DHS's motion to dismiss "
        "when it agrees (8 C.F.R. 1003.18(d), 239.2(c))",
        sections=_MOTION_SECTIONS,
        numbered=True,
        check=_termination_needs,
        motion=MotionTitles(
            alone="RESPONDENT'S MOTION TO TERMINATE PROCEEDINGS",
            joint="JOINT MOTION TO DISMISS PROCEEDINGS",
            order="these proceedings are TERMINATED without prejudice",
            from_law=_termination_titles,
        ),
    ),
    "declaration": DocumentKind(
        id="declaration",
        title="Declaration",
        template="declaration.docx",
        description="The respondent's declaration under penalty of perjury (28 U.S.C. 1746), in "
        "the first person, for a motion's exhibits",
        sections=(
            Section("introduction", numbered=False),
            Section("facts"),
            Section("attestation", numbered=False),
        ),
        check=_declaration_needs,
        voice="first",
        numbered=True,
    ),
}


def get_document(kind: str) -> DocumentKind:
    """The document kind with this id.

    Raises:
        DocumentRequirementError: no such kind.
    """
    try:
        return DOCUMENTS[kind]
    except KeyError:
        known = ", ".join(DOCUMENTS)
        raise DocumentRequirementError(f"unknown document kind {kind!r} (known: {known})") from None
