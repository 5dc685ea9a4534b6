"""``drafter serve`` through Flask's test client: every route, and every way a request can fail."""

from __future__ import annotations

import io
import sqlite3
import zipfile

import pytest
from click.testing import CliRunner
from docx import Document

import drafter
from drafter.casefile import parse_case, read_case_data
from drafter.cli import cli
from drafter.web.forms import from_form
from drafter.web.serve import default_db, is_loopback
from drafter.web.store import ConflictError, Store

from .conftest import SAMPLES
from .webutil import field_error, form_fields, make_app, sample_sheet

SAMPLE = "03-pending-child-illness.yaml"


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


def from_sample(client, name=SAMPLE) -> int:
    r = client.post("/cases/new", data={"mode": "sample", "sample": name})
    assert r.status_code == 302
    return int(r.headers["Location"].rsplit("/", 1)[1])


def latest(app, case_id):
    return app.extensions["drafter_store"].latest(case_id)


# --------------------------------------------------------------------------- the store


def test_store_keeps_every_version_and_refuses_a_stale_save(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    case_id = store.create({"a": 1}, by="ana", summary="created", name="X")
    v2 = store.save(case_id, {"a": 2, "b": [1]}, base=1, by="ben")
    assert (v2.number, v2.saved_by, v2.summary) == (2, "ben", "changed a, b")
    with pytest.raises(ConflictError) as caught:
        store.save(case_id, {"a": 3}, base=1, by="ana")
    assert caught.value.current.number == 2
    assert store.latest(case_id).data == {"a": 2, "b": [1]}
    assert [v.number for v in store.versions(case_id)] == [2, 1]
    assert store.version(case_id, 1).data == {"a": 1}
    assert store.save(case_id, {"a": 2, "b": [1]}, base=2, by="x").number == 2  # no change
    store.set_archived(case_id, True)
    assert store.cases() == [] and [c.id for c in store.cases(archived=True)] == [case_id]


def test_store_is_wal_migrated_and_reopens_with_its_data(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store(path).create({"a": 1}, by="x", summary="s")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()
    assert Store(path).latest(1).data == {"a": 1}
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.commit()
    db.close()
    with pytest.raises(RuntimeError, match="newer drafter"):
        Store(path)


def test_the_list_searches_and_puts_the_soonest_deadline_first(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    store.create(
        {}, by="x", summary="s", name="Late Person", a_number="A000-000-002", deadline="2027-05-01"
    )
    store.create({}, by="x", summary="s", name="No Deadline", a_number="A000-000-003")
    store.create(
        {}, by="x", summary="s", name="Soon Person", a_number="A000-000-001", deadline="2027-01-01"
    )
    assert [c.name for c in store.cases()] == ["Soon Person", "Late Person", "No Deadline"]
    assert [c.name for c in store.cases(search="late")] == ["Late Person"]
    assert [c.name for c in store.cases(search="000000003")] == ["No Deadline"]


# --------------------------------------------------------------------------- cases and the form


def test_list_new_show_and_edit_pages(client):
    assert client.get("/").status_code == 302
    assert b"No cases" in client.get("/cases").data
    assert b"From a sample" in client.get("/cases/new").data
    case_id = from_sample(client)
    listing = client.get("/cases").data.decode()
    assert "Lucía Andrea Ramírez Torres" in listing and "A000-000-303" in listing
    assert "(96 days)" in listing or "days)" in listing
    page = client.get(f"/cases/{case_id}").data.decode()
    assert "Suggestions" in page and "Request for Prosecutorial Discretion" in page
    edit = client.get(f"/cases/{case_id}/edit")
    assert edit.status_code == 200
    fields = form_fields(edit.data)
    assert fields["respondent.given_name"] == "Lucía"
    assert fields["relationships.children.0.name"].startswith("Mateo")
    assert 'type="date"' in edit.data.decode()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:2])
def test_every_sample_survives_the_form_unchanged(client, app, sample):
    """Open the edit form, submit it untouched: the case is exactly the case it was."""
    case_id = from_sample(client, sample.name)
    before = parse_case(latest(app, case_id).data)
    fields = form_fields(client.get(f"/cases/{case_id}/edit").data)
    r = client.post(f"/cases/{case_id}/edit", data=fields)
    assert r.status_code == 302, r.data.decode()[:2000]
    after = parse_case(latest(app, case_id).data)
    assert after == before


def test_a_bad_field_is_shown_beside_it_with_the_clis_message_and_saved_as_a_draft(client, app):
    case_id = from_sample(client)
    fields = form_fields(client.get(f"/cases/{case_id}/edit").data)
    fields["respondent.a_number"] = "12"
    r = client.post(f"/cases/{case_id}/edit", data=fields)
    assert r.status_code == 422
    message = field_error(r.data, "respondent.a_number")
    with pytest.raises(drafter.errors.CaseValidationError) as cli_error:
        parse_case(latest(app, case_id).data)
    assert message == cli_error.value.problems[0].message
    assert "is not an A-number" in message
    assert latest(app, case_id).number == 2  # saved, as a draft
    assert b"Not ready to draft" in client.get(f"/cases/{case_id}").data
    assert client.get(f"/cases/{case_id}/draft/pd-request").status_code == 409
    fields["base"] = "2"
    fields["respondent.a_number"] = "A000-000-303"
    assert client.post(f"/cases/{case_id}/edit", data=fields).status_code == 302


def test_a_blank_case_opens_without_errors_and_lists_required_fields_once_saved(client):
    r = client.post("/cases/new", data={"mode": "blank"})
    assert r.headers["Location"].endswith("/edit")
    page = client.get(r.headers["Location"])
    assert b'class="error"' not in page.data
    fields = form_fields(page.data)
    fields["respondent.given_name"] = "Ana"
    saved = client.post(r.headers["Location"], data=fields)
    assert saved.status_code == 422
    assert field_error(saved.data, "respondent.family_name") == "is required but missing"
    assert field_error(saved.data, "respondent.given_name") == ""


def test_rows_are_added_without_saving_and_removed_on_save(client, app):
    case_id = from_sample(client)
    fields = form_fields(client.get(f"/cases/{case_id}/edit").data)
    added = client.post(f"/cases/{case_id}/edit", data={**fields, "_add": "relationships.children"})
    assert added.status_code == 200 and latest(app, case_id).number == 1
    with_row = form_fields(added.data)
    assert "relationships.children.1.name" in with_row
    names = [c["name"] for c in latest(app, case_id).data["relationships"]["children"]]
    fields["relationships.children.0._remove"] = "on"
    assert client.post(f"/cases/{case_id}/edit", data=fields).status_code == 302
    left = [c["name"] for c in latest(app, case_id).data["relationships"]["children"]]
    assert left == names[1:]


def test_a_second_save_from_a_stale_tab_is_refused_and_loses_nothing(client, app):
    case_id = from_sample(client)
    tab_one = form_fields(client.get(f"/cases/{case_id}/edit").data)
    tab_two = dict(tab_one)
    tab_one["respondent.language"] = "Spanish and English"
    assert client.post(f"/cases/{case_id}/edit", data=tab_one).status_code == 302
    tab_two["respondent.language"] = "K'iche'"
    r = client.post(f"/cases/{case_id}/edit", data=tab_two)
    assert r.status_code == 409
    assert b"Not saved" in r.data and b"version 2" in r.data
    assert "K&#39;iche&#39;" in r.data.decode()  # the unsaved change is shown, to copy
    assert latest(app, case_id).data["respondent"]["language"] == "Spanish and English"


def test_form_reading_bounds_rows_and_ignores_junk_fields():
    fields = {f"relationships.children.{n}.name": "x" for n in range(0, 5000, 7)}
    fields["not.a.field"] = "junk"
    data = from_form(fields, checked=set())
    assert len(data["relationships"]["children"]) == 200
    assert "not" not in data


def test_import_export_round_trip_and_import_errors(client, app):
    for sample in SAMPLES[:3]:
        r = client.post(
            "/cases/new",
            data={"mode": "import", "file": (io.BytesIO(sample.read_bytes()), sample.name)},
            content_type="multipart/form-data",
        )
        assert r.status_code == 302
        case_id = int(r.headers["Location"].rsplit("/", 1)[1])
        exported = client.get(f"/cases/{case_id}/export")
        assert exported.headers["Content-Disposition"].startswith("attachment")
        again = client.post(
            "/cases/new",
            data={"mode": "import", "file": (io.BytesIO(exported.data), "back.yaml")},
            content_type="multipart/form-data",
        )
        back_id = int(again.headers["Location"].rsplit("/", 1)[1])
        original = parse_case(read_case_data(sample)[0])
        assert parse_case(latest(app, back_id).data) == original
    bad = client.post(
        "/cases/new",
        data={"mode": "import", "file": (io.BytesIO(b"respondent: [unclosed"), "mine.yaml")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and b"mine.yaml" in bad.data and b"not valid YAML" in bad.data
    wrong = client.post(
        "/cases/new",
        data={"mode": "import", "file": (io.BytesIO(b"x"), "notes.txt")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 400 and b"ends in .yaml" in wrong.data
    assert client.post("/cases/new", data={"mode": "sample", "sample": "../etc"}).status_code == 400


def test_the_download_is_byte_identical_to_what_the_cli_writes(client, tmp_path):
    case_id = from_sample(client)
    case_file = tmp_path / "exported.yaml"
    case_file.write_bytes(client.get(f"/cases/{case_id}/export").data)
    out = tmp_path / "cli"
    result = CliRunner().invoke(
        cli, ["render", str(case_file), "--document", "pd-request", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.docx")
    download = client.get(f"/cases/{case_id}/draft/pd-request/download.docx")
    assert download.status_code == 200
    assert written.name in download.headers["Content-Disposition"]
    assert download.data == written.read_bytes()
    assert "Ramírez Torres" in "\n".join(
        p.text for p in Document(io.BytesIO(download.data)).paragraphs
    )


def test_the_preview_shows_the_paragraphs_placeholders_and_the_memo(client):
    case_id = from_sample(client)
    page = client.get(f"/cases/{case_id}/draft/pd-request").data.decode()
    assert 'id="preview"' in page and "Office of the Principal Legal Advisor" in page
    assert "Before filing" in page and "# Drafting memo" in page
    fields = form_fields(client.get(f"/cases/{case_id}/edit").data)
    fields["proceedings.immigration_judge"] = ""
    client.post(f"/cases/{case_id}/edit", data=fields)
    motion = client.get(f"/cases/{case_id}/draft/admin-close").data.decode()
    assert "<mark>name of the Immigration Judge</mark>" in motion  # left for the attorney
    assert client.get(f"/cases/{case_id}/draft/reopen").status_code == 409  # does not fit
    assert client.get(f"/cases/{case_id}/draft/nonsense").status_code == 404
    assert client.get(f"/cases/{case_id}/draft/pd-request/download.exe").status_code == 404


def test_history_view_diff_and_restore(client, app):
    case_id = from_sample(client)
    fields = form_fields(client.get(f"/cases/{case_id}/edit").data)
    fields["respondent.language"] = "Mam"
    client.post(f"/cases/{case_id}/edit", data=fields)
    history = client.get(f"/cases/{case_id}/history").data.decode()
    assert "changed respondent.language" in history
    assert b"language: Spanish" in client.get(f"/cases/{case_id}/versions/1").data
    diff = client.get(f"/cases/{case_id}/diff?a=1&b=2").data.decode()
    assert "-  language: Spanish" in diff and "+  language: Mam" in diff
    assert client.post(f"/cases/{case_id}/versions/1/restore").status_code == 302
    assert latest(app, case_id).number == 3
    assert latest(app, case_id).data["respondent"]["language"] == "Spanish"
    assert client.get(f"/cases/{case_id}/versions/9").status_code == 404
    assert client.get(f"/cases/{case_id}/diff?a=x").status_code == 400


def test_duplicate_and_archive_never_delete(client, app):
    case_id = from_sample(client)
    copy = client.post(f"/cases/{case_id}/duplicate")
    copy_id = int(copy.headers["Location"].rsplit("/", 1)[1])
    assert latest(app, copy_id).data == latest(app, case_id).data
    client.post(f"/cases/{case_id}/archive", data={"archived": "1"})
    assert f'/cases/{case_id}"' not in client.get("/cases").data.decode()
    assert f'/cases/{case_id}"' in client.get("/cases?archived=1").data.decode()
    client.post(f"/cases/{case_id}/archive", data={"archived": "0"})
    assert f'/cases/{case_id}"' in client.get("/cases").data.decode()


def test_unknown_things_are_404(client):
    for path in (
        "/cases/999",
        "/cases/999/edit",
        "/cases/999/history",
        "/clauses/no.such",
        "/batch/nope",
    ):
        assert client.get(path).status_code == 404, path


def test_clauses_are_browsable_with_rule_authorities_and_text(client):
    listing = client.get("/clauses?document=pd-request").data.decode()
    assert "pd.closing" in listing and "reopen.law.timely" not in listing
    page = client.get("/clauses/reopen.law.timely").data.decode()
    assert "Used when" in page and "1003.23" in page


# --------------------------------------------------------------------------- batch


def test_a_batch_upload_reports_its_bad_row_and_zips_the_letters(client, tmp_path):
    sheet = sample_sheet(SAMPLES[2:4], bad_row=1)
    r = client.post(
        "/batch",
        data={
            "sheet": (io.BytesIO(sheet.encode()), "clients.csv"),
            "document": "pd-request",
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    job_page = r.headers["Location"]
    import time

    for _ in range(300):
        page = client.get(job_page).data.decode()
        if "Done:" in page or "error banner" in page:
            break
        time.sleep(0.1)
    assert "Done: 2 rows, 1 failed." in page
    assert "is not an A-number" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(job_page + "/letters.zip").data))
    names = archive.namelist()
    assert "manifest.csv" in names and sum(n.endswith(".docx") for n in names) == 1
    assert client.post("/batch", data={}).status_code == 400


# --------------------------------------------------------------------------- safety


def test_state_changes_need_the_csrf_token(tmp_path):
    client = make_app(tmp_path, csrf=True).test_client()
    assert client.post("/cases/new", data={"mode": "blank"}).status_code == 400
    page = client.get("/cases/new").data.decode()
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/cases/new", data={"mode": "blank", "csrf_token": token}).status_code == 302


def test_a_password_guards_every_page(tmp_path):
    from werkzeug.security import generate_password_hash

    app = make_app(tmp_path)
    app.extensions["drafter_store"].set_setting(
        "password_hash", generate_password_hash("correct horse")
    )
    client = app.test_client()
    assert client.get("/cases").headers["Location"].startswith("/login")
    assert client.post("/login", data={"password": "wrong"}).status_code == 401
    r = client.post("/login?next=/cases", data={"password": "correct horse", "name": "Ana"})
    assert r.headers["Location"] == "/cases"
    assert client.get("/cases").status_code == 200
    case_id = from_sample(client)
    assert latest(app, case_id).saved_by == "Ana"
    assert (
        client.post("/login?next=//evil.example", data={"password": "correct horse"}).headers[
            "Location"
        ]
        == "/"
    )
    client.post("/logout")
    assert client.get("/cases").status_code == 302


def test_uploads_over_the_limit_are_refused(client):
    body = b"--x\r\nContent-Disposition: form-data; name=sheet; filename=big.csv\r\n\r\n"
    body += b"x" * (17 * 1024 * 1024) + b"\r\n--x--\r\n"
    # raw bytes: the test client keeps them in memory (a dict of files it spools to disk)
    r = client.post("/batch", data=body, content_type="multipart/form-data; boundary=x")
    assert r.status_code == 413 and b"larger than 16 MB" in r.data


def test_serve_refuses_another_address_without_a_password(tmp_path):
    db = tmp_path / "s.sqlite3"
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "no password is set" in result.output
    assert "Traceback" not in result.output
    set_it = CliRunner().invoke(
        cli, ["serve", "--db", str(db), "--set-password"], input="long enough pw\nlong enough pw\n"
    )
    assert set_it.exit_code == 0, set_it.output
    stored = Store(db).setting("password_hash")
    assert stored and "long enough pw" not in stored
    short = CliRunner().invoke(
        cli, ["serve", "--db", str(db), "--set-password"], input="short\nshort\n"
    )
    assert short.exit_code == 1 and "at least 10" in short.output
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert default_db().name == "drafter.sqlite3"


def test_pdf_and_filing_packet_downloads(client):
    from pypdf import PdfReader

    from .conftest import need_libreoffice

    need_libreoffice()
    case_id = from_sample(client, "07-in-absentia-order-dhs-opposes.yaml")
    pdf = client.get(f"/cases/{case_id}/draft/reopen/download.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    packet = client.get(f"/cases/{case_id}/draft/reopen/download.packet.pdf")
    assert packet.status_code == 200
    assert packet.headers["Content-Disposition"].endswith("_reopen_packet.pdf")
    reader = PdfReader(io.BytesIO(packet.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "To be supplied" in text  # the store keeps no exhibit files
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text
    assert client.get(f"/cases/{case_id}/draft/declaration/download.packet.pdf").status_code == 404


def test_the_name_saved_with_each_version_and_only_local_redirects(client, app):
    r = client.post("/name", data={"name": "Rosa", "back": "//evil.example/x"})
    assert r.headers["Location"] == "/"
    assert (
        client.post("/name", data={"name": "Rosa", "back": "/cases"}).headers["Location"]
        == "/cases"
    )
    case_id = from_sample(client)
    assert latest(app, case_id).saved_by == "Rosa"
    assert 'value="Rosa"' in client.get("/cases").data.decode()
