from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

import drafter
from drafter.errors import OutputExistsError, TemplateError, UserError
from drafter.render import DocProperties, render_docx, render_text, safe_filename, write_atomic

from .conftest import docx_text, make_template

PROPS = DocProperties(
    title="T", subject="S", author="A", created=__import__("datetime").date(2026, 1, 2)
)
HOSTILE = "{{ ''.__class__.__mro__[1].__subclasses__() }}"


def render(tmp_path: Path, lines: list[str], context: dict) -> bytes:
    template = make_template(tmp_path / "t.docx", lines)
    return render_docx(template, context, properties=PROPS)


def test_names_of_any_script_survive(tmp_path):
    names = [
        "O'Brien & Sons <LLC>",
        "Nguyễn Thị Ánh",
        "José Pérez-Sánchez",
        "李小龍",
        "عبد الله",
        "a{_{b}_}c{_%d%_}",
    ]
    data = render(tmp_path, ["{% for n in names %}{{ n }}; {% endfor %}"], {"names": names})
    text = docx_text(data)
    for name in names:
        assert name in text


def test_unknown_variable_names_template_and_paragraph(tmp_path):
    with pytest.raises(TemplateError) as info:
        render(tmp_path, ["Dear client,", "Hello {{ case.nope }}"], {"case": {}})
    message = str(info.value)
    assert "t.docx" in message
    assert "paragraph 2" in message
    assert "Hello {{ case.nope }}" in message
    assert "unknown variable" in message


def test_syntax_error_names_paragraph(tmp_path):
    with pytest.raises(TemplateError) as info:
        render(tmp_path, ["fine", "{% if %}broken"], {})
    assert "syntax error" in str(info.value)
    assert "paragraph 2" in str(info.value)


def test_hostile_template_stopped_by_sandbox(tmp_path):
    with pytest.raises(TemplateError, match="forbidden by the sandbox|unknown variable"):
        render(tmp_path, [HOSTILE], {})


def test_pydantic_internals_are_off_limits(tmp_path):
    from drafter.model import Address

    address = Address(street="1 A St", city="B", state="C", postal_code="1")
    with pytest.raises(TemplateError):
        render(tmp_path, ["{{ a.model_dump() }}"], {"a": address})
    assert "1 A St" in docx_text(render(tmp_path, ["{{ a.street }}"], {"a": address}))


def test_none_is_not_printed_silently(tmp_path):
    with pytest.raises(TemplateError, match="empty"):
        render(tmp_path, ["x {{ v }}"], {"v": None})


def test_render_is_deterministic(tmp_path):
    first = render(tmp_path, ["{{ x }}"], {"x": "same"})
    second = render(tmp_path, ["{{ x }}"], {"x": "same"})
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2026-01-02" in core


def test_not_a_docx(tmp_path):
    bad = tmp_path / "t.docx"
    bad.write_text("not a zip")
    with pytest.raises(TemplateError, match="not a Word"):
        render_docx(bad, {}, properties=PROPS)
    with pytest.raises(TemplateError, match="is a directory"):
        render_docx(tmp_path, {}, properties=PROPS)
    with pytest.raises(TemplateError, match="no such template"):
        render_docx(tmp_path / "missing.docx", {}, properties=PROPS)


def test_render_text_errors_name_line():
    with pytest.raises(TemplateError, match=r"clause\.md:2: unknown variable"):
        render_text("ok\n{{ nope }}", {}, name="clause.md")
    with pytest.raises(TemplateError, match="sandbox|unknown variable"):
        render_text(HOSTILE, {}, name="clause.md")


@pytest.mark.parametrize(
    "parts",
    [
        ["../../etc", "passwd"],
        ["a/b\\c", "d\x00e\x1f"],
        ["Nguyễn Thị Ánh"],
        ["CON"],
        ["x" * 500],
        ["", "  "],
    ],
)
def test_safe_filename(parts):
    name = safe_filename(parts, ".docx")
    stem = name.removesuffix(".docx")
    assert "/" not in name and "\\" not in name
    assert all(ord(c) >= 32 for c in name)
    assert stem and not stem.startswith(".")
    assert len(stem.encode()) <= 120
    assert stem.upper() != "CON"


def test_safe_filename_folds_accents():
    assert safe_filename(["Nguyễn", "Ánh"], ".docx") == "Nguyen_Anh.docx"


def test_write_atomic_never_overwrites_unasked(tmp_path):
    target = tmp_path / "out.docx"
    write_atomic(target, b"first")
    with pytest.raises(OutputExistsError):
        write_atomic(target, b"second")
    assert target.read_bytes() == b"first"
    write_atomic(target, b"second", force=True)
    assert target.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


def test_write_atomic_leaves_nothing_on_failure(tmp_path, monkeypatch):
    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(UserError, match="out.docx: cannot write it: disk full"):
        write_atomic(tmp_path / "out.docx", b"data")
    assert list(tmp_path.iterdir()) == []


def test_misspelt_draft_name_suggests_the_right_one_and_lists_them(tmp_path):
    from drafter.drafting import DraftView

    from .conftest import SAMPLES, make_template

    template = make_template(tmp_path / "t.docx", ["{{ draft.titel }}"])
    case = drafter.load_case(SAMPLES[0])
    with pytest.raises(TemplateError) as err:
        drafter.draft(case, "pd-request", template=template)
    assert "DraftView has no field 'titel'; did you mean 'title'?" in str(err.value)
    for name in ("body", "title", "signer", "exhibit_rows"):
        assert name in err.value.hint
    assert set(DraftView.__dataclass_fields__) <= set(
        err.value.hint.rstrip(".").split(": ")[1].split(", ")
    )
