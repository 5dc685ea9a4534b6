"""Recalendaring an administratively closed case: what it is for, and whether closure has run.

LEGAL_NOTES sections 1 and 8: a closed case is not decided, and either party may move to put it
back on the active docket (8 C.F.R. 1003.18(c)). Recalendaring is a means, not an end: the
motion says what the case returns for. The respondent adjusts before the judge (INA 245(a); 8
C.F.R. 1245.2(a)(1)); or the case returns so that it can be ended, for the reason the
termination assessment found (an arriving alien's adjustment with USCIS, a U visa petition,
the visa interview abroad); or it resumes so that the judge decides the respondent's
application. Recalendaring alone ends the closure that makes the I-601A available, so a
consular-processing case should ask to recalendar and terminate in one motion.
"""

from __future__ import annotations

from typing import Literal

from ..frozen import frozen
from ..model import Case, Petition, ProceedingStatus
from ..text import format_date
from .adjustment import AdjustmentAssessment
from .conclusion import Conclusion
from .termination import COURT_APPLICATIONS, TerminationAssessment

__all__ = ["Purpose", "RecalendarAssessment", "assess_recalendar"]

Purpose = Literal["adjust_before_judge", "terminate", "resume", "none_found", "not_applicable"]


@frozen
class RecalendarAssessment:
    """Why a closed case goes back on the docket, and whether the reason for closure is over."""

    applicable: Conclusion[bool]
    purpose: Conclusion[Purpose]
    """``adjust_before_judge``: the judge hears the adjustment; ``terminate``: the case returns to
    be ended (``termination.reason`` says why); ``resume``: the judge decides an application
    pending before the court; ``none_found``: the case file shows no purpose."""
    closure_ended: Conclusion[bool | None]
    """What the case was closed to await has happened: USCIS decided a petition after the
    closure. ``None`` when the case file does not record why the case was closed."""
    decided_since: Conclusion[Petition | None]
    """The petition USCIS decided after the closure (the latest), if any."""
    combine_with_termination: Conclusion[bool]
    """The case returns only to be ended: one motion to recalendar and terminate does both."""
    court_application: Conclusion[Petition | None]
    """The application the judge decides (asylum, cancellation), pending or to be filed."""


def assess_recalendar(
    case: Case, adjustment: AdjustmentAssessment, termination: TerminationAssessment
) -> RecalendarAssessment:
    """Assess a motion to recalendar ``case``."""
    closed = case.proceedings.status is ProceedingStatus.ADMINISTRATIVELY_CLOSED
    if not closed:
        why = "Only an administratively closed case can be recalendared."
        no = Conclusion(False, why, (), ("proceedings.status",))
        return RecalendarAssessment(
            applicable=no,
            purpose=Conclusion("not_applicable", why),
            closure_ended=Conclusion(None, why),
            decided_since=Conclusion(None, why),
            combine_with_termination=Conclusion(False, why),
            court_application=Conclusion(None, why),
        )
    closed_on = case.proceedings.administrative_closure_date
    since = [
        (p.decided_date, n, p)
        for n, p in enumerate(case.petitions)
        if p.status == "approved" and p.decided_date and closed_on and p.decided_date > closed_on
    ]
    decided = max(since)[2] if since else None
    decided_c = Conclusion[Petition | None](
        decided,
        f"USCIS approved the {decided.label} on {format_date(decided.decided_date)}."
        if decided and decided.decided_date
        else "No petition was approved after the case was closed.",
        (),
        ("petitions", "proceedings.administrative_closure_date"),
    )
    recorded = case.proceedings.closure_reason
    if not recorded:
        why_ended = "The case file does not record why the case was closed (closure_reason)."
    elif decided:
        why_ended = f"The case was closed {recorded}, and since then {decided_c.reason}"
    else:
        why_ended = f"The case was closed {recorded}; nothing recorded shows that is over."
    ended = Conclusion[bool | None](
        None if not recorded else decided is not None,
        why_ended,
        (),
        ("proceedings.closure_reason", "petitions"),
    )
    before_court = [
        p
        for p in case.petitions
        if p.form in COURT_APPLICATIONS and p.status in ("pending", "not_yet_filed")
    ]
    application = Conclusion[Petition | None](
        before_court[0] if before_court else None,
        f"The respondent's {before_court[0].label} is for the judge to decide."
        if before_court
        else "No application for the judge (asylum, cancellation) is pending or to be filed.",
        (),
        ("petitions",),
    )
    purpose = _purpose(adjustment, termination, application)
    combine = purpose.value == "terminate"
    return RecalendarAssessment(
        applicable=Conclusion(
            True,
            "Administratively closed, not decided: either party may move to recalendar.",
            ("cfr_1003_18_c",),
            ("proceedings.status",),
        ),
        purpose=purpose,
        closure_ended=ended,
        decided_since=decided_c,
        combine_with_termination=Conclusion(
            combine,
            "The case returns only to be ended: one motion to recalendar and terminate (drafter's "
            "terminate document on this case) does both, and spares a second motion."
            if combine
            else "The case returns to be heard: a motion to recalendar alone.",
            ("cfr_1003_18_c",),
            ("proceedings.status",),
        ),
        court_application=application,
    )


def _purpose(
    adjustment: AdjustmentAssessment,
    termination: TerminationAssessment,
    application: Conclusion[Petition | None],
) -> Conclusion[Purpose]:
    if adjustment.path.value == "adjust_before_judge":
        return Conclusion(
            "adjust_before_judge",
            "The respondent can adjust status, and in proceedings the judge decides it: "
            "recalendaring lets the court hear the application.",
            adjustment.path.authorities + ("ina_245_a",),
            adjustment.path.facts,
        )
    reason = termination.reason.value
    if reason in ("arriving_alien_adjustment", "u_visa", "consular_processing", "uscis_relief"):
        return Conclusion(
            "terminate",
            "The case returns only so that it can be ended. " + termination.reason.reason,
            termination.reason.authorities,
            termination.reason.facts,
        )
    if application.value is not None:
        return Conclusion(
            "resume",
            application.reason + " The case resumes so that it can be heard.",
            ("cfr_1003_18_c",),
            ("petitions",),
        )
    return Conclusion(
        "none_found",
        "The case file shows no reason to return the case to the docket (no adjustment before "
        "the judge, no reason to end it, no application for the judge): a motion to recalendar "
        "needs one.",
        ("cfr_1003_18_c",),
        ("petitions", "proceedings.closure_reason"),
    )
