"""A real word processor opens every generated document: LibreOffice converts each to PDF."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

import drafter
from drafter.documents import DOCUMENTS
from drafter.law import assess

from .conftest import SAMPLES, to_pdf_text

TODAY = dt.date(2026, 11, 23)


def fitting(case):
    return [kind for kind in DOCUMENTS.values() if not kind.check(case)]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Every sample drafted into every fitting document, through LibreOffice: raw PDF text."""
    out = tmp_path_factory.mktemp("packets")
    files = {}
    for path in SAMPLES:
        case = drafter.load_case(path, today=TODAY)
        for kind in fitting(case):
            _, target = drafter.draft_to_file(case, kind.id, out)
            files[target] = (case, kind)
    texts = to_pdf_text(list(files), out)
    return {target: (case, kind, texts[target]) for target, (case, kind) in files.items()}


@pytest.fixture(scope="module")
def pdf_texts(converted):
    return {t: (case, kind, " ".join(raw.split())) for t, (case, kind, raw) in converted.items()}


def test_no_page_holds_a_signature_block_alone(converted):
    """The signature stays with the conclusion; a letter's enclosures stay with its signature."""
    for target, (case, kind, raw) in converted.items():
        pages = raw.split("\f")
        if kind.motion:
            for marker in ("Respectfully submitted,", "Agreed and jointly filed"):
                holding = [p for p in pages if marker in p]
                if marker == "Respectfully submitted," or case.dhs_position.stance == "joins":
                    assert holding, (target.name, marker)
                for page in holding:
                    assert "For these reasons" in page.split(marker)[0], (target.name, marker)
        elif kind.id == "declaration":
            [page] = [p for p in pages if "Executed on" in p]
            assert "under penalty of perjury" in page, (target.name, "signature split from oath")
        else:
            [page] = [p for p in pages if "Sincerely," in p]
            before = [line for line in page.split("Sincerely,")[0].splitlines() if line.strip()]
            assert before, (target.name, "the signature stands alone on its page")
            if "Enclosures:" in raw:
                assert "Enclosures:" in page, (target.name, "enclosures split from the signature")
                for tab, _ in drafter.draft(case, kind.id).exhibits:
                    assert f"Exhibit {tab}" in page.split("Enclosures:")[1], (target.name, tab)


def test_every_sample_has_a_court_motion_or_letter(pdf_texts):
    kinds = {kind.id for _, kind, _ in pdf_texts.values()}
    assert kinds == set(DOCUMENTS), "some document kind is never exercised by a sample"


def test_every_document_opens_and_holds_the_case(pdf_texts):
    for target, (case, kind, text) in pdf_texts.items():
        assert case.respondent.full_name in text or case.respondent.caption_name in text, (
            target.name
        )
        for _, number in case.covered_people:
            assert number in text, (target.name, number)
        assert "Page 1 of" in text
        if kind.motion:
            assert "In the Matter of:" in text, target.name
            assert "In Removal Proceedings" in text
            law = assess(case)
            assert kind.title_for(case, law) in text
            board = kind.id == "reopen" and law.reopen.forum.value == "board"
            heading = (
                "ORDER OF THE BOARD OF IMMIGRATION APPEALS"
                if board
                else "ORDER OF THE IMMIGRATION JUDGE"
            )
            assert heading in text
            assert "CERTIFICATE OF SERVICE" in text
            assert "NOT DETAINED" in text or "DETAINED" in text
            assert "EXECUTIVE OFFICE FOR IMMIGRATION REVIEW" in text


def test_pdf_beside_a_docx_in_a_folder_with_space_hash_and_percent(tmp_path):
    from drafter.pdf import convert_to_pdf

    from .conftest import need_libreoffice

    need_libreoffice()
    folder = tmp_path / "client #7 at 100% done"
    case = drafter.load_case(SAMPLES[0], today=TODAY)
    _, target = drafter.draft_to_file(case, "pd-request", folder)
    outcome = convert_to_pdf([target], timeout=120)
    assert outcome == {target: None}
    assert target.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def _soffice_processes():
    import os

    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    if b"soffice" in fh.read():
                        found.append(int(pid))
            except OSError:
                pass
    return set(found)


def test_timeout_kills_libreoffice_and_leaves_nothing_running(tmp_path):
    from drafter.pdf import convert_to_pdf

    from .conftest import need_libreoffice

    need_libreoffice()
    before = _soffice_processes()
    case = drafter.load_case(SAMPLES[0], today=TODAY)
    _, target = drafter.draft_to_file(case, "pd-request", tmp_path)
    outcome = convert_to_pdf([target], timeout=0.05)
    assert outcome[target] == "LibreOffice did not convert it"
    assert not target.with_suffix(".pdf").exists()
    assert _soffice_processes() - before == set()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary folder left


