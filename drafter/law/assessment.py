"""The assessment: every legal conclusion about a case on a date, computed in one place."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ..frozen import frozen
from ..model import Case, ProceedingStatus, Relief
from ..text import format_date
from .adjustment import AdjustmentAssessment, WaiverAssessment, assess_adjustment, assess_waiver
from .closure import ClosureAssessment, assess_closure
from .conclusion import Caution, Conclusion
from .recalendar import RecalendarAssessment, assess_recalendar
from .reopen import ReopenAssessment, assess_reopen
from .termination import TerminationAssessment, assess_termination

__all__ = ["Assessment", "assess"]

Vehicle = Literal[
    "request_no_nta",
    "motion_to_reopen",
    "motion_to_recalendar",
    "motion_in_pending_case",
    "none_needed",
]

_MOTIONS = ("admin-close", "reopen", "recalendar", "terminate")

WINDSOR = dt.date(2013, 6, 26)
"""*United States v. Windsor* was decided on June 26, 2013 (LEGAL_NOTES section 2)."""


@frozen
class Assessment:
    """Every legal conclusion drafter draws about a case, as of one date.

    Pure: no I/O, no text for a filed page. ``suggest`` is a view of it, clause rules test it
    (``law.reopen.ground == "lack_of_notice"``), clause text may print its dates and reasons,
    and the memo lists it, with its cautions on the "Before filing" checklist.
    """

    as_of: dt.date
    vehicle: Conclusion[Vehicle]
    """What brings the case before the decision-maker at all."""
    reopen: ReopenAssessment
    adjustment: AdjustmentAssessment
    waiver: WaiverAssessment
    termination: TerminationAssessment
    closure: ClosureAssessment
    recalendar: RecalendarAssessment
    dismissal_risk: Conclusion[bool]
    """Asking for dismissal may expose a recent entrant to expedited removal (2025 practice)."""
    criminal_record: Conclusion[bool]
    """Any arrest, charge or conviction in the case file, held back or not: a letter says "no
    criminal record" only when this is false."""
    same_sex_history: Conclusion[bool]
    """A same-sex spouse's relationship or the removal order predates *Windsor* (June 26, 2013),
    so the history explains why spousal relief was out of reach then."""
    cautions: tuple[Caution, ...]

    def cautions_for(self, document: str) -> list[Caution]:
        """The cautions on one document's "Before filing" checklist."""
        return [c for c in self.cautions if c.concerns(document)]


def _vehicle(case: Case) -> Conclusion[Vehicle]:
    status = case.proceedings.status
    facts = ("proceedings.status",)
    if status is ProceedingStatus.NOT_IN_PROCEEDINGS:
        return Conclusion(
            "request_no_nta",
            "Not in removal proceedings: ask ICE not to issue or file a notice to appear (or for "
            "deferred action); there are no proceedings to dismiss.",
            (),
            facts,
        )
    if status is ProceedingStatus.TERMINATED:
        return Conclusion(
            "none_needed",
            "The proceedings have been terminated: no motion and no request to dismiss is needed.",
            (),
            facts,
        )
    if status is ProceedingStatus.FINAL_ORDER:
        return Conclusion(
            "motion_to_reopen",
            "A final order: only a motion to reopen puts the case back before the court.",
            ("ina_240_c_7",),
            facts,
        )
    if status is ProceedingStatus.ADMINISTRATIVELY_CLOSED:
        return Conclusion(
            "motion_to_recalendar",
            "Administratively closed, not decided: a motion to recalendar (there is no final "
            "order to reopen).",
            ("cfr_1003_18_c",),
            facts,
        )
    return Conclusion(
        "motion_in_pending_case",
        "The case is pending: motions are filed in it (closure, termination, continuance).",
        (),
        facts,
    )


def _dismissal_risk(case: Case, as_of: dt.date) -> Conclusion[bool]:
    entry = case.respondent.entry.date
    residence = case.positive_factors.residence_since
    since = min(d for d in (entry, residence) if d) if (entry or residence) else None
    recent = since is None or (as_of - since).days < 2 * 365
    asks = case.request is not None and case.request.relief is Relief.DISMISSAL
    risk = recent and case.proceedings.status is not ProceedingStatus.NOT_IN_PROCEEDINGS
    return Conclusion(
        risk,
        (
            "The case does not show two years' continuous presence: since 2025 DHS has sought "
            "expedited removal of people whose cases it had dismissed. Weigh that before asking "
            "for dismissal."
            if risk
            else "Two years' continuous presence shown: the 2025 expedited-removal practice does "
            "not reach this client on the facts given."
        )
        + (" The request asks for dismissal." if asks and risk else ""),
        (),
        ("respondent.entry.date", "positive_factors.residence_since"),
    )


