"""Exhibit files: located beside the case file, their pages counted for the exhibit index."""

from __future__ import annotations

import io
import shutil
import struct
import zlib

import pytest
from pypdf import PdfWriter
from ruamel.yaml import YAML

import drafter
from drafter.errors import CaseFileError, CaseValidationError

from .conftest import SAMPLES, docx_text


def pdf_bytes(pages: int, *, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


SAMPLE = next(p for p in SAMPLES if p.stem.startswith("08"))


def case_dir(tmp_path, files: dict[str, str | None]):
    """Sample 08 copied to tmp_path, each listed exhibit pointing at a file (or not)."""
    yaml = YAML()
    data = yaml.load(SAMPLE.read_text(encoding="utf-8"))
    for exhibit in data["exhibits"]:
        exhibit.pop("pages", None)
        if exhibit["id"] in files and files[exhibit["id"]] is not None:
            exhibit["file"] = files[exhibit["id"]]
    path = tmp_path / "case.yaml"
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return path, [e["id"] for e in data["exhibits"]]


def test_pdf_pages_are_counted_and_fill_the_index(tmp_path):
    path, ids = case_dir(tmp_path, {})
    (tmp_path / "evidence").mkdir()
    files = {}
    for n, exhibit_id in enumerate(ids):
        if n == 0:
            name = f"evidence/{exhibit_id}.png"
            (tmp_path / name).write_bytes(png_bytes())
        else:
            name = f"evidence/{exhibit_id}.pdf"
            (tmp_path / name).write_bytes(pdf_bytes(n + 1))
        files[exhibit_id] = name
    path, _ = case_dir(tmp_path, files)
    case = drafter.load_case(path)
    assert [e.pages for e in case.exhibits] == [1, *range(2, len(ids) + 1)]
    result = drafter.draft(case, "recalendar")
    index = docx_text(result.docx).split("INDEX OF EXHIBITS", 1)[1].split("ORDER OF THE", 1)[0]
    assert "Pages" in index
    # Consecutive ranges from the real counts, in the order the motion letters them.
    start = 1
    for tab, exhibit in result.exhibits:
        end = start + exhibit.pages - 1
        assert f"{tab} | {exhibit.title} | {start if end == start else f'{start}-{end}'}" in index
        start = end + 1


def test_a_word_file_leaves_the_count_unknown_and_the_column_out(tmp_path):
    _, ids = case_dir(tmp_path, {})
    shutil.copy(SAMPLE.parent.parent / "templates" / "motion.docx", tmp_path / "letter.docx")
    path, _ = case_dir(tmp_path, {ids[0]: "letter.docx"})
    case = drafter.load_case(path)
    assert case.exhibits[0].pages is None
    text = docx_text(drafter.draft(case, "recalendar").docx)
    assert "Pages" not in text.split("INDEX OF EXHIBITS", 1)[1].split("ORDER OF THE", 1)[0]


def test_a_given_page_count_wins_over_the_file(tmp_path):
    _, ids = case_dir(tmp_path, {})
    (tmp_path / "a.pdf").write_bytes(pdf_bytes(3))
    path, _ = case_dir(tmp_path, {ids[0]: "a.pdf"})
    text = path.read_text(encoding="utf-8").replace("file: a.pdf", "file: a.pdf\n  pages: 7", 1)
    path.write_text(text, encoding="utf-8")
    assert drafter.load_case(path).exhibits[0].pages == 7


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("missing.pdf", None, "no such exhibit file"),
        ("locked.pdf", pdf_bytes(2, password="secret"), "is encrypted"),
        ("broken.pdf", b"%PDF-1.7\nthis is not a PDF at all\n", "is not a readable PDF"),
        ("fake.png", b"GIF89a not a png", "is not a PNG image"),
    ],
)
def test_unreadable_exhibit_files_are_named(tmp_path, name, content, words):
    _, ids = case_dir(tmp_path, {})
    if content is not None:
        (tmp_path / name).write_bytes(content)
    path, _ = case_dir(tmp_path, {ids[1]: name})
    with pytest.raises(CaseFileError) as caught:
        drafter.load_case(path)
    message = str(caught.value)
    assert str(path) in message and f"exhibits ({ids[1]})" in message and words in message


@pytest.mark.parametrize(
    "name", ["/etc/hostname", "../outside.pdf", "a/../../b.pdf", "C:/x.pdf", "notes.txt"]
)
def test_exhibit_files_must_stay_inside_the_case_folder(tmp_path, name):
    _, ids = case_dir(tmp_path, {})
    path, _ = case_dir(tmp_path, {ids[0]: name})
    with pytest.raises(CaseValidationError) as caught:
        drafter.load_case(path)
    assert "exhibits.0.file" in str(caught.value)


def test_a_link_out_of_the_case_folder_is_refused(tmp_path):
    outside = tmp_path / "outside"
    inside = tmp_path / "case"
    outside.mkdir()
    inside.mkdir()
    (outside / "secret.pdf").write_bytes(pdf_bytes(1))
    (inside / "link.pdf").symlink_to(outside / "secret.pdf")
    _, ids = case_dir(inside, {})
    path, _ = case_dir(inside, {ids[0]: "link.pdf"})
    with pytest.raises(CaseFileError, match="leads outside the case file's folder"):
        drafter.load_case(path)


def test_the_cli_reports_a_bad_exhibit_file_in_one_line(tmp_path):
    from click.testing import CliRunner

    from drafter.cli import cli

    _, ids = case_dir(tmp_path, {})
    path, _ = case_dir(tmp_path, {ids[0]: "gone.pdf"})
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["render", str(path), "--document", "recalendar", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"exhibits ({ids[0]})" in result.output and "gone.pdf" in result.output
    assert not out.exists() or not any(out.iterdir())
