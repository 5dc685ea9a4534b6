"""The respondent's declaration: first person throughout, and the motions cite it by paragraph."""

from __future__ import annotations

import re

import pytest

import drafter
from drafter.model import _FIRST_PERSON as FIRST_PERSON

from .conftest import GOLDEN, SAMPLES, docx_text

IN_PROCEEDINGS = [
    p for p in SAMPLES if drafter.load_case(p).proceedings.status.value != "not_in_proceedings"
]


@pytest.mark.parametrize("path", IN_PROCEEDINGS, ids=lambda p: p.stem)
def test_declaration_speaks_as_the_client_throughout(path):
    case = drafter.load_case(path)
    result = drafter.draft(case, "declaration")
    text = " ".join(p.plain for p in result.paragraphs)
    assert "Respondent" not in text
    r = case.respondent
    assert (
        not re.search(rf"\b{r.they}\b", text.replace(f"{r.they.capitalize()} ", ""), re.I)
        or r.they == "I"
    )
    assert text.startswith(f"I, {r.full_name}, declare as follows:")
    assert "under penalty of perjury under the laws of the United States of America" in text
    assert FIRST_PERSON.search(text)
    assert not result.exhibits  # a declaration cites no exhibit; the motion cites it
    numbered = [p for p in result.paragraphs if p.style == "body"]
    assert len(numbered) >= 3


def test_interpreter_certificate_only_when_the_client_is_not_english_speaking():
    arabic = drafter.load_case(next(p for p in SAMPLES if p.stem.startswith("06")))
    assert arabic.respondent.language == "Arabic"
    text = docx_text(drafter.draft(arabic, "declaration").docx)
    assert "CERTIFICATE OF INTERPRETER" in text and "between Arabic and English" in text
    english = arabic.model_copy(
        update={"respondent": arabic.respondent.model_copy(update={"language": "English"})}
    )
    assert "CERTIFICATE OF INTERPRETER" not in docx_text(drafter.draft(english, "declaration").docx)


def test_motion_cites_the_declaration_paragraph_that_proves_the_fact():
    case = drafter.load_case(next(p for p in SAMPLES if p.stem.startswith("10")))
    declaration = drafter.draft(case, "declaration")
    numbered = [p.plain for p in declaration.paragraphs if p.style == "body"]
    motion = drafter.draft(case, "reopen")
    text = " ".join(p.plain for p in motion.paragraphs)
    cited = re.search(
        r"did not receive notice of that hearing\. \(Decl\. of [^¶]+¶ (\d+), Exhibit (\w)\.\)", text
    )
    assert cited, text
    paragraph = numbered[int(cited.group(1)) - 1]
    assert "ordered me removed in my absence" in paragraph and "did not receive notice" in paragraph
    assert dict(motion.exhibits)[cited.group(2)].kind.value == "declaration"


def test_no_declaration_exhibit_no_citation():
    case = drafter.load_case(next(p for p in SAMPLES if p.stem.startswith("10")))
    bare = case.model_copy(
        update={"exhibits": [e for e in case.exhibits if e.kind.value != "declaration"]}
    )
    text = " ".join(p.plain for p in drafter.draft(bare, "reopen").paragraphs)
    assert "Decl. of" not in text


def test_a_fact_without_the_clients_words_is_left_out_and_the_memo_says_so():
    case = drafter.load_case(SAMPLES[0])
    result = drafter.draft(case, "declaration", explain=True)
    described = [f for _, f in case.told_facts() if not f.own_words]
    assert described, "sample 01 should hold a fact without own_words"
    text = " ".join(p.plain for p in result.paragraphs)
    for fact in described:
        words = getattr(fact, "description", None) or getattr(fact, "reason", None)
        assert words not in text
    memo = drafter.explain(case, "declaration").to_text()
    assert "own_words" in memo


@pytest.mark.parametrize("path", IN_PROCEEDINGS, ids=lambda p: p.stem)
def test_golden_declaration(path, update_golden):
    text = docx_text(drafter.draft(drafter.load_case(path), "declaration").docx)
    golden = GOLDEN / f"{path.stem}.declaration.txt"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no snapshot {golden.name}; run pytest --update-golden"
    assert text == golden.read_text(encoding="utf-8")


def test_each_factor_cites_the_one_declaration_paragraph_that_tells_it():
    case = drafter.load_case(next(p for p in SAMPLES if p.stem.startswith("10")))
    numbered = [p.plain for p in drafter.draft(case, "declaration").paragraphs if p.style == "body"]
    text = " ".join(p.plain for p in drafter.draft(case, "reopen").paragraphs)
    for factor in (case.positive_factors.employment, case.positive_factors.community_ties):
        cited = re.search(
            re.escape(factor.description) + r" \(See Exhibit \w\.\) \(Decl\. of [^¶]+¶ (\d+),", text
        )
        assert cited, factor.description
        assert factor.own_words in numbered[int(cited.group(1)) - 1]