def _cautions(
    case: Case,
    reopen: ReopenAssessment,
    adjustment: AdjustmentAssessment,
    waiver: WaiverAssessment,
    termination: TerminationAssessment,
    risk: Conclusion[bool],
) -> tuple[Caution, ...]:
    out: list[Caution] = []
    order = case.proceedings.final_order
    if reopen.applicable.value:
        d = reopen.deadline.value
        if d is not None and d.open:
            out.append(
                Caution(
                    f"File by {format_date(d.calendar)}: the 90-day period counts to that day"
                    + (
                        f" (it rolls over to {format_date(d.due)}, but whether courts apply the "
                        "roll-over to this window is unverified)"
                        if d.rolled
                        else ""
                    )
                    + f"; {d.days_left} day(s) left.",
                    ("reopen", "pd-request"),
                    ("cfr_1001_1_h",),
                )
            )
        if not reopen.automatic_stay.value:
            out.append(
                Caution(
                    "Filing the motion to reopen does not stay removal: if removal is a risk, "
                    "ask the judge for a stay (no fee) or ICE (Form I-246).",
                    ("reopen",),
                )
            )
        out.append(
            Caution(
                "Put Form EOIR-28 (or EOIR-61) on top of the filing, and Form EOIR-33/IC if the "
                "address changed; attach the respondent's sworn declaration, the application for "
                "relief and the petition with its notice.",
                ("reopen",),
            )
        )
        if reopen.fee.value in ("required", "waiver_requested"):
            out.append(
                Caution(
                    f"{reopen.fee.reason} {reopen.fee_amount.reason}",
                    ("reopen",),
                    reopen.fee.authorities + reopen.fee_amount.authorities,
                )
            )
        if reopen.ground.value == "barred":
            out.append(
                Caution(
                    "Filed alone this motion is barred; asking OPLA only not to oppose cannot cure "
                    "that. Ask OPLA to join (a joint motion is exempt).",
                    ("reopen", "pd-request"),
                    reopen.ground.authorities,
                )
            )
        if reopen.ground.value == "lack_of_notice" and reopen.motions_filed:
            out.append(
                Caution(
                    "The respondent has filed a motion to reopen before: check whether the "
                    "one-motion limit reaches a motion to rescind for lack of notice.",
                    ("reopen",),
                )
            )
    if order and order.in_absentia and adjustment.bar_240b7.value:
        out.append(
            Caution(
                adjustment.bar_240b7.reason
                + " A motion that seeks adjustment without rescinding the order asks for relief "
                "the respondent may be barred from.",
                ("reopen", "pd-request"),
                ("ina_240_b_7",),
            )
        )
    if adjustment.arriving_alien.value is None:
        out.append(
            Caution(
                "Find out whether the respondent was paroled at a port of entry (an arriving "
                "alien, whose adjustment USCIS decides) or in place, and record it "
                "(respondent.entry.parole).",
                (),
                ("cfr_1_2",),
            )
        )
    if adjustment.marriage_during_proceedings.value:
        out.append(
            Caution(
                adjustment.marriage_during_proceedings.reason,
                ("reopen", "pd-request", "admin-close", "terminate", "recalendar"),
                adjustment.marriage_during_proceedings.authorities,
            )
        )
    if (
        adjustment.visa_available.value is None
        and adjustment.qualifying_petition.value == "preference"
    ):
        out.append(
            Caution(
                "Check the Visa Bulletin: a preference petition's visa must be current before "
                "the respondent can adjust, and attach proof.",
                ("reopen", "recalendar", "terminate"),
            )
        )
    if waiver.needed.value and case.proceedings.status is ProceedingStatus.ADMINISTRATIVELY_CLOSED:
        out.append(
            Caution(
                "Recalendaring ends the administrative closure that makes the Form I-601A "
                "available: prefer termination or dismissal, or keep the case closed while the "
                "waiver is pending.",
                ("recalendar", "pd-request"),
                ("cfr_212_7_e",),
            )
        )
    if case.dhs_position.stance == "opposes" and not case.dhs_position.reasons:
        out.append(
            Caution(
                "Record DHS's stated reasons for opposing (dhs_position.reasons): the motion "
                "quotes them, and says nothing of them until they are recorded.",
                ("reopen", "recalendar", "terminate"),
            )
        )
    for bar in (adjustment.inadmissible_212a9, adjustment.inadmissible_212a6ci):
        if bar.value:
            out.append(Caution(bar.reason, (), bar.authorities))
    out += _termination_cautions(termination)
    if risk.value:
        out.append(Caution(risk.reason, ("pd-request", "terminate")))
    return tuple(out)


