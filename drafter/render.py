"""Rendering: the one sandboxed Jinja environment, Word documents to bytes, and atomic writes.

Only this module imports docxtpl. Every template and every piece of clause text goes through
:func:`environment`, which is sandboxed, strict about undefined names and autoescaping, so an edited
template can neither reach into Python nor corrupt the document's XML with an ``&`` or ``<``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import traceback
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate, RichText
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape
from pydantic import BaseModel

from .errors import OutputExistsError, TemplateError, UserError
from .text import Paragraph, format_date, format_time

__all__ = [
    "DocProperties",
    "environment",
    "render_docx",
    "safe_filename",
    "write_atomic",
]

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Characters XML 1.0 forbids: one in a name would make the whole document unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class DrafterSandbox(SandboxedEnvironment):
    """The sandbox, tightened: pydantic's ``model_*`` methods are off limits too.

    Templates read case data; they have no business copying, constructing or dumping models.
    """

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Refuse private attributes (the base sandbox) and pydantic's model machinery."""
        if isinstance(obj, BaseModel) and attr.startswith(("model_", "__pydantic")):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


def _finalize(value: Any) -> Any:
    """Escape inserted values, clause markup (``*``, ``[[``) included.

    A name or fact can then never switch on italics, bold or a highlight.
    """
    if value is None:
        raise jinja2.UndefinedError("a template printed a value that is empty (None)")
    if isinstance(value, (Markup, RichText)) or hasattr(value, "__html__"):
        return value
    if isinstance(value, dt.date):
        return format_date(value)
    text = _XML_INVALID.sub("", str(value))
    return Markup(
        str(escape(text)).replace("*", "&#42;").replace("[", "&#91;").replace("]", "&#93;")
    )


@lru_cache(maxsize=1)
def environment() -> DrafterSandbox:
    """Return the sandboxed, strict, autoescaping environment every template renders in."""
    env = DrafterSandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        keep_trailing_newline=False,
    )
    env.filters["date"] = format_date
    env.filters["time"] = format_time
    env.filters["upper_name"] = lambda s: str(s).upper()
    return env


# --------------------------------------------------------------------------- Word documents


@dataclass(frozen=True)
class DocProperties:
    """The document properties written into every .docx (fixed, so output is reproducible)."""

    title: str
    subject: str
    author: str
    created: dt.date


class _LocatingTemplate(DocxTemplate):  # type: ignore[misc]
    """A DocxTemplate whose errors say which template, which part and which paragraph."""

    source_name: str = "<template>"

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        try:
            return str(super().render_xml_part(src_xml, part, context, jinja_env))
        except _TEMPLATE_FAILURES as exc:
            raise _located_error(exc, self.source_name, src_xml, part) from None


_TEMPLATE_FAILURES = (
    jinja2.TemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
)


def _template_lineno(exc: BaseException) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return int(lineno)
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>" and frame.lineno:
            found = frame.lineno
    return found


def describe_template_failure(exc: BaseException) -> str:
    """Say in plain words what went wrong inside a template."""
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"forbidden by the sandbox: {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"unknown variable: {exc}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"syntax error: {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def _located_error(exc: BaseException, source: str, src_xml: str, part: Any) -> TemplateError:
    partname = str(getattr(part, "partname", "/word/document.xml"))
    where = "body"
    match = re.search(r"/word/(header|footer|footnotes)\d*\.xml$", partname)
    if match:
        where = match.group(1)
    located = f"{source} ({where}"
    lineno = _template_lineno(exc)
    # docxtpl puts each <w:p> on its own line before compiling, so the line is the paragraph.
    xml_lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml).splitlines()
    if lineno and 1 <= lineno <= len(xml_lines):
        text = re.sub(r"<[^>]+>", "", xml_lines[lineno - 1]).strip()
        if len(text) > 80:
            text = text[:77] + "..."
        located += f", paragraph {lineno - 1}"
        if text:
            located += f': "{text}"'
    located += ")"
    return TemplateError(
        f"{located}: {describe_template_failure(exc)}",
        hint="Fix the template, or check the variable names against `drafter schema`.",
    )


def render_docx(
    template: Path,
    context: Mapping[str, Any],
    *,
    properties: DocProperties,
    source_name: str | None = None,
) -> bytes:
    """Render a docxtpl Word template with the sandboxed environment and return the .docx bytes.

    The result is deterministic: zip entries carry a fixed timestamp and the document properties
    come from ``properties``.

    Raises:
        TemplateError: the template is not a Word document, has a syntax error, uses an unknown
            variable, or does something the sandbox forbids. The message names the template and,
            where it can, the paragraph.
    """
    name = source_name or str(template)
    _check_template_file(template)
    try:
        doc = _LocatingTemplate(str(template))
        doc.source_name = name
        doc.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as exc:
        raise TemplateError(f"{name}: not a Word .docx document ({exc})") from None
    try:
        doc.render(dict(context), jinja_env=environment(), autoescape=True)
    except TemplateError:
        raise
    except _TEMPLATE_FAILURES as exc:
        # Failures outside the body/header/footer parts (document properties, footnotes).
        raise TemplateError(f"{name}: {describe_template_failure(exc)}") from None
    core = doc.docx.core_properties
    core.title = properties.title
    core.subject = properties.subject
    core.author = properties.author
    core.last_modified_by = properties.author
    core.comments = "Draft prepared with drafter for attorney review."
    core.keywords = ""
    core.revision = 1
    stamp = dt.datetime.combine(properties.created, dt.time(12, 0))
    core.created = stamp
    core.modified = stamp
    core.last_printed = stamp
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_zip(buffer.getvalue())


