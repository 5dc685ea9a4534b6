"""No document states what the legal assessment denies, and no instruction reaches a filed page.

Every sample and a set of constructed scenarios is drafted into every document that fits it; each
text is checked against the assessment of the same case.
"""

from __future__ import annotations

import re

import pytest

import drafter
from drafter.documents import DOCUMENTS
from drafter.law import assess
from drafter.model import _FIRST_PERSON as FIRST_PERSON

from .conftest import SAMPLES, docx_text
from .test_law import (
    APPROVED_I130,
    BASE,
    EWI_CLOSED,
    JOINS,
    TODAY,
    U_VISA,
    USC_SPOUSE,
    case_with,
    ordered,
)

OFFICE = {
    "name": "Office of the Principal Legal Advisor, Example Field Location",
    "address": {
        "street": "1 Plaza",
        "city": "San Francisco",
        "state": "CA",
        "postal_code": "94111",
    },
    "email": "opla@example.gov",
}

SCENARIOS = {
    "arriving alien, pending": {
        "respondent__entry": {"manner": "paroled", "parole": "port_of_entry", "date": "2021-01-01"},
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": APPROVED_I130,
    },
    "parole in place, pending": {
        "respondent__entry": {"manner": "paroled", "parole": "in_place", "date": "2016-01-01"},
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": APPROVED_I130,
    },
    "EWI closed, I-601A": {
        "respondent__entry": {"manner": "entered_without_inspection", "date": "2005-01-01"},
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": APPROVED_I130,
        "proceedings__status": "administratively_closed",
        "proceedings__administrative_closure_date": "2023-01-01",
    },
    "EWI with 245(i), closed": {
        "respondent__entry": {"manner": "entered_without_inspection", "date": "2000-01-01"},
        "respondent__section_245i": True,
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": APPROVED_I130,
        "proceedings__status": "administratively_closed",
        "proceedings__administrative_closure_date": "2023-01-01",
    },
    "LPR spouse, final order timely": {
        **ordered("2026-10-01"),
        "relationships": {"spouse": {**USC_SPOUSE, "citizenship": "lpr"}},
        "petitions": APPROVED_I130,
    },
    "timely, USC spouse, DHS opposes": {
        **ordered("2026-10-01"),
        "relationships": {"spouse": {**USC_SPOUSE, "marriage_date": "2026-01-10"}},
        "petitions": APPROVED_I130,
        "dhs_position": {"stance": "opposes"},
    },
    "late, not joint": {
        **ordered("2020-10-01"),
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": APPROVED_I130,
    },
    "late, joint": {
        **ordered("2012-10-01"),
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": APPROVED_I130,
        "dhs_position": {"stance": "joins", "opla_attorney": "X", "agreed_on": "2026-11-01"},
    },
    "in absentia, no notice": ordered(
        "2017-05-01", in_absentia=True, notice_of_hearing="not_received"
    ),
    "in absentia, in custody, joint": {
        **ordered("2017-05-01", in_absentia=True, notice_of_hearing="in_custody"),
        "dhs_position": {"stance": "joins", "opla_attorney": "X", "agreed_on": "2026-11-01"},
    },
    "in absentia, exceptional": ordered(
        "2026-08-01", in_absentia=True, exceptional_circumstances="In hospital that day."
    ),
    "in absentia, late, no facts": ordered("2025-01-01", in_absentia=True),
    "board, timely": {
        "proceedings__status": "final_order",
        "proceedings__final_order": {"date": "2026-10-01", "issued_by": "board"},
    },
    "board, joint": {
        "proceedings__status": "final_order",
        "proceedings__final_order": {"date": "2011-10-01", "issued_by": "board"},
        "dhs_position": {"stance": "joins", "opla_attorney": "X", "agreed_on": "2026-11-01"},
    },
    "fraud finding, pending": {
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": APPROVED_I130,
        "adverse_facts": {
            "fraud_findings": [{"date": "2012-01-01", "description": "x", "disclose": True}]
        },
    },
    "U visa petitioner, pending": {"petitions": U_VISA},
    "U visa petitioner, ICE joins": {"petitions": U_VISA, "dhs_position": JOINS},
    "pending, DHS dismisses, changed circumstances": {
        "petitions": APPROVED_I130,
        "relationships": {"spouse": USC_SPOUSE},
        "dhs_position": {**JOINS, "dismissal_ground": "changed_circumstances"},
    },
    "pending, DHS dismisses, ground unrecorded": {"dhs_position": JOINS},
    "EWI closed, DHS joins": {**EWI_CLOSED, "dhs_position": JOINS},
    "pending, nothing outside court": {},
    "timely, fee waiver": {**ordered("2026-10-01"), "filing__fee_waiver": True},
    "held-back fraud and removal, pending": {
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": APPROVED_I130,
        "adverse_facts": {
            "fraud_findings": [
                {
                    "date": "2012-01-01",
                    "description": "False statement on a visa form",
                    "disclose": False,
                }
            ],
            "prior_removals": [{"date": "2009-03-01", "kind": "removal", "disclose": False}],
        },
    },
    "self-represented, late order, asks OPLA to join": {
        **ordered("2019-04-01"),
        "counsel": None,
        "self_represented": True,
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": APPROVED_I130,
        "request": {"relief": "join_motion_to_reopen"},
    },
    "self-represented, pending, no facts beyond the minimum": {
        "counsel": None,
        "self_represented": True,
    },
    "pending I-130, DHS opposes with reasons, no continuances": {
        "relationships": {"spouse": USC_SPOUSE},
        "petitions": [
            {
                "form": "I-130",
                "status": "pending",
                "filed_date": "2025-03-01",
                "expected_decision": "2027-06-30",
            }
        ],
        "dhs_position": {"stance": "opposes", "reasons": "The respondent has had years to file."},
        "proceedings__continuances_requested": 0,
    },
    "not in proceedings": {
        "proceedings__status": "not_in_proceedings",
        "proceedings__court": None,
        "proceedings__notice_to_appear_date": None,
    },
    "not in proceedings, asks dismissal": {
        "proceedings__status": "not_in_proceedings",
        "proceedings__court": None,
        "proceedings__notice_to_appear_date": None,
        "request": {"relief": "dismissal"},
    },
}


