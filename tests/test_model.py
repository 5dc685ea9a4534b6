from __future__ import annotations

import datetime as dt
import json
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from drafter.casefile import read_case_data
from drafter.model import Case, Partner, Petition, normalize_a_number, normalize_receipt_number

from .conftest import SAMPLES


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("A123456789", "A123-456-789"),
        ("123-456-789", "A123-456-789"),
        ("a 123 456 789", "A123-456-789"),
        ("12345678", "A012-345-678"),
        ("A-12-345-678", "A012-345-678"),
        (12345678, "A012-345-678"),
    ],
)
def test_a_number_normalised(raw, expected):
    assert normalize_a_number(raw) == expected


@pytest.mark.parametrize("raw", ["1234567", "1234567890", "A12-34", "B123456789", "", "A"])
def test_bad_a_number_rejected(raw):
    with pytest.raises(ValueError, match="not an A-number"):
        normalize_a_number(raw)


@given(st.text(alphabet=string.digits, min_size=8, max_size=9))
def test_a_number_round_trip(digits):
    once = normalize_a_number(digits)
    assert once == normalize_a_number(once)
    assert once.replace("-", "")[1:].lstrip("0") == digits.lstrip("0")


def test_receipt_number():
    assert normalize_receipt_number("ioe 0123456789") == "IOE0123456789"
    with pytest.raises(ValueError, match="three letters and ten digits"):
        normalize_receipt_number("IOE123")


def _sample_data():
    data, _ = read_case_data(SAMPLES[0])
    return data


def validate(data, today=dt.date(2026, 11, 23)):
    return Case.model_validate(data, context={"today": today})


def test_sample_validates():
    case = validate(_sample_data())
    assert case.respondent.a_number == "A000-000-101"
    assert case.respondent.caption_name == "NGUYỄN, Ánh Thị"


def test_final_order_needs_date():
    data = _sample_data()
    del data["proceedings"]["final_order"]
    with pytest.raises(ValidationError, match="final_order is missing"):
        validate(data)


def test_joins_needs_who_and_when():
    data = _sample_data()
    data["dhs_position"] = {"stance": "joins"}
    with pytest.raises(ValidationError, match="opla_attorney and agreed_on"):
        validate(data)


def test_marriage_cannot_precede_relationship():
    with pytest.raises(ValidationError, match="cannot precede"):
        Partner(
            name="X",
            citizenship="usc",
            relationship="married",
            relationship_start=dt.date(2010, 1, 1),
            marriage_date=dt.date(2009, 1, 1),
        )


def test_future_birth_date_rejected_but_hearing_allowed():
    data = _sample_data()
    data["respondent"]["date_of_birth"] = "2030-01-01"
    with pytest.raises(ValidationError, match="in the future"):
        validate(data)
    data = _sample_data()
    data["proceedings"]["next_hearing"] = {"date": "2030-01-01", "time": "9:00 AM"}
    data["proceedings"]["status"] = "final_order"
    assert validate(data).proceedings.next_hearing.time == dt.time(9, 0)


def test_unknown_exhibit_reference():
    data = _sample_data()
    data["positive_factors"]["employment"]["exhibits"] = ["nope"]
    with pytest.raises(ValidationError, match="points at exhibit 'nope'"):
        validate(data)


def test_counsel_or_self_represented():
    data = _sample_data()
    del data["counsel"]
    with pytest.raises(ValidationError, match="self_represented"):
        validate(data)
    data["self_represented"] = True
    # the client writes the letter: each described fact needs the client's own words
    with pytest.raises(ValidationError, match=r"own_words to positive_factors\.residence"):
        validate(data)
    for factor in data["positive_factors"].values():
        if isinstance(factor, dict) and "description" in factor:
            factor["own_words"] = "I did this myself."
    assert validate(data).counsel is None


@pytest.mark.parametrize(
    ("field", "text", "ok"),
    [
        ("description", "She has worked as a nurse since 2012.", True),
        ("description", "I have worked as a nurse since 2012.", False),
        ("description", "Worked with my mother at the bakery.", False),
        ("description", "Her Form I-130 was approved; USCIS sent the notice to us.", False),
        ("description", "Her Form I-130 was approved; USCIS sent the notice.", True),
        ("description", "She is in Oakland, CA (the US).", True),
        ("own_words", "I have worked as a nurse since 2012.", True),
        ("own_words", "Respondent has worked as a nurse.", False),
    ],
)
def test_facts_are_third_person_and_own_words_first_person(field, text, ok):
    data = _sample_data()
    data["positive_factors"]["employment"] = {"description": "She works.", field: text}
    if ok:
        validate(data)
    else:
        with pytest.raises(ValidationError, match="first person|own_words"):
            validate(data)


