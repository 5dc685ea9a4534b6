"""End to end over every sample: each drafts a complete, deterministic PD request letter."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import drafter

from .conftest import GOLDEN, SAMPLES, docx_text

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def drafts():
    return {p: drafter.draft(drafter.load_case(p, today=TODAY), "pd-request") for p in SAMPLES}


def test_there_are_at_least_five_samples():
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_letter_is_complete(drafts, path):
    result = drafts[path]
    case = result.case
    text = docx_text(result.docx)
    assert case.respondent.full_name in text
    assert case.respondent.a_number in text
    for member in case.family_members:
        assert member.a_number in text
    assert case.opla_office.name in text
    assert "Sincerely," in text
    assert "Dear Chief Counsel:" in text
    assert "{{" not in text and "{%" not in text
    # Every exhibit appears in the enclosures with its letter, and the letters run A, B, C...
    tabs = [tab for tab, _ in result.exhibits]
    assert tabs == [chr(ord("A") + i) for i in range(len(tabs))]
    for tab, exhibit in result.exhibits:
        assert f"Exhibit {tab} {exhibit.title}" in text
    # The requested relief is in the letter.
    assert "Why Discretion Is Warranted" in text


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_letter_is_deterministic(drafts, path):
    again = drafter.draft(drafter.load_case(path, today=TODAY), "pd-request")
    assert again.docx == drafts[path].docx


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_golden_text(drafts, path, update_golden):
    """The letter's text, snapshotted; run pytest --update-golden after an intended change."""
    golden = GOLDEN / f"{path.stem}.pd-request.txt"
    text = docx_text(drafts[path].docx)
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no snapshot {golden.name}; run pytest --update-golden"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_exhibits_lettered_in_order_of_first_reference(drafts, path):
    result = drafts[path]
    body = "\n".join(p.plain for p in result.paragraphs)
    seen: list[str] = []
    for group in re.findall(r"Exhibits? ([A-Z]{1,2}(?:(?:, and |, | and )[A-Z]{1,2})*)", body):
        for tab in re.split(r", and |, | and ", group):
            if tab not in seen:
                seen.append(tab)
    assert seen, "the letter points at no exhibit"
    assert seen == [t for t, _ in result.exhibits][: len(seen)]


def test_undisclosed_adverse_facts_never_reach_the_letter(drafts):
    path = next(p for p in SAMPLES if "misdemeanor" in p.name)
    result = drafts[path]
    text = docx_text(result.docx)
    assert "petty theft" in text
    assert "suspended license" not in text
    assert result.held_back == [
        "adverse_facts.criminal_history.1: driving with a suspended license (2003-08-19)"
    ]


def test_same_sex_reopen_cites_windsor_and_the_2014_announcement(drafts):
    result = drafts[SAMPLES[0]]
    assert {"windsor", "zeleniak", "ice_2014_announcement", "cfr_1003_23_b_4_iv"} <= set(
        result.cited
    )
    italic = [r.text for p in result.paragraphs for r in p.runs if r.italic]
    assert "United States v. Windsor" in italic


def test_ewi_case_explains_provisional_waiver(drafts):
    path = next(p for p in SAMPLES if "ewi" in p.name)
    text = docx_text(drafts[path].docx)
    assert "Form I-601A" in text
    assert "may adjust status under" not in text


def test_missing_evidence_goes_to_the_memo_checklist_not_the_letter():
    case = drafter.load_case(SAMPLES[0], today=TODAY)
    factors = case.positive_factors.model_copy(
        update={"residence": None, "employment": None, "community_ties": None}
    )
    bare = case.model_copy(update={"exhibits": [], "petitions": [], "positive_factors": factors})
    result = drafter.draft(bare, "pd-request")
    text = " ".join(p.plain for p in result.paragraphs)
    assert "exhibit to be attached" not in text
    # the only enclosure left is the draft motion the letter asks OPLA to join
    assert [e.id for _, e in result.exhibits] == ["draft-motion"] and text.count("(See") == 1
    assert result.unsupported  # some statements cite no exhibit...
    memo = drafter.explain(bare, "pd-request")
    checklist = " ".join(memo.before_filing)
    for clause_id in result.unsupported:  # ... and the checklist names each one
        assert f"({clause_id})" in checklist
    assert "Attach evidence" in checklist


