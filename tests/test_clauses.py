from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

import drafter
from drafter.clauses import ClauseLibrary, parse_clause
from drafter.drafting import builtin_dir, load_library
from drafter.errors import ClauseError, TemplateError

from .conftest import SAMPLES, docx_text

TODAY = dt.date(2026, 11, 23)


def write_clause(directory: Path, name: str, front: str, body: str = "Text.") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f"---\n{textwrap.dedent(front).strip()}\n---\n{body}\n", encoding="utf-8")
    return path


def test_builtin_library_loads_with_several_dozen_clauses():
    library = load_library()
    assert len(library) >= 40
    assert len(library.registry) >= 40


def test_front_matter_errors_name_file_and_line(tmp_path):
    path = write_clause(
        tmp_path, "c.md", "id: a.b\ntitle: T\ndocuments: [pd-request]\nsection: x\norder: nope"
    )
    with pytest.raises(ClauseError, match=r"c\.md:6: order:"):
        parse_clause(path)


def test_missing_front_matter(tmp_path):
    path = tmp_path / "c.md"
    path.write_text("just text")
    with pytest.raises(ClauseError, match="no front matter"):
        parse_clause(path)


def test_unknown_front_matter_key(tmp_path):
    path = write_clause(
        tmp_path, "c.md", "id: a.b\ntitle: T\ndocuments: [pd-request]\nsection: x\nwehn: true"
    )
    with pytest.raises(ClauseError, match="wehn"):
        parse_clause(path)


def test_duplicate_ids_in_one_directory(tmp_path):
    lib = tmp_path / "lib"
    (lib / "authorities.yaml").parent.mkdir(parents=True)
    (lib / "authorities.yaml").write_text("[]")
    front = "id: a.b\ntitle: T\ndocuments: [pd-request]\nsection: closing"
    write_clause(lib, "one.md", front)
    write_clause(lib, "two.md", front)
    with pytest.raises(ClauseError, match=r"defined twice: .*one\.md and .*two\.md"):
        ClauseLibrary.load(lib)


def _draft(library, sample=SAMPLES[0]):
    case = drafter.load_case(sample, today=TODAY)
    return drafter.draft(case, "pd-request", library=library)


def test_overlay_replaces_a_clause(tmp_path):
    write_clause(
        tmp_path,
        "closing.md",
        "id: pd.closing\ntitle: Our closing\ndocuments: [pd-request]\nsection: closing",
        "With thanks from {{ our }} firm.",
    )
    result = _draft(load_library(tmp_path))
    text = docx_text(result.docx)
    assert "With thanks from our firm." in text
    assert "Thank you for considering this request." not in text


def test_overlay_adds_a_clause(tmp_path):
    write_clause(
        tmp_path,
        "new.md",
        "id: firm.pd.language\ntitle: Language\ndocuments: [pd-request]\nsection: equities\norder: 99\nwhen: r.language != 'English'",
        "**Language.** {{ short }} speaks {{ r.language }}.",
    )
    text = docx_text(_draft(load_library(tmp_path)).docx)
    assert "Language. Ms. Nguyễn speaks Vietnamese." in text


def test_overlay_disables_a_clause(tmp_path):
    write_clause(tmp_path, "off.md", "id: pd.equity.same_sex_marriage\ndisabled: true", "")
    result = _draft(load_library(tmp_path))
    assert "pd.equity.same_sex_marriage" not in {c.id for c in result.selection.included}
    assert "Defense of Marriage Act" not in docx_text(result.docx)


def test_overlay_registry_adds_and_replaces(tmp_path):
    (tmp_path / "authorities.yaml").write_text(
        "- id: firm_memo\n  citation: Firm Practice Note 1\n  short: Note 1\n  kind: memo\n  status: in_force\n",
        encoding="utf-8",
    )
    write_clause(
        tmp_path,
        "cite.md",
        "id: firm.pd.note\ntitle: Note\ndocuments: [pd-request]\nsection: closing\norder: 1\nauthorities: [firm_memo]",
        "See {{ cite('firm_memo') }}.",
    )
    library = load_library(tmp_path)
    assert "windsor" in library.registry and "firm_memo" in library.registry
    assert "See Firm Practice Note 1." in docx_text(_draft(library).docx)


def test_hostile_clause_stopped_at_render_time_naming_file(tmp_path):
    path = write_clause(
        tmp_path,
        "evil.md",
        "id: pd.closing\ntitle: Evil\ndocuments: [pd-request]\nsection: closing",
        "Hello\n{{ ''.__class__.__mro__ }}",
    )
    with pytest.raises(TemplateError) as info:
        _draft(load_library(tmp_path))
    line = path.read_text().splitlines().index("{{ ''.__class__.__mro__ }}") + 1
    assert f"{path}:{line}: forbidden by the sandbox" in str(info.value)
    assert "sandbox" in str(info.value) or "unknown variable" in str(info.value)


def test_cite_unknown_authority_is_an_error(tmp_path):
    write_clause(
        tmp_path,
        "bad.md",
        "id: pd.closing\ntitle: Bad\ndocuments: [pd-request]\nsection: closing",
        "{{ cite('made_up_case') }}",
    )
    with pytest.raises(TemplateError, match="not in the authority registry"):
        _draft(load_library(tmp_path))


def test_citations_full_then_short():
    result = _draft(load_library(), SAMPLES[0])
    body = "\n".join(p.plain for p in result.paragraphs)
    assert body.count("8 C.F.R. § 1003.23(b)(4)(iv)") >= 1
    first = body.index("INA § 245(a), 8 U.S.C. § 1255(a)")
    assert "8 U.S.C. § 1255(a)" not in body[first + 40 :]


def test_registry_statuses_follow_legal_notes():
    registry = load_library().registry
    # LEGAL_NOTES section 8: the 2014 announcement is historical; overruled decisions say so
    # and name what overruled them.
    assert registry["ice_2014_announcement"].status == "historical"
    assert registry["castro_tum"].status == "overruled"
    assert registry["s_o_g_f_d_b"].status == "overruled"
    assert registry["s_o_g_f_d_b"].superseded_by == "coronado_acevedo"
    assert registry["morton_2011"].superseded_by == "johnson_2014"
    assert registry["doyle_2022"].status == "unverified"
    assert registry["mayorkas_2021"].status == "rescinded"
    assert registry["morton_2011"].status == "superseded"
    assert registry["castro_tum"].superseded_by == "cruz_valdez"
    assert registry["windsor"].date == "2013-06-26"
    for a in registry:
        if a.status in ("superseded", "overruled"):
            assert a.superseded_by in {b.id for b in registry}, a.id


def test_a_superseded_authority_must_name_its_successor(tmp_path):
    from drafter.authorities import Registry
    from drafter.errors import ClauseError

    path = tmp_path / "authorities.yaml"
    path.write_text(
        "- id: old_memo\n  citation: Old memo\n  short: Old\n  kind: memo\n  status: superseded\n",
        encoding="utf-8",
    )
    with pytest.raises(ClauseError, match="needs superseded_by"):
        Registry.load(path)


def test_builtin_dir_points_at_repository_data():
    assert (builtin_dir("clauses") / "authorities.yaml").exists()
    assert (builtin_dir("templates") / "pd-request.docx").exists()
