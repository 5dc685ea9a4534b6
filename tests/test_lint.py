"""Every lint check, each with a failing fixture built here."""

from __future__ import annotations

from drafter.drafting import builtin_dir
from drafter.lint import lint_library

from .conftest import SAMPLES
from .test_clauses import write_clause

BASE = builtin_dir("clauses")
FRONT = "id: firm.x\ntitle: T\ndocuments: [pd-request]\nsection: closing\norder: 1"


def lint(overlay, samples=()):
    return lint_library(BASE, overlay=overlay, samples=samples)


def test_builtin_library_is_clean():
    report = lint(None, SAMPLES)
    assert report.errors == []
    assert report.clauses >= 40


def errors_for(tmp_path, body="Text.", front=FRONT, samples=()):
    path = write_clause(tmp_path, "x.md", front, body)
    report = lint(tmp_path, samples)
    return path, [p for p in report.errors if p.file.endswith("x.md")], report


def test_front_matter_error(tmp_path):
    _, errors, _ = errors_for(
        tmp_path,
        front="id: firm.x\ntitle: T\ndocuments: [pd-request]\nsection: closing\norder: [1]",
    )
    assert len(errors) == 1 and errors[0].line == 6 and "order" in errors[0].message


def test_duplicate_ids(tmp_path):
    write_clause(tmp_path, "y.md", FRONT)
    _, _, report = errors_for(tmp_path)
    assert any("duplicate clause id 'firm.x'" in e.message and e.line == 2 for e in report.errors)


def test_unknown_authority_in_front_matter_and_body(tmp_path):
    path, errors, _ = errors_for(
        tmp_path, "Line one.\n{{ cite('no_such_case') }}", FRONT + "\nauthorities: [nope]"
    )
    messages = {(e.line, e.message) for e in errors}
    assert (7, "unknown authority 'nope': not in the registry") in messages
    body_line = path.read_text().splitlines().index("{{ cite('no_such_case') }}") + 1
    assert (body_line, "cites unknown authority 'no_such_case': not in the registry") in messages


def test_jinja_syntax_error_with_file_line(tmp_path):
    path, errors, _ = errors_for(tmp_path, "fine\n{% if case.counsel %}\nno end")
    assert len(errors) == 1
    assert "syntax error" in errors[0].message
    assert errors[0].line >= 8


def test_when_syntax_error(tmp_path):
    _, errors, _ = errors_for(tmp_path, front=FRONT + "\nwhen: case.counsel ==")
    assert any("`when` is not a valid expression" in e.message and e.line == 7 for e in errors)


def test_unknown_root_variable(tmp_path):
    _, errors, _ = errors_for(tmp_path, "{{ client_name }}")
    assert any("unknown variable 'client_name'" in e.message for e in errors)


def test_unknown_nested_path_checked_against_model(tmp_path):
    path, errors, _ = errors_for(
        tmp_path,
        "ok\n{{ case.relationships.spouse.citizenshp }}\n{% for c in case.adverse_facts.criminal_history %}{{ c.offence }}{% endfor %}",
        front=FRONT + "\nwhen: case.proceedings.final_order.dat",
    )
    messages = [(e.line, e.message) for e in errors]
    lines = path.read_text().splitlines()
    assert (
        lines.index("{{ case.relationships.spouse.citizenshp }}") + 1,
        "body reads 'citizenshp', which Partner does not have",
    ) in messages
    assert any("'offence', which CriminalRecord does not have" in m for _, m in messages)
    assert (7, "`when` reads 'dat', which FinalOrder does not have") in messages


def test_valid_nested_paths_pass(tmp_path):
    _, errors, _ = errors_for(
        tmp_path,
        "{% set kids = case.relationships.children|selectattr('medical_condition')|list %}"
        "{% for k in kids %}{{ k.name }}{% endfor %}{{ r.short_name }}{{ spouse.since }}"
        "{% for p in petitions('I-130') %}{{ p.receipt_number }}{% endfor %}",
        front=FRONT + "\nwhen: case.respondent.entry.inspected and r.plural",
    )
    assert errors == []


def test_hostile_clause_at_lint_time(tmp_path):
    _, errors, _ = errors_for(tmp_path, "{{ ''.__class__.__mro__ }}")
    assert any("'__class__', which the sandbox forbids" in e.message for e in errors)