def _check_template_file(template: Path) -> None:
    if not template.exists():
        raise TemplateError(f"{template}: no such template")
    if template.is_dir():
        raise TemplateError(f"{template}: is a directory, expected a Word .docx template")
    if template.suffix.lower() != ".docx":
        raise TemplateError(
            f"{template}: expected a Word .docx template",
            hint="Save the template from Word as 'Word Document (.docx)'.",
        )


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip archive with fixed timestamps and attributes, keeping the entry order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def rich_text(paragraph: Paragraph) -> RichText:
    """Turn a neutral paragraph into docxtpl runs (italic and bold kept)."""
    rt = RichText()
    for run in paragraph.runs:
        rt.add(run.text, italic=run.italic, bold=run.bold, highlight="FFFF00" if run.flag else None)
    return rt


@dataclass(frozen=True)
class Block:
    """One paragraph as a Word template sees it: its style, its runs, and its number if any."""

    style: str
    text: RichText
    plain: str
    number: int | None = None


def blocks(paragraphs: Iterable[Paragraph], *, numbered: bool = False) -> list[Block]:
    """Prepare paragraphs for a template loop (``{%p for block in draft.body %}``).

    With ``numbered``, body paragraphs are numbered 1, 2, 3... as court motions are.
    """
    out = []
    count = 0
    for p in paragraphs:
        number = None
        if numbered and p.style == "body":
            count += 1
            number = count
        out.append(Block(p.style, rich_text(p), p.plain, number))
    return out


# --------------------------------------------------------------------------- files


_UNSAFE = re.compile(r"[^\w.\-]+")
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def safe_filename(parts: Sequence[str], suffix: str, *, max_bytes: int = 120) -> str:
    """Build a file name that is safe on any file system from free text.

    Accents are folded to ASCII where they decompose; path separators, control characters and
    punctuation become ``-``; the stem is cut to ``max_bytes`` of UTF-8; Windows device names are
    avoided.
    """
    cleaned = []
    for part in parts:
        folded = unicodedata.normalize("NFKD", part)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        folded = folded.replace("đ", "d").replace("Đ", "D")
        folded = _UNSAFE.sub("-", folded).strip("-._")
        if folded:
            cleaned.append(folded)
    stem = "_".join(cleaned) or "document"
    encoded = stem.encode("utf-8")[:max_bytes]
    stem = encoded.decode("utf-8", errors="ignore").rstrip("-._ ")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return f"{stem}{suffix}"


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` all at once: a reader sees the old file or the new, never half.

    Raises:
        OutputExistsError: ``path`` exists and ``force`` is false.
        UserError: the directory cannot be created or written.
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(
            f"{path}: already exists; not overwritten", hint="Pass --force to replace it."
        )
    if path.is_dir():
        raise UserError(f"{path}: is a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise UserError(f"{path.parent}: cannot write there: {exc.strerror}") from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)
        else:
            _publish_no_clobber(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish_no_clobber(tmp: Path, path: Path) -> None:
    """Move tmp to path unless path appeared meanwhile (a hard link fails if it exists)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputExistsError(
            f"{path}: already exists; not overwritten", hint="Pass --force to replace it."
        ) from None
    except OSError:
        # File systems without hard links: fall back to check-then-replace.
        if path.exists():
            raise OutputExistsError(f"{path}: already exists; not overwritten") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def render_text(
    source: str,
    context: Mapping[str, Any],
    *,
    name: str,
    globals_: Mapping[str, Callable[..., Any]] | None = None,
) -> Markup:
    """Render a piece of text (a clause body) in the sandbox; errors name ``name`` and the line."""
    env = environment()
    try:
        template = env.from_string(source, globals=dict(globals_ or {}))
        return Markup(template.render(dict(context)))
    except _TEMPLATE_FAILURES as exc:
        lineno = _template_lineno(exc)
        where = f"{name}:{lineno}" if lineno else name
        raise TemplateError(f"{where}: {describe_template_failure(exc)}") from None


def evaluate(expression: str, context: Mapping[str, Any], *, name: str) -> Any:
    """Evaluate a Jinja expression (a clause's ``when``) in the sandbox."""
    env = environment()
    try:
        compiled = env.compile_expression(expression, undefined_to_none=False)
        return compiled(**dict(context))
    except _TEMPLATE_FAILURES as exc:
        raise TemplateError(f"{name}: {describe_template_failure(exc)}") from None
