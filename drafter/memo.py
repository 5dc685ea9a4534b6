"""The drafting memo: every clause considered, why it is in or out, what it cites and relies on."""

from __future__ import annotations

from dataclasses import asdict, field
from typing import Any

from .analysis import Fact
from .authorities import Authority
from .drafting import Composition
from .frozen import frozen
from .inputs import excerpt
from .law import Assessment, Conclusion, Deadline
from .text import format_date

__all__ = ["AuthorityNote", "ClauseNote", "EvidenceNote", "LawNote", "Memo", "build_memo"]


@frozen
class AuthorityNote:
    """An authority the draft cites, with the status an attorney must check."""

    id: str
    citation: str
    kind: str
    date: str | None
    status: str
    note: str
    superseded_by: str | None
    cited_in: list[str]
    warning: str | None


@frozen
class EvidenceNote:
    """A kind of evidence a clause relies on, and the exhibits the case has for it."""

    kind: str
    exhibits: list[str]

    @property
    def missing(self) -> bool:
        """Whether the case has no exhibit of this kind."""
        return not self.exhibits


@frozen
class ClauseNote:
    """One clause considered for the document."""

    id: str
    title: str
    file: str
    origin: str
    section: str
    group: str | None
    included: bool
    rule: str
    facts: list[Fact]
    cites: list[str]
    evidence: list[EvidenceNote]
    placeholders: list[str]


@frozen
class Memo:
    """What went into a draft, what stayed out, and why."""

    respondent: str
    a_number: str
    document: str
    document_title: str
    filing_date: str
    clauses: list[ClauseNote]
    authorities: list[AuthorityNote]
    held_back: list[str]
    placeholders: int
    warnings: list[str]
    before_filing: list[str] = field(default_factory=list)
    """The attorney's checklist: what the legal assessment says to do or check first."""
    law: list[LawNote] = field(default_factory=list)
    """The legal conclusions behind the document, each with its reason and authorities."""

    def to_dict(self) -> dict[str, Any]:
        """The memo as plain data (for ``--json``)."""
        data = asdict(self)
        for clause, note in zip(data["clauses"], self.clauses, strict=True):
            for ev, ev_note in zip(clause["evidence"], note.evidence, strict=True):
                ev["missing"] = ev_note.missing
        return data

    def to_text(self) -> str:
        """The memo for a person to read (Markdown)."""
        out = [
            f"# Drafting memo: {self.document_title}",
            "",
            f"- Client: {self.respondent} ({self.a_number})",
            f"- Document: {self.document}, dated {self.filing_date}",
            "- This draft is for attorney review. Check every warning below before filing.",
            "",
            "## Warnings",
            "",
        ]
        out += [f"- {w}" for w in self.warnings] or ["- None."]
        out += ["", "## Before filing", ""]
        out += [f"- [ ] {item}" for item in self.before_filing] or ["- Nothing further."]
        if self.law:
            out += ["", "## The law as assessed", ""]
            for n in self.law:
                cites = f" ({', '.join(f'`{a}`' for a in n.authorities)})" if n.authorities else ""
                out.append(f"- {n.label}: **{n.value}**. {n.reason}{cites}")
        included = [c for c in self.clauses if c.included]
        left_out = [c for c in self.clauses if not c.included]
        out += ["", f"## Included ({len(included)} clauses, in document order)", ""]
        for c in included:
            out += _clause_lines(c)
        out += ["", f"## Left out ({len(left_out)} clauses)", ""]
        for c in left_out:
            out += _clause_lines(c)
        out += ["", "## Authorities cited", ""]
        for a in self.authorities:
            date = f", {a.date}" if a.date else ""
            flag = f" **{a.warning}**" if a.warning else ""
            out.append(f"- `{a.id}`: {a.citation} ({a.kind}{date}; status: {a.status}).{flag}")
            out.append(f"  Cited in: {', '.join(a.cited_in)}.")
        if not self.authorities:
            out.append("- None.")
        out += ["", "## Held back (adverse facts not marked `disclose: true`)", ""]
        out += [f"- {h}" for h in self.held_back] or ["- None."]
        return "\n".join(out) + "\n"


