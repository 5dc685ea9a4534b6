"""A docxtpl-compatible Word renderer that compiles a template once and renders it many times.

Plain docxtpl re-reads the .docx, re-patches its XML and recompiles the Jinja source on every
render, which is most of its time. :class:`CompiledTemplate` does that work once: it keeps the
template's zip entries, the patched and compiled Jinja source of every part docxtpl renders (body,
headers, footers, footnotes) and the templated document properties; each render then only runs the
compiled templates, applies docxtpl's own post-processing (listings, table grids, drawing ids) and
writes a new zip. The document text is the same as ``DocxTemplate(path).render(context)`` gives.

Supported: everything docxtpl renders as text - ``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``,
``{{r }}``, RichText, Listing, cell colours and spans. Not supported (they need a live python-docx
document at render time): InlineImage, Subdoc and picture/media replacement; drafter uses none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import marshal
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
from lxml import etree

from .errors import TemplateError, UserError
from .frozen import frozen
from .inputs import check_zip, input_limits, read_bytes
from .record import as_record

__all__ = [
    "CompiledTemplate",
    "LimitExceeded",
    "DocProperties",
    "compile_template",
    "fields_hint",
    "normalize_zip",
    "protect_braces",
]

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_TEMPLATED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


class LimitExceeded(jinja2.exceptions.SecurityError):
    """Raised inside a render that went over one of the sandbox's limits (size, loops, time)."""


TEMPLATE_FAILURES = (
    jinja2.TemplateError,
    RecursionError,
    MemoryError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
)
"""What a template can raise while rendering: reported as TemplateError with its location."""


@frozen
class DocProperties:
    """Document properties written into a .docx (fixed, so output is reproducible)."""

    title: str
    subject: str
    author: str
    created: dt.date
    comments: str = "Draft prepared with drafter for attorney review."


@frozen
class _Part:
    """One XML part docxtpl renders: its zip name, where it sits, and its compiled Jinja."""

    name: str
    where: str
    source: str
    """The patched Jinja source, one <w:p> per line (how errors find their paragraph)."""
    template: jinja2.Template
    kind: str
    """``body`` (spliced into document.xml), ``part`` (a whole header/footer) or ``footnotes``."""


@frozen
class _Core:
    """The template's own core properties that a render keeps (docProps/core.xml)."""

    keywords: str
    category: str
    content_status: str
    version: str
    revision: str
    last_modified_by: str
    created: dt.datetime | None
    modified: dt.datetime | None


@frozen
class _Layout:
    """What rendering needs of a template: its parts' patched Jinja sources and properties."""

    main_prefix: str
    main_suffix: str
    parts: tuple[tuple[str, str, str, str], ...]
    """(zip name, where, docxtpl-patched source, kind) for each part docxtpl renders."""
    properties: dict[str, str]
    core: _Core

    def dump(self) -> bytes:
        c = self.core
        dates = tuple(d.isoformat() if d else None for d in (c.created, c.modified))
        core = (c.keywords, c.category, c.content_status, c.version, c.revision)
        return marshal.dumps(
            (
                self.main_prefix,
                self.main_suffix,
                self.parts,
                self.properties,
                (*core, c.last_modified_by, *dates),
            )
        )

    @classmethod
    def load(cls, blob: bytes) -> _Layout | None:
        """The layout :meth:`dump` wrote, or None for anything else."""
        try:
            prefix, suffix, parts, properties, core = marshal.loads(blob)
            strings = [prefix, suffix, *(x for p in parts for x in p), *core[:6]]
            if not all(isinstance(x, str) for x in strings) or any(len(p) != 4 for p in parts):
                return None
            if set(properties) != set(_TEMPLATED_PROPERTIES) or not all(
                isinstance(v, str) for v in properties.values()
            ):
                return None
            dates = [dt.datetime.fromisoformat(d) if d is not None else None for d in core[6:]]
            return cls(prefix, suffix, tuple(parts), properties, _Core(*core[:6], *dates))
        except (EOFError, ValueError, TypeError, IndexError):
            return None


