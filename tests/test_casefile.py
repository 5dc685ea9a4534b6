from __future__ import annotations

import datetime as dt
import json

import pytest

from drafter.casefile import load_case, read_case_data
from drafter.errors import CaseFileError, CaseValidationError

from .conftest import SAMPLES

TODAY = dt.date(2026, 11, 23)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def broken_sample(tmp_path, *replacements):
    text = SAMPLES[0].read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    return write(tmp_path, "case.yaml", text)


def test_every_problem_reported_with_field_and_line(tmp_path):
    path = broken_sample(
        tmp_path,
        ('a_number: "000000101"', 'a_number: "12-34"'),
        ("  language: Vietnamese", "  langauge: Vietnamese"),
        ("  date: 2026-11-20", "  date: 2026-13-20"),
    )
    with pytest.raises(CaseValidationError) as info:
        load_case(path, today=TODAY)
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = {p.location: p for p in info.value.problems}
    assert set(problems) == {"respondent.a_number", "respondent.langauge", "filing.date"}
    for problem in problems.values():
        assert problem.line is not None
    assert "a_number" in lines[problems["respondent.a_number"].line - 1]
    assert "langauge" in lines[problems["respondent.langauge"].line - 1]
    assert "did you mean 'language'" in problems["respondent.langauge"].message
    assert "2026-13-20" in lines[problems["filing.date"].line - 1]
    message = str(info.value)
    assert f"{path}:{problems['respondent.a_number'].line}: respondent.a_number:" in message
    assert "3 problems" in message


def test_missing_required_field_points_at_parent(tmp_path):
    path = broken_sample(tmp_path, ("  pronouns: she\n", ""))
    with pytest.raises(CaseValidationError) as info:
        load_case(path, today=TODAY)
    (problem,) = info.value.problems
    assert problem.location == "respondent.pronouns"
    assert problem.message == "is required but missing"
    assert path.read_text(encoding="utf-8").splitlines()[problem.line - 1] == "respondent:"


def test_malformed_yaml_names_line(tmp_path):
    path = write(tmp_path, "case.yaml", "respondent:\n  given_name: [unclosed\n  family_name: X\n")
    with pytest.raises(CaseFileError, match=r"case\.yaml:\d+:\d+: not valid YAML"):
        load_case(path)


def test_duplicate_key_is_an_error(tmp_path):
    path = write(tmp_path, "case.yaml", "filing: {}\nfiling: {}\n")
    with pytest.raises(CaseFileError, match="not valid YAML"):
        load_case(path)


def test_missing_file(tmp_path):
    with pytest.raises(CaseFileError, match="no such case file"):
        load_case(tmp_path / "nope.yaml")


def test_directory(tmp_path):
    with pytest.raises(CaseFileError, match="is a directory"):
        load_case(tmp_path)


def test_unknown_suffix(tmp_path):
    with pytest.raises(CaseFileError, match="unknown kind of case file"):
        load_case(write(tmp_path, "case.txt", "x"))


def test_empty_file(tmp_path):
    with pytest.raises(CaseValidationError, match="must be a mapping"):
        load_case(write(tmp_path, "case.yaml", ""))


def test_json_case(tmp_path):
    data, _ = read_case_data(SAMPLES[0])
    path = write(tmp_path, "case.json", json.dumps(data, default=str))
    assert load_case(path, today=TODAY).respondent.a_number == "A000-000-101"


def test_bad_json_names_line(tmp_path):
    with pytest.raises(CaseFileError, match=r"case\.json:2:\d+: not valid JSON"):
        load_case(write(tmp_path, "case.json", '{\n  "a": ,\n}'))


def test_not_utf8(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_bytes(b"respondent: \xff\xfe\n")
    with pytest.raises(CaseFileError, match="not UTF-8"):
        load_case(path)


def test_json_case_file_errors_carry_line_numbers(tmp_path):
    import json as _json

    from drafter.casefile import load_case as _load
    from drafter.casefile import read_case_data as _read
    from drafter.errors import CaseValidationError

    from .conftest import SAMPLES

    data, _ = _read(SAMPLES[0])
    data["respondent"]["pronouns"] = "it"
    path = tmp_path / "case.json"
    path.write_text(_json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    with pytest.raises(CaseValidationError) as err:
        _load(path)
    (problem,) = err.value.problems
    line = next(
        i
        for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if '"pronouns"' in text
    )
    assert problem.line == line
    assert f"case.json:{line}: respondent.pronouns" in str(err.value)


def test_misspelt_exhibit_id_is_reported_with_the_other_problems():
    from drafter.casefile import parse_case
    from drafter.casefile import read_case_data as _read
    from drafter.errors import CaseValidationError

    from .conftest import SAMPLES

    data, lines = _read(SAMPLES[0])
    data["respondent"]["pronouns"] = "it"  # a field error...
    data["petitions"][0]["exhibits"] = ["aproval"]  # ... and a misspelt exhibit id
    with pytest.raises(CaseValidationError) as err:
        parse_case(data, lines=lines, source="case.yaml")
    where = {p.location: p for p in err.value.problems}
    assert "respondent.pronouns" in where
    ref = where["petitions.0.exhibits.0"]
    assert "points at exhibit 'aproval'" in ref.message and ref.line is not None
