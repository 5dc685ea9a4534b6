"""Motions to reopen: the forum, the ground an attorney would use, deadlines, fee and stay.

The grounds are tried in the order an attorney tries them (LEGAL_NOTES section 8): a joint
motion; for an in absentia order, rescission for lack of notice or custody (any time) or for
exceptional circumstances (180 days); a timely motion (90 days, one motion); otherwise the
motion is barred, and only the court's own power to reopen in exceptional situations remains.
A reinstated order cannot be reopened at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ..frozen import frozen
from ..model import Case, FinalOrder
from ..text import format_date
from .calendar import Deadline, deadline
from .conclusion import Conclusion
from .fees import Fee, fee_for

__all__ = ["REOPEN_DAYS", "RESCISSION_DAYS", "Ground", "ReopenAssessment", "assess_reopen"]

REOPEN_DAYS = 90
"""INA 240(c)(7)(C)(i); 8 C.F.R. 1003.23(b)(1): within 90 days of the final order."""
RESCISSION_DAYS = 180
"""INA 240(b)(5)(C)(i): an in absentia order, for exceptional circumstances, within 180 days."""

Ground = Literal[
    "joint",
    "lack_of_notice",
    "exceptional_circumstances",
    "timely",
    "barred",
    "not_reopenable",
    "no_final_order",
]
Forum = Literal["immigration_court", "board"]
FeeStatus = Literal[
    "exempt_joint", "exempt_no_notice", "required", "waiver_requested", "not_applicable"
]


@frozen
class ReopenAssessment:
    """Where a case stands for a motion to reopen, as of a date."""

    applicable: Conclusion[bool]
    """Whether a motion to reopen is the vehicle at all (a final order that is not reinstated)."""
    forum: Conclusion[Forum | None]
    ground: Conclusion[Ground]
    rescission: Conclusion[bool]
    """The motion asks to rescind an in absentia order (and reopen)."""
    deadline: Conclusion[Deadline | None]
    """The 90-day window."""
    rescission_deadline: Conclusion[Deadline | None]
    """For an in absentia order: the 180-day window for exceptional circumstances."""
    timely: Conclusion[bool]
    """Within the 90-day window (rolled over) with the one motion not used."""
    number_barred: Conclusion[bool]
    motions_filed: int
    barred: Conclusion[bool]
    """Filed alone, the motion meets a time or number bar no ground overcomes."""
    sua_sponte: Conclusion[bool]
    """Only the court's own power to reopen, in exceptional situations, remains."""
    automatic_stay: Conclusion[bool]
    fee: Conclusion[FeeStatus]
    fee_amount: Conclusion[Fee | None]
    """The amount in force on the filing date, from the dated schedule (never in clause text)."""


_ORDER_FACTS = ("proceedings.final_order.date", "proceedings.final_order.issued_by")


def _forum(order: FinalOrder | None) -> Conclusion[Forum | None]:
    if order is None:
        return Conclusion(None, "There is no final order, so no motion to reopen.")
    if order.issued_by == "board":
        return Conclusion(
            "board",
            "The Board of Immigration Appeals entered the final order, so a motion to reopen "
            "goes to the Board.",
            ("cfr_1003_2",),
            _ORDER_FACTS,
        )
    return Conclusion(
        "immigration_court",
        "The immigration judge entered the final order, so a motion to reopen goes to the "
        "Immigration Court.",
        ("cfr_1003_23_b",),
        _ORDER_FACTS,
    )