@dataclass
class _Package:
    """The template as python-docx reads it, for what needs a live package (links, images)."""

    docxtpl: Any
    """A docxtpl template holding the python-docx document: its patching and helpers."""
    parts: dict[str, Any]
    base_rels: dict[str, set[str]]
    """Each part's relationships as the template has them, to see what a render added."""


def _layout_key(data: bytes) -> str:
    from importlib.metadata import version

    digest = hashlib.sha256()
    for dist in ("docxtpl", "python-docx"):
        digest.update(version(dist).encode() + b"\0")
    digest.update(Path(__file__).read_bytes())
    digest.update(data)
    return "layout:" + digest.hexdigest()


def _cached_layout(data: bytes) -> _Layout | None:
    from .codecache import lookup

    blob = lookup(_layout_key(data))
    return _Layout.load(blob) if blob is not None else None


def _store_layout(data: bytes, layout: _Layout) -> None:
    from .codecache import store

    store(_layout_key(data), layout.dump())


def _grids_fit(tree: Any) -> bool:
    """Whether docxtpl's ``fix_tables`` would leave every table of ``tree`` as it is.

    It changes a grid only when a row has more cells than the grid has columns, or the grid
    has more columns than the widest row spans; anything unusual is left to docxtpl.
    """
    w = tree.nsmap.get("w")
    if w is None:
        return False
    ns = "{" + w + "}"
    try:
        for table in tree.iter(ns + "tbl"):
            grid = table.find(ns + "tblGrid")
            if grid is None:
                return False
            columns, widest = len(grid.findall(ns + "gridCol")), 0
            for row in table.iter(ns + "tr"):
                cells = row.findall(ns + "tc")
                if len(cells) > columns:
                    return False
                spans = [c.find(f"{ns}tcPr/{ns}gridSpan") for c in cells]
                widest = max(widest, sum(1 if s is None else int(s.get(ns + "val")) for s in spans))
            if columns > widest:
                return False
    except (TypeError, ValueError):
        return False
    return True