# --------------------------------------------------------------------------- LibreOffice started early


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    """A cache of its own, so that the kept profiles are this test's alone."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(cache))
    return cache / "libreoffice"


def _letters(folder, count):
    """``count`` copies of one drafted letter, under their own names in ``folder``."""
    case = drafter.load_case(SAMPLES[0], today=TODAY)
    _, drafted = drafter.draft_to_file(case, "pd-request", folder / "drafted")
    folder.mkdir(exist_ok=True)
    return [shutil.copy(drafted, folder / f"letter-{i}.docx") for i in range(count)]


def test_processes_started_early_convert_what_they_are_handed_and_exit(tmp_path, own_cache):
    from drafter.pdf import PdfConverter, convert_to_pdf

    from .conftest import need_libreoffice

    need_libreoffice()
    before = _soffice_processes()
    first = _letters(tmp_path / "first", 2)
    # The first conversion on a machine sets the kept profiles up; nothing starts early.
    with PdfConverter(2) as converter:
        assert converter._waiting == {}
        assert converter.convert(first) == dict.fromkeys(first)
    assert sorted(p.name for p in own_cache.glob("profile-?")) == ["profile-0", "profile-1"]
    targets = _letters(tmp_path / "second", 4)
    with PdfConverter(2) as converter:
        waiting = list(converter._waiting.values())
        assert len(waiting) == 2 and all(p.poll() is None for p in waiting)
        assert converter.convert(targets) == dict.fromkeys(targets)
        # Each waiting process did its share and exited by itself (a stopped one has no 0).
        assert [p.returncode for p in waiting] == [0, 0]
    for target in targets:
        assert target.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert _soffice_processes() - before == set()
    assert convert_to_pdf(first, force=True) == dict.fromkeys(first)


def test_pdfs_are_renamed_into_place_synced_unless_a_batch_syncs_later(
    tmp_path, own_cache, monkeypatch
):
    from drafter import pdf
    from drafter.pdf import PdfConverter

    from .conftest import need_libreoffice

    need_libreoffice()
    synced = []
    real_sync = pdf._sync
    monkeypatch.setattr(pdf, "_sync", lambda path: (synced.append(path.name), real_sync(path)))
    letters = _letters(tmp_path / "out", 2)
    with PdfConverter(1) as converter:
        assert converter.convert(letters) == dict.fromkeys(letters)
    assert sorted(synced) == ["letter-0.pdf", "letter-1.pdf"]
    made = letters[0].with_suffix(".pdf")
    assert made.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []
    with PdfConverter(1) as converter:
        refused = converter.convert(letters[:1])  # exists, and no force
        assert "already exists" in (refused[letters[0]] or "")
        synced.clear()
        assert converter.convert(letters, force=True, durable=False) == dict.fromkeys(letters)
    assert synced == []
    assert made.read_bytes().startswith(b"%PDF")


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_processes_started_early_are_stopped_when_nothing_comes(tmp_path, own_cache):
    from drafter.pdf import PdfConverter, convert_to_pdf

    from .conftest import need_libreoffice

    need_libreoffice()
    before = _soffice_processes()
    [target] = _letters(tmp_path, 1)
    convert_to_pdf([target])  # sets profile-0 up
    with PdfConverter(1) as converter:
        [waiting] = converter._waiting.values()
    assert waiting.returncode not in (None, 0)  # stopped, not finished
    assert _soffice_processes() - before == set()
    with PdfConverter(1, start_early=False) as again:  # the profile was given back
        assert again._profiles == [own_cache / "profile-0"]


def test_each_process_holds_a_profile_of_its_own(own_cache, monkeypatch):
    from drafter.pdf import PdfConverter

    with PdfConverter(2, start_early=False) as one, PdfConverter(1, start_early=False) as two:
        held = [*one._profiles, *two._profiles]
    assert held == [own_cache / f"profile-{i}" for i in range(3)]
    monkeypatch.setenv("DRAFTER_CACHE_DIR", "")  # the cache turned off: new profiles each time
    with PdfConverter(2, start_early=False) as off:
        assert off._profiles == [None, None]


def test_files_are_shared_out_by_size_so_processes_finish_together(tmp_path):
    from drafter.pdf import _shares

    sizes = [9000, 1000, 8000, 1000, 7000, 1000, 1000, 3000]  # long motions every other row
    files = []
    for i, size in enumerate(sizes):
        files.append(tmp_path / f"{i}.docx")
        files[-1].write_bytes(b"x" * size)
    shares = _shares(files, 2)
    assert sorted(f for share in shares for f in share) == sorted(files)  # each file once
    loads = [sum(f.stat().st_size for f in share) for share in shares]
    assert max(loads) - min(loads) <= 1000  # dealt out one by one it would be 24,000 to 7,000
    assert _shares(files[:1], 4) == [files[:1]]  # no process without a file
    assert _shares([tmp_path / "gone.docx", *files[:1]], 2) == [files[:1], [tmp_path / "gone.docx"]]


def test_a_kept_profile_that_is_shared_with_others_is_not_used(own_cache):
    from drafter.pdf import PdfConverter

    own_cache.mkdir(parents=True)
    own_cache.chmod(0o777)
    with PdfConverter(1, start_early=False) as converter:
        assert converter._profiles == [None]


def test_a_broken_kept_profile_is_replaced(tmp_path, own_cache):
    from drafter.pdf import convert_bytes, convert_to_pdf

    from .conftest import need_libreoffice

    need_libreoffice()
    [target] = _letters(tmp_path, 1)
    own_cache.mkdir(parents=True, mode=0o700)
    broken = own_cache / "profile-0"
    broken.mkdir()
    (broken / "user").write_text("not a folder")  # LibreOffice cannot start with it
    assert convert_to_pdf([target]) == {target: None}
    assert not broken.exists()
    [pdf] = convert_bytes([(target.read_bytes(), ".docx")])
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert (broken / "user").is_dir()  # set up afresh by the conversion after