def _scenario(changes):
    base = {
        **BASE,
        "opla_office": OFFICE,
        "request": changes.get("request", {"relief": "non_opposition"}),
    }
    return case_with(base, **{k: v for k, v in changes.items() if k != "request"})


def _cases():
    for path in SAMPLES:
        yield path.stem, drafter.load_case(path, today=TODAY)
    for name, changes in SCENARIOS.items():
        yield name, _scenario(changes)


def _drafts():
    for name, case in _cases():
        for kind in DOCUMENTS.values():
            if not kind.check(case):
                yield f"{name} / {kind.id}", case, kind.id


DRAFTS = list(_drafts())

INSTRUCTIONS = (
    "Check first",
    "Confirm the current fee",
    "Confirm whether",
    "exhibit to be attached",
)


@pytest.mark.parametrize(
    ("case", "document"), [(c, d) for _, c, d in DRAFTS], ids=[n for n, _, _ in DRAFTS]
)
def test_no_document_states_what_the_assessment_denies(case, document):
    law = assess(case)
    result = drafter.draft(case, document)
    text = " ".join(p.plain for p in result.paragraphs)
    title = result.document.title_for(case, law)
    said: list[str] = []

    def never(phrase, why):
        if phrase in text:
            said.append(f"{phrase!r} although {why}")

    if law.adjustment.forum.value != "immigration_judge":
        never("has jurisdiction over that application", "the judge does not decide adjustment")
        never("apply to adjust status before this Court", "the judge does not decide adjustment")
    if not law.adjustment.clear_path.value:
        never("clear path to permanent residence", "the assessment finds a bar or open question")
    if not law.waiver.needed.value:
        never("waiver on Form I-601A", "the I-601A is not this client's path")
    if law.reopen.ground.value != "timely":
        never("This motion is timely", f"the ground is {law.reopen.ground.value}")
        never("Velarde-Pacheco", "the motion is not a timely one")
    if law.reopen.ground.value != "joint":
        never("agreed to by Respondent and DHS and filed jointly", "DHS does not join")
    if law.reopen.fee.value != "exempt_joint":
        never("No filing fee is required: a motion agreed to by all parties", "not a joint motion")
    never("paid to DHS", "fees are paid through EOIR")
    if law.reopen.ground.value != "barred":
        never("on its own motion", "the motion is not barred")
    if not (
        law.reopen.ground.value == "timely"
        and law.adjustment.marriage_during_proceedings.value
        and case.dhs_position.stance == "opposes"
    ):
        never("Lamus-Pava", "cited only for its holding")
    if document != "pd-request" and case.dhs_position.stance != "joins":
        never("April 10, 2014", "a motion cites the 2014 announcement only when DHS joins")
    if law.vehicle.value == "request_no_nta":
        never("dismiss the removal proceedings", "there are no proceedings to dismiss")
        never("administrative closure of", "there are no proceedings to close")
    if law.criminal_record.value:
        never("no criminal record", "the case file records a criminal matter, held back or not")
        never("No criminal record", "the case file records a criminal matter, held back or not")
    if not law.same_sex_history.value:
        never("Windsor", "nothing in the case predates it: a stale recital")
    if not case.proceedings.closure_reason:
        never("has run its course", "the case file does not say why the case was closed")
    closure = law.closure
    if closure.respondent_delay.value is not False:
        never("asked for no continuance", "the case file does not show it")
        never("caused no delay", "the case file does not show it")
    if closure.dhs_reasons.value is None:
        never("DHS opposes closure, stating", "the case file records no reasons from DHS")
    if closure.expected_end.value is None:
        never("processing times point to", "no expected decision date is recorded")
    if not closure.generally_granted.value:
        never("unusual, clearly identified reasons", "DHS neither joins nor consents")
    if law.vehicle.value == "motion_to_reopen":
        never("1003.23(a)", "the deemed-unopposed rule governs motions before a decision")
    if document == "reopen" and law.reopen.forum.value == "board":
        never("1003.23(b)", "the Board's rules govern")
    if case.self_represented and document == "pd-request":  # the client signs the letter
        flagged = [r.text for p in result.paragraphs for r in p.runs if r.flag]
        assert not flagged, f"placeholders in a self-represented client's letter: {flagged}"
    unquoted = re.sub(r"[\"“][^\"”]*[\"”]", "", text)
    if result.document.motion is not None:  # motions speak of the respondent in the third person
        found = FIRST_PERSON.findall(unquoted)
        assert not found, f"first person in a motion: {found}"
    elif case.self_represented or document == "declaration":  # the client speaks as "I"
        never("Respondent", "the client speaks in the first person here")
    if document != "pd-request":
        cited = set(re.findall(r"Exhibits? ([A-Z, and]+)", text))
        letters = {x for group in cited for x in re.findall(r"\b[A-Z]{1,2}\b", group)}
        listed = {tab for tab, _ in result.exhibits}
        assert letters == listed, f"cited {sorted(letters)} but listed {sorted(listed)}"
        for p in result.paragraphs:
            bare = re.sub(r"\(See Exhibits? [^)]*\.\)|[\s.;]", "", p.plain)
            bare = re.sub(r"\d+I&NDec\.\d+|\d+C\.F\.R\.§[\d.()a-z]+|INA§[\d()A-Za-z]+", "", bare)
            assert bare, f"a paragraph that is only a citation: {p.plain!r}"
            assert (
                not re.match(r"^[A-Z][a-z]+( [a-z]+)*\. [A-Z]", p.plain)
                or p.style == "heading"
                or not any(r.italic and p.plain.startswith(r.text) for r in p.runs)
            ), f"a run-in label opens a motion paragraph: {p.plain!r}"
    for instruction in INSTRUCTIONS:
        never(instruction, "instructions go to the memo's checklist")
    if document == "reopen":
        assert ("RESCIND" in title) is law.reopen.rescission.value, title
    t = law.termination
    if document == "terminate":
        order = result.document.order_for(case, law)
        dismiss = t.disposition.value == "dismiss"
        assert ("DISMISS" in title) is dismiss and ("DISMISSED" in order) is dismiss, title
        assert ("1239.2(c)" in order) is dismiss and "§ " not in order, order
        assert ("TERMINATE" in title) is not dismiss, title
        assert ("RECALENDAR" in title) is t.recalendar_first.value, title
        assert ("RECALENDARED" in order) is t.recalendar_first.value, order
        if dismiss:
            never("terminate these", "DHS's motion dismisses")
        else:
            never("dismiss these", "the motion asks the judge to terminate")
    if t.dismissal_ground.value != "changed_circumstances":
        never("239.2(a)(7)", "the case file records no changed-circumstances ground")
    if t.dismissal_ground.value != "improvidently_issued":
        never("239.2(a)(6)", "the case file records no improvident-issuance ground")
    if t.reason.value != "u_visa":
        never("214.14", "there is no U visa petition")
    if t.reason.value != "consular_processing" or document != "terminate":
        never("the circumstance the Attorney General identified", "not consular processing")
    if law.reopen.fee.value != "waiver_requested":
        never("EOIR-26A", "no fee waiver is requested")
    if re.search(r"\$\s?\d", text):
        said.append("a fee amount on the page (amounts live in the fee schedule)")
    for kind in ("criminal_history", "prior_removals", "fraud_findings", "failures_to_appear"):
        for fact in getattr(case.adverse_facts, kind):
            if not fact.disclose:
                description = getattr(fact, "description", None)
                if description:
                    never(description, "the fact is held back")
                for conclusion in (
                    law.adjustment.inadmissible_212a9,
                    law.adjustment.inadmissible_212a6ci,
                ):
                    if f"adverse_facts.{kind}" in conclusion.facts:
                        never(conclusion.reason, "it rests on a held-back fact")
                        never(
                            "212(a)(6)(C)(i)" if kind == "fraud_findings" else "212(a)(9)",
                            "held back",
                        )
    assert not said, "\n".join(said)


