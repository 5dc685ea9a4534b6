"""The document kinds drafter produces, and what each needs from a case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import DocumentRequirementError, Problem
from .model import Case

__all__ = ["DOCUMENTS", "DocumentKind", "Section", "get_document"]


@dataclass(frozen=True)
class Section:
    """A part of a document: clauses name it in their ``section``; it may carry a heading."""

    id: str
    heading: str | None = None


def _needs_pd_request(case: Case) -> list[Problem]:
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


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document: its name, its Word template, its sections and its requirements."""

    id: str
    title: str
    template: str
    sections: tuple[Section, ...]
    description: str
    check: Callable[[Case], list[Problem]]
    agency_bound: bool = True
    """Sent to DHS or the court: adverse facts not marked for disclosure are held back."""

    def section_index(self, section: str) -> int:
        """Position of a section in the document (unknown sections sort last)."""
        for i, s in enumerate(self.sections):
            if s.id == section:
                return i
        return len(self.sections)

    def heading(self, section: str) -> str | None:
        """The heading printed above a section, if it has one."""
        return next((s.heading for s in self.sections if s.id == section), None)

    def require(self, case: Case, source: str = "case") -> None:
        """Check that the case has what this document needs.

        Raises:
            DocumentRequirementError: listing each missing field.
        """
        problems = self.check(case)
        if problems:
            lines = [f"{source}: the {self.title.lower()} needs fields the case file lacks"]
            lines += [f"  {p.location}: {p.message}" for p in problems]
            raise DocumentRequirementError("\n".join(lines))


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
        check=_needs_pd_request,
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
