"""Ending a pending or closed case: DHS's dismissal or the court's termination, and why.

LEGAL_NOTES section 8, "Closure, termination, dismissal": DHS's motion to dismiss rests on a ground
of 8 C.F.R. 239.2(a) (through 239.2(c)/1239.2(c)) and its proposed order *dismisses*; the
respondent's motion asks the judge to *terminate* (8 C.F.R. 1003.18(d); *Coronado Acevedo*). A
closed case first has to be recalendared, and the combined motion asks for both, because
recalendaring alone ends the closure that makes the I-601A available. The reason to end the case
is the strongest the facts support: USCIS's jurisdiction over an arriving alien's adjustment; a U
visa petition (8 C.F.R. 214.14(c)(1)(i)); travel abroad for the visa interview (*Coronado
Acevedo*); otherwise relief USCIS can grant.
"""

from __future__ import annotations

from typing import Literal

from ..frozen import frozen
from ..model import Case, ProceedingStatus
from .adjustment import AdjustmentAssessment, WaiverAssessment
from .conclusion import Conclusion

__all__ = [
    "Disposition",
    "DismissalGround",
    "Reason",
    "TerminationAssessment",
    "assess_termination",
]

Disposition = Literal["dismiss", "terminate", "not_applicable"]
Reason = Literal[
    "arriving_alien_adjustment",
    "u_visa",
    "consular_processing",
    "uscis_relief",
    "none_found",
    "not_applicable",
]
DismissalGround = Literal["improvidently_issued", "changed_circumstances"]

COURT_APPLICATIONS = ("I-589", "EOIR-42B")
"""Applications the immigration judge decides while the respondent is in proceedings."""

_GROUND_CITES: dict[str, str] = {
    "improvidently_issued": "cfr_239_2_a_6",
    "changed_circumstances": "cfr_239_2_a_7",
}


@frozen
class TerminationAssessment:
    """How a pending or administratively closed case can be ended, and on what reason."""

    applicable: Conclusion[bool]
    """The case is pending or administratively closed: there is something to end."""
    disposition: Conclusion[Disposition]
    """``dismiss`` when DHS joins (its motion under 239.2(c)); ``terminate`` on the respondent's
    motion."""
    reason: Conclusion[Reason]
    recalendar_first: Conclusion[bool]
    """The case is administratively closed: the motion asks to recalendar and end it at once."""
    dismissal_ground: Conclusion[DismissalGround | None]
    """The 239.2(a) ground DHS relies on, when the case file records it."""
    u_visa_petition: Conclusion[bool]


