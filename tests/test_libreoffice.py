"""A real word processor opens every generated document: LibreOffice converts each to PDF."""

from __future__ import annotations

import datetime as dt

import drafter

from .conftest import SAMPLES, to_pdf_text


def test_every_sample_letter_opens_in_libreoffice(tmp_path):
    files = {}
    for path in SAMPLES:
        case = drafter.load_case(path, today=dt.date(2026, 11, 23))
        _, out = drafter.draft_to_file(case, "pd-request", tmp_path)
        files[out] = case
    texts = to_pdf_text(list(files), tmp_path)
    for out, case in files.items():
        text = " ".join(texts[out].split())
        assert case.respondent.full_name in text, out.name
        assert case.respondent.a_number in text, out.name
        assert "Page 1 of" in text
