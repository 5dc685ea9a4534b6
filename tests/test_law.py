"""The legal assessment at its edges: deadlines, grounds, forum, adjustment, the waiver.

Each scenario is a constructed case (fictional people) and the conclusions LEGAL_NOTES section 8
says it must reach.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from drafter.casefile import parse_case
from drafter.drafting import load_library
from drafter.law import assess, deadline, is_court_closed

TODAY = dt.date(2026, 11, 23)
D = dt.date.fromisoformat

BASE = {
    "respondent": {
        "given_name": "Ana",
        "family_name": "Fictional",
        "pronouns": "she",
        "a_number": "A000-000-990",
        "date_of_birth": "1985-01-01",
        "country_of_citizenship": "Chile",
        "entry": {"manner": "admitted", "date": "2010-05-01"},
    },
    "proceedings": {
        "status": "pending",
        "court": {"city": "San Francisco", "state": "CA"},
        "notice_to_appear_date": "2008-01-15",
    },
    "counsel": {
        "name": "Rosa Fictional",
        "address": {"street": "1 Way", "city": "Oakland", "state": "CA", "postal_code": "94601"},
        "phone": "(510) 555-0100",
        "email": "rosa@example.org",
    },
    "filing": {"date": "2026-11-20"},
}


def case_with(_base=None, **changes):
    """A case from BASE (or ``_base``) with dotted changes (``respondent__entry={...}``)."""
    data = copy.deepcopy(_base if _base is not None else BASE)
    for path, value in changes.items():
        node = data
        parts = path.split("__")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return parse_case(data, today=TODAY)


def final_order(date, **extra):
    return {"date": date, "issued_by": "immigration_judge", **extra}


def ordered(date, **extra):
    return {
        "proceedings__status": "final_order",
        "proceedings__final_order": final_order(date, **extra),
    }


USC_SPOUSE = {
    "name": "Sam Fictional",
    "citizenship": "usc",
    "relationship": "married",
    "marriage_date": "2018-06-01",
}
APPROVED_I130 = [
    {
        "form": "I-130",
        "status": "approved",
        "filed_date": "2018-07-01",
        "decided_date": "2019-03-01",
    }
]
ARRIVING_ALIEN = {
    "respondent__entry": {"manner": "paroled", "parole": "port_of_entry", "date": "2015-01-01"},
    "relationships": {"spouse": USC_SPOUSE},
    "petitions": APPROVED_I130,
}
JOINS = {"stance": "joins", "opla_attorney": "Pat Fictional", "agreed_on": "2026-11-01"}
U_VISA = [{"form": "I-918", "status": "pending", "filed_date": "2024-02-01"}]
EWI_CLOSED = {
    "respondent__entry": {"manner": "entered_without_inspection", "date": "2005-01-01"},
    "relationships": {"spouse": USC_SPOUSE},
    "petitions": APPROVED_I130,
    "proceedings__status": "administratively_closed",
    "proceedings__administrative_closure_date": "2023-01-01",
}


# --------------------------------------------------------------------------- the calendar


def test_federal_holidays_and_weekends_close_the_court():
    assert is_court_closed(D("2026-11-26"))  # Thanksgiving
    assert is_court_closed(D("2026-07-03"))  # Independence Day observed (the 4th is a Saturday)
    assert is_court_closed(D("2026-11-21"))  # Saturday
    assert not is_court_closed(D("2026-11-23"))


@pytest.mark.parametrize(
    ("order", "calendar", "due"),
    [
        ("2026-08-24", "2026-11-22", "2026-11-23"),  # day 90 a Sunday -> Monday
        ("2026-08-23", "2026-11-21", "2026-11-23"),  # a Saturday -> Monday
        ("2026-08-28", "2026-11-26", "2026-11-27"),  # Thanksgiving -> Friday
        ("2026-04-04", "2026-07-03", "2026-07-06"),  # July 3 observed, then the weekend
        ("2023-12-01", "2024-02-29", "2024-02-29"),  # leap day, a Thursday
        ("2026-08-25", "2026-11-23", "2026-11-23"),  # an ordinary Monday
    ],
)
def test_ninety_day_deadline_rolls_over_weekends_and_holidays(order, calendar, due):
    d = deadline(D(order), 90, TODAY)
    assert (d.calendar, d.due) == (D(calendar), D(due))
    assert d.rolled == (calendar != due)


# --------------------------------------------------------------------------- reopen grounds


@pytest.mark.parametrize(
    ("as_of", "ground", "timely"),
    [
        ("2026-11-22", "timely", True),  # day 89
        ("2026-11-23", "timely", True),  # day 90, a Monday
        ("2026-11-24", "barred", False),  # day 91
    ],
)
def test_ninety_day_window_edges(as_of, ground, timely):
    law = assess(case_with(**ordered("2026-08-25")), D(as_of))
    assert law.reopen.ground.value == ground
    assert law.reopen.timely.value is timely
    assert law.reopen.barred.value is (not timely)
    assert law.reopen.sua_sponte.value is (not timely)


def test_day_after_a_sunday_deadline_is_still_timely_by_the_roll_over_with_a_caution():
    law = assess(case_with(**ordered("2026-08-24")), D("2026-11-23"))  # day 91; day 90 a Sunday
    assert law.reopen.ground.value == "timely" and law.reopen.deadline.value.rolled
    text = " ".join(c.text for c in law.cautions_for("reopen"))
    assert "File by November 22, 2026" in text and "unverified" in text


def test_one_motion_limit_counts_only_the_respondents_motions():
    prior = [{"filed": "2026-09-01", "filed_by": "respondent", "outcome": "denied"}]
    law = assess(case_with(**ordered("2026-08-25"), proceedings__motions_to_reopen=prior), TODAY)
    assert law.reopen.number_barred.value and law.reopen.ground.value == "barred"
    prior = [{"filed": "2026-09-01", "filed_by": "dhs"}]
    law = assess(case_with(**ordered("2026-08-25"), proceedings__motions_to_reopen=prior), TODAY)
    assert not law.reopen.number_barred.value and law.reopen.ground.value == "timely"


@pytest.mark.parametrize("notice", ["not_received", "in_custody"])
def test_in_absentia_without_notice_is_rescinded_at_any_time_without_fee_with_a_stay(notice):
    law = assess(
        case_with(**ordered("2016-03-01", in_absentia=True, notice_of_hearing=notice)), TODAY
    )
    assert law.reopen.ground.value == "lack_of_notice"
    assert law.reopen.rescission.value and law.reopen.automatic_stay.value
    assert law.reopen.fee.value == "exempt_no_notice"
    assert "cfr_1003_24_b_2_iii" in law.reopen.fee.authorities


@pytest.mark.parametrize(
    ("as_of", "ground"),
    [
        ("2026-08-27", "exceptional_circumstances"),  # day 59: rescission first, window open
        ("2027-01-28", "exceptional_circumstances"),  # day 180, a Thursday
        ("2027-01-29", "barred"),  # day 181
    ],
)
def test_in_absentia_exceptional_circumstances_within_180_days(as_of, ground):
    case = case_with(
        **ordered(
            "2026-08-01",
            in_absentia=True,
            notice_of_hearing="received",
            exceptional_circumstances="She was in hospital after surgery on the day.",
        )
    )
    law = assess(case, D(as_of))
    assert law.reopen.ground.value == ground
    assert law.reopen.automatic_stay.value is (ground != "barred")
    assert law.reopen.rescission.value is (ground != "barred")


def test_in_absentia_timely_motion_without_rescission_warns_of_the_ten_year_bar():
    law = assess(case_with(**ordered("2026-10-01", in_absentia=True)), TODAY)
    assert law.reopen.ground.value == "timely" and not law.reopen.rescission.value
    assert law.adjustment.bar_240b7.value
    assert any("240(b)(7)" in c.text for c in law.cautions_for("reopen"))


def test_no_ten_year_bar_without_the_warning_or_after_ten_years():
    unwarned = case_with(**ordered("2020-01-01", in_absentia=True, warned_of_consequences=False))
    assert not assess(unwarned, TODAY).adjustment.bar_240b7.value
    old = case_with(**ordered("2015-01-01", in_absentia=True))
    assert not assess(old, TODAY).adjustment.bar_240b7.value


def test_joint_motion_is_exempt_from_limits_and_fee():
    law = assess(
        case_with(
            **ordered("2009-03-12"),
            dhs_position={"stance": "joins", "opla_attorney": "X", "agreed_on": "2026-10-01"},
        ),
        TODAY,
    )
    assert law.reopen.ground.value == "joint" and not law.reopen.barred.value
    assert law.reopen.fee.value == "exempt_joint"
    assert law.reopen.ground.authorities == ("cfr_1003_23_b_4_iv",)


def test_board_order_goes_to_the_board_with_the_boards_rules():
    law = assess(
        case_with(
            proceedings__status="final_order",
            proceedings__final_order={"date": "2026-10-01", "issued_by": "board"},
        ),
        TODAY,
    )
    assert law.reopen.forum.value == "board"
    assert "cfr_1003_2" in law.reopen.ground.authorities
    joint = assess(
        case_with(
            proceedings__status="final_order",
            proceedings__final_order={"date": "2010-10-01", "issued_by": "board"},
            dhs_position={"stance": "joins", "opla_attorney": "X", "agreed_on": "2026-10-01"},
        ),
        TODAY,
    )
    assert joint.reopen.ground.authorities == ("cfr_1003_2_c_3_iii",)


def test_reinstated_order_is_not_reopenable():
    law = assess(case_with(**ordered("2015-01-01", reinstated=True)), TODAY)
    assert law.reopen.ground.value == "not_reopenable"
    assert not law.reopen.applicable.value
    assert "ina_241_a_5" in law.reopen.ground.authorities


def test_fee_is_due_for_an_ordinary_motion_and_paid_through_eoir():
    law = assess(case_with(**ordered("2026-10-01")), TODAY)
    assert law.reopen.fee.value == "required"
    assert "EOIR" in law.reopen.fee.reason and "DHS" not in law.reopen.fee.reason
    assert not law.reopen.automatic_stay.value


# --------------------------------------------------------------------------- vehicle


@pytest.mark.parametrize(
    ("status", "vehicle"),
    [
        ("not_in_proceedings", "request_no_nta"),
        ("terminated", "none_needed"),
        ("administratively_closed", "motion_to_recalendar"),
        ("pending", "motion_in_pending_case"),
    ],
)
def test_vehicle_follows_where_the_case_stands(status, vehicle):
    changes = {"proceedings__status": status}
    if status == "administratively_closed":
        changes["proceedings__administrative_closure_date"] = "2022-01-01"
    if status == "not_in_proceedings":
        changes["proceedings__court"] = None
        changes["proceedings__notice_to_appear_date"] = None
    law = assess(case_with(**changes), TODAY)
    assert law.vehicle.value == vehicle
    assert law.reopen.ground.value == "no_final_order"


# --------------------------------------------------------------------------- adjustment


def test_arriving_alien_adjusts_with_uscis_even_in_proceedings():
    law = assess(
        case_with(**ARRIVING_ALIEN),
        TODAY,
    )
    assert law.adjustment.arriving_alien.value is True
    assert law.adjustment.forum.value == "uscis"
    assert law.adjustment.path.value == "adjust_with_uscis"
    assert "cfr_1245_2_a_1_ii" in law.adjustment.forum.authorities


def test_parole_in_place_adjusts_before_the_judge():
    law = assess(
        case_with(
            respondent__entry={"manner": "paroled", "parole": "in_place", "date": "2015-01-01"},
            relationships={"spouse": USC_SPOUSE},
            petitions=APPROVED_I130,
        ),
        TODAY,
    )
    assert law.adjustment.forum.value == "immigration_judge"
    assert law.adjustment.clear_path.value


def test_parole_of_unknown_kind_asks_the_attorney():
    law = assess(case_with(respondent__entry={"manner": "paroled"}), TODAY)
    assert law.adjustment.arriving_alien.value is None
    assert law.adjustment.forum.value == "unknown"
    assert not law.adjustment.clear_path.value
    assert any("paroled at a port of entry" in c.text for c in law.cautions)


def test_ewi_without_245i_goes_abroad_with_an_i601a_only_once_the_case_is_closed():
    ewi = {"respondent__entry": {"manner": "entered_without_inspection", "date": "2005-01-01"}}
    family = {"relationships": {"spouse": USC_SPOUSE}, "petitions": APPROVED_I130}
    pending = assess(case_with(**ewi, **family), TODAY)
    assert pending.adjustment.path.value == "consular_with_i601a"
    assert not pending.adjustment.eligible.value
    assert not pending.waiver.available.value and "pending" in pending.waiver.available.reason
    closed = assess(
        case_with(
            **ewi,
            **family,
            proceedings__status="administratively_closed",
            proceedings__administrative_closure_date="2023-01-01",
        ),
        TODAY,
    )
    assert closed.waiver.available.value
    terminated = assess(case_with(**ewi, **family, proceedings__status="terminated"), TODAY)
    assert terminated.waiver.available.value
    ordered_case = assess(case_with(**ewi, **family, **ordered("2020-01-01")), TODAY)
    assert ordered_case.waiver.needs_i212.value


def test_245i_opens_adjustment_despite_entry_without_inspection():
    law = assess(
        case_with(
            respondent__entry={"manner": "entered_without_inspection"},
            respondent__section_245i=True,
            relationships={"spouse": USC_SPOUSE},
            petitions=APPROVED_I130,
        ),
        TODAY,
    )
    assert law.adjustment.eligible.value
    assert law.adjustment.path.value == "adjust_before_judge"
    assert not law.waiver.needed.value


def test_lpr_spouse_petition_is_a_preference_with_the_245c2_bar():
    lpr = {**USC_SPOUSE, "citizenship": "lpr"}
    law = assess(case_with(relationships={"spouse": lpr}, petitions=APPROVED_I130), TODAY)
    assert law.adjustment.qualifying_petition.value == "preference"
    assert law.adjustment.visa_available.value is None
    assert law.adjustment.bar_245c2.value and not law.adjustment.eligible.value
    assert any("Visa Bulletin" in c.text for c in law.cautions_for("reopen"))
    grandfathered = assess(
        case_with(
            relationships={"spouse": lpr}, petitions=APPROVED_I130, respondent__section_245i=True
        ),
        TODAY,
    )
    assert not grandfathered.adjustment.bar_245c2.value


def test_usc_spouse_immediate_relative_has_a_clear_path():
    law = assess(case_with(relationships={"spouse": USC_SPOUSE}, petitions=APPROVED_I130), TODAY)
    assert law.adjustment.qualifying_petition.value == "immediate_relative"
    assert law.adjustment.clear_path.value


@pytest.mark.parametrize(
    ("married", "during"),
    [
        ("2018-06-01", False),  # before the notice to appear
        ("2019-01-15", True),  # the day it was issued
        ("2024-02-01", True),  # after the final order, still in the United States (Enriquez)
    ],
)
def test_marriage_during_proceedings_lasts_until_departure(married, during):
    law = assess(
        case_with(
            **ordered("2023-01-01"),
            proceedings__notice_to_appear_date="2019-01-15",
            relationships={"spouse": {**USC_SPOUSE, "marriage_date": married}},
            petitions=APPROVED_I130,
        ),
        TODAY,
    )
    assert law.adjustment.marriage_during_proceedings.value is during
    if during:
        assert "ina_245_e_3" in law.adjustment.marriage_during_proceedings.authorities


def test_prior_removal_and_fraud_bar_a_clear_path():
    removal = {"prior_removals": [{"date": "2008-01-01", "kind": "removal", "disclose": False}]}
    law = assess(
        case_with(
            respondent__entry={"manner": "entered_without_inspection"},
            relationships={"spouse": USC_SPOUSE},
            petitions=APPROVED_I130,
            adverse_facts=removal,
        ),
        TODAY,
    )
    assert law.adjustment.inadmissible_212a9.value
    assert law.adjustment.path.value == "none_found"
    assert not law.waiver.available.value
    fraud = {"fraud_findings": [{"date": "2012-01-01", "description": "x", "disclose": True}]}
    law = assess(
        case_with(
            relationships={"spouse": USC_SPOUSE}, petitions=APPROVED_I130, adverse_facts=fraud
        ),
        TODAY,
    )
    assert law.adjustment.inadmissible_212a6ci.value and not law.adjustment.clear_path.value
    # A waivable bar: the path is still adjustment before the judge, but not a clear one.
    assert law.adjustment.path.value == "adjust_before_judge"
    assert "waiver" in law.adjustment.eligible.reason


@pytest.mark.parametrize(("entered", "risk"), [("2025-06-01", True), ("2019-06-01", False)])
def test_dismissal_risk_for_a_recent_entrant(entered, risk):
    law = assess(
        case_with(
            respondent__entry={"manner": "entered_without_inspection", "date": entered},
            request={"relief": "dismissal"},
        ),
        TODAY,
    )
    assert law.dismissal_risk.value is risk
    assert any("expedited removal" in c.text for c in law.cautions_for("pd-request")) is risk


# --------------------------------------------------------------------------- fees


@pytest.mark.parametrize(
    ("issued_by", "filed", "amount", "status"),
    [
        ("immigration_judge", "2025-07-03", 110, "superseded"),  # the day before the Act
        ("immigration_judge", "2025-07-04", 1045, "unverified"),
        ("board", "2025-07-03", 110, "superseded"),
        ("board", "2026-11-20", 1010, "unverified"),
    ],
)
def test_fee_amount_is_the_one_in_force_on_the_filing_date(issued_by, filed, amount, status):
    on = D(filed)
    order = {
        "proceedings__status": "final_order",
        "proceedings__final_order": {
            "date": (on - dt.timedelta(days=30)).isoformat(),
            "issued_by": issued_by,
        },
    }
    law = assess(case_with(**order), on)
    fee = law.reopen.fee_amount.value
    assert (fee.amount, fee.status) == (amount, status)
    assert f"${amount:,}" in law.reopen.fee_amount.reason
    assert ("VERIFY" in str(fee)) is (status == "unverified")
    caution = [c.text for c in law.cautions_for("reopen") if "A fee is due" in c.text]
    assert caution and f"${amount:,}" in caution[0]


def test_exempt_motions_carry_no_amount():
    joint = assess(case_with(**ordered("2012-01-01"), dhs_position=JOINS), TODAY)
    assert joint.reopen.fee.value == "exempt_joint"
    assert joint.reopen.fee_amount.value is None
    assert not any("$" in c.text for c in joint.cautions_for("reopen"))


def test_fee_waiver_request_uses_eoir_26a_and_keeps_the_amount_in_view():
    law = assess(case_with(**ordered("2026-10-01"), filing__fee_waiver=True), TODAY)
    assert law.reopen.fee.value == "waiver_requested"
    assert "EOIR-26A" in law.reopen.fee.reason and "verify" in law.reopen.fee.reason
    assert law.reopen.fee_amount.value.amount == 1045


def test_clause_text_never_holds_a_fee_amount():
    import re

    for clause in load_library():
        assert not re.search(r"\$\s?\d", clause.body), clause.meta.id


# --------------------------------------------------------------------------- termination


def test_dhs_joining_means_its_motion_to_dismiss_and_an_order_that_dismisses():
    law = assess(case_with(dhs_position=JOINS), TODAY)
    t = law.termination
    assert t.disposition.value == "dismiss"
    assert "cfr_239_2_c" in t.disposition.authorities
    assert t.dismissal_ground.value is None
    assert any("239.2(a)" in c.text for c in law.cautions_for("terminate"))
    assert any("J-H-M-H-" in c.text for c in law.cautions_for("terminate"))


@pytest.mark.parametrize(
    ("ground", "cite"),
    [("improvidently_issued", "cfr_239_2_a_6"), ("changed_circumstances", "cfr_239_2_a_7")],
)
def test_recorded_dismissal_ground_is_cited_to_its_subparagraph(ground, cite):
    law = assess(case_with(dhs_position={**JOINS, "dismissal_ground": ground}), TODAY)
    assert law.termination.dismissal_ground.value == ground
    assert law.termination.dismissal_ground.authorities == (cite,)
    assert not any("239.2(a) DHS" in c.text for c in law.cautions_for("terminate"))


def test_respondents_own_motion_terminates():
    law = assess(case_with(petitions=APPROVED_I130), TODAY)
    assert law.termination.disposition.value == "terminate"
    assert law.termination.reason.value == "uscis_relief"
    assert law.termination.recalendar_first.value is False


def test_closed_case_is_recalendared_and_terminated_in_one_motion_for_consular_processing():
    law = assess(case_with(**EWI_CLOSED), TODAY)
    t = law.termination
    assert t.recalendar_first.value is True
    assert t.reason.value == "consular_processing"
    assert "coronado_acevedo" in t.reason.authorities
    assert "travel abroad" in t.reason.reason


def test_arriving_alien_is_ended_for_uscis_jurisdiction():
    law = assess(
        case_with(**ARRIVING_ALIEN),
        TODAY,
    )
    assert law.termination.reason.value == "arriving_alien_adjustment"
    assert "cfr_1245_2_a_1_ii" in law.termination.reason.authorities


def test_u_visa_petitioner_asks_ice_to_join_a_motion_to_terminate():
    alone = assess(case_with(petitions=U_VISA), TODAY)
    assert alone.termination.reason.value == "u_visa"
    assert alone.termination.disposition.value == "terminate"
    assert any("join" in c.text for c in alone.cautions_for("terminate"))
    joint = assess(case_with(petitions=U_VISA, dhs_position=JOINS), TODAY)
    assert joint.termination.disposition.value == "terminate"  # a joint motion to terminate
    assert joint.termination.disposition.authorities == ("cfr_214_14_c_1_i",)


def test_nothing_to_end_without_pending_or_closed_proceedings():
    for changes in (ordered("2020-01-01"), {"proceedings__status": "terminated"}):
        law = assess(case_with(**changes), TODAY)
        assert law.termination.applicable.value is False
        assert law.termination.disposition.value == "not_applicable"


def test_no_relief_outside_court_is_said_in_the_memo_not_the_motion():
    law = assess(case_with(), TODAY)
    assert law.termination.reason.value == "none_found"
    assert any("no relief outside" in c.text for c in law.cautions_for("terminate"))


# --------------------------------------------------------------------------- administrative closure


PENDING_I130 = [
    {
        "form": "I-130",
        "status": "pending",
        "filed_date": "2025-03-01",
        "expected_decision": "2027-06-30",
    }
]


@pytest.mark.parametrize(
    ("stance", "granted", "cite"),
    [
        ("joins", True, "cfr_1003_18_c_3"),
        ("does_not_oppose", True, "cfr_1003_18_c_3"),
        ("opposes", False, "w_y_u"),
        ("unknown", False, "avetisyan"),
    ],
)
def test_joint_or_unopposed_closure_is_generally_granted(stance, granted, cite):
    position = {**JOINS, "stance": stance} if stance != "unknown" else {"stance": "unknown"}
    if stance == "opposes":
        position = {"stance": "opposes"}
    law = assess(case_with(dhs_position=position, petitions=PENDING_I130), TODAY)
    assert law.closure.generally_granted.value is granted
    assert cite in law.closure.generally_granted.authorities


def test_closure_basis_follows_the_facts():
    assert (
        assess(case_with(petitions=PENDING_I130), TODAY).closure.basis.value == "petition_pending"
    )
    waiver = assess(case_with(**{**EWI_CLOSED, "proceedings__status": "pending"}), TODAY)
    assert waiver.closure.basis.value == "provisional_waiver"
    ill = assess(
        case_with(
            relationships={
                "children": [
                    {
                        "name": "Leo Fictional",
                        "date_of_birth": "2015-01-01",
                        "citizenship": "usc",
                        "medical_condition": "type 1 diabetes",
                    }
                ]
            }
        ),
        TODAY,
    )
    assert ill.closure.basis.value == "humanitarian"
    bare = assess(case_with(), TODAY)
    assert bare.closure.basis.value == "none_found"
    assert any("Ask OPLA to agree first" in c.text for c in bare.cautions_for("admin-close"))


def test_duration_and_delay_come_only_from_recorded_facts():
    known = assess(
        case_with(petitions=PENDING_I130, proceedings__continuances_requested=0), TODAY
    ).closure
    assert known.expected_end.value == D("2027-06-30")
    assert known.respondent_delay.value is False
    law = assess(case_with(petitions=[{**PENDING_I130[0], "expected_decision": None}]), TODAY)
    assert law.closure.expected_end.value is None and law.closure.respondent_delay.value is None
    checklist = " ".join(c.text for c in law.cautions_for("admin-close"))
    assert "expected_decision" in checklist and "continuances_requested" in checklist
    asked = assess(case_with(proceedings__continuances_requested=2), TODAY).closure
    assert asked.respondent_delay.value is True


def test_dhs_reasons_are_answered_only_when_recorded():
    silent = assess(case_with(dhs_position={"stance": "opposes"}), TODAY)
    assert silent.closure.dhs_reasons.value is None
    assert any("dhs_position.reasons" in c.text for c in silent.cautions_for("admin-close"))
    stated = assess(
        case_with(dhs_position={"stance": "opposes", "reasons": "The case is ready for trial."}),
        TODAY,
    )
    assert stated.closure.dhs_reasons.value == "The case is ready for trial."


# --------------------------------------------------------------------------- the registry


def _all_authorities(law):
    seen = set()

    def walk(obj):
        if hasattr(obj, "authorities") and isinstance(obj.authorities, tuple):
            seen.update(obj.authorities)
        if hasattr(obj, "__dataclass_fields__"):
            for name in obj.__dataclass_fields__:
                walk(getattr(obj, name))
        elif isinstance(obj, tuple):
            for item in obj:
                walk(item)

    walk(law)
    return seen


def test_every_authority_the_assessment_cites_is_in_the_registry():
    registry = load_library().registry
    cited = set()
    for changes in (
        ordered("2026-08-25"),
        ordered("2016-03-01", in_absentia=True, notice_of_hearing="not_received"),
        ordered("2026-08-01", in_absentia=True, exceptional_circumstances="ill"),
        ordered("2015-01-01", reinstated=True),
        {"respondent__entry": {"manner": "paroled", "parole": "port_of_entry"}},
        {"respondent__entry": {"manner": "paroled"}},
        {"relationships": {"spouse": USC_SPOUSE}, "petitions": APPROVED_I130},
        {"petitions": U_VISA},
        {"dhs_position": {**JOINS, "dismissal_ground": "improvidently_issued"}},
        {**EWI_CLOSED, "filing__fee_waiver": True},
    ):
        cited |= _all_authorities(assess(case_with(**changes), TODAY))
    assert len(cited) > 15
    assert cited <= {a.id for a in registry}, sorted(cited - {a.id for a in registry})


# --------------------------------------------------------------------------- recalendaring

CLOSED = {
    "proceedings__status": "administratively_closed",
    "proceedings__administrative_closure_date": "2018-01-01",
}


def test_only_a_closed_case_is_recalendared():
    for changes in ({}, ordered("2020-01-01"), {"proceedings__status": "terminated"}):
        r = assess(case_with(**changes), TODAY).recalendar
        assert r.applicable.value is False
        assert r.purpose.value == "not_applicable"
    assert assess(case_with(**CLOSED), TODAY).recalendar.applicable.value is True


def test_inspected_immediate_relative_returns_to_adjust_before_the_judge():
    law = assess(
        case_with(**CLOSED, relationships={"spouse": USC_SPOUSE}, petitions=APPROVED_I130), TODAY
    )
    assert law.recalendar.purpose.value == "adjust_before_judge"
    assert law.recalendar.combine_with_termination.value is False
    assert "cfr_1245_2_a_1" in law.recalendar.purpose.authorities


@pytest.mark.parametrize(
    "changes, reason",
    [
        (EWI_CLOSED, "consular_processing"),
        ({**ARRIVING_ALIEN, **CLOSED}, "arriving_alien_adjustment"),
        ({**CLOSED, "petitions": U_VISA}, "u_visa"),
    ],
)
def test_a_case_that_can_only_be_ended_returns_to_be_terminated(changes, reason):
    law = assess(case_with(**changes), TODAY)
    assert law.termination.reason.value == reason
    assert law.recalendar.purpose.value == "terminate"
    assert law.recalendar.purpose.authorities == law.termination.reason.authorities
    assert law.recalendar.combine_with_termination.value is True


def test_combined_motion_is_advised_once_for_recalendar():
    # An arriving alien: the memo suggests the combined motion; a consular case already has the
    # I-601A caution, which says the same and more, so it gets no second one.
    arriving = assess(case_with(**ARRIVING_ALIEN, **CLOSED), TODAY).cautions_for("recalendar")
    assert sum("recalendar and terminate" in c.text for c in arriving) == 1
    consular = assess(case_with(**EWI_CLOSED), TODAY).cautions_for("recalendar")
    assert not any("recalendar and terminate" in c.text for c in consular)
    assert any("I-601A" in c.text for c in consular)


def test_an_application_for_the_judge_resumes_the_case():
    asylum = [{"form": "I-589", "status": "pending", "filed_date": "2019-01-01"}]
    law = assess(case_with(**CLOSED, petitions=asylum), TODAY)
    assert law.recalendar.purpose.value == "resume"
    assert law.recalendar.court_application.value.form == "I-589"
    bare = assess(case_with(**CLOSED), TODAY)
    assert bare.recalendar.purpose.value == "none_found"
    assert bare.recalendar.court_application.value is None
    assert any("needs one" in c.text for c in bare.cautions_for("recalendar"))


def test_closure_is_over_only_when_recorded_and_a_petition_was_decided_after_it():
    before = [{**APPROVED_I130[0], "decided_date": "2017-06-01", "filed_date": "2017-01-01"}]
    after = APPROVED_I130  # decided 2019-03-01, after the 2018 closure
    reason = {"proceedings__closure_reason": "to await USCIS's decision on the Form I-130"}
    unrecorded = assess(case_with(**CLOSED, petitions=after), TODAY).recalendar
    assert unrecorded.closure_ended.value is None
    assert unrecorded.decided_since.value is not None
    assert any(
        "closure_reason" in c.text
        for c in assess(case_with(**CLOSED, petitions=after), TODAY).cautions_for("recalendar")
    )
    ended = assess(case_with(**CLOSED, **reason, petitions=after), TODAY).recalendar
    assert ended.closure_ended.value is True
    assert "March 1, 2019" in ended.closure_ended.reason
    waiting = assess(case_with(**CLOSED, **reason, petitions=before), TODAY).recalendar
    assert waiting.closure_ended.value is False
    assert waiting.decided_since.value is None