def assess_reopen(case: Case, as_of: dt.date) -> ReopenAssessment:
    """Assess a motion to reopen for ``case`` filed on ``as_of``."""
    order = case.proceedings.final_order
    forum = _forum(order)
    joint = case.dhs_position.stance == "joins"
    filed = [m for m in case.proceedings.motions_to_reopen if m.filed_by == "respondent"]
    none: Conclusion[Deadline | None] = Conclusion(None, "No final order.")
    if order is None or order.reinstated:
        reason = (
            "There is no final order of removal; a closed or pending case is recalendared or "
            "decided, not reopened."
            if order is None
            else "DHS reinstated the order under INA 241(a)(5): a reinstated order is not subject "
            "to being reopened, and the respondent is ineligible for relief under the INA."
        )
        end: Ground = "no_final_order" if order is None else "not_reopenable"
        cites = () if order is None else ("ina_241_a_5",)
        no = Conclusion(False, reason, cites, ("proceedings.final_order",))
        return ReopenAssessment(
            applicable=no,
            forum=forum,
            ground=Conclusion(end, reason, cites, ("proceedings.final_order",)),
            rescission=no,
            deadline=none,
            rescission_deadline=none,
            timely=no,
            number_barred=no,
            motions_filed=len(filed),
            barred=Conclusion(order is not None, reason, cites),
            sua_sponte=no,
            automatic_stay=no,
            fee=Conclusion("not_applicable", reason),
            fee_amount=Conclusion(None, reason),
        )

    board = order.issued_by == "board"
    window = deadline(order.date, REOPEN_DAYS, as_of)
    rescission_window = deadline(order.date, RESCISSION_DAYS, as_of) if order.in_absentia else None
    number_barred = len(filed) >= 1
    timely = window.open and not number_barred
    no_notice = order.in_absentia and order.notice_of_hearing in ("not_received", "in_custody")
    exceptional = bool(
        order.in_absentia
        and order.exceptional_circumstances
        and rescission_window is not None
        and rescission_window.open
        and not number_barred
    )

    joint_cite = "cfr_1003_2_c_3_iii" if board else "cfr_1003_23_b_4_iv"
    ground: Ground
    if joint:
        ground_c = Conclusion[Ground](
            "joint",
            "DHS joins: a motion agreed to by all parties and filed jointly is exempt from the "
            "time and number limits.",
            (joint_cite,),
            ("dhs_position.stance",),
        )
    elif no_notice:
        custody = order.notice_of_hearing == "in_custody"
        ground_c = Conclusion[Ground](
            "lack_of_notice",
            "The respondent "
            + (
                "was in federal or state custody"
                if custody
                else "did not receive notice of the hearing"
            )
            + ": an in absentia order may be rescinded on that ground at any time.",
            ("ina_240_b_5_c", "cfr_1003_23_b_4_ii"),
            ("proceedings.final_order.in_absentia", "proceedings.final_order.notice_of_hearing"),
        )
    elif exceptional:
        assert rescission_window is not None
        ground_c = Conclusion[Ground](
            "exceptional_circumstances",
            "Exceptional circumstances kept the respondent from the hearing, and the 180-day "
            f"period runs until {format_date(rescission_window.due)}.",
            ("ina_240_b_5_c", "ina_240_e_1", "cfr_1003_23_b_4_ii"),
            (
                "proceedings.final_order.in_absentia",
                "proceedings.final_order.exceptional_circumstances",
                "proceedings.final_order.date",
            ),
        )
    elif timely:
        ground_c = Conclusion[Ground](
            "timely",
            f"Within 90 days of the final order (until {format_date(window.due)}) and the "
            "respondent's first motion to reopen.",
            ("ina_240_c_7", "cfr_1003_2" if board else "cfr_1003_23_b_1"),
            ("proceedings.final_order.date", "proceedings.motions_to_reopen"),
        )
    else:
        why = (
            "the respondent has already filed a motion to reopen"
            if number_barred
            else f"the 90-day period ended on {format_date(window.due)}"
        )
        ground_c = Conclusion[Ground](
            "barred",
            f"Filed alone, the motion is barred: {why}. Only a joint motion (ask OPLA to join) "
            "or the court's own power to reopen in exceptional situations remains.",
            ("ina_240_c_7", joint_cite),
            ("proceedings.final_order.date", "proceedings.motions_to_reopen"),
        )
    ground = ground_c.value
    rescission = ground in ("lack_of_notice", "exceptional_circumstances") or bool(
        joint and order.in_absentia
    )
    stay = ground in ("lack_of_notice", "exceptional_circumstances")
    fee = _fee(case, ground)
    amount = _fee_amount(fee, forum.value, as_of)
    return ReopenAssessment(
        applicable=Conclusion(
            True,
            "There is a final order of removal: a motion to reopen is the way back into court.",
            (),
            ("proceedings.final_order",),
        ),
        forum=forum,
        ground=ground_c,
        rescission=Conclusion(
            rescission,
            "The motion asks the court to rescind the in absentia order and reopen."
            if rescission
            else "The order was not entered in absentia, or no rescission ground applies.",
            ("ina_240_b_5_c",) if rescission else (),
            ("proceedings.final_order.in_absentia",),
        ),
        deadline=Conclusion(
            window,
            f"90 days after the order of {format_date(order.date)}: {format_date(window.calendar)}"
            + (
                f", rolled over to {format_date(window.due)} (weekend or holiday)"
                if window.rolled
                else ""
            )
            + ".",
            ("ina_240_c_7", "cfr_1001_1_h"),
            ("proceedings.final_order.date",),
        ),
        rescission_deadline=Conclusion(
            rescission_window,
            f"180 days after the in absentia order: {format_date(rescission_window.due)}."
            if rescission_window
            else "The order was not entered in absentia.",
            ("ina_240_b_5_c", "cfr_1001_1_h") if rescission_window else (),
            ("proceedings.final_order.in_absentia", "proceedings.final_order.date"),
        ),
        timely=Conclusion(
            timely,
            (
                f"Within the 90-day period (until {format_date(window.due)}), first motion."
                if timely
                else "Not within the 90-day period, or the one motion is used."
            ),
            ("ina_240_c_7",),
            ("proceedings.final_order.date", "proceedings.motions_to_reopen"),
        ),
        number_barred=Conclusion(
            number_barred,
            f"The respondent has filed {len(filed)} motion(s) to reopen; the limit is one.",
            ("ina_240_c_7",),
            ("proceedings.motions_to_reopen",),
        ),
        motions_filed=len(filed),
        barred=Conclusion(
            ground == "barred",
            ground_c.reason
            if ground == "barred"
            else "A ground overcomes the time and number limits.",
            ground_c.authorities,
        ),
        sua_sponte=Conclusion(
            ground == "barred",
            "The court may reopen on its own motion at any time, but only in exceptional "
            "situations, not as a way around the time and number limits.",
            ("cfr_1003_2_a" if board else "cfr_1003_23_b_1", "matter_j_j", "matter_g_d"),
        ),
        automatic_stay=Conclusion(
            stay,
            "Filing a motion to rescind an in absentia order stays removal until the judge "
            "decides it."
            if stay
            else "Filing the motion does not stay removal: ask the judge or ICE (Form I-246) "
            "for a stay if removal is a risk.",
            ("ina_240_b_5_c", "cfr_1003_23_b_4_ii") if stay else (),
        ),
        fee=fee,
        fee_amount=amount,
    )