def test_every_scenario_and_sample_was_drafted():
    names = {n.split(" / ")[0] for n, _, _ in DRAFTS}
    assert set(SCENARIOS) <= names
    assert len(DRAFTS) >= 40


def test_an_exhibit_that_proves_only_a_held_back_fact_is_neither_enclosed_nor_listed():
    case = _scenario(
        {
            "adverse_facts": {
                "criminal_history": [
                    {
                        "offense": "shoplifting",
                        "date": "2014-03-01",
                        "jurisdiction": "Alameda County",
                        "disposition": "dismissed",
                        "disclose": False,
                        "exhibits": ["dispo"],
                    }
                ]
            },
            "exhibits": [
                {"id": "dispo", "title": "Certified disposition, 2014", "kind": "criminal_record"},
                {"id": "lease", "title": "Leases since 2010", "kind": "residence"},
            ],
            "positive_factors": {
                "residence_since": "2010-05-01",
                "residence": {
                    "description": "She has lived here since 2010.",
                    "exhibits": ["lease"],
                },
            },
        }
    )
    result = drafter.draft(case, "pd-request")
    titles = [exhibit.title for _, exhibit in result.exhibits]
    assert "Leases since 2010" in titles
    assert "Certified disposition, 2014" not in titles
    assert "Certified disposition" not in docx_text(result.docx)
    assert any("dispo" in h and "held-back" in h for h in result.held_back)
    # Disclosed, it is enclosed like any other exhibit.
    shown = case.model_copy(
        update={
            "adverse_facts": case.adverse_facts.model_copy(
                update={
                    "criminal_history": [
                        case.adverse_facts.criminal_history[0].model_copy(update={"disclose": True})
                    ]
                }
            )
        }
    )
    assert "Certified disposition, 2014" in [
        e.title for _, e in drafter.draft(shown, "pd-request").exhibits
    ]