def test_unknown_document_kind_and_section(tmp_path):
    _, errors, _ = errors_for(
        tmp_path, front="id: firm.x\ntitle: T\ndocuments: [pd-letter]\nsection: closing"
    )
    assert any("unknown document kind 'pd-letter'" in e.message for e in errors)
    _, errors, _ = errors_for(
        tmp_path, front="id: firm.x\ntitle: T\ndocuments: [pd-request]\nsection: epilogue"
    )
    assert any("section 'epilogue' is not a section of pd-request" in e.message for e in errors)


def test_warns_on_authority_not_in_force(tmp_path):
    write_clause(
        tmp_path, "x.md", FRONT + "\nauthorities: [morton_2011]", "{{ cite('morton_2011') }}"
    )
    report = lint(tmp_path)
    assert any(
        w.file.endswith("x.md") and "'morton_2011', which is superseded" in w.message
        for w in report.warnings
    )
    assert not [e for e in report.errors if e.file.endswith("x.md")]


def test_warns_on_citation_not_declared(tmp_path):
    write_clause(tmp_path, "x.md", FRONT, "{{ cite('windsor') }}")
    report = lint(tmp_path)
    assert any("does not list it under `authorities`" in w.message for w in report.warnings)


def test_warns_when_no_sample_selects(tmp_path):
    write_clause(tmp_path, "x.md", FRONT + "\nwhen: r.language == 'Klingon'")
    report = lint(tmp_path, SAMPLES)
    assert any(
        w.file.endswith("x.md") and "no sample case selects firm.x" in w.message
        for w in report.warnings
    )


def test_runtime_failure_on_a_sample_is_an_error(tmp_path):
    write_clause(tmp_path, "x.md", FRONT, "ok\n{{ case.proceedings.final_order.date }}")
    report = lint(tmp_path, SAMPLES)
    failures = [e for e in report.errors if e.file.endswith("x.md")]
    assert failures and "fails on" in failures[0].message


def test_disabled_clause_is_not_linted(tmp_path):
    write_clause(tmp_path, "x.md", "id: pd.closing\ndisabled: true", "")
    report = lint(tmp_path, SAMPLES)
    assert report.errors == []


def test_a_rule_that_rederives_a_legal_conclusion_is_a_warning(tmp_path):
    write_clause(
        tmp_path,
        "raw.md",
        "id: firm.raw\ntitle: T\ndocuments: [pd-request]\nsection: closing\n"
        'when: r.entry.manner == "entered_without_inspection"',
    )
    write_clause(
        tmp_path,
        "law.md",
        "id: firm.law\ntitle: T\ndocuments: [pd-request]\nsection: closing\n"
        'when: law.adjustment.path == "consular_with_i601a"',
    )
    report = lint(tmp_path)
    warnings = [str(p) for p in report.problems if "legal question" in str(p)]
    assert len(warnings) == 1 and "raw.md" in warnings[0]
    assert "law.adjustment.inspected" in warnings[0]
    assert not [p for p in lint(None).problems if "legal question" in str(p)]


def test_law_paths_are_checked_like_case_paths(tmp_path):
    write_clause(
        tmp_path,
        "t.md",
        "id: firm.t\ntitle: T\ndocuments: [pd-request]\nsection: closing\n"
        'when: law.reopen.grond == "joint"',
        "{{ law.reopen.ground.reason }}",
    )
    problems = [str(p) for p in lint(tmp_path).problems]
    assert any("'grond', which ReopenAssessment does not have" in p for p in problems)
    assert not any("'reason'" in p for p in problems)


def test_voice_lint_reads_the_clause_own_words_not_what_it_prints(tmp_path):
    motion = "id: firm.m\ntitle: T\ndocuments: [admin-close]\nsection: facts\norder: 99"
    declaration = "id: firm.d\ntitle: T\ndocuments: [declaration]\nsection: facts\norder: 99"
    write_clause(tmp_path, "m.md", motion, 'Respondent says {{ "I" }}.\n\nI was there.')
    write_clause(tmp_path, "d.md", declaration, "I was there.\n\nRespondent was there.")
    warnings = {(p.file.rsplit("/", 1)[-1], p.line, p.message) for p in lint(tmp_path).warnings}
    voice = sorted((f, line) for f, line, m in warnings if m.startswith("says "))
    assert voice == [("d.md", 10), ("m.md", 10)]  # the second paragraph of each
