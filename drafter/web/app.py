"""The Flask application: routes over the case store and the drafting engine."""

from __future__ import annotations

import datetime as dt
import difflib
import getpass
import io
import secrets
import shutil
import tempfile
import threading
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    abort,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFProtect
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from .. import api
from ..casefile import parse_case, read_case_data
from ..documents import DOCUMENTS, get_document
from ..drafting import builtin_dir
from ..errors import CaseValidationError, DrafterError, UserError
from ..law import assess
from ..model import Case
from ..text import format_date
from .forms import SECTIONS, case_form, from_form
from .store import ConflictError, Store, plain

__all__ = ["create_app"]

MAX_REQUEST_MB = 16
"""The largest request (a sheet or case file upload included)."""
MAX_FORM_FIELDS = 5000
MAX_JOBS = 20
"""Finished batch runs kept (their letters are in a private temporary folder until then)."""


def _yaml_text(data: dict[str, Any]) -> str:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(plain(data), out)
    return out.getvalue()


def _parse_upload(name: str, raw: bytes) -> dict[str, Any]:
    """A case file's data from an uploaded YAML or JSON file (parsed in memory).

    Raises:
        UserError: it cannot be read as a case file's mapping of fields.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise UserError(f"{name}: a case file ends in .yaml, .yml or .json")
    with tempfile.TemporaryDirectory(prefix="drafter-import-") as tmp:
        path = Path(tmp) / f"case{suffix}"  # a name of ours, in a private folder
        path.write_bytes(raw)
        try:
            data, _ = read_case_data(path)
        except UserError as exc:
            raise UserError(exc.message.replace(str(path), name), hint=exc.hint) from None
    if not isinstance(data, dict):
        raise UserError(f"{name}: a case file is a mapping of fields")
    return dict(plain(data))


def validate(data: dict[str, Any]) -> tuple[Case | None, dict[str, str]]:
    """The case, or each problem by field path (the CLI's own messages)."""
    try:
        return parse_case(data, source="case"), {}
    except CaseValidationError as exc:
        errors: dict[str, str] = {}
        for p in exc.problems:
            errors[p.location] = (
                f"{errors[p.location]}; {p.message}" if p.location in errors else p.message
            )
        return None, errors
    except UserError as exc:
        return None, {"": exc.message}


def next_deadline(case: Case | None) -> str | None:
    """The soonest date the case must be acted on: an open motion deadline or the next hearing."""
    if case is None:
        return None
    law = assess(case)
    dates = [
        d.value.calendar
        for d in (law.reopen.deadline, law.reopen.rescission_deadline)
        if d.value is not None and d.value.open
    ]
    hearing = case.proceedings.next_hearing
    if hearing and hearing.date >= dt.date.today():
        dates.append(hearing.date)
    return min(dates).isoformat() if dates else None


def _listing(data: dict[str, Any], case: Case | None) -> dict[str, Any]:
    found = data.get("respondent")
    r: dict[str, Any] = found if isinstance(found, dict) else {}
    name = " ".join(str(r.get(k) or "") for k in ("given_name", "family_name")).strip()
    if case is not None:
        name, number = case.respondent.full_name, case.respondent.a_number
    else:
        number = str(r.get("a_number") or "")
    return {"name": name, "a_number": number, "deadline": next_deadline(case)}


@dataclass
class BatchJob:
    """A batch run from an uploaded sheet, drafted in a private folder."""

    id: str
    document: str
    folder: Path
    lines: list[str] = field(default_factory=list)
    report: Any = None
    error: str = ""
    done: bool = False


def create_app(
    db: Path,
    *,
    library: Path | None = None,
    template_dir: Path | None = None,
    testing: bool = False,
) -> Flask:
    """The app over the case store at ``db`` (created and migrated if need be)."""
    app = Flask(__name__)
    store = Store(db)
    secret = store.setting("secret_key")
    if secret is None:
        secret = secrets.token_hex(32)
        store.set_setting("secret_key", secret)
    app.config.update(
        SECRET_KEY=secret,
        MAX_CONTENT_LENGTH=MAX_REQUEST_MB * 1024 * 1024,
        MAX_FORM_PARTS=MAX_FORM_FIELDS,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        TESTING=testing,
        WTF_CSRF_TIME_LIMIT=None,
    )
    CSRFProtect(app)
    lib = api.load_library(library) if library else api.load_library()
    jobs: dict[str, BatchJob] = {}
    work = Path(tempfile.mkdtemp(prefix="drafter-serve-"))  # private: mode 0700
    no_files = work / "no-exhibit-files"
    no_files.mkdir()

    def template_for(document: str) -> Path | None:
        if template_dir is None:
            return None
        candidate = Path(template_dir) / get_document(document).template
        return candidate if candidate.is_file() else None

    def who() -> str:
        return session.get("name") or _default_user()

    def load(case_id: int) -> tuple[Any, Any]:
        try:
            return store.case(case_id), store.latest(case_id)
        except KeyError:
            abort(404)

    @app.before_request
    def _login_required() -> Response | None:
        if store.setting("password_hash") is None:
            return None
        if request.endpoint in ("login", "static") or session.get("signed_in"):
            return None
        return redirect(url_for("login", next=request.path))

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "signed_in": session.get("signed_in"),
            "password_set": store.setting("password_hash") is not None,
            "format_date": _format_iso,
            "who": who(),
        }

    # -- signing in -------------------------------------------------------------------------

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        error = ""
        if request.method == "POST":
            stored = store.setting("password_hash") or ""
            if stored and check_password_hash(stored, request.form.get("password", "")):
                session.clear()
                session["signed_in"] = True
                session["name"] = request.form.get("name", "").strip()[:80]
                target = request.args.get("next", "")
                return redirect(
                    target if target.startswith("/") and not target.startswith("//") else "/"
                )
            error = "That password is not right."
        return render_template("login.html", error=error), 401 if error else 200

    @app.post("/logout")
    def logout() -> Any:
        session.clear()
        return redirect(url_for("login"))

    @app.post("/name")
    def set_name() -> Any:
        session["name"] = request.form.get("name", "").strip()[:80]
        return redirect(_local_path(request.form.get("back", "")))

    # -- cases ------------------------------------------------------------------------------

    @app.get("/")
    def home() -> Any:
        return redirect(url_for("cases"))

    @app.get("/cases")
    def cases() -> Any:
        q = request.args.get("q", "")[:100]
        archived = request.args.get("archived") == "1"
        today = dt.date.today()
        rows = store.cases(search=q, archived=archived)
        left = {
            r.id: (dt.date.fromisoformat(r.deadline) - today).days if r.deadline else None
            for r in rows
        }
        return render_template("cases.html", rows=rows, q=q, archived=archived, left=left)

    @app.get("/cases/new")
    def new_case() -> Any:
        samples = sorted(p.name for p in builtin_dir("samples").glob("*.yaml"))
        return render_template("new.html", samples=samples, error="")

    @app.post("/cases/new")
    def create_case() -> Any:
        mode = request.form.get("mode", "blank")
        samples = sorted(p.name for p in builtin_dir("samples").glob("*.yaml"))
        data: dict[str, Any] = {}
        summary = "created blank"
        try:
            if mode == "sample":
                name = request.form.get("sample", "")
                if name not in samples:
                    raise UserError(f"{name or '(none)'}: not one of the sample cases")
                path = builtin_dir("samples") / name
                data = _parse_upload(name, path.read_bytes())
                summary = f"created from sample {name}"
            elif mode == "import":
                upload = request.files.get("file")
                if upload is None or not upload.filename:
                    raise UserError("choose a YAML or JSON case file to import")
                data = _parse_upload(upload.filename, upload.read())
                summary = f"imported {upload.filename}"
        except UserError as exc:
            return render_template("new.html", samples=samples, error=str(exc)), 400
        case, _ = validate(data)
        case_id = store.create(data, by=who(), summary=summary, **_listing(data, case))
        return redirect(url_for("edit_case" if mode == "blank" else "show_case", case_id=case_id))

    @app.get("/cases/<int:case_id>")
    def show_case(case_id: int) -> Any:
        row, version = load(case_id)
        case, errors = validate(version.data)
        found = api.suggest(case, library=lib) if case else None
        documents = [d for d in DOCUMENTS.values() if case is not None and not d.check(case)]
        return render_template(
            "case.html",
            row=row,
            version=version,
            case=case,
            errors=errors,
            suggestions=found,
            documents=documents,
        )

    @app.get("/cases/<int:case_id>/edit")
    def edit_case(case_id: int) -> Any:
        row, version = load(case_id)
        _, errors = validate(version.data)
        if not version.data:
            errors = {}  # a blank case: no wall of "required" before anything is typed
        return _form_page(row, version.number, version.data, errors)

    def _form_page(
        row: Any,
        base: int,
        data: dict[str, Any],
        errors: dict[str, str],
        *,
        status: int = 200,
        conflict: Any = None,
        saved: bool = False,
    ) -> Any:
        form = case_form(data, errors)
        sections = [
            (label, next(i for i in form.items if i.path == key)) for key, label in SECTIONS
        ]
        return (
            render_template(
                "edit.html",
                row=row,
                base=base,
                form=form,
                sections=sections,
                errors=errors,
                conflict=conflict,
                saved=saved,
                mine=_yaml_text(data) if conflict else "",
            ),
            status,
        )

    @app.post("/cases/<int:case_id>/edit")
    def save_case(case_id: int) -> Any:
        row, _ = load(case_id)
        checked = {k for k, v in request.form.items(multi=True) if v == "on"}
        data = from_form(request.form, checked=checked)
        try:
            base = int(request.form.get("base", ""))
        except ValueError:
            abort(400)
        case, errors = validate(data)
        if request.form.get("_add"):  # a new row to fill in: shown, not saved
            return _form_page(row, base, data, {})
        try:
            version = store.save(case_id, data, base=base, by=who(), **_listing(data, case))
        except ConflictError as exc:
            return _form_page(row, base, data, {}, status=409, conflict=exc.current)
        if errors:
            return _form_page(
                store.case(case_id), version.number, data, errors, status=422, saved=True
            )
        return redirect(url_for("show_case", case_id=case_id, saved=version.number))

    @app.post("/cases/<int:case_id>/duplicate")
    def duplicate_case(case_id: int) -> Any:
        row, version = load(case_id)
        case, _ = validate(version.data)
        new_id = store.create(
            version.data,
            by=who(),
            summary=f"duplicated from case {case_id} version {version.number}",
            **_listing(version.data, case),
        )
        return redirect(url_for("show_case", case_id=new_id))

    @app.post("/cases/<int:case_id>/archive")
    def archive_case(case_id: int) -> Any:
        load(case_id)
        store.set_archived(case_id, request.form.get("archived", "1") == "1")
        return redirect(url_for("show_case", case_id=case_id))

    @app.get("/cases/<int:case_id>/export")
    def export_case(case_id: int) -> Any:
        row, version = load(case_id)
        name = (row.name or f"case-{case_id}").replace(" ", "-")
        return Response(
            _yaml_text(version.data),
            mimetype="application/yaml",
            headers={"Content-Disposition": f'attachment; filename="{_ascii(name)}.yaml"'},
        )

    # -- history ----------------------------------------------------------------------------

    @app.get("/cases/<int:case_id>/history")
    def history(case_id: int) -> Any:
        row, _ = load(case_id)
        return render_template("history.html", row=row, versions=store.versions(case_id))

    def _version_or_404(case_id: int, number: int) -> Any:
        try:
            return store.version(case_id, number)
        except KeyError:
            abort(404)

    @app.get("/cases/<int:case_id>/versions/<int:number>")
    def show_version(case_id: int, number: int) -> Any:
        row, _ = load(case_id)
        version = _version_or_404(case_id, number)
        return render_template(
            "version.html", row=row, version=version, text=_yaml_text(version.data)
        )

    @app.get("/cases/<int:case_id>/diff")
    def diff(case_id: int) -> Any:
        row, latest = load(case_id)
        try:
            a = int(request.args.get("a", latest.number - 1))
            b = int(request.args.get("b", latest.number))
        except ValueError:
            abort(400)
        va, vb = _version_or_404(case_id, a), _version_or_404(case_id, b)
        lines = list(
            difflib.unified_diff(
                _yaml_text(va.data).splitlines(),
                _yaml_text(vb.data).splitlines(),
                f"version {a}",
                f"version {b}",
                lineterm="",
            )
        )
        return render_template("diff.html", row=row, a=va, b=vb, lines=lines)

    @app.post("/cases/<int:case_id>/versions/<int:number>/restore")
    def restore(case_id: int, number: int) -> Any:
        _, latest = load(case_id)
        old = _version_or_404(case_id, number)
        case, _ = validate(old.data)
        try:
            store.save(case_id, old.data, base=latest.number, by=who(), **_listing(old.data, case))
        except ConflictError:
            abort(409)
        return redirect(url_for("history", case_id=case_id))

    # -- drafting ---------------------------------------------------------------------------

    def _valid_case(case_id: int, document: str) -> tuple[Any, Case]:
        row, version = load(case_id)
        if document not in DOCUMENTS:
            abort(404)
        case, errors = validate(version.data)
        if case is None:
            abort(409, description="The case is not valid yet: fix the errors the form shows.")
        problems = get_document(document).check(case)
        if problems:
            abort(409, description="; ".join(p.format() for p in problems))
        return row, case

    @app.get("/cases/<int:case_id>/draft/<document>")
    def preview(case_id: int, document: str) -> Any:
        row, case = _valid_case(case_id, document)
        try:
            result = api.draft(
                case, document, library=lib, template=template_for(document), explain=True
            )
        except DrafterError as exc:
            return render_template("error.html", message=str(exc)), 422
        from ..memo import build_memo

        memo = build_memo(result)
        return render_template(
            "draft.html",
            row=row,
            document=get_document(document),
            paragraphs=result.paragraphs,
            placeholders=result.placeholders,
            memo=memo,
            memo_text=memo.to_text(),
            has_pdf=_soffice_available(),
        )

    @app.get("/cases/<int:case_id>/draft/<document>/download.<fmt>")
    def download(case_id: int, document: str, fmt: str) -> Any:
        row, case = _valid_case(case_id, document)
        try:
            result = api.draft(case, document, library=lib, template=template_for(document))
        except DrafterError as exc:
            return render_template("error.html", message=str(exc)), 422
        if fmt == "docx":
            return send_file(
                io.BytesIO(result.docx),
                mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                as_attachment=True,
                download_name=result.filename,
            )
        if fmt == "pdf":
            from ..pdf import convert_bytes

            try:
                made = convert_bytes([(result.docx, ".docx")])[0]
            except UserError as exc:
                return render_template("error.html", message=str(exc)), 503
            if made is None:
                return render_template("error.html", message="LibreOffice did not convert it"), 500
            return send_file(
                io.BytesIO(made),
                mimetype="application/pdf",
                as_attachment=True,
                download_name=result.filename.removesuffix(".docx") + ".pdf",
            )
        if fmt == "packet.pdf":
            kind = get_document(document)
            if kind.motion is None and kind.id != "pd-request":
                abort(404)
            from ..packet import build_packet

            try:
                # the store keeps no exhibit files: each exhibit's tab says "to be supplied"
                built = build_packet(
                    case, document, base=no_files, library=lib, template=template_for(document)
                )
            except UserError as exc:
                return render_template("error.html", message=str(exc)), 422
            if len(built.files) == 1:
                only = built.files[0]
                return send_file(
                    io.BytesIO(only.data),
                    mimetype="application/pdf",
                    as_attachment=True,
                    download_name=only.name,
                )
            parts = io.BytesIO()
            with zipfile.ZipFile(parts, "w") as z:
                for f in built.files:
                    z.writestr(f.name, f.data)
            parts.seek(0)
            return send_file(
                parts,
                mimetype="application/zip",
                as_attachment=True,
                download_name=built.stem + ".zip",
            )
        abort(404)
        return None

    # -- clauses ----------------------------------------------------------------------------

    @app.get("/clauses")
    def clauses() -> Any:
        document = request.args.get("document", "")
        shown = [c for c in lib if not document or document in c.meta.documents]
        return render_template(
            "clauses.html", clauses=shown, documents=list(DOCUMENTS), document=document
        )

    @app.get("/clauses/<clause_id>")
    def clause(clause_id: str) -> Any:
        found = next((c for c in lib if c.id == clause_id), None)
        if found is None:
            abort(404)
        authorities = [lib.registry[a] for a in found.meta.authorities if a in lib.registry]
        return render_template("clause.html", clause=found, authorities=authorities)

    # -- batch ------------------------------------------------------------------------------

    @app.get("/batch")
    def batch_page() -> Any:
        return render_template("batch.html", documents=list(DOCUMENTS), error="")

    @app.post("/batch")
    def start_batch() -> Any:
        upload = request.files.get("sheet")
        document = request.form.get("document", "pd-request")
        suffix = Path(upload.filename or "").suffix.lower() if upload else ""
        if upload is None or suffix not in (".csv", ".xlsx") or document not in DOCUMENTS:
            error = "Choose a CSV or XLSX sheet and a document."
            return render_template("batch.html", documents=list(DOCUMENTS), error=error), 400
        job = BatchJob(uuid.uuid4().hex, document, work / uuid.uuid4().hex)
        job.folder.mkdir(mode=0o700)
        sheet = job.folder / f"sheet{suffix}"  # a name of ours, never the uploader's path
        upload.save(sheet)
        jobs[job.id] = job
        for old_id in [j for j, old in jobs.items() if old.done][:-MAX_JOBS]:
            shutil.rmtree(jobs.pop(old_id).folder, ignore_errors=True)  # keep the last few
        threading.Thread(target=_run_job, args=(job, sheet), daemon=True).start()
        return redirect(url_for("batch_job", job_id=job.id))

    def _run_job(job: BatchJob, sheet: Path) -> None:
        from ..batch import BatchOptions, run_batch

        try:
            job.report = run_batch(
                BatchOptions(
                    sheet=sheet,
                    document=job.document,
                    out_dir=job.folder / "out",
                    workers=1,
                    library=library,
                    template=template_for(job.document),
                ),
                echo=job.lines.append,
            )
        except DrafterError as exc:
            job.error = str(exc)
        except Exception as exc:  # the page must say it failed, not spin forever
            job.error = f"The batch stopped: {type(exc).__name__}: {exc}"
        finally:
            job.done = True

    @app.get("/batch/<job_id>")
    def batch_job(job_id: str) -> Any:
        job = jobs.get(job_id) or abort(404)
        return render_template("batch_job.html", job=job)

    @app.get("/batch/<job_id>/letters.zip")
    def batch_zip(job_id: str) -> Any:
        job = jobs.get(job_id) or abort(404)
        if not job.done or job.report is None:
            abort(409)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted((job.folder / "out").rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    z.write(path, path.relative_to(job.folder / "out").as_posix())
        out.seek(0)
        return send_file(
            out, mimetype="application/zip", as_attachment=True, download_name="letters.zip"
        )

    @app.errorhandler(413)
    def too_large(_: Any) -> Any:
        message = f"That upload is larger than {MAX_REQUEST_MB} MB."
        return render_template("error.html", message=message), 413

    app.extensions["drafter_store"] = store
    app.extensions["drafter_work"] = work
    _register_cleanup(work)
    return app


def _register_cleanup(work: Path) -> None:
    import atexit

    atexit.register(shutil.rmtree, work, ignore_errors=True)


def _local_path(target: str) -> str:
    """A redirect target only if it is a path on this site (never another site's address)."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/"


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local user"


def _format_iso(value: str | None) -> str:
    if not value:
        return ""
    try:
        return format_date(dt.date.fromisoformat(value[:10]))
    except ValueError:
        return value


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)[:80]


def _soffice_available() -> bool:
    from ..pdf import soffice

    return soffice() is not None