def _closure_cautions(c: ClosureAssessment) -> tuple[Caution, ...]:
    if not c.applicable.value:
        return ()
    out: list[Caution] = []
    if c.basis.value == "none_found":
        out.append(Caution(c.basis.reason + " Ask OPLA to agree first.", ("admin-close",)))
    if c.basis.value == "petition_pending" and c.expected_end.value is None:
        out.append(
            Caution(
                "Record when USCIS is expected to decide the pending petition "
                "(petitions[].expected_decision, from USCIS's posted processing times): the "
                "motion argues how long closure will last from it.",
                ("admin-close",),
            )
        )
    if c.respondent_delay.value is None:
        out.append(
            Caution(
                "Record how many continuances the respondent asked for "
                "(proceedings.continuances_requested): the motion says the respondent caused no "
                "delay only when it is 0.",
                ("admin-close",),
            )
        )
    if c.opposition.value == "opposed" and c.dhs_reasons.value is None:
        out.append(
            Caution(
                "Record DHS's stated reasons for opposing (dhs_position.reasons): the motion "
                "answers them, and says nothing of them until they are recorded.",
                ("admin-close",),
                ("w_y_u",),
            )
        )
    return tuple(out)


def _recalendar_cautions(r: RecalendarAssessment, waiver: WaiverAssessment) -> tuple[Caution, ...]:
    if not r.applicable.value:
        return ()
    out: list[Caution] = []
    if r.closure_ended.value is None:
        out.append(
            Caution(
                "Record why the court closed the case (proceedings.closure_reason): the motion "
                "says that reason is over only when it is recorded.",
                ("recalendar", "terminate"),
            )
        )
    # The I-601A caution already says why a consular case must not be recalendared alone.
    if r.combine_with_termination.value and not waiver.needed.value:
        out.append(Caution(r.combine_with_termination.reason, ("recalendar",)))
    if r.purpose.value == "none_found":
        out.append(Caution(r.purpose.reason, ("recalendar",), r.purpose.authorities))
    return tuple(out)


def _termination_cautions(t: TerminationAssessment) -> list[Caution]:
    if not t.applicable.value:
        return []
    out: list[Caution] = []
    if t.disposition.value == "dismiss":
        if t.dismissal_ground.value is None:
            out.append(
                Caution(
                    "Ask OPLA which ground of 8 C.F.R. 239.2(a) DHS's motion to dismiss rests on "
                    "((a)(6) improvidently issued or (a)(7) changed circumstances) and record it "
                    "(dhs_position.dismissal_ground); the motion names it.",
                    ("terminate",),
                    ("cfr_239_2_a",),
                )
            )
        out.append(
            Caution(
                "Two 2025 Board decisions reportedly narrowed terminations and stipulations the "
                "parties agree to (one is Matter of J-H-M-H-): verify them before relying on "
                "DHS's agreement alone.",
                ("terminate",),
                ("matter_j_h_m_h",),
            )
        )
    if t.u_visa_petition.value and t.disposition.value != "dismiss":
        out.append(
            Caution(
                "A U visa petitioner may ask ICE to join a motion to terminate: ask OPLA to join "
                "before filing alone.",
                ("terminate", "pd-request"),
                ("cfr_214_14_c_1_i",),
            )
        )
    if t.reason.value == "none_found":
        out.append(Caution(t.reason.reason, ("terminate",), t.reason.authorities))
    return out


def assess(case: Case, as_of: dt.date | None = None) -> Assessment:
    """Assess ``case`` as of ``as_of`` (default: its filing date).

    Pure: the same case and date give the same assessment.
    """
    on = as_of or case.filing.date
    reopen = assess_reopen(case, on)
    adjustment = assess_adjustment(case, on, reopen)
    waiver = assess_waiver(case, adjustment)
    risk = _dismissal_risk(case, on)
    termination = assess_termination(case, adjustment, waiver)
    closure = assess_closure(case, adjustment, waiver)
    recalendar = assess_recalendar(case, adjustment, termination)
    record = bool(case.adverse_facts.criminal_history)
    spouse = case.relationships.spouse
    order = case.proceedings.final_order
    before_windsor = bool(
        spouse
        and spouse.same_sex
        and (
            (spouse.since is not None and spouse.since < WINDSOR)
            or (order is not None and order.date < WINDSOR)
        )
    )
    return Assessment(
        as_of=on,
        vehicle=_vehicle(case),
        reopen=reopen,
        adjustment=adjustment,
        waiver=waiver,
        termination=termination,
        closure=closure,
        recalendar=recalendar,
        dismissal_risk=risk,
        criminal_record=Conclusion(
            record,
            "The case file records an arrest, charge or conviction (disclosed or not): never "
            "write 'no criminal record'."
            if record
            else "The case file records no arrest, charge or conviction: the letter says so.",
            (),
            ("adverse_facts.criminal_history",),
        ),
        same_sex_history=Conclusion(
            before_windsor,
            "The relationship or the order predates Windsor: the history explains the case."
            if before_windsor
            else "Nothing in the case predates Windsor: its history would be a stale recital.",
            ("windsor",) if before_windsor else (),
            ("relationships.spouse", "proceedings.final_order.date"),
        ),
        cautions=_cautions(case, reopen, adjustment, waiver, termination, risk)
        + _closure_cautions(closure)
        + _recalendar_cautions(recalendar, waiver),
    )
