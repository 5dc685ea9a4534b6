"""Hostile and broken inputs, as an attacker or a tired user would give them, through the CLI.

Every case asserts the same four things: one clear ``Error:`` line (plus at most a hint or a
single located problem), a non-zero exit, no traceback, and nothing written.
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafter.cli import cli

from .conftest import SAMPLES, make_template

SAMPLE = SAMPLES[0]
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


def hostile(args: list[object], out: Path | None = None) -> str:
    """Run the CLI; assert a clean refusal; return the error line."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    stderr = result.stderr
    assert result.exit_code not in (0, None), f"exit 0 for hostile input:\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    lines = stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1, stderr
    rest = [line for line in lines if not line.startswith(("Error: ", "Hint: "))]
    assert len(rest) <= 1 and all(line.startswith("  ") for line in rest), stderr
    for line in [*errors, *rest]:
        assert len(line) <= 400, (
            f"an error quotes a short excerpt, never the whole input: {line[:200]}"
        )
    if out is not None:
        assert not out.exists() or not any(out.iterdir()), f"something was written: {stderr}"
    return errors[0]


# --------------------------------------------------------------------------- sandbox escapes

ESCAPES = [
    "case.parse_raw('x')",
    "case.respondent.parse_file('/etc/passwd')",
    "case.model_dump()",
    "case.model_copy()",
    "case.copy()",
    "case.json()",
    "case.schema()",
    "case.construct()",
    "case.__class__",
    "case.__class__.__mro__",
    "case._values",
    "case.respondent.__init__",
    "case.respondent.full_name.__class__.__base__.__subclasses__()",
    "case.respondent.a_number.format_map({})",
    "'{0.__class__}'.format(case)",
    "case.respondent.entry.manner.__class__",
    "case.respondent.date_of_birth.replace(year=1)",
    "case.respondent.date_of_birth.__class__",
    "case.exhibits.__class__",
    "case.exhibits.__len__()",
    "case.exhibits|attr('__class__')",
    "(case.covered_people|first).__class__.__mro__",
    "range.__self__",
    "lipsum.__globals__",
    "cycler.__init__.__globals__",
    "joiner.__init__",
    "namespace.__init__",
    "dict.fromkeys",
    "self._TemplateReference__context",
    "self.__init__.__globals__",
]
CLAUSE_ONLY = [
    "cite.__self__",
    "cite.__func__.__globals__",
    "join.__globals__",
    "see.__self__.registry",
    "petitions('I-130')[0].model_fields",
    "equities()[0].__class__",
    "reopen_window.__class__",
    "r.parse_raw('x')",
    "spouse.model_dump()",
]
TEMPLATE_ONLY = [
    "draft.__class__",
    "draft.body[0].text.__class__",
    "draft.body[0].text.xml.__class__",
    "draft.body[0].text.add('x')",
    "draft.people.__class__",
]


def _overlay(tmp_path: Path, *, when: str = "true", body: str = "Text.") -> Path:
    library = tmp_path / "lib"
    library.mkdir()
    (library / "evil.md").write_text(
        "---\nid: pd.closing\ntitle: Evil\ndocuments: [pd-request]\nsection: closing\n"
        f"when: {json.dumps(when)}\n---\n{body}\n",
        encoding="utf-8",
    )
    return library


def _render(tmp_path: Path, *extra: object) -> list[object]:
    return ["render", SAMPLE, "-d", "pd-request", "-o", tmp_path / "out", *extra]


@pytest.mark.parametrize("expr", ESCAPES + CLAUSE_ONLY)
def test_escape_from_a_clause_body(tmp_path, expr):
    library = _overlay(tmp_path, body=f"Hello {{{{ {expr} }}}}")
    error = hostile(_render(tmp_path, "--library", library), tmp_path / "out")
    assert "evil.md" in error


@pytest.mark.parametrize("expr", ESCAPES + CLAUSE_ONLY)
def test_escape_from_a_when_rule(tmp_path, expr):
    library = _overlay(tmp_path, when=expr)
    error = hostile(_render(tmp_path, "--library", library), tmp_path / "out")
    assert "evil.md (when)" in error


@pytest.mark.parametrize("expr", ESCAPES + TEMPLATE_ONLY)
def test_escape_from_a_word_template(tmp_path, expr):
    template = make_template(tmp_path / "letterhead.docx", ["Letterhead", f"{{{{ {expr} }}}}"])
    error = hostile(_render(tmp_path, "--template", template), tmp_path / "out")
    assert "letterhead.docx" in error


