"""What a PD letter says about this client, and only what the case file shows."""

from __future__ import annotations

import datetime as dt

import drafter

from .conftest import SAMPLES

TODAY = dt.date(2026, 11, 23)


def _sample(prefix):
    return drafter.load_case(next(p for p in SAMPLES if p.stem.startswith(prefix)), today=TODAY)


def _text(case, document="pd-request"):
    return " ".join(p.plain for p in drafter.draft(case, document).paragraphs)


def test_no_criminal_record_is_said_plainly_only_when_none_exists_even_held_back():
    clean = _sample("03")
    assert not clean.adverse_facts.criminal_history
    assert "no criminal record" in _text(clean)
    record = _sample("04").adverse_facts.criminal_history[0]
    held = clean.model_copy(
        update={
            "adverse_facts": clean.adverse_facts.model_copy(
                update={"criminal_history": [record.model_copy(update={"disclose": False})]}
            )
        }
    )
    text = _text(held)
    assert "no criminal record" not in text and "No criminal record." not in text
    assert record.offense not in text


def test_windsor_history_only_where_it_explains_the_case():
    before = _sample("01")  # ordered removed in 2009, before Windsor
    assert "Windsor" in _text(before)
    order = before.proceedings.final_order.model_copy(update={"date": dt.date(2016, 3, 12)})
    spouse = before.relationships.spouse.model_copy(
        update={"relationship_start": dt.date(2014, 5, 1)}
    )
    after = before.model_copy(
        update={
            "proceedings": before.proceedings.model_copy(update={"final_order": order}),
            "relationships": before.relationships.model_copy(update={"spouse": spouse}),
        }
    )
    assert "Windsor" not in _text(after)


def test_a_letter_asking_opla_to_join_names_the_motion_and_encloses_the_draft():
    case = _sample("01")
    result = drafter.draft(case, "pd-request")
    text = " ".join(p.plain for p in result.paragraphs)
    assert (
        "join the motion titled \u201cJoint Motion to Reopen\u201d, a draft of which is enclosed"
        in text
    )
    enclosures = {e.id: (tab, e.title) for tab, e in result.exhibits}
    tab, title = enclosures["draft-motion"]
    assert title == "Draft Joint Motion to Reopen" and f"(See Exhibit {tab}.)" in text


def test_why_discretion_is_warranted_is_written_from_this_case():
    reasons = {}
    for prefix in ("01", "03", "04"):
        paragraph = next(
            p.plain
            for p in drafter.draft(_sample(prefix), "pd-request").paragraphs
            if "removal serves the public interest" in p.plain
        )
        reasons[prefix] = paragraph.split(":", 1)[1]
    assert len(set(reasons.values())) == 3  # no two letters argue alike
    assert "23 years" in reasons["01"] and "seriously ill child" in reasons["03"]
    assert "serves in the United States Army" in reasons["04"]


def test_sole_partners_only_from_the_case_file():
    case = _sample("05")
    assert "sole partner" in _text(case)
    spouse = case.relationships.spouse.model_copy(update={"sole_partners": False})
    plain = case.model_copy(
        update={"relationships": case.relationships.model_copy(update={"spouse": spouse})}
    )
    assert "sole partner" not in _text(plain)