def assess_termination(
    case: Case, adjustment: AdjustmentAssessment, waiver: WaiverAssessment
) -> TerminationAssessment:
    """Assess ending the proceedings without a final order."""
    status = case.proceedings.status
    u_visa = [
        p for p in case.petitions if p.form == "I-918" and p.status in ("pending", "approved")
    ]
    u_visa_c = Conclusion(
        bool(u_visa),
        "A Form I-918 U visa petition is "
        + (u_visa[0].status if u_visa else "not on file")
        + (
            ": a petitioner in proceedings may ask ICE to join a motion to terminate."
            if u_visa
            else "."
        ),
        ("cfr_214_14_c_1_i",) if u_visa else (),
        ("petitions",),
    )
    if status not in (ProceedingStatus.PENDING, ProceedingStatus.ADMINISTRATIVELY_CLOSED):
        why = "There are no pending or closed proceedings to terminate or dismiss."
        no = Conclusion(False, why, (), ("proceedings.status",))
        return TerminationAssessment(
            applicable=no,
            disposition=Conclusion("not_applicable", why),
            reason=Conclusion("not_applicable", why),
            recalendar_first=no,
            dismissal_ground=Conclusion(None, why),
            u_visa_petition=u_visa_c,
        )
    joins = case.dhs_position.stance == "joins"
    reason = _reason(case, adjustment, waiver, u_visa_c)
    if joins and reason.value == "u_visa":
        disposition = Conclusion[Disposition](
            "terminate",
            "ICE joins a U visa petitioner's motion to terminate (8 C.F.R. 214.14(c)(1)(i)): a "
            "joint motion, and the proposed order TERMINATES the proceedings.",
            ("cfr_214_14_c_1_i",),
            ("dhs_position.stance", "petitions"),
        )
    elif joins:
        disposition = Conclusion[Disposition](
            "dismiss",
            "DHS joins: it moves to dismiss under 8 C.F.R. 239.2(c) on a ground of 239.2(a), "
            "and the proposed order DISMISSES the proceedings.",
            ("cfr_239_2_c", "cfr_1239_2_c", "cfr_239_2_a"),
            ("dhs_position.stance",),
        )
    else:
        disposition = Conclusion[Disposition](
            "terminate",
            "DHS has not joined: the respondent moves the judge to TERMINATE the proceedings.",
            ("cfr_1003_18_d", "coronado_acevedo"),
            ("dhs_position.stance",),
        )
    dismiss = disposition.value == "dismiss"
    recorded = case.dhs_position.dismissal_ground
    ground = Conclusion[DismissalGround | None](
        recorded if dismiss else None,
        (
            f"DHS relies on 239.2(a)'s ground that the notice to appear was "
            f"{'improvidently issued' if recorded == 'improvidently_issued' else 'overtaken by changed circumstances'}."
            if dismiss and recorded
            else "The case file does not record which 239.2(a) ground DHS relies on."
            if dismiss
            else "No DHS motion to dismiss."
        ),
        (_GROUND_CITES[recorded],) if dismiss and recorded else (),
        ("dhs_position.dismissal_ground",),
    )
    closed = status is ProceedingStatus.ADMINISTRATIVELY_CLOSED
    recalendar = Conclusion(
        closed,
        "The case is administratively closed: one motion asks the judge to recalendar it and "
        "end it, because recalendaring alone would end the closure that makes the I-601A "
        "available."
        if closed
        else "The case is on the active docket: nothing to recalendar.",
        ("cfr_1003_18_c",) if closed else (),
        ("proceedings.status",),
    )
    return TerminationAssessment(
        applicable=Conclusion(
            True,
            "Pending or administratively closed proceedings can be ended without a final order.",
            (),
            ("proceedings.status",),
        ),
        disposition=disposition,
        reason=reason,
        recalendar_first=recalendar,
        dismissal_ground=ground,
        u_visa_petition=u_visa_c,
    )


def _reason(
    case: Case,
    adjustment: AdjustmentAssessment,
    waiver: WaiverAssessment,
    u_visa: Conclusion[bool],
) -> Conclusion[Reason]:
    if adjustment.arriving_alien.value and adjustment.path.value == "adjust_with_uscis":
        return Conclusion(
            "arriving_alien_adjustment",
            "An arriving alien's adjustment is for USCIS alone, not the judge: end the "
            "proceedings so USCIS can decide it.",
            ("cfr_1245_2_a_1_ii", "cfr_1003_18_d"),
            ("respondent.entry.parole", "petitions"),
        )
    if u_visa.value:
        return Conclusion(
            "u_visa",
            "A U visa petitioner in proceedings may ask ICE to join a motion to terminate "
            "while USCIS decides the petition.",
            ("cfr_214_14_c_1_i",),
            ("petitions",),
        )
    if waiver.needed.value:
        return Conclusion(
            "consular_processing",
            "The respondent must travel abroad for the immigrant visa interview (after a Form "
            "I-601A waiver, available only while the case is closed or once it ends): the "
            "reason Coronado Acevedo names for terminating.",
            ("coronado_acevedo", "cfr_212_7_e"),
            ("respondent.entry.manner", "petitions"),
        )
    # Asylum (I-589) and cancellation (EOIR-42B) in proceedings are the judge's to decide:
    # ending the case would not hand them to USCIS.
    open_petitions = [
        p
        for p in case.petitions
        if p.status in ("pending", "approved") and p.form not in COURT_APPLICATIONS
    ]
    if open_petitions:
        return Conclusion(
            "uscis_relief",
            "The respondent seeks relief USCIS can grant: terminating lets USCIS decide it.",
            ("cfr_1003_18_d", "coronado_acevedo"),
            ("petitions",),
        )
    return Conclusion(
        "none_found",
        "The case file shows no relief outside the proceedings that termination would serve; "
        "a motion to terminate needs one (or DHS's own motion to dismiss).",
        ("cfr_1003_18_d",),
        ("petitions",),
    )