class CompiledTemplate:
    """A Word template compiled once; :meth:`render` turns a context into .docx bytes.

    Create it with :func:`compile_template`, which caches by path and modification time.
    """

    def __init__(
        self,
        source: Path | bytes,
        env: jinja2.Environment,
        *,
        source_name: str | None = None,
        sandboxed: bool = True,
    ):
        self.path = source if isinstance(source, Path) else None
        self.name = source_name or (str(source) if isinstance(source, Path) else "<template>")
        self.env = env
        self._sandboxed = sandboxed
        try:
            if isinstance(source, Path):
                _check_template_file(source)
                data = read_bytes(
                    source, what="Word template", max_bytes=input_limits().package_bytes
                )
            else:
                data = source
            check_zip(
                data, source=self.name, what="Word template", not_zip="not a Word .docx document"
            )
        except UserError as exc:
            raise TemplateError(exc.message, exc.hint) from None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                self._entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise TemplateError(f"{self.name}: not a Word .docx document ({exc})") from None
        self._data = data
        self._package: _Package | None = None
        self._rendering = "word/document.xml"
        layout = _cached_layout(data) if sandboxed else None
        if layout is None:
            layout = self._layout()
            if sandboxed:
                _store_layout(data, layout)
        self._main_prefix, self._main_suffix = layout.main_prefix, layout.main_suffix
        self._parts = [self._compile(*part) for part in layout.parts]
        self._properties = {
            prop: self._compile_text(text) for prop, text in layout.properties.items()
        }
        self._core = layout.core
        rendered = {p.name for p in self._parts} | {"docProps/core.xml"}
        self._packed = {n: _member(n, d) for n, d in self._entries if n not in rendered}

    def _layout(self) -> _Layout:
        """What a render needs of the template, read with python-docx and patched by docxtpl.

        A render of drafter's own sandbox then needs neither: the layout is kept in the
        compiled-template cache (:mod:`drafter.codecache`), keyed by the template's bytes.
        """
        package = self._load_package()
        document = package.docxtpl.docx
        entries = dict(self._entries)
        main = entries["word/document.xml"].decode("utf-8")
        start, end = main.index("<w:body"), main.rindex("</w:body>") + len("</w:body>")
        body = etree.tostring(document._element.body, encoding="unicode")
        patch = package.docxtpl.patch_xml
        parts = [("word/document.xml", "body", patch(body), "body")]
        from docx.oxml import parse_xml

        for rel in document.part.rels.values():
            if rel.is_external or rel.reltype not in (_HEADER, _FOOTER):
                continue
            target = rel.target_part
            xml = etree.tostring(parse_xml(target.blob), encoding="unicode")
            where = "header" if rel.reltype == _HEADER else "footer"
            parts.append((str(target.partname).lstrip("/"), where, patch(xml), "part"))
        for part in document.part.package.parts:
            if part.content_type == _FOOTNOTES:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                name = str(part.partname).lstrip("/")
                parts.append((name, "footnotes", patch(blob), "footnotes"))
        core = document.core_properties
        return _Layout(
            main[:start],
            main[end:],
            tuple(parts),
            {prop: getattr(core, prop) or "" for prop in _TEMPLATED_PROPERTIES},
            _Core(
                core.keywords or "",
                core.category or "",
                core.content_status or "",
                core.version or "",
                str(core.revision or 1),
                core.last_modified_by or "",
                core.created,
                core.modified,
            ),
        )

    def _load_package(self) -> _Package:
        """The template as python-docx reads it, with docxtpl's helpers: loaded when needed.

        Only a hyperlink, an image or a template not yet in the cache needs it; rendering
        drafter's own templates does not.
        """
        if self._package is None:
            from docx import Document
            from docx.opc.exceptions import PackageNotFoundError
            from docxtpl import DocxTemplate

            try:
                document = Document(io.BytesIO(self._data))
            except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
                raise TemplateError(f"{self.name}: not a Word .docx document ({exc})") from None
            helper = DocxTemplate(io.BytesIO(self._data))
            helper.docx = document
            parts = {str(p.partname).lstrip("/"): p for p in document.part.package.iter_parts()}
            self._package = _Package(helper, parts, {n: set(p.rels) for n, p in parts.items()})
        return self._package

    @property
    def current_rendering_part(self) -> Any:
        """The python-docx part being rendered (docxtpl's InlineImage inserts its picture here)."""
        return self._load_package().parts.get(self._rendering)

    # -- compiling ------------------------------------------------------------------------

    def _compile(self, name: str, where: str, patched: str, kind: str) -> _Part:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
        try:
            template = self._from_string(source)
        except TEMPLATE_FAILURES as exc:
            raise located_error(exc, self.name, where, source) from None
        return _Part(name, where, source, template, kind)

    def _from_string(self, source: str) -> jinja2.Template:
        if self._sandboxed:  # drafter's own sandbox: its generated code may come from the cache
            from .codecache import compile_source

            return compile_source(self.env, source)  # type: ignore[arg-type]
        return self.env.from_string(source)

    def _compile_text(self, text: str) -> jinja2.Template:
        try:
            return self._from_string(text)
        except TEMPLATE_FAILURES as exc:
            raise TemplateError(
                f"{self.name} (document properties): {describe_failure(exc)}"
            ) from None

    # -- rendering ------------------------------------------------------------------------

    def render(self, context: dict[str, Any], *, properties: DocProperties | None = None) -> bytes:
        """Render the template with ``context`` and return the .docx bytes.

        Deterministic: fixed zip timestamps; the document properties come from ``properties``
        (or, without it, from the template's own, rendered as docxtpl renders them).

        Raises:
            TemplateError: an unknown variable, a forbidden operation or another failure inside
                the template, naming the template, the part and the paragraph.
        """
        if self._sandboxed:
            # Templates see data, never objects with methods: models become read-only records.
            context = {str(k): as_record(v) for k, v in context.items()}
        replaced: dict[str, bytes] = {}
        docpr_ids = iter(range(1001, 1_000_000))
        for part in self._parts:
            self._rendering = part.name
            try:
                xml = part.template.render(context)
            except TEMPLATE_FAILURES as exc:
                raise located_error(exc, self.name, part.where, part.source) from None
            xml = (  # the line breaks compile() put before paragraphs, then the braces
                xml.replace("\n<w:p ", "<w:p ")
                .replace("\n<w:p>", "<w:p>")
                .replace("{_{", "{{")
                .replace("}_}", "}}")
                .replace("{_%", "{%")
                .replace("%_}", "%}")
            )
            if _listing(xml):  # otherwise resolve_listing returns the XML unchanged
                xml = self._load_package().docxtpl.resolve_listing(xml)
            if part.kind == "body":
                tree = self._fix_tables(xml)
                for element in tree.iter(_WP_DOCPR):
                    element.attrib["id"] = str(next(docpr_ids))
                body = etree.tostring(tree, encoding="unicode")
                replaced[part.name] = (self._main_prefix + body + self._main_suffix).encode("utf-8")
            elif part.kind == "part":
                replaced[part.name] = (_XML_DECL + xml).encode("utf-8")
            else:
                replaced[part.name] = xml.encode("utf-8")
        replaced["docProps/core.xml"] = self._core_xml(context, properties)
        replaced.update(self._added_to_package())
        return _zip(self._entries, replaced, self._packed)

    def _added_to_package(self) -> dict[str, bytes]:
        """What hyperlinks and images added to the package: new parts, relationships, types.

        ``build_url_id`` before a render and an InlineImage during one relate the part to a
        URL or a new image part, as docxtpl does; the package then needs the part's new
        relationships, the image itself and its content type, or the link points nowhere.
        """
        # A link or an image needs the python-docx package: without it nothing was added.
        loaded = self._package
        if loaded is None:
            return {}
        # They are related from a part the template renders: if none of those gained a
        # relationship, nothing was added (the common case, checked cheaply).
        rendered = [p.name for p in self._parts if p.name in loaded.parts]
        if all(len(loaded.parts[n].rels) == len(loaded.base_rels[n]) for n in rendered):
            return {}
        from docx.opc.pkgwriter import _ContentTypesItem

        parts = list(loaded.docxtpl.docx.part.package.iter_parts())
        out: dict[str, bytes] = {}
        for part in parts:
            name = str(part.partname).lstrip("/")
            if name not in loaded.parts:
                out[name] = part.blob
            if set(part.rels) != loaded.base_rels.get(name, set()):
                out[str(part.partname.rels_uri).lstrip("/")] = part.rels.xml
        if any(str(p.partname).lstrip("/") not in loaded.parts for p in parts):
            out["[Content_Types].xml"] = _ContentTypesItem.from_parts(parts).blob  # type: ignore[no-untyped-call]
        return out

    def _fix_tables(self, xml: str) -> Any:
        """Make a table's grid fit the cells a loop left in it, as docxtpl's ``fix_tables`` does.

        Parsed as docxtpl parses it; docxtpl itself is asked only when a grid must change
        (a ``{%tc %}`` loop), which drafter's own templates never need.
        """
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        if _grids_fit(tree):
            return tree
        return self._load_package().docxtpl.fix_tables(xml)

    # -- docxtpl's API ---------------------------------------------------------------------

    @property
    def docx(self) -> Any:
        """The template's python-docx document (docxtpl's InlineImage reads it)."""
        return self._load_package().docxtpl.docx

    def build_url_id(self, url: str) -> str:
        """Relate the document to ``url`` for a RichText hyperlink, as docxtpl does."""
        return str(self._load_package().docxtpl.build_url_id(url))

    def get_undeclared_template_variables(
        self, jinja_env: jinja2.Environment | None = None, context: dict[str, Any] | None = None
    ) -> set[str]:
        """The names the body, headers and footers use but do not define, as docxtpl finds them.

        With ``context``, only those it does not provide.
        """
        from jinja2 import meta

        # The parts' patched sources, as docxtpl reads them (it leaves footnotes out).
        source = "".join(p.source for p in self._parts if p.kind != "footnotes")
        names = set(meta.find_undeclared_variables((jinja_env or self.env).parse(source)))
        return names - set(context) if context is not None else names

    def _unsupported(self, what: str) -> TemplateError:
        return TemplateError(
            f"{self.name}: {what} is not supported by the compiled renderer",
            hint="Render this template with docxtpl's DocxTemplate instead.",
        )

    def new_subdoc(self, docpath: Any = None) -> Any:
        """Not supported: subdocuments need docxtpl's own renderer."""
        raise self._unsupported("a subdocument (new_subdoc)")

    def get_docx(self) -> Any:
        """Not supported: docxtpl's Subdoc reaches the document through it."""
        raise self._unsupported("a subdocument (Subdoc)")

    def replace_pic(self, embedded_file: Any, dst_file: Any) -> None:
        """Not supported: replacing pictures needs docxtpl's own renderer."""
        raise self._unsupported("replace_pic")

    def replace_media(self, src_file: Any, dst_file: Any) -> None:
        """Not supported: replacing media needs docxtpl's own renderer."""
        raise self._unsupported("replace_media")

    def replace_embedded(self, src_file: Any, dst_file: Any) -> None:
        """Not supported: replacing embedded files needs docxtpl's own renderer."""
        raise self._unsupported("replace_embedded")

    def replace_zipname(self, zipname: Any, dst_file: Any) -> None:
        """Not supported: replacing package members needs docxtpl's own renderer."""
        raise self._unsupported("replace_zipname")

    def _core_xml(self, context: dict[str, Any], properties: DocProperties | None) -> bytes:
        core = self._core
        # What neither drafter nor docxtpl renders is kept as the template has it.
        kept = {
            "keywords": core.keywords,
            "category": core.category,
            "content_status": core.content_status,
            "version": core.version,
            "revision": core.revision,
        }
        if properties is not None:
            stamp: dt.datetime | None = dt.datetime.combine(properties.created, dt.time(12, 0))
            fields = {
                "title": properties.title,
                "subject": properties.subject,
                "author": properties.author,
                "comments": properties.comments,
                "identifier": "",
                "language": "",
                "last_modified_by": properties.author,
            }
            return _core_properties_xml({**fields, **kept}, stamp, stamp)
        try:
            fields = {k: t.render(context) for k, t in self._properties.items()}
        except TEMPLATE_FAILURES as exc:
            raise TemplateError(
                f"{self.name} (document properties): {describe_failure(exc)}"
            ) from None
        fields["last_modified_by"] = core.last_modified_by
        return _core_properties_xml({**fields, **kept}, core.created, core.modified)


