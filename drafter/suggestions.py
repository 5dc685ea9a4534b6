"""Which documents fit a case, most useful first, and what deadline or bar stands in the way."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from .clauses import ClauseLibrary
from .deadlines import REOPEN_DAYS, REOPEN_IN_ABSENTIA_DAYS, reopen_window
from .documents import DOCUMENTS
from .drafting import compose
from .memo import build_memo
from .model import Case, EntryManner, ProceedingStatus
from .text import format_date

__all__ = ["Suggestion", "Suggestions", "suggest"]


@dataclass(frozen=True)
class Suggestion:
    """A document that fits the case: why, and what stands in its way."""

    document: str
    title: str
    why: str
    blockers: list[str] = field(default_factory=list)
    missing_evidence: list[str] = field(default_factory=list)
    verify: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Suggestions:
    """Everything ``drafter suggest`` says about a case."""

    respondent: str
    a_number: str
    as_of: str
    documents: list[Suggestion]
    deadlines: list[str]
    warnings: list[str]
    reminders: list[str]

    def to_dict(self) -> dict[str, Any]:
        """As plain data (for ``--json``)."""
        return asdict(self)

    def to_text(self) -> str:
        """For a person to read."""
        out = [f"Suggestions for {self.respondent} ({self.a_number}), as of {self.as_of}", ""]
        if not self.documents:
            out.append("No document fits this case as it stands.")
        for n, s in enumerate(self.documents, start=1):
            out.append(f"{n}. {s.document}: {s.title}")
            out.append(f"   Why: {s.why}")
            out += [f"   ! Blocked: {b}" for b in s.blockers]
            out += [f"   - Missing evidence: {m}" for m in s.missing_evidence]
            out += [f"   - Verify: {v}" for v in s.verify]
        for heading, items in (
            ("Deadlines and bars", self.deadlines),
            ("Warnings", self.warnings),
            ("Reminders", self.reminders),
        ):
            if items:
                out += ["", f"{heading}:"] + [f"  - {i}" for i in items]
        return "\n".join(out) + "\n"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def suggest(case: Case, library: ClauseLibrary, *, as_of: dt.date | None = None) -> Suggestions:
    """Suggest the documents for a case, with deadlines computed as of ``as_of`` (default: today).

    Pure apart from reading the clause library it is given: the same case, library and date give
    the same suggestions.
    """
    on = as_of or dt.date.today()
    status = case.proceedings.status
    joint = case.dhs_position.stance == "joins"
    agreeable = case.dhs_position.stance in ("joins", "does_not_oppose")
    approved_i130 = bool(case.petitions_of("I-130", "approved"))
    open_petitions = [p for p in case.petitions if p.status in ("pending", "approved")]
    ewi = case.respondent.entry.manner is EntryManner.ENTERED_WITHOUT_INSPECTION
    spouse = case.relationships.spouse
    usc_spouse = bool(spouse and spouse.married and spouse.citizenship == "usc")

    picks: list[tuple[str, str, list[str]]] = []
    deadlines: list[str] = []
    warnings: list[str] = []
    reminders: list[str] = []

    if status is ProceedingStatus.FINAL_ORDER:
        window = reopen_window(case, on)
        assert window is not None
        blockers: list[str] = []
        if window.timely:
            deadlines.append(
                f"90-day deadline to move to reopen: {format_date(window.deadline)} "
                f"({REOPEN_DAYS} days after the order of {format_date(window.order_date)}); "
                f"{_days(window.days_left)} left. Calendar days; check the court's rule for "
                "weekends and holidays."
            )
        else:
            deadlines.append(
                f"The 90-day deadline to move to reopen passed on {format_date(window.deadline)} "
                f"({_days(-window.days_left)} ago)."
            )
        if window.in_absentia and window.absentia_deadline is not None:
            left = (window.absentia_deadline - on).days
            state = f"{_days(left)} left" if left >= 0 else f"passed {_days(-left)} ago"
            deadlines.append(
                f"In absentia order: {REOPEN_IN_ABSENTIA_DAYS}-day deadline for exceptional "
                f"circumstances: {format_date(window.absentia_deadline)} ({state})."
            )
        if window.number_barred:
            deadlines.append(
                f"One-motion limit: the respondent has already filed {window.motions_filed} "
                "motion(s) to reopen."
            )
        elif window.motions_filed == 0:
            deadlines.append("One-motion limit: not yet used.")
        if joint:
            deadlines.append(
                "DHS joins: a motion agreed to by all parties and filed jointly is exempt from the "
                "time and number limits (8 C.F.R. 1003.23(b)(4)(iv))."
            )
        elif window.barred:
            blockers.append(
                "filed alone, the motion is "
                + ("number-barred" if window.number_barred else "time-barred")
                + "; ask OPLA to join (a joint motion is exempt), or ask the court to reopen "
                "on its own motion"
            )
        why = "There is a final order of removal; a motion to reopen is the way back into court."
        if joint:
            picks.append(("reopen", why + " DHS has agreed to join.", blockers))
        else:
            if case.request is not None:
                picks.append(
                    (
                        "pd-request",
                        (
                            "DHS opposes for now: a PD request can ask OPLA to reconsider and join "
                            "(a joint motion is exempt from the time and number limits)."
                            if case.dhs_position.stance == "opposes"
                            else "Ask OPLA to join a motion to reopen: its agreement lifts the time "
                            "and number limits."
                        ),
                        [],
                    )
                )
            picks.append(("reopen", why, blockers))
        reminders.append(
            "A practitioner files Form EOIR-28 with a motion to reopen (ICPM 5.1(b), 5.7(b)); "
            "include it when asking OPLA to join."
        )
        reminders.append(
            "Fee: none for a joint motion (8 C.F.R. 1003.24(b)(2)); otherwise paid to DHS with the "
            "receipt attached (8 C.F.R. 1103.7). Current amounts: verify."
            if not joint
            else "Fee: a joint motion is exempt (8 C.F.R. 1003.24(b)(2))."
        )
        reminders.append("File the motion with the body that last decided the case.")
    elif status is ProceedingStatus.ADMINISTRATIVELY_CLOSED:
        recal_why = (
            "The case is administratively closed, not decided: recalendar it (there is no final "
            "order to reopen)."
        )
        term_why = "Terminate so USCIS can adjudicate the pending or approved petition."
        if ewi and approved_i130:
            warnings.append(
                "Recalendaring ends the closure that makes the Form I-601A provisional waiver "
                "available; prefer termination or dismissal, or keep the case closed while the "
                "waiver is pending."
            )
            if case.request is not None:
                picks.append(
                    ("pd-request", "Ask OPLA to move to dismiss, or to agree to termination.", [])
                )
            picks.append(("terminate", term_why, []))
            picks.append(("recalendar", recal_why, []))
        else:
            if usc_spouse and approved_i130 and not ewi:
                recal_why += " The respondent can then adjust status before the judge."
            picks.append(("recalendar", recal_why, []))
            if open_petitions or agreeable:
                picks.append(("terminate", term_why, []))
            if case.request is not None:
                picks.append(("pd-request", "Ask OPLA for its position or for dismissal.", []))
        warnings.append(
            "Do not file a motion to reopen: an administratively closed case has no final order."
        )
    elif status is ProceedingStatus.PENDING:
        if case.request is not None:
            picks.append(
                ("pd-request", "Ask OPLA to exercise discretion while the case is pending.", [])
            )
        if open_petitions or agreeable:
            picks.append(
                (
                    "terminate",
                    "Terminate (or, with DHS, dismiss) so USCIS can adjudicate the petition or "
                    "application.",
                    [],
                )
            )
        picks.append(
            (
                "admin-close",
                "Take the case off the active docket while matters outside court are resolved.",
                [],
            )
        )
        if ewi and approved_i130:
            picks.sort(key=lambda p: 0 if p[0] == "admin-close" else 1)
            warnings.append(
                "Entered without inspection with an approved I-130: closure (or termination) is what "
                "makes the Form I-601A provisional waiver available."
            )
    elif status is ProceedingStatus.NOT_IN_PROCEEDINGS:
        if case.request is not None:
            picks.append(
                ("pd-request", "Not in proceedings: a PD request is the only filing here.", [])
            )
        warnings.append("No court motion applies: the respondent is not in removal proceedings.")
    else:
        warnings.append("The proceedings have been terminated; no motion is needed.")

    if ewi:
        warnings.append(
            "Entered without inspection: adjustment under INA 245(a) needs inspection and admission "
            "or parole, so it is available only if the respondent is grandfathered under INA 245(i) "
            "(a petition or labor certification filed by April 30, 2001). Otherwise the path is "
            "consular processing with a Form I-601A, which requires the proceedings to be closed "
            "(and not recalendared) or terminated or dismissed."
        )
        if status is ProceedingStatus.FINAL_ORDER:
            warnings.append(
                "With a final order, an I-601A first needs a conditionally approved Form I-212; and "
                "leaving the United States under the order executes it."
            )
    for removal in case.adverse_facts.prior_removals:
        if removal.kind in ("removal", "expedited_removal"):
            warnings.append(
                f"Prior removal on {format_date(removal.date)}: a later unlawful re-entry exposes the "
                "respondent to reinstatement (INA 241(a)(5)) and the permanent bar of "
                "INA 212(a)(9)(C); the I-601A is not available to those subject to reinstatement."
            )
    if case.adverse_facts.fraud_findings:
        warnings.append(
            "Fraud or misrepresentation finding: inadmissibility under INA 212(a)(6)(C)(i) may need "
            "a waiver before any green card."
        )
    if (
        spouse
        and spouse.married
        and spouse.marriage_date
        and case.proceedings.notice_to_appear_date
        and spouse.marriage_date >= case.proceedings.notice_to_appear_date
        and status in (ProceedingStatus.PENDING, ProceedingStatus.FINAL_ORDER)
        and (
            case.proceedings.final_order is None
            or spouse.marriage_date <= case.proceedings.final_order.date
        )
    ):
        warnings.append(
            "Marriage entered during proceedings: clear and convincing evidence that it is bona fide "
            "is required (INA 204(g), 245(e))."
        )

    documents = []
    for kind_id, why, blockers in picks:
        kind = DOCUMENTS[kind_id]
        problems = kind.check(case)
        missing_ev: list[str] = []
        verify: list[str] = []
        blocked = list(blockers) + [f"{p.location}: {p.message}" for p in problems]
        if not problems:
            # A clause library that fails on the case is an error, as it is for render: a
            # refused rule must stop the command, not become advice.
            memo = build_memo(compose(case, kind, library, explain=True))
            for clause in memo.clauses:
                for ev in clause.evidence:
                    if ev.missing:
                        missing_ev.append(f"{ev.kind} (for {clause.id})")
            verify = [
                f"{a.citation} ({a.status})" for a in memo.authorities if a.status != "in_force"
            ]
        title = kind.title + (" (joint, with DHS)" if kind.motion and joint else "")
        documents.append(Suggestion(kind_id, title, why, blocked, missing_ev, verify))
    r = case.respondent
    return Suggestions(
        respondent=r.full_name,
        a_number=r.a_number,
        as_of=format_date(on),
        documents=documents,
        deadlines=deadlines,
        warnings=warnings,
        reminders=reminders,
    )