@pytest.mark.parametrize(
    "expr", ["case.respondent.parse_file('/etc/passwd')", "case.parse_raw('x')"]
)
def test_suggest_refuses_a_hostile_rule_instead_of_running_it(tmp_path, expr):
    library = _overlay(tmp_path, when=expr)
    error = hostile(["suggest", SAMPLES[2], "--library", library])
    assert "evil.md (when)" in error and "root:x" not in error


def test_lint_reports_a_hostile_rule_without_running_it(tmp_path):
    library = _overlay(tmp_path, when="case.respondent.parse_file('/etc/passwd')")
    result = CliRunner().invoke(cli, ["clauses", "lint", "--library", str(library)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "root:x" not in result.output


# --------------------------------------------------------------------------- resource bombs

BOMBS = [
    "{{ 'a'*10**9 }}",
    "{{ [0]*10**9 }}",
    "{{ 'x'|center(10**9) }}",
    "{{ 'x'|indent(10**9) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '%*d' % (10**9, 1) }}",
    "{{ '%.999999999f'|format(1.0) }}",
    "{{ 10**(10**10) }}",
    "{{ 2**100000 }}",
    "{{ lipsum(n=10**7) }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{{ f(n+1) }}{% endmacro %}{{ f(1) }}",
    "{% macro d(s, n) %}{% if n %}{{ d(s~s, n-1) }}{% endif %}{% endmacro %}{{ d('ab', 40) }}",
    "{{ ''.join(['a'*100000]*100) }}",
    "{{ range(100000)|join('x'*1000) }}",
    "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% for i in range(100000) %}" + "x" * 500 + "{% endfor %}",
    "{% for x in range(10) recursive %}{{ loop(range(100000)) }}{% endfor %}",
    "{{ range(10)|slice(10**9)|list|length }}",
    "{{ ('a'*1000)|replace('a', 'b'*10000) }}",
    "{{ (9**999)*(9**999)*(9**999)*(9**999)*(9**999) }}",
]


@pytest.mark.parametrize("source", BOMBS, ids=lambda s: s[:40])
def test_bomb_in_a_clause_body(tmp_path, source):
    library = _overlay(tmp_path, body=source)
    error = hostile(_render(tmp_path, "--library", library), tmp_path / "out")
    assert "evil.md" in error


@pytest.mark.parametrize("source", BOMBS[:12], ids=lambda s: s[:40])
def test_bomb_in_a_word_template(tmp_path, source):
    template = make_template(tmp_path / "letterhead.docx", ["Letterhead", source])
    hostile(_render(tmp_path, "--template", template), tmp_path / "out")


# --------------------------------------------------------------------------- hostile files


def _case_file(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _alias_bomb() -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(9):
        p, n = chr(97 + i), chr(98 + i)
        lines.append(f"{n}: &{n} [" + ",".join([f"*{p}"] * 10) + "]")
    return "\n".join(lines) + "\n"


HOSTILE_CASE_FILES = {
    "alias-bomb.yaml": _alias_bomb(),
    "deep.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep-maps.yaml": "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n",
    "deep.json": '{"a": ' + "[" * 100000 + "]" * 100000 + "}",
    "bigint.yaml": "respondent: " + "9" * 5000 + "\n",
    "bigint.json": '{"respondent": ' + "9" * 5000 + "}",
    "mediumint.yaml": SAMPLE_TEXT.replace("filing:", "extra_int: " + "9" * 200 + "\nfiling:", 1),
    "large.yaml": "a: " + "x" * (5 * 1024 * 1024) + "\n",
    "binary.yaml": bytes(range(256)) * 10,
    "nul.yaml": SAMPLE_TEXT.replace("respondent:", "\x00respondent:", 1),
    "list.yaml": "- 1\n- 2\n",
    "scalar.yaml": "just some text\n",
    "empty.yaml": "",
    "other-project.yaml": "name: my-project\nversion: 2\ndependencies: [a, b]\n",
    "package.json": '{"name": "x", "version": "1.0.0", "scripts": {}}',
    "bad.json": '{"respondent": ',
    "tabs.yaml": "respondent:\n\tgiven_name: x\n",
    "utf16.yaml": SAMPLE_TEXT.encode("utf-16"),
    "long-key.yaml": SAMPLE_TEXT.replace("filing:", "k" * 100000 + ": 1\nfiling:", 1),
    "long-value-error.yaml": SAMPLE_TEXT.replace("pronouns: she", "pronouns: " + "z" * 100000, 1),
    "long-date-error.yaml": SAMPLE_TEXT.replace(
        "date_of_birth: 1979-02-14", "date_of_birth: " + "9" * 3000, 1
    ),
    "long-a-number.yaml": SAMPLE_TEXT.replace(
        'a_number: "000000101"', "a_number: " + "x" * 100000, 1
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE_CASE_FILES))
def test_hostile_case_file(tmp_path, name):
    path = _case_file(tmp_path, name, HOSTILE_CASE_FILES[name])
    hostile(["render", path, "-d", "pd-request", "-o", tmp_path / "out"], tmp_path / "out")
    hostile(["validate", path])


def test_fifo_case_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    error = hostile(["render", fifo, "-d", "pd-request", "-o", tmp_path / "out"], tmp_path / "out")
    assert "not a regular file" in error


def test_device_as_case_file(tmp_path):
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in hostile(["validate", link])


def test_symlink_to_a_system_file(tmp_path):
    link = tmp_path / "passwd.yaml"
    link.symlink_to("/etc/passwd")
    error = hostile(["validate", link])
    assert "root:x:0" not in error and "/bin/" not in error


def test_dangling_symlink_case_file(tmp_path):
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    assert "no such case file" in hostile(["validate", link])


def test_directory_as_case_file(tmp_path):
    folder = tmp_path / "case.yaml"
    folder.mkdir()
    assert "directory" in hostile(["validate", folder])


def test_unreadable_case_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = _case_file(tmp_path, "locked.yaml", SAMPLE_TEXT)
    path.chmod(0)
    hostile(["validate", path])


def test_max_input_mb_raises_the_limit(tmp_path):
    padded = _case_file(tmp_path, "padded.yaml", SAMPLE_TEXT + "#" + "x" * (5 * 1024 * 1024) + "\n")
    hostile(["validate", padded])
    result = CliRunner().invoke(cli, ["--max-input-mb", "8", "validate", str(padded)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("grows_to", [4096, 6000])
def test_a_file_that_grows_while_read_is_read_whole_or_refused(tmp_path, monkeypatch, grows_to):
    """A file longer than it was when looked at is read on to the end, and still bounded."""
    from drafter import inputs

    path = tmp_path / "growing.txt"
    path.write_bytes(b"a" * grows_to)
    real_fstat = os.fstat

    def fstat_from_before(fd: int) -> os.stat_result:
        found = real_fstat(fd)
        return os.stat_result((*found[:6], 100, *found[7:]))  # st_size as it was: 100 bytes

    monkeypatch.setattr(inputs.os, "fstat", fstat_from_before)
    if grows_to <= 5000:
        assert inputs.read_bytes(path, what="file", max_bytes=5000) == b"a" * grows_to
    else:
        with pytest.raises(inputs.UserError, match="larger than"):
            inputs.read_bytes(path, what="file", max_bytes=5000)


def _docx_with(tmp_path: Path, name: str, replace: dict[str, bytes]) -> Path:
    base = make_template(tmp_path / "base.docx", ["Hello {{ case.respondent.full_name }}"])
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for extra, data in replace.items():
            if extra not in src.namelist():
                dst.writestr(extra, data)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


HOSTILE_TEMPLATES = {
    "zip-bomb.docx": {"word/media/bomb.bin": b"\0" * (70 * 1024 * 1024)},
    "dtd.docx": {
        "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>"
    },
    "syntax.docx": {},
}


@pytest.mark.parametrize("name", list(HOSTILE_TEMPLATES))
def test_hostile_word_template(tmp_path, name):
    if name == "syntax.docx":
        template = make_template(tmp_path / name, ["{% for %}"])
    else:
        template = _docx_with(tmp_path, name, HOSTILE_TEMPLATES[name])
    hostile(_render(tmp_path, "--template", template), tmp_path / "out")


@pytest.mark.parametrize(
    "content",
    [b"not a zip at all", b"PK\x03\x04" + b"\0" * 100, b""],
    ids=["text", "truncated-zip", "empty"],
)
def test_not_a_word_template(tmp_path, content):
    template = tmp_path / "t.docx"
    template.write_bytes(content)
    hostile(_render(tmp_path, "--template", template), tmp_path / "out")


def test_fifo_template(tmp_path):
    fifo = tmp_path / "t.docx"
    os.mkfifo(fifo)
    hostile(_render(tmp_path, "--template", fifo), tmp_path / "out")


def test_template_with_wrong_extension(tmp_path):
    template = make_template(tmp_path / "t.doc", ["x"])
    hostile(_render(tmp_path, "--template", template), tmp_path / "out")


def test_fifo_in_the_clause_library(tmp_path):
    library = tmp_path / "lib"
    library.mkdir()
    os.mkfifo(library / "trap.md")
    assert "not a regular file" in hostile(
        _render(tmp_path, "--library", library), tmp_path / "out"
    )


@pytest.mark.parametrize(
    "registry",
    [
        _alias_bomb(),
        "- " * 3000 + "x\n",
        "- id: " + "9" * 5000 + "\n",
        "[unclosed\n",
        bytes(range(256)),
    ],
    ids=["alias-bomb", "deep", "bigint", "syntax", "binary"],
)
def test_hostile_authority_registry(tmp_path, registry):
    library = tmp_path / "lib"
    library.mkdir()
    path = library / "authorities.yaml"
    path.write_bytes(registry if isinstance(registry, bytes) else registry.encode())
    hostile(_render(tmp_path, "--library", library), tmp_path / "out")


@pytest.mark.parametrize(
    "front",
    [
        _alias_bomb(),
        "id: x\n" + "k: " + "[" * 3000 + "]" * 3000,
        "id: " + "9" * 5000,
        "id: [unclosed",
    ],
    ids=["alias-bomb", "deep", "bigint", "syntax"],
)
def test_hostile_clause_front_matter(tmp_path, front):
    library = tmp_path / "lib"
    library.mkdir()
    (library / "evil.md").write_text(f"---\n{front}\n---\nText.\n", encoding="utf-8")
    hostile(_render(tmp_path, "--library", library), tmp_path / "out")


# --------------------------------------------------------------------------- bad data

BAD_VALUES = {
    "NUL in a name": ("given_name: Ánh", 'given_name: "A\\0nh"'),
    "control character": ("given_name: Ánh", 'given_name: "A\\x07nh"'),
    "vertical tab": ("given_name: Ánh", 'given_name: "A\\vnh"'),
    "U+FFFE": ("given_name: Ánh", 'given_name: "A\\uFFFEnh"'),
    "U+FFFF": ("given_name: Ánh", 'given_name: "A\\uFFFFnh"'),
    "exhibit marker": ("given_name: Ánh", 'given_name: "A\\uE000marriage\\uE001"'),
    "Arabic-Indic digits": ('a_number: "000000101"', "a_number: A٠٠٠-٠٠٠-١٠١"),
    "fullwidth digits": ('a_number: "000000101"', "a_number: Ａ０００００００１０１"),
    "date before 1900": ("date_of_birth: 1979-02-14", "date_of_birth: 1850-02-14"),
    "year 1": ("date_of_birth: 1979-02-14", "date_of_birth: 0001-02-14"),
    "not a date": ("date_of_birth: 1979-02-14", "date_of_birth: 1988-02-31"),
}


@pytest.mark.parametrize("name", list(BAD_VALUES))
def test_bad_text_gets_a_field_named_error(tmp_path, name):
    old, new = BAD_VALUES[name]
    assert old in SAMPLE_TEXT, old
    path = _case_file(tmp_path, "case.yaml", SAMPLE_TEXT.replace(old, new, 1))
    error = hostile(["render", path, "-d", "pd-request", "-o", tmp_path / "out"], tmp_path / "out")
    assert "1 problem" in error


def test_receipt_number_with_non_ascii_digits(tmp_path):
    assert "SAM0000000101" in SAMPLE_TEXT
    path = _case_file(tmp_path, "case.yaml", SAMPLE_TEXT.replace("SAM0000000101", "SAM٠٠٠٠٠٠٠١٠١"))
    hostile(["validate", path])


# --------------------------------------------------------------------------- sheets


def _sheet(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _batch(tmp_path: Path, sheet: Path, *extra: object) -> list[object]:
    return ["batch", sheet, "-d", "pd-request", "-o", tmp_path / "out", "--workers", "1", *extra]


HOSTILE_SHEETS = {
    "semicolons.csv": "respondent.given_name;respondent.family_name\nAna;Pérez\n",
    "cp1252.csv": "respondent.given_name,respondent.family_name\nAna,P\xe9rez\n".encode("latin-1"),
    "missing-columns.csv": "respondent.given_name,respondent.family_name\nAna,Pérez\n",
    "empty.csv": "",
    "blank-header.csv": ",,\n1,2,3\n",
    "dup-header.csv": "respondent.given_name,respondent.given_name\nA,B\n",
    "binary.csv": bytes(range(256)) * 4,
    "not-a-workbook.xlsx": b"not a zip",
    "sheet.ods": "x",
}


@pytest.mark.parametrize("name", list(HOSTILE_SHEETS))
def test_hostile_sheet(tmp_path, name):
    sheet = _sheet(tmp_path, name, HOSTILE_SHEETS[name])
    hostile(_batch(tmp_path, sheet), tmp_path / "out")


def test_fifo_sheet(tmp_path):
    fifo = tmp_path / "clients.csv"
    os.mkfifo(fifo)
    hostile(_batch(tmp_path, fifo), tmp_path / "out")


def test_xlsx_zip_bomb(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["respondent.given_name"])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/media/bomb.bin", b"\0" * (70 * 1024 * 1024))
    sheet = _sheet(tmp_path, "bomb.xlsx", out.getvalue())
    hostile(_batch(tmp_path, sheet), tmp_path / "out")


def test_unknown_worksheet(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["respondent.given_name"])
    book.save(tmp_path / "c.xlsx")
    hostile(_batch(tmp_path, tmp_path / "c.xlsx", "--sheet", "Nope"), tmp_path / "out")


def test_hostile_defaults_file(tmp_path):
    sheet = _sheet(tmp_path, "c.csv", "respondent.given_name\nAna\n")
    defaults = _case_file(tmp_path, "office.yaml", _alias_bomb())
    hostile(_batch(tmp_path, sheet, "--defaults", defaults), tmp_path / "out")


# --------------------------------------------------------------------------- output paths


def test_out_is_a_file(tmp_path):
    (tmp_path / "out").write_text("mine")
    hostile(_render(tmp_path))
    assert (tmp_path / "out").read_text() == "mine"


def test_out_is_a_dangling_symlink(tmp_path):
    (tmp_path / "out").symlink_to(tmp_path / "nowhere")
    hostile(_render(tmp_path))


def test_batch_out_is_a_dangling_symlink(tmp_path):
    sheet = _sheet(tmp_path, "c.csv", "respondent.given_name\nAna\n")
    (tmp_path / "out").symlink_to(tmp_path / "nowhere")
    hostile(_batch(tmp_path, sheet))


def test_out_with_an_over_long_name(tmp_path):
    hostile(["render", SAMPLE, "-d", "pd-request", "-o", tmp_path / ("x" * 300)])


def test_out_is_read_only(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    hostile(_render(tmp_path), out)


def test_existing_output_is_not_overwritten(tmp_path):
    out = tmp_path / "out"
    CliRunner().invoke(cli, [str(a) for a in _render(tmp_path)])
    (doc,) = out.glob("*.docx")
    doc.write_bytes(b"attorney's edits")
    assert "already exists" in hostile(_render(tmp_path))
    assert doc.read_bytes() == b"attorney's edits"


def test_batch_journal_symlink_is_not_followed(tmp_path):
    from .test_batch import sample_rows, write_csv

    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows[:1])
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / ".drafter-batch.journal").symlink_to(victim)
    assert "symbolic link" in hostile(_batch(tmp_path, sheet))
    assert victim.read_text() == "precious"


def test_batch_refused_while_another_holds_the_out_directory(tmp_path):
    import fcntl

    from .test_batch import sample_rows, write_csv

    header, rows = sample_rows()
    sheet = write_csv(tmp_path / "c.csv", header, rows[:1])
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / ".drafter-batch.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert "another drafter batch" in hostile(_batch(tmp_path, sheet))
    finally:
        os.close(fd)
    assert not list(out.glob("*.docx"))
    result = CliRunner().invoke(cli, [str(a) for a in _batch(tmp_path, sheet)])
    assert result.exit_code == 0, result.output  # once the other batch is done, it runs


def test_unknown_document_kind_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["render", str(SAMPLE), "-d", "nope", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
