"""The drafting memo: golden snapshots over every sample, and the facts it reports."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import drafter
from drafter.model import ExhibitKind

from .conftest import GOLDEN, SAMPLES

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def memos():
    return {p: drafter.explain(drafter.load_case(p, today=TODAY), "pd-request") for p in SAMPLES}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_golden_memo(memos, path, update_golden):
    golden = GOLDEN / f"{path.stem}.pd-request.memo.md"
    text = memos[path].to_text()
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no snapshot {golden.name}; run pytest --update-golden"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_memo_lists_every_clause_once(memos, path):
    memo = memos[path]
    ids = [c.id for c in memo.clauses]
    assert len(ids) == len(set(ids))
    assert set(ids) == {c.id for c in drafter.load_library().for_document("pd-request")}


def test_historical_and_unverified_authorities_are_warned(memos):
    memo = memos[SAMPLES[0]]
    note = next(a for a in memo.authorities if a.id == "ice_2014_announcement")
    assert note.status == "historical" and note.warning.startswith("NOT IN FORCE")
    assert "only as history" in note.warning
    assert any(w.startswith("ice_2014_announcement: NOT IN FORCE") for w in memo.warnings)
    assert note.cited_in == ["pd.discretion.same_sex_reopen_2014"]
    witness = memos[next(p for p in SAMPLES if "witness" in p.name)]
    unverified = next(a for a in witness.authorities if a.id == "cfr_1003_18_c")
    assert unverified.status == "unverified" and unverified.warning.startswith("VERIFY")


def test_held_back_facts_are_listed(memos):
    memo = memos[next(p for p in SAMPLES if "misdemeanor" in p.name)]
    assert memo.held_back == [
        "adverse_facts.criminal_history.1: driving with a suspended license (2003-08-19)"
    ]
    assert "driving with a suspended license" in memo.to_text()


def test_missing_evidence_is_flagged():
    case = drafter.load_case(SAMPLES[0], today=TODAY)
    exhibits = [
        e.model_copy(update={"kind": ExhibitKind.OTHER})
        if e.kind.value == "marriage_certificate"
        else e
        for e in case.exhibits
    ]
    bare = case.model_copy(update={"exhibits": exhibits})
    memo = drafter.explain(bare, "pd-request")
    marriage = next(c for c in memo.clauses if c.id == "pd.equity.marriage")
    assert [(e.kind, e.exhibits) for e in marriage.evidence] == [
        ("marriage_certificate", []),
        ("bona_fide_marriage", ["A"]),
    ]
    assert (
        "pd.equity.marriage relies on `marriage_certificate` evidence, but the case lists none."
        in memo.warnings
    )


def test_memo_json_round_trips(memos):
    data = json.loads(json.dumps(memos[SAMPLES[0]].to_dict(), default=str))
    assert data["a_number"] == "A000-000-101"
    clause = next(c for c in data["clauses"] if c["id"] == "pd.intro.ask_join_reopen")
    assert clause["included"] is True
    assert clause["facts"] == [
        {"path": "case.request.relief", "value": "join_motion_to_reopen"},
        {"path": "law.vehicle", "value": "'motion_to_reopen'"},  # a conclusion, shown by value
    ]


def test_factor_without_exhibit_is_flagged_in_memo(memos):
    memo = memos[next(p for p in SAMPLES if "veteran" in p.name)]
    removal = next(c for c in memo.clauses if c.id == "pd.adverse.prior_removal")
    assert removal.placeholders == []  # nothing left on the letter for the attorney...
    assert any(  # ... the checklist says what to attach instead
        "(pd.adverse.prior_removal)" in item and item.startswith("Attach evidence")
        for item in memo.before_filing
    )
