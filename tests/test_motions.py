"""Court motions as filing packets: every sample x every document that fits it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from docx.shared import Inches, Pt

import drafter
from drafter.casefile import parse_case
from drafter.documents import DOCUMENTS

from .conftest import GOLDEN, SAMPLES, docx_text

TODAY = dt.date(2026, 11, 23)
PAIRS = [
    (path, kind.id)
    for path in SAMPLES
    for kind in DOCUMENTS.values()
    if kind.motion and not kind.check(drafter.load_case(path, today=TODAY))
]


@pytest.fixture(scope="module")
def packets():
    return {
        (path, kind): drafter.draft(drafter.load_case(path, today=TODAY), kind)
        for path, kind in PAIRS
    }


def test_every_motion_kind_is_exercised():
    assert {kind for _, kind in PAIRS} == {k for k, d in DOCUMENTS.items() if d.motion}


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0].stem}-{p[1]}")
def test_packet_parts(packets, pair):
    result = packets[pair]
    case = result.case
    text = docx_text(result.docx)
    title = result.document.title_for(case, result.law)
    assert text.count(title) >= 2  # the cover page and the motion
    assert "In the Matter of:" in text and "In Removal Proceedings" in text
    for _, number in case.covered_people:
        assert text.count(number) >= 2  # cover page and proposed order captions
    board = result.law.reopen.forum.value == "board" and result.document.id == "reopen"
    # The body that decides the motion captions it and signs its order.
    if board:
        assert "BOARD OF IMMIGRATION APPEALS" in text and "FALLS CHURCH, VIRGINIA" in text
        assert "ORDER OF THE BOARD OF IMMIGRATION APPEALS" in text
        assert "IMMIGRATION COURT" not in text and "ORDER OF THE IMMIGRATION JUDGE" not in text
        assert "1003.23(b)" not in text  # the Board's rules, not the Immigration Court's
    else:
        assert "ORDER OF THE IMMIGRATION JUDGE" in text
    assert "GRANTED. It is further ORDERED that" in text
    assert "CERTIFICATE OF SERVICE" in text
    assert case.opla_office.name in text
    assert "{{" not in text and "{%" not in text
    if case.dhs_position.stance == "joins":
        assert title.startswith("JOINT")
        assert "Counsel for the Department of Homeland Security" in text
        assert case.dhs_position.opla_attorney in text
    else:
        assert not title.startswith("JOINT")
    if result.exhibits:
        assert "INDEX OF EXHIBITS" in text


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0].stem}-{p[1]}")
def test_paragraphs_are_numbered(packets, pair):
    document = docx.Document(io.BytesIO(packets[pair].docx))
    numbers = [
        p.text.split(".", 1)[0]
        for p in document.paragraphs
        if p.style.name == "Numbered Paragraph" and p.text[:1].isdigit()
    ]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)]
    assert len(numbers) >= 5


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0].stem}-{p[1]}")
def test_golden_packet_text(packets, pair, update_golden):
    path, kind = pair
    golden = GOLDEN / f"{path.stem}.{kind}.txt"
    text = docx_text(packets[pair].docx)
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no snapshot {golden.name}; run pytest --update-golden"
    assert text == golden.read_text(encoding="utf-8")


def test_every_golden_packet_is_still_drafted():
    drafted = {f"{path.stem}.{kind}.txt" for path, kind in PAIRS}
    kinds = ("admin-close", "reopen", "recalendar", "terminate")
    stale = [
        g.name
        for g in GOLDEN.glob("*.txt")
        if g.name.rsplit(".", 2)[1] in kinds and g.name not in drafted
    ]
    assert not stale, f"snapshots of documents no sample drafts any more: {stale}"


def test_layout_fit_for_filing(packets):
    result = next(iter(packets.values()))
    document = docx.Document(io.BytesIO(result.docx))
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    for margin in (
        section.left_margin,
        section.right_margin,
        section.top_margin,
        section.bottom_margin,
    ):
        assert margin == Inches(1)
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(12) and normal.font.name == "Times New Roman"
    assert document.styles["Body Text"].paragraph_format.line_spacing == 2.0
    assert document.styles["Heading 2"].paragraph_format.keep_with_next
    with zipfile.ZipFile(io.BytesIO(result.docx)) as z:
        footer = next(z.read(n) for n in z.namelist() if n.startswith("word/footer"))
        body = z.read("word/document.xml")
    assert b"PAGE" in footer and b"NUMPAGES" in footer
    assert body.count(b"<w:cantSplit/>") >= 2  # both captions keep together


def test_joint_reopen_cites_exemption_and_windsor(packets):
    result = packets[(SAMPLES[0], "reopen")]
    assert {
        "cfr_1003_23_b_4_iv",
        "windsor",
        "zeleniak",
        "ice_2014_announcement",
        "cfr_1003_24_b_2_v",
    } <= set(result.cited)
    text = docx_text(result.docx)
    assert "JOINT MOTION TO REOPEN" in text
    assert "No filing fee is required" in text


def test_reopen_alone_out_of_time_asks_for_sua_sponte():
    case = drafter.load_case(SAMPLES[0], today=TODAY)
    alone = case.model_copy(
        update={
            "dhs_position": case.dhs_position.model_copy(
                update={"stance": "unknown", "opla_attorney": None, "agreed_on": None}
            )
        }
    )
    result = drafter.draft(alone, "reopen")
    ids = {c.id for c in result.selection.included}
    assert "reopen.law.sua_sponte" in ids and "reopen.law.joint" not in ids
    text = docx_text(result.docx)
    assert "RESPONDENT'S MOTION TO REOPEN" in text
    assert "on its own motion" in text
    assert "matters only in exceptional situations" not in text  # said plainly, not hedged
    assert "reserved for exceptional situations" in text
    # Instructions to the attorney go to the memo's checklist, never into the motion.
    flagged = [r.text for p in result.paragraphs for r in p.runs if r.flag]
    assert not any("fee" in f.lower() for f in flagged)
    memo = drafter.explain(alone, "reopen")
    assert any("fee is due" in item for item in memo.before_filing)
    assert "paid to DHS" not in text


def test_motion_for_wrong_status_is_refused():
    case = drafter.load_case(SAMPLES[2], today=TODAY)
    with pytest.raises(drafter.DocumentRequirementError, match="proceedings.status"):
        drafter.draft(case, "reopen")


def test_undisclosed_facts_never_reach_a_motion(packets):
    path = next(p for p in SAMPLES if "misdemeanor" in p.name)
    text = docx_text(packets[(path, "admin-close")].docx)
    assert "petty theft" in text
    assert "suspended license" not in text


STANCES = ["joins", "does_not_oppose", "opposes", "unknown"]


@pytest.mark.parametrize("stance", STANCES)
@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0].stem}-{p[1]}")
def test_every_dhs_position_drafts_cleanly(pair, stance):
    path, kind = pair
    case = drafter.load_case(path, today=TODAY)
    position = case.dhs_position.model_copy(
        update={
            "stance": stance,
            "opla_attorney": "Assistant Chief Counsel Example"
            if stance in ("joins", "does_not_oppose")
            else None,
            "agreed_on": dt.date(2026, 11, 1) if stance == "joins" else None,
        }
    )
    result = drafter.draft(case.model_copy(update={"dhs_position": position}), kind)
    text = docx_text(result.docx)
    assert "{{" not in text and "{%" not in text
    groups = [c.meta.group for c in result.selection.included if c.meta.group]
    assert len(groups) == len(set(groups))
    assert ("JOINT" in result.document.title_for(result.case)) is (stance == "joins")
    dhs = [c.id for c in result.selection.included if c.meta.group == "motion.dhs"]
    # An opposed motion to close answers DHS in its own words; the others share one clause.
    own = kind == "admin-close" and stance == "opposes"
    assert dhs == ["admin_close.dhs.opposes" if own else f"motion.dhs.{stance}"]


def test_exhibit_index_paginates_when_pages_are_known(packets):
    result = packets[(SAMPLES[0], "reopen")]
    text = docx_text(result.docx)
    pages = {tab: ex.pages for tab, ex in result.exhibits}
    assert all(pages.values())
    start = 1
    for tab, exhibit in result.exhibits:
        end = start + exhibit.pages - 1
        label = f"{start}-{end}" if end > start else str(start)
        assert f"{tab} | {exhibit.title} | {label}" in text
        start = end + 1


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0].stem}-{p[1]}")
def test_section_sign_never_ends_a_line_apart_from_its_number(packets, pair):
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(packets[pair].docx)).read("word/document.xml").decode()
    assert "§ " not in xml and "¶ " not in xml
    assert "§\u00a0" in xml


def test_judge_line_is_a_placeholder_that_final_refuses(tmp_path):
    from drafter.errors import UserError

    case = next(
        drafter.load_case(p)
        for p in SAMPLES
        if not drafter.load_case(p).proceedings.immigration_judge
        and drafter.load_case(p).proceedings.status.value == "pending"
    )
    result = drafter.draft(case, "admin-close")
    assert "name of the Immigration Judge" in docx_text(result.docx)
    assert "name of the Immigration Judge" in drafter.explain(case, "admin-close").to_text()
    with pytest.raises(UserError, match="placeholder"):
        drafter.draft_to_file(case, "admin-close", tmp_path, final=True)
    assert not list(tmp_path.iterdir())
    named = case.model_copy(
        update={
            "proceedings": case.proceedings.model_copy(
                update={"immigration_judge": "Judge Example"}
            )
        }
    )
    assert "Immigration Judge: Judge Example" in docx_text(drafter.draft(named, "admin-close").docx)


def test_pages_column_only_when_every_page_count_is_known():
    case = drafter.load_case(SAMPLES[2])
    text = docx_text(drafter.draft(case, "admin-close").docx)
    assert "Tab | Document\n" in text + "\n" and "Pages" not in text
    counted = case.model_copy(
        update={"exhibits": [e.model_copy(update={"pages": 3}) for e in case.exhibits]}
    )
    text = docx_text(drafter.draft(counted, "admin-close").docx)
    assert "Tab | Document | Pages" in text and "| 1-3" in text and "| 4-6" in text


def test_service_names_the_address_and_a_letter_never_goes_via_ecas():
    case = drafter.load_case(SAMPLES[2])
    by_email = case.model_copy(
        update={"filing": case.filing.model_copy(update={"service_method": "email"})}
    )
    email = case.opla_office.email
    assert f"by e-mail to {email}" in docx_text(drafter.draft(by_email, "admin-close").docx)
    via_ecas = case.model_copy(
        update={"filing": case.filing.model_copy(update={"service_method": "ecas"})}
    )
    letter = docx_text(drafter.draft(via_ecas, "pd-request").docx)
    assert "ECAS" not in letter and f"VIA E-MAIL: {email}" in letter
    assert "through the EOIR Courts & Appeals System" in docx_text(
        drafter.draft(via_ecas, "admin-close").docx
    )


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0].stem}-{p[1]}")
def test_proposed_order_carries_the_courts_certificate_of_service(packets, pair):
    text = docx_text(packets[pair].docx)
    order = text.split("ORDER OF THE", 1)[1]
    assert "This document was served by:" in order and "Court staff" in order


def test_recalendar_argues_the_recorded_reason_for_closure_has_run_its_course():
    case = drafter.load_case(next(p for p in SAMPLES if p.stem.startswith("08")))
    assert case.proceedings.closure_reason
    text = " ".join(p.plain for p in drafter.draft(case, "recalendar").paragraphs)
    assert f"The Court closed the case {case.proceedings.closure_reason}, and that reason" in text
    unknown = case.model_copy(
        update={"proceedings": case.proceedings.model_copy(update={"closure_reason": None})}
    )
    text = " ".join(p.plain for p in drafter.draft(unknown, "recalendar").paragraphs)
    assert "run its course" not in text and "Since the case was closed, USCIS" in text
    assert "proceedings.closure_reason" in drafter.explain(unknown, "recalendar").to_text()


def _sample(prefix):
    return drafter.load_case(next(p for p in SAMPLES if p.stem.startswith(prefix)), today=TODAY)


def _plain(case, kind):
    return " ".join(p.plain for p in drafter.draft(case, kind).paragraphs)


def test_recalendar_says_what_the_case_returns_for():
    case = _sample("08")  # inspected, USC spouse, approved I-130: the judge hears adjustment
    text = _plain(case, "recalendar")
    assert "Only on the active docket can the Court hear it" in text
    assert "may then be terminated" not in text

    # Paroled at a port: USCIS decides the adjustment, so the case returns only to be ended.
    data = case.model_dump(mode="json", exclude_none=True)
    data["respondent"]["entry"].update(manner="paroled", parole="port_of_entry")
    arriving = parse_case(data, today=TODAY)
    text = _plain(arriving, "recalendar")
    assert "so that they may then be terminated" in text
    assert "remains an arriving alien" in text and "1245.2(a)(1)(ii)" in text
    assert "Respondent will ask the Court to terminate it" in text
    assert "Only on the active docket" not in text  # never "this Court will hear it"
    memo = drafter.explain(arriving, "recalendar").to_text()
    assert "recalendar and terminate" in memo

    # An asylum application is the judge's: the case resumes to be heard.
    data["petitions"] = [{"form": "I-589", "status": "pending", "filed_date": "2019-04-01"}]
    for exhibit in data["exhibits"]:
        exhibit.pop("supports", None)
    heard = parse_case(data, today=TODAY)
    text = _plain(heard, "recalendar")
    assert "Form I-589 is pending before this Court, filed on April 1, 2019" in text
    assert "may then be terminated" not in text


def test_consular_case_recalendar_never_claims_recalendaring_serves_the_visa():
    case = _sample("02")  # entered without inspection: consular processing with an I-601A
    text = _plain(case, "recalendar")
    assert "so that they may then be terminated and Respondent may pursue an immigrant visa" in text
    assert "travel abroad for the visa interview" in text and "Coronado Acevedo" in text
    assert "USCIS can adjudicate" not in text
    memo = drafter.explain(case, "recalendar").to_text()
    assert "Recalendaring ends the administrative closure" in memo


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_letters_and_motions_argue_the_same_strengths(path):
    """A motion's equities paragraph and the letter's balance list the same reasons."""
    case = drafter.load_case(path, today=TODAY)
    letter = (
        drafter.draft(case, "pd-request")
        if not drafter.DOCUMENTS["pd-request"].check(case)
        else None
    )
    kinds = [k for p, k in PAIRS if p == path]
    lists = set()
    if letter is not None:
        for p in letter.paragraphs:
            if "is not someone whose removal serves the public interest: " in p.plain:
                lists.add(p.plain.split(": ", 1)[1].split(". ")[0].rstrip("."))
    for kind in kinds:
        result = drafter.draft(case, kind)
        for p in result.paragraphs:
            for lead in (
                "favor reopening: ",
                "favor closure: ",
                "favor it: ",
                "will seek: ",
                "to an end: ",
            ):
                if lead in p.plain and "equities" in p.plain:
                    lists.add(p.plain.split(lead, 1)[1].split(". ")[0].rstrip("."))
    assert len(lists) <= 1, lists
    if lists and case.adverse_facts.criminal_history:
        assert "no criminal record" not in lists.pop()


def test_dhs_opposition_is_quoted_only_as_recorded():
    case = _sample("07")  # DHS opposes, reasons not recorded
    assert case.dhs_position.stance == "opposes" and not case.dhs_position.reasons
    text = _plain(case, "reopen")
    assert "DHS has indicated that it opposes this motion. For the reasons" in text
    assert "dhs_position.reasons" in drafter.explain(case, "reopen").to_text()
    data = case.model_dump(mode="json", exclude_none=True)
    data["dhs_position"]["reasons"] = "the respondent had notice of the hearing"
    stated = parse_case(data, today=TODAY)
    text = _plain(stated, "reopen")
    assert "opposes this motion, stating that the respondent had notice of the hearing." in text
    assert "dhs_position.reasons" not in drafter.explain(stated, "reopen").to_text()