_CORE_TAGS = (
    ("dc:title", "title"),
    ("dc:subject", "subject"),
    ("dc:creator", "author"),
    ("cp:keywords", "keywords"),
    ("dc:description", "comments"),
    ("dc:identifier", "identifier"),
    ("dc:language", "language"),
    ("cp:lastModifiedBy", "last_modified_by"),
    ("cp:revision", "revision"),
    ("cp:category", "category"),
    ("cp:contentStatus", "content_status"),
    ("cp:version", "version"),
)


def xml_escape(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped, as ``xml.sax.saxutils.escape`` does.

    Written out because that module imports ``urllib.request`` (and with it ``ssl``), a tenth
    of a cold start.
    """
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _core_properties_xml(
    fields: dict[str, str], created: dt.datetime | None, modified: dt.datetime | None
) -> bytes:
    """docProps/core.xml with the non-empty ``fields``, and the dates when there are any."""
    dates = "".join(
        f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{when.strftime("%Y-%m-%dT%H:%M:%SZ")}'
        f"</dcterms:{tag}>"
        for tag, when in (("created", created), ("modified", modified))
        if when is not None
    )
    body = "".join(
        f"<{tag}>{xml_escape(fields[key])}</{tag}>"
        for tag, key in _CORE_TAGS
        if fields.get(key) and tag not in ("cp:category", "cp:contentStatus", "cp:version")
    )
    tail = "".join(
        f"<{tag}>{xml_escape(fields[key])}</{tag}>"
        for tag, key in _CORE_TAGS
        if fields.get(key) and tag in ("cp:category", "cp:contentStatus", "cp:version")
    )
    return (
        _XML_DECL
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + body
        + dates
        + tail
        + "</cp:coreProperties>"
    ).encode("utf-8")


def _listing(xml: str) -> bool:
    """Whether docxtpl's ``resolve_listing`` would change ``xml`` (a tab, break or paragraph mark).

    Four scans for one character each: a regex character class is fifty times slower here.
    """
    return "\t" in xml or "\n" in xml or "\a" in xml or "\f" in xml


@frozen
class _Member:
    """One zip member, already deflated: what a rendered package reuses when a part is unchanged."""

    name: bytes
    flags: int
    """0x800 when the name is UTF-8 rather than ASCII, as zipfile marks it."""
    crc: int
    packed: bytes
    size: int


_RENDERED_LEVEL = 3
"""How hard a rendered part is deflated. Level 3 makes the body about 8% larger than zipfile's
level 6 (a few hundred bytes a letter) in a third of the time: level 6 was a twentieth of the
CPU a batch spends on a letter. Parts the template holds unchanged are deflated once, at 6."""


def _member(name: str, data: bytes, level: int = 6) -> _Member:
    """Deflate one member (raw deflate; level 6 is what zipfile writes)."""
    squeeze = zlib.compressobj(level, zlib.DEFLATED, -15)
    packed = squeeze.compress(data) + squeeze.flush()
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), 0x800
    return _Member(encoded, flags, zlib.crc32(data), packed, len(data))


_DOS_TIME = (_ZIP_EPOCH[3] << 11) | (_ZIP_EPOCH[4] << 5) | (_ZIP_EPOCH[5] // 2)
_DOS_DATE = ((_ZIP_EPOCH[0] - 1980) << 9) | (_ZIP_EPOCH[1] << 5) | _ZIP_EPOCH[2]


def _pack(members: list[_Member]) -> bytes:
    """A zip archive of deflated members, byte for byte what ``zipfile`` writes for them.

    Fixed timestamps and attributes (0644, created on MS-DOS), no extra fields, no comment: the
    layout drafter always wrote, without deflating again what has not changed.
    """
    out, central = bytearray(), bytearray()
    for m in members:
        offset = len(out)
        out += struct.pack(
            "<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, m.flags, zipfile.ZIP_DEFLATED,
            _DOS_TIME, _DOS_DATE, m.crc, len(m.packed), m.size, len(m.name), 0,
        )  # fmt: skip
        out += m.name
        out += m.packed
        central += struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, m.flags, zipfile.ZIP_DEFLATED,
            _DOS_TIME, _DOS_DATE, m.crc, len(m.packed), m.size, len(m.name), 0, 0, 0, 0,
            0o644 << 16, offset,
        )  # fmt: skip
        central += m.name
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0
    )
    return bytes(out + central + end)


def _zip(
    entries: list[tuple[str, bytes]],
    replaced: dict[str, bytes],
    packed: dict[str, _Member] | None = None,
) -> bytes:
    """The package: ``entries`` in order, ``replaced`` parts swapped in (new ones at the end).

    ``packed`` holds members deflated earlier, reused for every entry not replaced.
    """
    names = {name for name, _ in entries}
    packed = packed or {}
    members = [
        _member(name, replaced[name], _RENDERED_LEVEL)
        if name in replaced
        else packed.get(name) or _member(name, data)
        for name, data in entries
    ]
    members += [_member(n, d, _RENDERED_LEVEL) for n, d in replaced.items() if n not in names]
    return _pack(members)


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip archive with fixed timestamps and attributes, keeping the entry order."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return _zip([(i.filename, src.read(i.filename)) for i in src.infolist()], {})


@lru_cache(maxsize=32)
def _cached(path: str, mtime_ns: int, size: int, source_name: str) -> CompiledTemplate:
    # Keyed by modification time and size, so an edited template is compiled afresh.
    from .sandbox import environment  # the sandbox module imports this one

    return CompiledTemplate(Path(path), environment(), source_name=source_name)


def compile_template(
    source: str | Path | BinaryIO,
    *,
    jinja_env: jinja2.Environment | None = None,
    autoescape: bool = False,
    source_name: str | None = None,
) -> CompiledTemplate:
    """Compile a Word template once, to render it many times as docxtpl would.

    Args:
        source: the template's path, or a binary file object holding it.
        jinja_env: render with this Jinja environment, exactly as ``DocxTemplate.render``
            does with it. Without one, drafter's sandbox renders (strict, autoescaping,
            bounded: what drafter itself always uses), and a path is compiled once per
            version of the file.
        autoescape: as ``DocxTemplate.render``'s: turn on ``jinja_env``'s autoescaping (the
            sandbox always escapes).
        source_name: how errors name the template (default: its path).

    Raises:
        TemplateError: the file is missing, not a .docx, or has a Jinja syntax error (naming the
            part and paragraph).
    """
    if jinja_env is not None and autoescape:
        jinja_env.autoescape = True  # what docxtpl does with the same arguments
    if isinstance(source, (str, Path)):
        path = Path(source)
        found = _check_template_file(path)
        if jinja_env is None:
            # One stat per render: a batch looks its template up for every row.
            return _cached(
                str(path.absolute()), found.st_mtime_ns, found.st_size, source_name or str(path)
            )
        return CompiledTemplate(path, jinja_env, source_name=source_name, sandboxed=False)
    data = source.read(input_limits().package_bytes + 1)
    if len(data) > input_limits().package_bytes:
        raise TemplateError(f"{source_name or '<template>'}: larger than a Word template may be")
    if jinja_env is None:
        from .sandbox import environment

        return CompiledTemplate(data, environment(), source_name=source_name)
    return CompiledTemplate(data, jinja_env, source_name=source_name, sandboxed=False)


def _check_template_file(template: Path) -> os.stat_result:
    """The template file's status, once it is known to be a .docx file that is there."""
    try:
        found = template.stat()
    except OSError:
        raise TemplateError(f"{template}: no such template") from None
    if stat.S_ISDIR(found.st_mode):
        raise TemplateError(f"{template}: is a directory, expected a Word .docx template")
    if template.suffix.lower() != ".docx":
        raise TemplateError(
            f"{template}: expected a Word .docx template",
            hint="Save the template from Word as 'Word Document (.docx)'.",
        )
    return found


