from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import drafter
from drafter.documents import get_document
from drafter.drafting import load_library
from drafter.errors import ClauseError
from drafter.model import Case, Relief
from drafter.rules import select_clauses
from drafter.scope import ClauseScope

from .conftest import SAMPLES
from .test_clauses import write_clause

TODAY = dt.date(2026, 11, 23)
LIBRARY = load_library()
CASES = [drafter.load_case(p, today=TODAY) for p in SAMPLES]


def select(case, library=LIBRARY):
    return select_clauses(
        get_document("pd-request"), library, ClauseScope(case, library.registry), explain=True
    )


def test_every_clause_is_considered_with_its_facts():
    selection = select(CASES[0])
    assert {d.clause.id for d in selection.decisions} == {
        c.id for c in LIBRARY.for_document("pd-request")
    }
    decision = next(d for d in selection.decisions if d.clause.id == "pd.intro.ask_join_reopen")
    assert decision.included
    assert [(f.path, f.value) for f in decision.facts] == [
        ("case.request.relief", "join_motion_to_reopen"),
        ("law.vehicle", "'motion_to_reopen'"),
    ]
    left_out = next(d for d in selection.decisions if d.clause.id == "pd.intro.self")
    assert not left_out.included


def test_two_clauses_in_one_group_is_an_error_naming_both(tmp_path):
    write_clause(
        tmp_path,
        "rival.md",
        "id: firm.intro\ntitle: Rival\ndocuments: [pd-request]\nsection: introduction\ngroup: pd.intro\nwhen: true",
    )
    library = load_library(tmp_path)
    with pytest.raises(ClauseError) as info:
        select(CASES[0], library)
    message = str(info.value)
    assert "rival.md" in message and "intro.counsel.md" in message and "pd.intro" in message


def _in_own_words(case):
    """The case with the client's own words on every fact a self-represented letter tells."""
    data = case.model_dump()
    for path, _ in case.told_facts():
        node = data
        for part in path.split("."):
            node = node[int(part)] if part.isdigit() else node[part]
        node["own_words"] = node.get("own_words") or "I can tell this in my own words."
    return _valid(data)


def _valid(data):
    return Case.model_validate(data, context={"today": TODAY})


@st.composite
def varied_cases(draw):
    case = draw(st.sampled_from(CASES))
    relief = draw(st.sampled_from(list(Relief)))
    update = {"request": case.request.model_copy(update={"relief": relief})}
    if draw(st.booleans()):
        update["counsel"] = None
        update["self_represented"] = True
        case = _in_own_words(case)
    if draw(st.booleans()):
        update["relationships"] = case.relationships.model_copy(update={"spouse": None})
    if draw(st.booleans()):
        update["petitions"] = []
    return case.model_copy(update=update)


@settings(max_examples=60, deadline=None)
@given(varied_cases())
def test_selection_is_deterministic_and_groups_exclusive(case):
    first = select(case)
    second = select(case)
    assert [(d.clause.id, d.included) for d in first.decisions] == [
        (d.clause.id, d.included) for d in second.decisions
    ]
    groups = [c.meta.group for c in first.included if c.meta.group]
    assert len(groups) == len(set(groups))
    # Every document has exactly one introduction and one request.
    assert sum(1 for c in first.included if c.meta.group == "pd.intro") == 1
    assert sum(1 for c in first.included if c.meta.group == "pd.request") == 1


@st.composite
def any_case(draw):
    """Variations on the samples across every axis the clauses branch on."""
    case = draw(varied_cases())
    update = {}
    stance = draw(st.sampled_from(["unknown", "opposes", "does_not_oppose", "joins"]))
    update["dhs_position"] = case.dhs_position.model_copy(
        update={
            "stance": stance,
            "opla_attorney": "Assistant Chief Counsel Example"
            if stance in ("joins", "does_not_oppose")
            else None,
            "agreed_on": dt.date(2026, 11, 1) if stance == "joins" else None,
        }
    )
    if draw(st.booleans()):
        update["family_members"] = []
    bare = draw(st.booleans())
    flip = draw(st.sampled_from([None, True, False]))
    af = case.adverse_facts
    update["adverse_facts"] = af.model_copy(
        update={
            g: [
                i.model_copy(
                    update={
                        "disclose": i.disclose if flip is None else flip,
                        "exhibits": [] if bare else i.exhibits,
                    }
                )
                for i in getattr(af, g)
            ]
            for g in type(af).model_fields
        }
    )
    if bare:
        update["exhibits"] = []
        update["petitions"] = []
        update["positive_factors"] = case.positive_factors.model_copy(
            update={
                name: None
                for name in (
                    "residence",
                    "employment",
                    "education",
                    "community_ties",
                    "tax_filing",
                    "caregiving",
                    "law_enforcement_cooperation",
                    "military_service",
                )
            }
            | {"humanitarian": []}
        )
        update["relationships"] = case.relationships.model_copy(
            update={
                "other_relatives": [
                    r.model_copy(update={"military_service": None})
                    for r in case.relationships.other_relatives
                ]
            }
        )
    varied = case.model_copy(update=update)
    # model_copy does not validate: round-trip through the model so every generated case is valid.
    return _in_own_words(varied) if varied.self_represented else _valid(varied.model_dump())


@settings(max_examples=40, deadline=None)
@given(any_case())
def test_any_valid_case_drafts_every_fitting_document(case):
    from drafter.documents import DOCUMENTS

    from .conftest import docx_text

    for kind in DOCUMENTS.values():
        if kind.check(case):
            continue
        result = drafter.draft(case, kind.id)
        text = docx_text(result.docx)
        assert "{{" not in text and "{%" not in text
        assert case.respondent.a_number in text
        for group in type(case.adverse_facts).model_fields:
            for item in getattr(case.adverse_facts, group):
                if item.disclose:
                    continue
                for field in ("offense", "description", "reason"):
                    words = getattr(item, field, None)
                    if words:
                        assert words not in text, (kind.id, group, field)