@frozen
class LawNote:
    """One legal conclusion as the memo states it."""

    label: str
    value: str
    reason: str
    authorities: list[str]


def _law_notes(law: Assessment) -> list[LawNote]:
    """The conclusions that shaped the document, in the order an attorney checks them."""
    picked: list[tuple[str, Conclusion[Any]]] = [("Vehicle", law.vehicle)]
    if law.reopen.applicable.value or law.reopen.ground.value == "not_reopenable":
        picked += [
            ("Forum", law.reopen.forum),
            ("Ground to reopen", law.reopen.ground),
            ("90-day deadline", law.reopen.deadline),
            ("Fee", law.reopen.fee),
            *([("Fee amount", law.reopen.fee_amount)] if law.reopen.fee_amount.value else []),
            ("Stay", law.reopen.automatic_stay),
        ]
    if law.closure.applicable.value:
        picked += [
            ("Reason for closure", law.closure.basis),
            ("Closure generally granted", law.closure.generally_granted),
        ]
    if law.recalendar.applicable.value:
        picked += [
            ("Why recalendar", law.recalendar.purpose),
            ("Reason for closure over", law.recalendar.closure_ended),
        ]
    if law.termination.applicable.value:
        picked += [
            ("Ending the case", law.termination.disposition),
            ("Reason to end it", law.termination.reason),
        ]
    picked += [
        ("Who decides adjustment", law.adjustment.forum),
        ("Path to permanent residence", law.adjustment.path),
    ]
    if law.waiver.needed.value:
        picked.append(("I-601A provisional waiver", law.waiver.available))
    return [LawNote(label, _shown(c.value), c.reason, list(c.authorities)) for label, c in picked]


def _shown(value: Any) -> str:
    if isinstance(value, Deadline):
        return format_date(value.due)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "unknown" if value is None else str(value).replace("_", " ")


def _clause_lines(c: ClauseNote) -> list[str]:
    where = c.file if c.origin == "built-in" else f"{c.file} (from {c.origin})"
    group = f", group `{c.group}`" if c.group else ""
    lines = [f"- **{c.id}**: {c.title} [{c.section}{group}] ({where})"]
    lines.append(f"  - rule: `{c.rule}` -> {'applies' if c.included else 'does not apply'}")
    if c.facts:
        lines.append("  - facts: " + "; ".join(f"`{f.path}` = {f.value}" for f in c.facts))
    if c.cites:
        lines.append("  - cites: " + ", ".join(f"`{a}`" for a in c.cites))
    for text in c.placeholders:
        lines.append(f'  - placeholder to fill: "{text}"')
    for ev in c.evidence:
        have = ", ".join(f"Exhibit {t}" for t in ev.exhibits) if ev.exhibits else "MISSING"
        lines.append(f"  - evidence `{ev.kind}`: {have}")
    return lines


def _warning(a: Authority) -> str | None:
    if a.status == "in_force":
        return None
    if a.status == "unverified":
        return f"VERIFY: {a.short} is marked unverified. {a.note}".strip()
    later = f"; see {a.superseded_by}" if a.superseded_by else ""
    return f"NOT IN FORCE: {a.short} is {a.status}{later}. Cite it only as history."


