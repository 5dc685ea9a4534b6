"""`suggest`: the right vehicle, and deadlines at their edges."""

from __future__ import annotations

import datetime as dt

import pytest

import drafter
from drafter.law import assess
from drafter.model import FinalOrder, PriorMotion, ProceedingStatus

from .conftest import SAMPLES

# A Tuesday: each edge below (day 89, 90, 91; 179, 180, 181) falls on a weekday, so no
# weekend roll-over moves it (tests/test_law.py covers the roll-over).
AS_OF = dt.date(2026, 11, 24)
BASE = drafter.load_case(SAMPLES[0], today=AS_OF)


def with_order(days_ago, *, joint=False, prior=0, in_absentia=False, circumstances=None):
    order_date = AS_OF - dt.timedelta(days=days_ago)
    proceedings = BASE.proceedings.model_copy(
        update={
            "final_order": FinalOrder(
                date=order_date,
                issued_by="immigration_judge",
                in_absentia=in_absentia,
                exceptional_circumstances=circumstances,
            ),
            "notice_to_appear_date": order_date - dt.timedelta(days=400),
            "motions_to_reopen": [PriorMotion(filed=order_date + dt.timedelta(days=1))] * prior,
        }
    )
    stance = (
        BASE.dhs_position.model_copy(update={"stance": "joins"})
        if joint
        else BASE.dhs_position.model_copy(
            update={"stance": "unknown", "opla_attorney": None, "agreed_on": None}
        )
    )
    return BASE.model_copy(update={"proceedings": proceedings, "dhs_position": stance})


def reopen_entry(result):
    return next(s for s in result.documents if s.document == "reopen")


@pytest.mark.parametrize("days, timely", [(89, True), (90, True), (91, False)])
def test_ninety_day_edge(days, timely):
    case = with_order(days)
    assert assess(case, AS_OF).reopen.timely.value is timely
    result = drafter.suggest(case, as_of=AS_OF)
    text = "\n".join(result.deadlines)
    if timely:
        assert f"{90 - days} day" in text and "left" in text
        assert reopen_entry(result).blockers == []
    else:
        assert "passed" in text and "1 day ago" in text
        assert "time-barred" in reopen_entry(result).blockers[0]


@pytest.mark.parametrize("days", [89, 90, 91])
def test_joint_motion_is_never_barred(days):
    result = drafter.suggest(with_order(days, joint=True), as_of=AS_OF)
    assert result.documents[0].document == "reopen"
    assert reopen_entry(result).blockers == []
    assert any("exempt from the time and number limits" in d for d in result.deadlines)


@pytest.mark.parametrize("days", [89, 90, 91])
def test_prior_motion_number_bars_a_motion_filed_alone(days):
    result = drafter.suggest(with_order(days, prior=1), as_of=AS_OF)
    assert "number-barred" in reopen_entry(result).blockers[0]
    assert any("already filed 1 motion" in d for d in result.deadlines)
    joint = drafter.suggest(with_order(days, prior=1, joint=True), as_of=AS_OF)
    assert reopen_entry(joint).blockers == []


def test_not_joint_suggests_asking_opla_first():
    result = drafter.suggest(with_order(200), as_of=AS_OF)
    assert [s.document for s in result.documents][:2] == ["pd-request", "reopen"]


@pytest.mark.parametrize("days, timely", [(179, True), (180, True), (181, False)])
def test_in_absentia_180_day_edge(days, timely):
    case = with_order(days, in_absentia=True, circumstances="In hospital that day.")
    assert assess(case, AS_OF).reopen.rescission_deadline.value.open is timely
    result = drafter.suggest(case, as_of=AS_OF)
    assert any("180-day deadline" in d for d in result.deadlines)
    assert bool(reopen_entry(result).blockers) is (not timely)
    # Without facts showing exceptional circumstances, the 180-day window opens nothing.
    bare = drafter.suggest(with_order(days, in_absentia=True), as_of=AS_OF)
    assert "time-barred" in reopen_entry(bare).blockers[0]


def test_closed_case_calls_for_recalendar_not_reopen():
    case = drafter.load_case(SAMPLES[1], today=AS_OF)
    result = drafter.suggest(case, as_of=AS_OF)
    docs = [s.document for s in result.documents]
    assert "reopen" not in docs and "recalendar" in docs
    assert any("no final order" in w for w in result.warnings)
    assert any(
        "I-601A" in w and "Recalendaring ends the administrative closure" in w
        for w in result.warnings
    )
    assert docs.index("terminate") < docs.index("recalendar")  # the combined motion first


def test_pending_case_calls_for_closure_or_termination():
    case = drafter.load_case(SAMPLES[4], today=AS_OF)
    docs = [s.document for s in drafter.suggest(case, as_of=AS_OF).documents]
    assert {"admin-close", "terminate", "pd-request"} == set(docs)


def test_not_in_proceedings_is_pd_request_only():
    case = drafter.load_case(SAMPLES[2], today=AS_OF)
    free = case.model_copy(
        update={
            "proceedings": case.proceedings.model_copy(
                update={"status": ProceedingStatus.NOT_IN_PROCEEDINGS, "next_hearing": None}
            ),
            "family_members": [],
        }
    )
    result = drafter.suggest(free, as_of=AS_OF)
    assert [s.document for s in result.documents] == ["pd-request"]


def test_prior_removal_warns_of_reinstatement():
    case = drafter.load_case(SAMPLES[5], today=AS_OF)
    removal = case.adverse_facts.prior_removals[0].model_copy(update={"kind": "removal"})
    hit = case.model_copy(
        update={
            "adverse_facts": case.adverse_facts.model_copy(update={"prior_removals": [removal]})
        }
    )
    assert any("reinstatement" in w for w in drafter.suggest(hit, as_of=AS_OF).warnings)


def test_authorities_not_in_force_are_listed_to_verify():
    result = drafter.suggest(drafter.load_case(SAMPLES[0], today=AS_OF), as_of=AS_OF)
    reopen = reopen_entry(result)
    # The 2014 announcement is historical (LEGAL_NOTES section 8), so the attorney checks it.
    assert any("Apr. 10, 2014" in v and "historical" in v for v in reopen.verify)


def test_cli_suggest_json(tmp_path):
    import json

    from click.testing import CliRunner

    from drafter.cli import cli

    result = CliRunner().invoke(
        cli, ["suggest", str(SAMPLES[0]), "--as-of", "2026-11-23", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"][0]["document"] == "reopen"
    bad = CliRunner().invoke(cli, ["suggest", str(SAMPLES[0]), "--as-of", "23/11/2026"])
    assert bad.exit_code == 2