def _fee(case: Case, ground: Ground) -> Conclusion[FeeStatus]:
    if ground == "joint":
        return Conclusion(
            "exempt_joint",
            "No fee: a motion agreed to by all parties and filed jointly is exempt.",
            ("cfr_1003_24_b_2_v",),
            ("dhs_position.stance",),
        )
    if ground == "lack_of_notice":
        return Conclusion(
            "exempt_no_notice",
            "No fee: a motion to rescind an in absentia order for lack of notice or custody is "
            "exempt.",
            ("cfr_1003_24_b_2_iii",),
            ("proceedings.final_order.notice_of_hearing",),
        )
    if case.filing.fee_waiver:
        return Conclusion(
            "waiver_requested",
            "The respondent asks the court to waive the fee: file Form EOIR-26A with the "
            "motion, supported by the respondent's sworn statement of income, expenses and "
            "assets. A 2025 Board decision reportedly presumes that a privately represented, "
            "non-detained respondent can pay; verify it and answer it in the request.",
            (),
            ("filing.fee_waiver",),
        )
    return Conclusion(
        "required",
        "A fee is due, paid through EOIR's payment portal, with the receipt filed with the "
        "motion (or ask for a waiver on Form EOIR-26A: set filing.fee_waiver).",
        ("cfr_1003_24_a",),
        ("filing.fee_waiver",),
    )


def _fee_amount(
    fee: Conclusion[FeeStatus], forum: Forum | None, on: dt.date
) -> Conclusion[Fee | None]:
    if fee.value not in ("required", "waiver_requested") or forum is None:
        return Conclusion(None, "No fee is due.", fee.authorities)
    found = fee_for("reopen", forum, on)
    if found is None:
        return Conclusion(None, "The fee schedule has no amount for this motion: look it up.")
    where = "the Board" if forum == "board" else "the Immigration Court"
    return Conclusion(
        found,
        f"The fee for a motion to reopen before {where} on {format_date(on)} is {found}. "
        f"{found.note}",
        (found.authority,),
        ("filing.date", "proceedings.final_order.issued_by"),
    )