def test_extra_field_forbidden():
    data = _sample_data()
    data["respondent"]["nickname"] = "A"
    with pytest.raises(ValidationError, match="Extra inputs"):
        validate(data)


def test_approved_petition_needs_decision_date():
    with pytest.raises(ValidationError, match="decided_date is missing"):
        Petition(form="I-130", status="approved", filed_date=dt.date(2020, 1, 1))


@pytest.mark.parametrize("pronouns, they, verb", [("she", "she", "has"), ("they", "they", "have")])
def test_pronouns(pronouns, they, verb):
    data = _sample_data()
    data["respondent"]["pronouns"] = pronouns
    r = validate(data).respondent
    assert (r.they, r.has) == (they, verb)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_samples_round_trip_through_json(path):
    data, _ = read_case_data(path)
    case = validate(data)
    again = Case.model_validate_json(
        case.model_dump_json(), context={"today": dt.date(2026, 11, 23)}
    )
    assert again == case


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("A\x00B", "control"),
        ("A\x0bB", "control"),
        ("A\ufffeB", "control"),
        ("A\ue000B", "private-use"),
        ("A\uf8ffB", "private-use"),
    ],
)
def test_text_a_word_document_cannot_hold_is_refused_naming_the_field(value, kind):
    from drafter.casefile import parse_case
    from drafter.errors import CaseValidationError

    data = json.loads(json.dumps(_sample_data()))
    data["respondent"]["family_name"] = value
    with pytest.raises(CaseValidationError) as err:
        parse_case(data, today=dt.date(2026, 11, 23))
    (problem,) = err.value.problems
    assert problem.location == "respondent.family_name"
    assert f"{kind} character" in problem.message


def test_printable_text_is_always_storable():
    """check_text accepts printable text without its regex: no printable character is refused."""
    from drafter.model import _UNSTORABLE, check_text

    every = "".join(map(chr, range(0x110000)))
    refused = _UNSTORABLE.findall(every)
    assert len(refused) > 6000  # controls, surrogates, private use, U+FFFE/FFFF
    assert not [c for c in refused if c.isprintable()]
    for c in refused[::97]:  # a line break is not printable either, and stays allowed
        with pytest.raises(ValueError, match="character"):
            check_text(f"A{c}B")
    assert check_text("Line one\nline two\tand a tab") == "Line one\nline two\tand a tab"


def test_dates_before_1900_and_non_ascii_digits_are_refused():
    from drafter.casefile import parse_case
    from drafter.errors import CaseValidationError

    data = json.loads(json.dumps(_sample_data()))
    data["respondent"]["date_of_birth"] = "1899-12-31"
    data["respondent"]["a_number"] = "A٠٠٠٠٠٠١٠١"
    with pytest.raises(CaseValidationError) as err:
        parse_case(data, today=dt.date(2026, 11, 23))
    where = {p.location: p.message for p in err.value.problems}
    assert "before 1900" in where["respondent.date_of_birth"]
    assert "not an A-number" in where["respondent.a_number"]


def _sample_data():
    data, _ = read_case_data(SAMPLES[0])
    return data


def test_every_default_is_a_valid_value():
    """Defaults are not validated (validate_default is off): each must be valid as written."""
    import typing

    from pydantic import BaseModel, TypeAdapter
    from pydantic_core import PydanticUndefined

    seen: set[type] = set()
    checked = 0

    def walk(model: type[BaseModel]) -> None:
        nonlocal checked
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            if info.default is not PydanticUndefined or info.default_factory is not None:
                value = info.get_default(call_default_factory=True)
                annotated = (
                    typing.Annotated[(info.annotation, *info.metadata)]
                    if info.metadata
                    else info.annotation
                )
                assert TypeAdapter(annotated).validate_python(value) == value, (model, name)
                assert model._not_a_placeholder(value) == value
                assert model._storable(value) == value
                checked += 1
            for arg in typing.get_args(info.annotation) or (info.annotation,):
                for inner in typing.get_args(arg) or (arg,):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner)

    walk(Case)
    assert len(seen) > 25 and checked > 100