def build_memo(comp: Composition) -> Memo:
    """Explain a composed document."""
    tabs_by_kind: dict[str, list[str]] = {}
    for tab, exhibit in comp.exhibits:
        tabs_by_kind.setdefault(exhibit.kind.value, []).append(tab)
    clauses = []
    for d in comp.selection.decisions:
        meta = d.clause.meta
        evidence = (
            [EvidenceNote(k.value, tabs_by_kind.get(k.value, [])) for k in meta.evidence]
            if d.included
            else []
        )
        clauses.append(
            ClauseNote(
                id=meta.id,
                title=meta.title,
                file=d.clause.relpath,
                origin=d.clause.origin,
                section=meta.section,
                group=meta.group,
                included=d.included,
                rule=d.rule,
                facts=list(d.facts),
                cites=comp.cited_by.get(meta.id, []) if d.included else [],
                evidence=evidence,
                placeholders=comp.placeholders.get(meta.id, []) if d.included else [],
            )
        )
    registry = comp.library.registry
    authorities = []
    for aid in comp.cited:
        a = registry[aid]
        users = [c for c, ids in comp.cited_by.items() if aid in ids]
        authorities.append(
            AuthorityNote(
                a.id,
                a.citation.replace("*", ""),
                a.kind,
                a.date,
                a.status,
                a.note,
                a.superseded_by,
                users,
                _warning(a),
            )
        )
    placeholders = sum(len(texts) for texts in comp.placeholders.values())
    warnings = [f"{a.id}: {a.warning}" for a in authorities if a.warning]
    for c in clauses:
        for ev in c.evidence:
            if ev.missing:
                warnings.append(f"{c.id} relies on `{ev.kind}` evidence, but the case lists none.")
    for c in clauses:
        for text in c.placeholders:
            warnings.append(f'{c.id} left a highlighted placeholder to fill: "{text}"')
    if comp.held_back:
        warnings.append(
            f"{len(comp.held_back)} adverse fact(s) held back from this document (listed below)."
        )
    before = [c.text for c in comp.law.cautions_for(comp.document.id)] if comp.law else []
    titles = {d.clause.id: d.clause.meta.title for d in comp.selection.decisions}
    for clause_id, count in comp.unsupported.items():
        before.append(
            f'Attach evidence for "{titles.get(clause_id, clause_id)}" ({clause_id}): '
            f"{count} statement(s) there cite no exhibit; list it under the case's exhibits."
        )
    for text in comp.placeholders.get("cover page", []):
        before.append(
            f'Fill the cover page: "{text}" (proceedings.immigration_judge), highlighted on the '
            "page; --final refuses the draft until it is given."
        )
    opla = comp.case.opla_office
    if comp.document.voice == "client" and not (opla and opla.email):
        before.append(
            "Record the OPLA office's e-mail intake address (opla_office.email): a PD request "
            "goes there, not through ECAS."
        )
    for fact in comp.untold:
        before.append(
            f"Add the client's own words (own_words) for {excerpt(fact, 60)}: this document "
            "speaks in the first person, so it leaves the fact out until they are given."
        )
    for exhibit in comp.uncited:
        before.append(
            f'Exhibit "{exhibit.title}" ({exhibit.id}) is cited nowhere in this motion, so it is '
            "neither listed nor filed with it: cite it where a fact relies on it, or leave it out."
        )
    if comp.case.dhs_position.stance == "unknown" and comp.document.motion is not None:
        before.append(
            "Ask DHS for its position and record it (dhs_position.stance): the motion says DHS "
            "has not yet stated one."
        )
    if (
        comp.document.id in ("pd-request", "reopen")
        and not any(e.kind.value == "notice_of_appearance" for e in comp.case.exhibits)
        and comp.case.counsel is not None
    ):
        before.append("Enclose counsel's Form EOIR-28 notice of appearance.")
    r = comp.case.respondent
    return Memo(
        respondent=r.full_name,
        a_number=r.a_number,
        document=comp.document.id,
        document_title=comp.document.title,
        filing_date=format_date(comp.case.filing.date),
        clauses=clauses,
        authorities=authorities,
        held_back=list(comp.held_back),
        placeholders=placeholders,
        warnings=warnings,
        before_filing=before,
        law=_law_notes(comp.law) if comp.law else [],
    )