def protect_braces(xml: str) -> str:
    """Keep ``{_{`` and friends in inserted text literal.

    docxtpl turns ``{_{``, ``}_}``, ``{_%`` and ``%_}`` in its output into ``{{``, ``}}``, ``{%``
    and ``%}`` (its way to print Jinja delimiters). A client's name must not be rewritten, so the
    underscore is written as a character reference, which the XML reader turns back into ``_``.
    """
    return xml.replace("{_", "{&#95;").replace("_}", "&#95;}").replace("%_", "%&#95;")


# --------------------------------------------------------------------------- error locations


def template_lineno(exc: BaseException) -> int | None:
    """The line of the Jinja source an error happened on (syntax errors and runtime errors)."""
    import traceback

    lineno = getattr(exc, "lineno", None)
    if lineno:
        return int(lineno)
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>" and frame.lineno:
            found = frame.lineno
    return found


def describe_failure(exc: BaseException) -> str:
    """Say in plain words what went wrong inside a template."""
    if isinstance(exc, LimitExceeded):
        return f"stopped at a limit: {exc}"
    if isinstance(exc, RecursionError):
        return "stopped at a limit: calls nested too deep"
    if isinstance(exc, MemoryError):
        return "stopped at a limit: ran out of memory"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"forbidden by the sandbox: {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"unknown variable: {exc}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"syntax error: {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def located_error(exc: BaseException, source_name: str, where: str, source: str) -> TemplateError:
    """A TemplateError naming the template, the part and (from the line) the paragraph."""
    located = f"{source_name} ({where}"
    lineno = template_lineno(exc)
    lines = source.splitlines()
    if lineno and 1 <= lineno <= len(lines):
        text = re.sub(r"<[^>]+>", "", lines[lineno - 1]).strip()
        if len(text) > 80:
            text = text[:77] + "..."
        located += f", paragraph {lineno - 1}"
        if text:
            located += f': "{text}"'
    located += ")"
    return TemplateError(
        f"{located}: {describe_failure(exc)}",
        hint=fields_hint(exc)
        or "Fix the template; the README's 'Template variables' table lists every name.",
    )


def fields_hint(exc: BaseException) -> str | None:
    """For a misspelt field, the names that do exist there (set by the sandbox's Undefined)."""
    fields = getattr(exc, "fields", None)
    if not fields:
        return None
    return "The names there are: " + ", ".join(fields) + "."
