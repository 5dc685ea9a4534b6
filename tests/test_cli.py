from __future__ import annotations

import json
import re

import click
import pytest
from click.testing import CliRunner

import drafter
from drafter.cli import cli

from .conftest import ROOT, SAMPLES, docx_text, make_template

SAMPLE = str(SAMPLES[0])


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    result = runner.invoke(cli, list(map(str, args)))
    # No traceback ever reaches the user for bad input.
    assert "Traceback" not in result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_render_writes_letter(runner, tmp_path):
    result = run(runner, "render", SAMPLE, "--document", "pd-request", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    (out,) = tmp_path.glob("*.docx")
    assert out.name == "Nguyen_Anh_A000-000-101_pd-request.docx"
    assert "A000-000-101" in docx_text(out.read_bytes())
    assert f"Wrote {out}" in result.output


def test_render_refuses_to_overwrite_then_forces(runner, tmp_path):
    run(runner, "render", SAMPLE, "-d", "pd-request", "-o", tmp_path)
    (out,) = tmp_path.glob("*.docx")
    out.write_bytes(b"attorney's edits")
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", tmp_path)
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert out.read_bytes() == b"attorney's edits"
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", tmp_path, "--force")
    assert result.exit_code == 0
    assert out.read_bytes() != b"attorney's edits"


def test_render_into_attorney_template(runner, tmp_path):
    template = make_template(
        tmp_path / "mine.docx",
        [
            "MY FIRM LETTERHEAD",
            "Re: {{ case.respondent.full_name }} ({{ case.respondent.a_number }})",
            "{%p for block in draft.body %}",
            "{{r block.text }}",
            "{%p endfor %}",
            "{{ draft.signer }}",
        ],
    )
    out = tmp_path / "out"
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", out, "--template", template)
    assert result.exit_code == 0, result.output
    text = docx_text(next(out.glob("*.docx")).read_bytes())
    assert "MY FIRM LETTERHEAD" in text
    assert "Re: Ánh Thị Nguyễn (A000-000-101)" in text
    assert "Eleanor Vance" in text
    assert "join a motion to reopen" in text


def bad_case(tmp_path, old, new):
    text = SAMPLES[0].read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "case.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def hostile_template(tmp_path, line):
    return make_template(tmp_path / "t.docx", ["ok", line])


BAD_INPUTS = {
    "malformed YAML": lambda t: (
        bad_case(t, "respondent:\n", "respondent: [\n"),
        None,
        "not valid YAML",
    ),
    "unknown field": lambda t: (
        bad_case(t, "  language: Vietnamese", "  tongue: Vietnamese"),
        None,
        "respondent.tongue: is not a known field",
    ),
    "bad A-number": lambda t: (
        bad_case(t, 'a_number: "000000101"', "a_number: 12"),
        None,
        "respondent.a_number: '12' is not an A-number",
    ),
    "missing required field": lambda t: (
        bad_case(t, "  family_name: Nguyễn\n", ""),
        None,
        "respondent.family_name: is required but missing",
    ),
    "missing file": lambda t: (t / "nope.yaml", None, "no such case file"),
    "directory as case": lambda t: (t, None, "is a directory"),
    "template syntax error": lambda t: (
        SAMPLES[0],
        hostile_template(t, "{% if %}"),
        "syntax error",
    ),
    "template unknown variable": lambda t: (
        SAMPLES[0],
        hostile_template(t, "{{ case.nope }}"),
        "unknown variable",
    ),
    "hostile template": lambda t: (
        SAMPLES[0],
        hostile_template(t, "{{ ''.__class__.__mro__ }}"),
        "sandbox",
    ),
    "template is a directory": lambda t: (SAMPLES[0], t, "is a directory"),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_bad_input_clear_error_no_file(runner, tmp_path, kind):
    case, template, expected = BAD_INPUTS[kind](tmp_path)
    out = tmp_path / "out"
    args = ["render", case, "-d", "pd-request", "-o", out]
    if template is not None:
        args += ["--template", template]
    result = run(runner, *args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") or "\nError: " in result.output
    assert expected in result.output
    assert not out.exists() or not any(out.iterdir())


def test_bad_yaml_error_names_file_and_line(runner, tmp_path):
    path = bad_case(tmp_path, 'a_number: "000000101"', "a_number: 12")
    result = run(runner, "validate", path)
    assert result.exit_code == 1
    assert re.search(rf"{re.escape(str(path))}:\d+: respondent\.a_number:", result.output)


def test_validate_all_samples(runner):
    result = run(runner, "validate", *SAMPLES)
    assert result.exit_code == 0, result.output
    assert result.output.count(": valid") == len(SAMPLES)


def test_validate_reports_each_file(runner, tmp_path):
    bad = bad_case(tmp_path, 'a_number: "000000101"', "a_number: 12")
    result = run(runner, "validate", SAMPLES[0], bad)
    assert result.exit_code == 1
    assert ": valid" in result.output and "not an A-number" in result.output


def test_schema_is_json_schema(runner):
    result = run(runner, "schema")
    schema = json.loads(result.output)
    assert schema["title"] == "drafter case file"
    assert "respondent" in schema["properties"]
    assert schema["additionalProperties"] is False


STARTER_ANSWERS = {
    "given name": "Amaru",
    "family name": "Quispe",
    "she, he or they": "he",
    "A-number": "A000-000-901",
    "YYYY-MM-DD": "1990-03-04",
    "country": "Peru",
    "street": "1 Fictional Way",
    "city": "Oakland",
    "state": "CA",
    "ZIP code": "94601",
    "admitted, paroled, entered_without_inspection or unknown": "admitted",
    "pending": "pending",
    "court city": "San Francisco",
    "court state": "CA",
    "attorney's name": "Rosa Fictional",
    "phone": "(510) 555-0142",
    "e-mail": "rosa@example.org",
    "e.g. Office of the Principal Legal Advisor, San Francisco": "Office of the Chief Counsel, San Francisco",
    "administrative_closure": "administrative_closure",
}


def test_init_starter_is_refused_until_every_placeholder_is_replaced(runner, tmp_path):
    target = tmp_path / "client.yaml"
    assert run(runner, "init", target).exit_code == 0
    result = run(runner, "validate", target)
    assert result.exit_code == 1
    body = "\n".join(
        line for line in target.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    )
    placeholders = set(re.findall(r"<<([^<>]+)>>", body))
    assert placeholders == set(STARTER_ANSWERS)
    for name in placeholders:
        assert f"placeholder <<{name}>>" in result.output
    result = run(runner, "render", target, "-d", "pd-request", "-o", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    text = target.read_text(encoding="utf-8")
    for name, value in STARTER_ANSWERS.items():
        text = text.replace(f"<<{name}>>", value)
    target.write_text(text, encoding="utf-8")
    assert run(runner, "validate", target).exit_code == 0
    result = run(runner, "render", target, "-d", "pd-request", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output


def test_init_never_overwrites(runner, tmp_path):
    target = tmp_path / "client.yaml"
    target.write_text("mine")
    result = run(runner, "init", target)
    assert result.exit_code == 1 and "already exists" in result.output
    assert target.read_text() == "mine"


def test_unknown_document_is_usage_error(runner, tmp_path):
    result = run(runner, "render", SAMPLE, "-d", "nonsense", "-o", tmp_path)
    assert result.exit_code == 2


def _commands():
    return sorted(cli.commands)


def _all_commands():
    out = []
    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            out += [f"{name} {sub}" for sub in sorted(command.commands)]
        else:
            out.append(name)
    return out


@pytest.mark.parametrize("name", _all_commands())
def test_every_command_has_help_with_example_and_is_in_readme(runner, name):
    command = cli
    for part in name.split():
        command = command.commands[part]
    assert command.help and "Example" in command.help
    assert run(runner, *name.split(), "--help").exit_code == 0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"drafter {name}" in readme, f"README does not mention `drafter {name}`"


def test_python_m_drafter(tmp_path):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "drafter", "documents"], capture_output=True, text=True, check=True
    )
    assert "pd-request" in out.stdout


def test_explain_text_and_json(runner):
    result = run(runner, "explain", SAMPLE, "-d", "pd-request")
    assert result.exit_code == 0
    assert "# Drafting memo" in result.output and "## Left out" in result.output
    result = run(runner, "explain", SAMPLE, "-d", "pd-request", "--json")
    data = json.loads(result.output)
    assert data["document"] == "pd-request"


def test_render_with_memo_writes_both_or_neither(runner, tmp_path):
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", tmp_path, "--memo")
    assert result.exit_code == 0, result.output
    memo = tmp_path / "Nguyen_Anh_A000-000-101_pd-request.memo.md"
    assert memo.read_text(encoding="utf-8").startswith("# Drafting memo")
    (tmp_path / "Nguyen_Anh_A000-000-101_pd-request.docx").unlink()
    memo.write_text("kept")
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", tmp_path, "--memo")
    assert result.exit_code == 1
    assert memo.read_text() == "kept"
    assert not (tmp_path / "Nguyen_Anh_A000-000-101_pd-request.docx").exists()


def test_clauses_list_and_show(runner):
    result = run(runner, "clauses", "list", "--document", "pd-request")
    assert result.exit_code == 0 and "pd.intro.counsel" in result.output
    result = run(runner, "clauses", "show", "pd.equity.same_sex_marriage")
    assert result.exit_code == 0 and 'cite("windsor")' in result.output
    result = run(runner, "clauses", "show", "no.such")
    assert result.exit_code == 1 and "no clause with id" in result.output


def test_clauses_init_then_copy_one_clause_and_overlay(runner, tmp_path):
    lib = tmp_path / "mine"
    result = run(runner, "clauses", "init", lib)
    assert result.exit_code == 0
    assert [p.name for p in lib.iterdir()] == ["authorities.yaml"]  # nothing copied
    result = run(runner, "clauses", "copy", "pd.closing", lib)
    assert result.exit_code == 0, result.output
    closing = lib / "pd-request" / "closing.md"
    assert "based_on: pd.closing@1" in closing.read_text(encoding="utf-8")
    closing.write_text(
        closing.read_text(encoding="utf-8").replace(
            "Thank you for considering", "We are grateful for"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", out, "--library", lib)
    assert result.exit_code == 0, result.output
    text = docx_text(next(out.glob("*.docx")).read_bytes())
    assert "We are grateful for" in text
    assert run(runner, "clauses", "init", lib).exit_code == 1
    assert run(runner, "clauses", "copy", "pd.closing", lib).exit_code == 1  # never overwritten
    assert run(runner, "clauses", "copy", "no.such_clause", lib).exit_code == 1
    result = run(runner, "clauses", "lint", "--library", lib)
    assert "based_on" not in result.output and "now version" not in result.output


def test_lint_warns_when_the_builtin_a_copy_came_from_has_moved_on(runner, tmp_path):
    lib = tmp_path / "mine"
    run(runner, "clauses", "init", lib)
    run(runner, "clauses", "copy", "pd.closing", lib)
    closing = lib / "pd-request" / "closing.md"
    closing.write_text(closing.read_text(encoding="utf-8").replace("@1 ", "@0 "), encoding="utf-8")
    result = run(runner, "clauses", "lint", "--library", lib)
    assert "copied from pd.closing version 0; the built-in is now version 1" in result.output


def test_clauses_lint_clean_and_failing(runner, tmp_path):
    result = run(runner, "clauses", "lint")
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output
    (tmp_path / "evil.md").write_text(
        "---\nid: firm.evil\ntitle: E\ndocuments: [pd-request]\nsection: closing\n---\n{{ ''.__class__ }}\n"
    )
    result = run(runner, "clauses", "lint", "--library", tmp_path)
    assert result.exit_code == 1
    assert "evil.md:7: error:" in result.output and "sandbox forbids" in result.output


def test_render_pdf(runner, tmp_path):
    from .conftest import need_libreoffice

    need_libreoffice()
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", tmp_path, "--pdf")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "Nguyen_Anh_A000-000-101_pd-request.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".pdf-*"))
    (tmp_path / "Nguyen_Anh_A000-000-101_pd-request.docx").unlink()
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", tmp_path, "--pdf")
    assert result.exit_code == 1 and "already exists" in result.output
    assert not (tmp_path / "Nguyen_Anh_A000-000-101_pd-request.docx").exists()


def test_render_pdf_without_libreoffice_writes_nothing(runner, tmp_path, monkeypatch):
    import drafter.pdf

    monkeypatch.setattr(drafter.pdf, "soffice", lambda: None)
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", tmp_path / "out", "--pdf")
    assert result.exit_code == 1
    assert "LibreOffice (soffice) is not installed" in result.output
    assert not (tmp_path / "out").exists()


def test_validate_for_a_document(runner):
    ok = run(runner, "validate", SAMPLE, "--document", "reopen")
    assert ok.exit_code == 0, ok.output
    wrong = run(runner, "validate", str(SAMPLES[2]), "--document", "reopen")
    assert wrong.exit_code == 1
    assert "proceedings.status: this motion is for a case that is final_order" in wrong.output


def test_readme_first_command_drafts_what_suggest_proposes_for_its_sample():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- draft-command -->", 1)[1].split("```", 2)[1]
    sample = re.search(r"render (samples/\S+)", block).group(1)
    document = re.search(r"--document (\S+)", block).group(1)
    suggested = drafter.suggest(drafter.load_case(ROOT / sample))
    assert suggested.documents[0].document == document


def test_render_final_refuses_a_draft_with_placeholders_and_writes_nothing(runner, tmp_path):
    out = tmp_path / "out"
    board = ROOT / "samples" / "09-board-order-timely-unopposed.yaml"
    result = run(runner, "render", board, "-d", "reopen", "-o", out, "--final")
    assert result.exit_code == 1
    assert "highlighted placeholder(s) still to fill" in result.output
    assert not out.exists()
    result = run(runner, "render", board, "-d", "reopen", "-o", out)  # a working draft is fine
    assert result.exit_code == 0
    result = run(runner, "render", SAMPLE, "-d", "pd-request", "-o", out, "--final")
    assert result.exit_code == 0, result.output  # nothing left to fill


def test_a_document_the_case_cannot_take_is_refused_naming_the_case_file(runner, tmp_path):
    # Sample 01 has a final order: there is nothing to close administratively.
    result = run(runner, "render", SAMPLE, "--document", "admin-close", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert f"Error: {SAMPLE}: the " in result.output and "case:" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
