"""The filing packet: one PDF of the drafted filing and its exhibits, read back as a clerk would.

Exhibits are files the tests make (PDF pages of known text, an A4 page, a PNG scan, a Word file),
so every page can be found again in the packet by its text.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

import drafter
from drafter.cli import cli
from drafter.errors import UserError
from drafter.packet import build_packet

from .conftest import need_libreoffice
from .packet_fixtures import (
    case_with_files,
    noisy_pdf,
    standard_exhibits,
    text_pdf,
    text_scan,
)

TODAY = dt.date(2026, 11, 23)
MARKERS = {"hospital": "HOSPITAL", "marriage": "MARRIAGE", "i130-receipt": "RECEIPT", "pay": "PAY"}


def page_texts(data: bytes, tmp: Path) -> list[str]:
    """Each page's text as pdftotext reads it (one string a page)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required to read the packet")
    pdf = tmp / "read.pdf"
    pdf.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = out.split("\f")
    return [" ".join(p.split()) for p in pages[: len(PdfReader(io.BytesIO(data)).pages)]]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) for every bookmark."""
    found: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    need_libreoffice()
    folder = tmp_path_factory.mktemp("packet")
    case_path = case_with_files(folder, standard_exhibits(folder))
    case = drafter.load_case(case_path, today=TODAY)
    packet = build_packet(case, "reopen", base=folder)
    return folder, case, packet, page_texts(packet.files[0].data, folder)


def test_one_file_with_every_page_of_the_filing(built):
    _, _, packet, texts = built
    assert len(packet.files) == 1
    reader = PdfReader(io.BytesIO(packet.files[0].data))
    # fixtures: hospital 3 pages, marriage 1, the scan 1, the Word file 1, pay 2, residence none
    exhibit_pages = sum(p.last - p.first + 1 for p in packet.exhibits)
    assert exhibit_pages == (1 + 3) + (1 + 1) + (1 + 1) + (1 + 1) + (1 + 2) + 1
    assert len(reader.pages) == packet.pages == packet.drafted_pages + exhibit_pages
    assert packet.drafted_pages >= 5  # cover, motion, index, order, certificate


def test_every_page_is_stamped_once_with_its_number_in_the_whole_filing(built):
    _, _, packet, texts = built
    for n, text in enumerate(texts, start=1):
        stamps = re.findall(r"Page (\d+) of (\d+)", text)
        assert stamps == [(str(n), str(packet.pages))], (n, text[-120:])
        assert "BENALI, Karim, A000-000-707" in text


def test_tab_pages_and_exhibit_pages_in_order_of_their_letters(built):
    _, _, packet, texts = built
    assert [p.tab for p in packet.exhibits] == sorted(p.tab for p in packet.exhibits)
    for p in packet.exhibits:
        tab = texts[p.first - 1]
        assert f"EXHIBIT {p.tab}" in tab
        assert " ".join(p.exhibit.title.split()) in tab
        assert ("To be supplied" in tab) is (not p.supplied)
        marker = MARKERS.get(p.exhibit.id)
        if marker:
            pages = texts[p.first : p.last]
            assert [f"{marker} page {k}" in t for k, t in enumerate(pages, 1)] == [True] * len(
                pages
            )
    scan = next(p for p in packet.exhibits if p.exhibit.id == "joint-life")
    assert scan.supplied and not scan.searchable
    assert scan.last == scan.first + 1


def test_the_index_gives_each_exhibits_real_pages(built):
    _, _, packet, texts = built
    index = next(t for t in texts[: packet.drafted_pages] if "INDEX OF EXHIBITS" in t)
    for p in packet.exhibits:
        pages = f"{p.first}-{p.last}" if p.last > p.first else str(p.first)
        title = re.escape(" ".join(p.exhibit.title.split()))
        assert re.search(rf"\b{p.tab} {title} {pages}\b", index), (p.tab, pages, index)


def test_bookmarks_lead_to_each_part_and_each_exhibit(built):
    _, _, packet, texts = built
    marks = outline(PdfReader(io.BytesIO(packet.files[0].data)))
    top = {title: page for depth, title, page in marks if depth == 0}
    assert top["Cover page"] == 1
    motion = next(page for title, page in top.items() if title.startswith("Motion: "))
    assert motion == 2
    assert "INDEX OF EXHIBITS" in texts[top["Index of exhibits"] - 1]
    assert "ORDER OF THE IMMIGRATION JUDGE" in texts[top["Proposed order"] - 1]
    assert "I served a copy" in texts[top["Certificate of service"] - 1]
    sections = [title for depth, title, _ in marks if depth == 1]
    assert "Statement of Facts" in sections and "Law and Argument" in sections
    for p in packet.exhibits:
        name = f"Exhibit {p.tab}: {p.exhibit.title}" + ("" if p.supplied else " (to be supplied)")
        assert top[name] == p.first


def test_metadata_names_the_filing_and_the_filer(built):
    _, case, packet, _ = built
    reader = PdfReader(io.BytesIO(packet.files[0].data))
    meta = reader.metadata
    assert meta.title == "Motion to Reopen: Karim Benali (A000-000-707)"
    assert meta.author == case.counsel.name == "Priya Natarajan"
    assert meta["/CreationDate"].startswith("D:20261120")


def test_the_memo_lists_what_the_packet_still_needs(built):
    _, _, packet, _ = built
    memo = packet.memo().to_text()
    before = memo.split("## Before filing", 1)[1]
    assert 'Exhibit A "Leases, 2023-2026" (residence) has no file yet' in before
    assert "(joint-life) is a scan without a text layer" in before


def test_the_same_inputs_give_the_same_bytes(built):
    folder, case, packet, _ = built
    again = build_packet(case, "reopen", base=folder)
    assert again.files[0].data == packet.files[0].data


def test_an_exhibit_proving_only_a_held_back_fact_is_never_in_the_packet(tmp_path):
    need_libreoffice()
    files = standard_exhibits(tmp_path)
    text_pdf(tmp_path / "ex" / "police.pdf", "POLICE", 1)

    def hold_back(data):
        data["adverse_facts"]["criminal_history"] = [
            {
                "offense": "an arrest for trespass",
                "date": "2024-05-01",
                "jurisdiction": "Newark, New Jersey",
                "disposition": "dismissed",
                "disclose": False,
                "exhibits": ["police"],
            }
        ]
        data["exhibits"].insert(
            0,
            {"id": "police", "title": "Police report", "kind": "criminal_record"},
        )

    files["police"] = "ex/police.pdf"
    case_path = case_with_files(tmp_path, files, hold_back)
    case = drafter.load_case(case_path, today=TODAY)
    assert any(e.id == "police" for e in case.exhibits)
    packet = build_packet(case, "reopen", base=tmp_path)
    assert "police" not in {p.exhibit.id for p in packet.exhibits}
    assert not any("POLICE" in t for t in page_texts(packet.files[0].data, tmp_path))


# --------------------------------------------------------------------------- errors


def run(args: list[str]):
    return CliRunner().invoke(cli, args)


def test_final_refuses_a_packet_with_an_exhibit_to_be_supplied(tmp_path):
    need_libreoffice()
    case_path = case_with_files(tmp_path, standard_exhibits(tmp_path))
    out = tmp_path / "out"
    result = run(["packet", str(case_path), "--document", "reopen", "--out", str(out), "--final"])
    assert result.exit_code == 1
    assert "Exhibit A (residence) has no file yet; no packet written" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_without_final_the_cli_writes_the_packet_and_says_what_is_missing(tmp_path):
    need_libreoffice()
    case_path = case_with_files(tmp_path, standard_exhibits(tmp_path))
    out = tmp_path / "out"
    args = ["packet", str(case_path), "--document", "reopen", "--out", str(out), "--memo"]
    result = run(args)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "Benali_Karim_A000-000-707_reopen_packet.memo.md",
        "Benali_Karim_A000-000-707_reopen_packet.pdf",
    ]
    assert "Before filing: Exhibit A" in result.output
    before = (out / written[1]).read_bytes()
    again = run(args)  # never over an existing packet unasked
    assert again.exit_code == 1 and "already exists" in again.output
    assert (out / written[1]).read_bytes() == before


@pytest.mark.parametrize("damage", ["corrupt", "encrypted", "missing"])
def test_a_bad_exhibit_file_is_an_error_naming_the_exhibit_and_file(tmp_path, damage):
    files = standard_exhibits(tmp_path)
    pay = tmp_path / "ex" / "pay.pdf"
    if damage == "corrupt":
        pay.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    elif damage == "encrypted":
        writer = PdfWriter(clone_from=PdfReader(pay))
        writer.encrypt("secret")
        with pay.open("wb") as f:
            writer.write(f)
    else:
        pay.unlink()
    case_path = case_with_files(tmp_path, files)
    out = tmp_path / "out"
    result = run(["packet", str(case_path), "--document", "reopen", "--out", str(out)])
    assert result.exit_code == 1
    assert "exhibits (pay)" in result.output and "pay.pdf" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_only_motions_and_letters_are_built_as_packets(tmp_path):
    case_path = case_with_files(tmp_path, {})
    result = run(["packet", str(case_path), "--document", "declaration", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "a filing packet is built for a court motion or a PD request letter" in result.output


# --------------------------------------------------------------------------- the upload limit


def test_a_packet_over_the_limit_is_split_between_exhibits(tmp_path):
    need_libreoffice()
    (tmp_path / "ex").mkdir()
    files: dict[str, str | None] = {}
    for ex_id, marker in MARKERS.items():
        noisy_pdf(tmp_path / "ex" / f"{ex_id}.pdf", marker, 2, kb_per_page=120)
        files[ex_id] = f"ex/{ex_id}.pdf"
    case = drafter.load_case(case_with_files(tmp_path, files), today=TODAY)
    limit_mb = 0.45
    packet = build_packet(case, "reopen", base=tmp_path, max_mb=limit_mb)
    count = len(packet.files)
    assert count >= 2
    expected = next_page = 1
    for n, f in enumerate(packet.files, start=1):
        assert len(f.data) <= limit_mb * 1024 * 1024
        assert f.name.endswith(f"_packet_part{n}of{count}.pdf")
        texts = page_texts(f.data, tmp_path)
        assert f"Part {n} of {count}" in texts[0]
        assert all(f"Part {n} of" not in t for t in texts[1:])
        for text in texts:
            assert f"Page {expected} of {packet.pages}" in text
            expected += 1
        assert f.first == next_page
        next_page = f.last + 1
        if n > 1:  # a later part begins with an exhibit's tab page
            assert texts[0].startswith("EXHIBIT ") or " EXHIBIT " in texts[0]
    assert expected - 1 == packet.pages
    assert "in 2 parts" in " ".join(packet.checklist) or f"in {count} parts" in " ".join(
        packet.checklist
    )


def test_one_exhibit_larger_than_the_limit_alone_is_an_error(tmp_path):
    need_libreoffice()
    (tmp_path / "ex").mkdir()
    noisy_pdf(tmp_path / "ex" / "pay.pdf", "PAY", 3, kb_per_page=200)
    case = drafter.load_case(case_with_files(tmp_path, {"pay": "ex/pay.pdf"}), today=TODAY)
    with pytest.raises(UserError, match=r"exhibits \(pay\): Exhibit . alone makes a file over"):
        build_packet(case, "reopen", base=tmp_path, max_mb=0.3)


# --------------------------------------------------------------------------- letters, PDF/A


def test_a_pd_letters_packet_encloses_the_draft_motion_and_the_exhibits(tmp_path):
    need_libreoffice()
    case = drafter.load_case(case_with_files(tmp_path, standard_exhibits(tmp_path)), today=TODAY)
    packet = build_packet(case, "pd-request", base=tmp_path)
    texts = page_texts(packet.files[0].data, tmp_path)
    marks = outline(PdfReader(io.BytesIO(packet.files[0].data)))
    assert marks[0][1].startswith("Letter: ") and marks[0][2] == 1
    draft_motion = next(p for p in packet.exhibits if p.exhibit.id == "draft-motion")
    assert draft_motion.supplied
    enclosed = " ".join(texts[draft_motion.first : draft_motion.last])
    assert "MOTION TO RESCIND IN ABSENTIA ORDER AND REOPEN" in enclosed
    for n, text in enumerate(texts, start=1):  # the enclosed motion's own footer stepped aside
        assert re.findall(r"Page (\d+) of", text) == [str(n)]
        assert "Karim Benali, A000-000-707" in text


def test_pdfa_marks_every_part_and_names_what_would_fail_validation(tmp_path):
    need_libreoffice()
    case = drafter.load_case(case_with_files(tmp_path, standard_exhibits(tmp_path)), today=TODAY)
    packet = build_packet(case, "reopen", base=tmp_path, pdfa=True)
    reader = PdfReader(io.BytesIO(packet.files[0].data))
    xmp = reader.root_object["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>2</pdfaid:part>" in xmp and b"<pdfaid:conformance>B" in xmp
    assert b"Priya Natarajan" in xmp and b"2026-11-20T00:00:00Z" in xmp
    assert reader.root_object["/OutputIntents"]
    notes = [n for n in packet.checklist if n.startswith("PDF/A:")]
    # the test's own exhibits use PDF's standard fonts, not embedded; drafter's pages embed theirs
    assert any("(hospital) uses the font Times-Roman" in n for n in notes)
    assert not any(n.startswith("PDF/A: page ") for n in notes)
    # a scan, a converted Word file and a missing exhibit are only drafter's and LibreOffice's
    # pages, with their fonts embedded
    for clean in ("(joint-life)", "(i130-receipt)", "(residence)"):
        assert not any(clean in n for n in notes), notes


def test_a_template_that_numbers_its_own_pages_is_named_in_the_checklist(tmp_path):
    """An attorney's template made before draft.packet would show two page numbers a page."""
    need_libreoffice()
    from .conftest import make_template

    template = make_template(
        tmp_path / "old.docx", ["{{ draft.title }}", "Page 1 of 1", "{{ draft.signer }}"]
    )
    case = drafter.load_case(case_with_files(tmp_path, standard_exhibits(tmp_path)), today=TODAY)
    packet = build_packet(case, "reopen", base=tmp_path, template=template)
    assert any("prints its own page numbers" in n for n in packet.checklist)
    marks = [title for _, title, _ in outline(PdfReader(io.BytesIO(packet.files[0].data)))]
    assert marks[0].startswith("Motion: ")  # no part bookmarks in it: the motion starts page 1