@pytest.mark.parametrize("disclose", [False, True])
def test_a_reason_resting_on_a_held_back_fact_cannot_reach_a_page(disclose):
    from drafter.drafting import load_library
    from drafter.scope import ClauseScope

    case = _scenario(
        {
            "adverse_facts": {
                "fraud_findings": [{"date": "2012-01-01", "description": "x", "disclose": disclose}]
            }
        }
    )
    law = assess(case)
    assert law.adjustment.inadmissible_212a6ci.value is True  # the law sees every fact
    seen = ClauseScope(case, load_library().registry, law=law).names()["law"]
    assert seen.adjustment.inadmissible_212a6ci == True  # noqa: E712 - rules still test it
    reason = seen.adjustment.inadmissible_212a6ci.reason
    assert (reason == "") is (not disclose)
    assert (reason == law.adjustment.inadmissible_212a6ci.reason) is disclose
    assert seen.cautions == ()  # the checklist is for the memo only


def test_a_motion_to_terminate_without_a_reason_is_refused_not_drafted():
    from drafter.errors import DocumentRequirementError

    case = _scenario(SCENARIOS["pending, nothing outside court"])
    with pytest.raises(DocumentRequirementError, match="needs a reason the case file shows"):
        drafter.draft(case, "terminate")
    joined = _scenario({"dhs_position": JOINS})  # DHS's own motion to dismiss needs no more
    assert "DISMISS" in drafter.draft(joined, "terminate").document.title_for(
        joined, assess(joined)
    )
