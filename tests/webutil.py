"""Helpers for the web app's tests: a fresh app, and a form read out of a page as a browser would."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from drafter.web import create_app


def make_app(tmp_path: Path, *, csrf: bool = False, **kw):
    app = create_app(tmp_path / "cases.sqlite3", testing=True, **kw)
    app.config["WTF_CSRF_ENABLED"] = csrf
    return app


class _Form(HTMLParser):
    """The fields a browser would submit from the form with ``form_id`` (unchanged)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._selected: str | None = None
        self._first: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select, self._selected, self._first = a.get("name"), None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first is None:
                self._first = value
            if "selected" in a:
                self._selected = value
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._selected or self._first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_fields(html: bytes | str, form_id: str = "case-form") -> dict[str, str]:
    text = html.decode("utf-8") if isinstance(html, bytes) else html
    parser = _Form(form_id)
    parser.feed(text)
    return dict(parser.fields)


def field_error(html: bytes, path: str) -> str:
    """The error shown beside the field at ``path``, or ''."""
    text = html.decode("utf-8")
    block = re.search(
        rf'<div class="field[^"]*" data-path="{re.escape(path)}">(.*?)</div>', text, re.S
    )
    if not block:
        raise AssertionError(f"no field {path} on the page")
    found = re.search(r'<p class="error"[^>]*>(.*?)</p>', block.group(1), re.S)
    return html_lib.unescape(found.group(1)) if found else ""


def sample_sheet(samples, *, bad_row: int) -> str:
    """A CSV of sample cases, one a row, with the A-number of row ``bad_row`` (0-based) made bad."""
    from drafter.casefile import read_case_data
    from drafter.sheet import flatten

    rows = [flatten(read_case_data(p)[0]) for p in samples]
    rows[bad_row]["respondent.a_number"] = "12"
    header = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in header])
    return out.getvalue()