def test_the_built_in_templates_leave_page_numbers_to_the_packet(built):
    _, _, packet, _ = built
    assert not any("prints its own page numbers" in n for n in packet.checklist)


def test_ocr_gives_a_scan_a_text_layer(tmp_path):
    need_libreoffice()
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        ocrmypdf = None
    if ocrmypdf is None or shutil.which("tesseract") is None:
        if os.environ.get("DRAFTER_REQUIRE_OCR"):
            pytest.fail("ocrmypdf and Tesseract are required (DRAFTER_REQUIRE_OCR is set)")
        pytest.skip("ocrmypdf or Tesseract is not installed (optional); .ci/run installs them")
    files = standard_exhibits(tmp_path)
    text_scan(tmp_path / "ex" / "joint.png", ["JOINT LEASE AGREEMENT", "Tenants: K. Benali"])
    case = drafter.load_case(case_with_files(tmp_path, files), today=TODAY)
    plain = build_packet(case, "reopen", base=tmp_path)
    scan = next(p for p in plain.exhibits if p.exhibit.id == "joint-life")
    assert not scan.searchable
    assert "JOINT LEASE" not in page_texts(plain.files[0].data, tmp_path)[scan.first]
    read = build_packet(case, "reopen", base=tmp_path, ocr=True)
    scan = next(p for p in read.exhibits if p.exhibit.id == "joint-life")
    assert scan.searchable
    texts = page_texts(read.files[0].data, tmp_path)
    assert "JOINT LEASE AGREEMENT" in texts[scan.first]
    assert f"Page {scan.first + 1} of {read.pages}" in texts[scan.first]  # still stamped
    assert not any("(joint-life) is a scan" in n for n in read.checklist)


def test_ocr_without_ocrmypdf_is_a_clear_error(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ocrmypdf", None)  # as if it were not installed
    files = standard_exhibits(tmp_path)
    case = drafter.load_case(case_with_files(tmp_path, files), today=TODAY)
    need_libreoffice()
    with pytest.raises(UserError, match="--ocr: ocrmypdf is not installed"):
        build_packet(case, "reopen", base=tmp_path, ocr=True)