def test_self_represented_letter_in_first_person():
    case = drafter.load_case(SAMPLES[2], today=TODAY)
    pro_se = case.model_copy(update={"counsel": None, "self_represented": True})
    text = docx_text(drafter.draft(pro_se, "pd-request").docx)
    assert "My name is Lucía Andrea Ramírez Torres" in text
    assert "Respondent, pro se" in text
    assert "We represent" not in text


def test_hostile_names_survive_into_the_letter():
    case = drafter.load_case(SAMPLES[1], today=TODAY)
    assert "O'Brien & Sons <LLC>" in docx_text(drafter.draft(case, "pd-request").docx)


def test_document_requirements(tmp_path):
    case = drafter.load_case(SAMPLES[0], today=TODAY)
    with pytest.raises(drafter.DocumentRequirementError, match="opla_office"):
        drafter.draft(case.model_copy(update={"opla_office": None}), "pd-request")
    with pytest.raises(drafter.DocumentRequirementError, match="unknown document kind"):
        drafter.draft(case, "nonsense")


_NAME = st.text(
    # Every character a case may hold (the model refuses control and private-use characters).
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Zl", "Zp", "Zs")),
    min_size=1,
    max_size=30,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(given_name=_NAME, family_name=_NAME)
def test_names_of_any_unicode_survive_into_the_document(given_name, family_name):
    case = drafter.load_case(SAMPLES[0], today=TODAY)
    respondent = case.respondent.model_copy(
        update={"given_name": given_name, "family_name": family_name, "middle_name": None}
    )
    text = docx_text(
        drafter.draft(case.model_copy(update={"respondent": respondent}), "pd-request").docx
    )
    assert f"{given_name} {family_name}, A000-000-101" in text


def test_self_represented_request_speaks_in_the_first_person():
    path = next(p for p in SAMPLES if "pro-se" in p.name)
    result = drafter.draft(drafter.load_case(path, today=TODAY), "pd-request")
    body = "\n".join(p.plain for p in result.paragraphs)
    assert "the motion I am filing, so that I may pursue" in body
    assert "DHS does not oppose my motion" in body
    assert "Respondent, pro se" in docx_text(result.docx)


def test_plural_pronoun_agrees():
    path = next(p for p in SAMPLES if "witness" in p.name)  # pronouns: they
    case = drafter.load_case(path, today=TODAY)
    closure = case.request.model_copy(update={"relief": "non_opposition"})
    body = "\n".join(
        p.plain
        for p in drafter.draft(
            case.model_copy(update={"request": closure}), "pd-request"
        ).paragraphs
    )
    assert "the motion Mx. Volkova is filing, so that they may pursue" in body
    assert "They were admitted to the United States" in body


def test_self_represented_letter_tells_the_facts_in_the_first_person_but_motions_do_not():
    path = next(p for p in SAMPLES if "pro-se" in p.name)
    case = drafter.load_case(path, today=TODAY)
    letter = "\n".join(p.plain for p in drafter.draft(case, "pd-request").paragraphs)
    assert "I was born on October 2, 1988 and am a citizen of Jordan." in letter
    assert "My next hearing is set for" in letter
    assert "Mr. Haddad" not in letter
    motion = "\n".join(p.plain for p in drafter.draft(case, "admin-close").paragraphs)
    assert "Respondent, Amir Haddad, is a citizen of Jordan" in motion
    assert "He was admitted to the United States" in motion
    assert "I was admitted" not in motion
