"""Which documents fit a case, most useful first, and what deadline or bar stands in the way."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, field
from typing import Any

from .clauses import ClauseLibrary
from .documents import DOCUMENTS
from .drafting import compose
from .frozen import frozen
from .law import Assessment, assess
from .memo import build_memo
from .model import Case
from .text import format_date

__all__ = ["Suggestion", "Suggestions", "suggest"]


@frozen
class Suggestion:
    """A document that fits the case: why, and what stands in its way."""

    document: str
    title: str
    why: str
    blockers: list[str] = field(default_factory=list)
    missing_evidence: list[str] = field(default_factory=list)
    verify: list[str] = field(default_factory=list)


@frozen
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


Pick = tuple[str, str, list[str]]


def suggest(case: Case, library: ClauseLibrary, *, as_of: dt.date | None = None) -> Suggestions:
    """Suggest the documents for a case, with deadlines computed as of ``as_of`` (default: today).

    A view of the legal assessment (:func:`drafter.law.assess`): it draws no legal conclusion
    of its own. Pure apart from reading the clause library it is given.
    """
    on = as_of or dt.date.today()
    law = assess(case, on)
    joint = law.reopen.ground.value == "joint"
    picks, warnings = _picks(case, law)
    deadlines = _deadline_lines(law, on)
    warnings += [c.text for c in law.cautions if c.text not in warnings]
    reminders = _reminders(law)

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


def _picks(case: Case, law: Assessment) -> tuple[list[Pick], list[str]]:
    """The documents that fit, most useful first, and the warnings about the vehicle."""
    picks: list[Pick] = []
    warnings: list[str] = []
    vehicle = law.vehicle.value
    reopen = law.reopen
    agreeable = case.dhs_position.stance in ("joins", "does_not_oppose")
    open_petitions = [p for p in case.petitions if p.status in ("pending", "approved")]
    consular = law.waiver.needed.value
    if vehicle == "motion_to_reopen":
        if not reopen.applicable.value:
            warnings.append(reopen.ground.reason + " Do not offer a motion to reopen.")
            if case.request is not None:
                picks.append(
                    ("pd-request", "Ask ICE to exercise discretion (a stay of removal).", [])
                )
            return picks, warnings
        why = reopen.applicable.reason
        blockers: list[str] = []
        if reopen.barred.value:
            bar = "number-barred" if reopen.number_barred.value else "time-barred"
            blockers.append(
                f"filed alone, the motion is {bar}; ask OPLA to join (a joint motion is exempt), "
                "or ask the court to reopen on its own motion, which it does only in exceptional "
                "situations"
            )
        if reopen.ground.value == "joint":
            picks.append(("reopen", why + " DHS has agreed to join.", blockers))
        else:
            if case.request is not None:
                if reopen.barred.value:
                    ask = (
                        "Ask OPLA to join the motion: only a jointly filed motion escapes the "
                        "limits this one meets."
                        + (" DHS opposes for now." if case.dhs_position.stance == "opposes" else "")
                    )
                else:
                    ask = (
                        "Ask OPLA not to oppose, or to join, the motion: DHS's position weighs "
                        "with the court. File the motion on time whatever OPLA answers."
                    )
                picks.append(("pd-request", ask, []))
            if not reopen.barred.value:
                # A motion with a ground and a deadline comes first: OPLA may not answer in time.
                why += " " + reopen.ground.reason
                picks.insert(0, ("reopen", why, blockers))
            else:
                picks.append(("reopen", why, blockers))
    elif vehicle == "motion_to_recalendar":
        recal_why = law.vehicle.reason
        term_why = (
            "Move to recalendar and terminate in one motion (or, with DHS, to recalendar and "
            "dismiss). " + law.termination.reason.reason
        )
        if consular:  # the assessment's caution says why recalendaring alone is wrong
            if case.request is not None:
                picks.append(
                    ("pd-request", "Ask OPLA to move to dismiss, or to agree to termination.", [])
                )
            picks.append(("terminate", term_why, []))
            picks.append(("recalendar", recal_why, []))
        else:
            if law.adjustment.path.value == "adjust_before_judge":
                recal_why += " The respondent can then adjust status before the judge."
            picks.append(("recalendar", recal_why, []))
            if open_petitions or agreeable:
                picks.append(("terminate", term_why, []))
            if case.request is not None:
                picks.append(("pd-request", "Ask OPLA for its position or for dismissal.", []))
        warnings.append(
            "Do not file a motion to reopen: an administratively closed case has no final order."
        )
    elif vehicle == "motion_in_pending_case":
        if case.request is not None:
            picks.append(
                ("pd-request", "Ask OPLA to exercise discretion while the case is pending.", [])
            )
        if open_petitions or agreeable:
            picks.append(
                (
                    "terminate",
                    "Terminate (or, with DHS, dismiss). " + law.termination.reason.reason,
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
        if consular:
            picks.sort(key=lambda p: 0 if p[0] == "admin-close" else 1)
            warnings.append(
                "Entered without inspection with a petition: closure (or termination) is what "
                "makes the Form I-601A provisional waiver available."
            )
    elif vehicle == "request_no_nta":
        if case.request is not None:
            picks.append(("pd-request", law.vehicle.reason, []))
        warnings.append("No court motion applies: the respondent is not in removal proceedings.")
    else:
        warnings.append(law.vehicle.reason)
    adjustment = law.adjustment
    if not adjustment.inspected.value and not adjustment.section_245i.value:
        warnings.append(
            adjustment.inspected.reason
            + " The path is then consular processing with a Form I-601A, which requires the "
            "proceedings to be closed (and not recalendared) or terminated or dismissed."
        )
        if law.waiver.needs_i212.value:
            warnings.append(law.waiver.needs_i212.reason)
    return picks, warnings


def _deadline_lines(law: Assessment, on: dt.date) -> list[str]:
    reopen = law.reopen
    if not reopen.applicable.value:
        return []
    lines: list[str] = []
    window = reopen.deadline.value
    assert window is not None
    if window.open:
        rolled = (
            f", rolled over from {format_date(window.calendar)} (a weekend or holiday; file by "
            "then to be safe)"
            if window.rolled
            else ""
        )
        lines.append(
            f"90-day deadline to move to reopen: {format_date(window.due)}{rolled}; "
            f"{_days(window.days_left)} left."
        )
    else:
        lines.append(
            f"The 90-day deadline to move to reopen passed on {format_date(window.due)} "
            f"({_days(-window.days_left)} ago)."
        )
    absentia = reopen.rescission_deadline.value
    if absentia is not None:
        state = (
            f"{_days(absentia.days_left)} left"
            if absentia.open
            else f"passed {_days(-absentia.days_left)} ago"
        )
        lines.append(
            f"In absentia order: 180-day deadline for exceptional circumstances: "
            f"{format_date(absentia.due)} ({state})."
        )
    if reopen.ground.value == "lack_of_notice":
        lines.append(reopen.ground.reason)
    if reopen.number_barred.value:
        lines.append(
            f"One-motion limit: the respondent has already filed {reopen.motions_filed} "
            "motion(s) to reopen."
        )
    else:
        lines.append("One-motion limit: not yet used.")
    if reopen.ground.value == "joint":
        lines.append(reopen.ground.reason)
    return lines


def _reminders(law: Assessment) -> list[str]:
    """What helps, beside the cautions (which already carry every fee, stay and form to do)."""
    reopen = law.reopen
    if not reopen.applicable.value:
        return []
    forum = (
        "the Board of Immigration Appeals"
        if reopen.forum.value == "board"
        else "the Immigration Court"
    )
    out = [f"File the motion with {forum}, the body that last decided the case."]
    if reopen.fee.value != "required":
        out.append(f"Fee: {reopen.fee.reason}")
    if reopen.automatic_stay.value:
        out.append(f"Stay: {reopen.automatic_stay.reason}")
    return out
