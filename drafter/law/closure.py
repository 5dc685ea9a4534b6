"""Administrative closure of a pending case: the factors a judge weighs, from the case's facts.

8 C.F.R. 1003.18(c) (2024 rule) and *Matter of Avetisyan*: the reason closure is sought, the basis
of any opposition, the likelihood that the matter pending outside the proceedings succeeds, how
long closure will last, who is responsible for delay, and the likely outcome. A joint or
affirmatively unopposed motion is generally granted (1003.18(c)(3)); otherwise the question is
whether the opposing party gave a persuasive reason to decide the case now (*W-Y-U-*). LEGAL_NOTES
section 8: never assert what DHS's opposition says, or that the respondent caused no delay,
without facts that show it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ..frozen import frozen
from ..model import Case, ProceedingStatus
from ..text import format_date
from .adjustment import AdjustmentAssessment, WaiverAssessment
from .conclusion import Conclusion

__all__ = ["Basis", "ClosureAssessment", "Opposition", "assess_closure"]

Basis = Literal[
    "provisional_waiver", "petition_pending", "uscis_adjudication", "humanitarian", "none_found"
]
Opposition = Literal["joint", "unopposed", "opposed", "unknown"]


@frozen
class ClosureAssessment:
    """Where a pending case stands on the administrative-closure factors."""

    applicable: Conclusion[bool]
    basis: Conclusion[Basis]
    """The reason closure is sought, as the case's facts show it."""
    expected_end: Conclusion[dt.date | None]
    """When the matter outside the proceedings is expected to be decided (the case file's
    ``expected_decision``), which bounds the length of closure."""
    respondent_delay: Conclusion[bool | None]
    """Whether the respondent asked for continuances (None: the case file does not say)."""
    opposition: Conclusion[Opposition]
    generally_granted: Conclusion[bool]
    """Joint or affirmatively unopposed: granted unless the judge states unusual reasons."""
    dhs_reasons: Conclusion[str | None]
    """DHS's stated reasons, only as the case file records them."""


def assess_closure(
    case: Case, adjustment: AdjustmentAssessment, waiver: WaiverAssessment
) -> ClosureAssessment:
    """Assess a motion to administratively close ``case``."""
    pending = case.proceedings.status is ProceedingStatus.PENDING
    stance = case.dhs_position.stance
    kinds: dict[str, Opposition] = {
        "joins": "joint",
        "does_not_oppose": "unopposed",
        "opposes": "opposed",
        "unknown": "unknown",
    }
    opposition: Conclusion[Opposition] = Conclusion(
        kinds[stance],
        {
            "joins": "DHS joins the motion.",
            "does_not_oppose": "DHS has said it does not oppose the motion.",
            "opposes": "DHS opposes closure.",
            "unknown": "DHS's position is not yet known.",
        }[stance],
        (),
        ("dhs_position.stance",),
    )
    granted = stance in ("joins", "does_not_oppose")
    generally = Conclusion(
        granted,
        "A joint or affirmatively unopposed motion to close is granted unless the judge states "
        "unusual, clearly identified reasons."
        if granted
        else "Not joint or unopposed: the judge weighs the totality of the circumstances.",
        ("cfr_1003_18_c_3",) if granted else ("cfr_1003_18_c", "avetisyan", "w_y_u"),
        ("dhs_position.stance",),
    )
    reasons = case.dhs_position.reasons if stance == "opposes" else None
    dhs_reasons = Conclusion(
        reasons,
        "DHS's stated reasons are recorded; the motion answers them."
        if reasons
        else "The case file records no reasons from DHS: the motion says nothing of them.",
        (),
        ("dhs_position.reasons",),
    )
    continuances = case.proceedings.continuances_requested
    delay = Conclusion[bool | None](
        None if continuances is None else continuances > 0,
        "The case file does not say whether the respondent asked for continuances."
        if continuances is None
        else f"The respondent asked for {continuances} continuance(s).",
        (),
        ("proceedings.continuances_requested",),
    )
    open_petitions = [p for p in case.petitions if p.status == "pending"]
    dates = [p.expected_decision for p in open_petitions if p.expected_decision]
    end = Conclusion[dt.date | None](
        min(dates) if dates else None,
        f"USCIS is expected to decide by {format_date(min(dates))}."
        if dates
        else "The case file gives no expected decision date for a pending petition.",
        (),
        ("petitions",),
    )
    return ClosureAssessment(
        applicable=Conclusion(
            pending,
            "The case is pending: it can be administratively closed."
            if pending
            else "Only a pending case can be administratively closed.",
            ("cfr_1003_18_c",),
            ("proceedings.status",),
        ),
        basis=_basis(case, adjustment, waiver),
        expected_end=end,
        respondent_delay=delay,
        opposition=opposition,
        generally_granted=generally,
        dhs_reasons=dhs_reasons,
    )


def _basis(
    case: Case, adjustment: AdjustmentAssessment, waiver: WaiverAssessment
) -> Conclusion[Basis]:
    if waiver.needed.value and case.petitions_of("I-130", "approved"):
        return Conclusion(
            "provisional_waiver",
            "Closure is the step that lets the respondent apply for the I-601A provisional "
            "waiver and then the immigrant visa abroad.",
            ("cfr_212_7_e",),
            ("respondent.entry.manner", "petitions"),
        )
    if [p for p in case.petitions if p.status == "pending"]:
        return Conclusion(
            "petition_pending",
            "A petition or application is pending with USCIS: closure lets it be decided first.",
            ("avetisyan",),
            ("petitions",),
        )
    if adjustment.path.value == "adjust_with_uscis":
        return Conclusion(
            "uscis_adjudication",
            "USCIS, not the judge, decides the respondent's adjustment.",
            adjustment.forum.authorities,
            adjustment.forum.facts,
        )
    children = [c for c in case.relationships.children if c.medical_condition]
    pf = case.positive_factors
    serving = [r for r in case.relationships.other_relatives if r.military_service]
    if children or pf.caregiving or pf.humanitarian or serving:
        return Conclusion(
            "humanitarian",
            "Humanitarian or family circumstances (an ill child, caregiving, a relative in the "
            "military, the respondent's own health) are the reason for closure; DHS's agreement "
            "matters most here.",
            (),
            (
                "relationships.children",
                "positive_factors.caregiving",
                "positive_factors.humanitarian",
            ),
        )
    return Conclusion(
        "none_found",
        "The case file shows nothing pending outside the proceedings and no humanitarian reason "
        "for closure: a motion to close needs one.",
        ("avetisyan",),
        ("petitions",),
    )
