"""The filing packet: the drafted filing and its exhibits as one PDF, ready to upload.

A motion's packet is the motion as drafted (cover page, motion, signatures, exhibit index,
proposed order, certificate of service) converted by LibreOffice, then each exhibit in order of
its letter behind a tab page. Every page of the whole filing carries the same stamped footer
with its page number; the exhibit index gives each exhibit's real pages (from its tab page to its
last page); bookmarks lead to each part and each exhibit. A PD request letter's packet is the
letter and its enclosures, for OPLA's e-mail intake.

The index's page ranges depend on how many pages the drafted part takes, which only the word
processor knows: the draft is laid out once with ranges as wide as any real one, then again with
the real ranges, and the page count must agree (it is laid out a third time if it does not).

ECAS takes files up to 25 MB: a larger packet is split between exhibits into numbered parts,
numbered continuously, each part's first page saying which part it is. The same inputs give the
same bytes: IDs come from a hash of the inputs and dates from the filing date.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clauses import ClauseLibrary
from .documents import get_document
from .drafting import DRAFT_MOTION, Draft, draft, letter_motion, load_library, require_filled
from .errors import OutputExistsError, UserError
from .exhibits import IMAGE_SIGNATURES, exhibit_path, open_pdf, read_exhibit
from .frozen import frozen
from .law import assess
from .memo import Memo, build_memo
from .model import Case, Exhibit
from .pdf import convert_bytes, require_soffice
from .render import write_atomic

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader, PdfWriter

__all__ = ["DEFAULT_MAX_MB", "Packet", "PacketExhibit", "PacketFile", "build_packet"]

DEFAULT_MAX_MB = 25.0
"""ECAS's limit on one uploaded file."""

_MB = 1024 * 1024
_WIDEST = (888, 889)
"""Page ranges as wide as a packet's real ones, for the first layout of the drafted part."""
_LAYOUTS = 3
_TEXT_PAGES_CHECKED = 5
"""How many of an exhibit's first pages are looked at for a text layer."""


@frozen
class PacketExhibit:
    """Where one exhibit is in the filing."""

    tab: str
    exhibit: Exhibit
    first: int
    """The page of its tab page (pages count from 1 over the whole filing)."""
    last: int
    supplied: bool
    """False when the case names no file for it yet: its tab page says it is to be supplied."""
    searchable: bool
    """Whether its pages carry text (a scan without a text layer does not)."""

    @property
    def pages_of(self) -> int:
        """Its pages in the filing, its tab page included."""
        return self.last - self.first + 1


@frozen
class PacketFile:
    """One PDF of the packet (one of several when it is split for the upload limit)."""

    name: str
    data: bytes
    first: int
    last: int


@frozen
class Packet:
    """A built filing packet, not yet written."""

    draft: Draft
    files: list[PacketFile]
    exhibits: list[PacketExhibit]
    pages: int
    drafted_pages: int
    checklist: list[str] = field(default_factory=list)
    """What to do before filing that the packet showed (missing files, scans, splits)."""
    stem: str = "packet"
    """The name the packet's files start with (``..._reopen_packet``)."""

    def memo(self) -> Memo:
        """The drafting memo, its "Before filing" checklist with what the packet found."""
        memo = build_memo(self.draft)
        return dataclasses.replace(memo, before_filing=[*memo.before_filing, *self.checklist])

    def write(self, out_dir: Path, *, memo: bool = False, force: bool = False) -> list[Path]:
        """Write the packet's PDFs (and its memo) into ``out_dir``; every target is checked first.

        Raises:
            OutputExistsError: a target exists and ``force`` is false (nothing is written).
        """
        targets = [Path(out_dir) / f.name for f in self.files]
        memo_path = Path(out_dir) / f"{self.stem}.memo.md"
        every = [*targets, memo_path] if memo else targets
        if not force:
            for path in every:
                if path.exists():
                    raise OutputExistsError(
                        f"{path}: already exists; not overwritten",
                        hint="Pass --force to replace it.",
                    )
        for path, f in zip(targets, self.files, strict=True):
            write_atomic(path, f.data, force=force)
        if memo:
            write_atomic(memo_path, self.memo().to_text().encode("utf-8"), force=force)
        return every


@dataclass
class _Source:
    """An exhibit's pages as a PDF, or nothing yet."""

    tab: str
    exhibit: Exhibit
    reader: PdfReader | None = None
    data: bytes = b""
    searchable: bool = True
    office: tuple[bytes, str] | None = None
    """A Word or ODT file still to convert."""

    pdf_bytes: int = 0

    @property
    def pages(self) -> int:
        return 1 + (len(self.reader.pages) if self.reader is not None else 0)

    @property
    def size(self) -> int:
        """About what it adds to a file: its PDF, and a tab page and a stamp per page."""
        return self.pdf_bytes + 2048 * self.pages


def build_packet(
    case: Case,
    document: str,
    *,
    base: Path,
    library: ClauseLibrary | None = None,
    template: Path | None = None,
    final: bool = False,
    pdfa: bool = False,
    max_mb: float = DEFAULT_MAX_MB,
    ocr: bool = False,
) -> Packet:
    """Build the filing packet for ``document``: the draft and its exhibits as PDF.

    Args:
        case: the validated case.
        document: a court motion's kind, or ``pd-request``.
        base: the case file's folder, which exhibits' files are relative to.
        library: the clause library (default: the built-in one).
        template: a Word template to render into (default: the built-in one for the kind).
        final: refuse a packet with an exhibit still to be supplied or a placeholder left.
        pdfa: make PDF/A-2b.
        max_mb: the largest file, in MB (1024 x 1024 bytes); a larger packet is split.
        ocr: give scans without a text layer one, with ocrmypdf (which must be installed).

    Raises:
        UserError: the document is not filed as a packet, an exhibit's file is missing or
            unreadable, ``final`` and something is still missing, an exhibit alone is over the
            limit, or LibreOffice is missing or fails.
    """
    kind = get_document(document)
    if kind.motion is None and kind.id != "pd-request":
        raise UserError(
            f"{document}: a filing packet is built for a court motion or a PD request letter",
            hint="Use drafter render for this document.",
        )
    if max_mb <= 0:
        raise UserError(f"--max-mb: must be more than 0 (got {max_mb:g})")
    kind.require(case)
    require_soffice()
    lib = library or load_library()
    limit = int(max_mb * _MB)

    # First laid out with page ranges as wide as any real one (every exhibit it might list).
    widest_ranges = {ex.id: _WIDEST for ex in case.exhibits} | {DRAFT_MOTION: _WIDEST}
    widest = draft(
        case, document, library=lib, template=template, explain=True, packet_pages=widest_ranges
    )
    exhibits = widest.exhibits
    if final:
        require_filled(widest, document)
        missing = [f"Exhibit {tab} ({ex.id})" for tab, ex in exhibits if _unsupplied(ex)]
        if missing:
            raise UserError(
                f"{document}: {', '.join(missing)} has no file yet; no packet written",
                hint="Give each exhibit its file: in the case file, or drop --final for a "
                "working packet with 'to be supplied' tabs.",
            )
    sources = [_source(tab, ex, case, document, lib, base) for tab, ex in exhibits]
    if ocr:
        _ocr_scans(sources)
    drafted = _lay_out(widest.docx, sources, pdfa=pdfa)

    checklist: list[str] = []
    result = widest
    for _ in range(_LAYOUTS):
        ranges = _ranges(len(drafted.pages), sources)
        result = draft(
            case, document, library=lib, template=template, explain=True, packet_pages=ranges
        )
        again = _convert(result.docx, pdfa=pdfa)
        if len(again.pages) == len(drafted.pages):
            drafted = again
            break
        drafted = again
    else:
        raise UserError(
            f"{document}: the drafted part's page count kept changing with its exhibit index",
            hint="Report this with the case file; render the document and merge by hand.",
        )
    ranges = _ranges(len(drafted.pages), sources)
    placed = [
        PacketExhibit(s.tab, s.exhibit, *ranges[s.exhibit.id], s.reader is not None, s.searchable)
        for s in sources
    ]
    total = len(drafted.pages) + sum(s.pages for s in sources)
    checklist += _notes(placed, sources)
    if _own_page_numbers(drafted):
        checklist.append(
            "The Word template prints its own page numbers, so the drafted pages show two: wrap "
            "them in {%r if not draft.packet %}...{%r endif %} in the template's footer (the "
            "packet numbers every page itself)."
        )
    label = _label(case, kind.motion is not None)
    seed = hashlib.sha256(result.docx)
    for s in sources:
        seed.update(s.data)
    seed.update(f"{pdfa}|{limit}".encode())
    builder = _Builder(result, drafted, sources, placed, label, total, pdfa, seed.digest())
    files = builder.split(limit)
    if len(files) > 1:
        checklist.append(
            f"The packet is over {max_mb:g} MB, so it is in {len(files)} parts: upload them "
            "in order (each first page says which part it is)."
        )
    if pdfa:
        checklist += [f"PDF/A: {p}" for p in _pdfa_problems(files, placed)]
    return Packet(result, files, placed, total, len(drafted.pages), checklist, builder.stem)


# --------------------------------------------------------------------------- the exhibits


def _unsupplied(exhibit: Exhibit) -> bool:
    return exhibit.file is None and exhibit.id != DRAFT_MOTION


def _source(
    tab: str, exhibit: Exhibit, case: Case, document: str, lib: ClauseLibrary, base: Path
) -> _Source:
    source = _Source(tab, exhibit)
    if exhibit.id == DRAFT_MOTION:  # the letter encloses the motion it asks OPLA about
        found = letter_motion(case, get_document(document), assess(case))
        if found is not None:
            kind, joint = found
            motion_case = case
            if joint and case.dhs_position.stance != "joins":
                position = case.dhs_position.model_copy(update={"stance": "joins"})
                motion_case = case.model_copy(update={"dhs_position": position})
            enclosed = draft(motion_case, kind, library=lib, packet_pages={})
            source.office = (enclosed.docx, ".docx")
            source.data = enclosed.docx
        return source
    if exhibit.file is None:
        return source
    path = exhibit_path(exhibit, base)
    data = read_exhibit(exhibit, path)
    source.data = data
    suffix = path.suffix.lower()
    if suffix in IMAGE_SIGNATURES:
        made = _image_pdf(exhibit, data)
        source.reader, source.pdf_bytes = _read_pdf(made), len(made)
        source.searchable = False
    elif suffix == ".pdf":
        source.reader, source.pdf_bytes = open_pdf(exhibit, data), len(data)
        source.searchable = _has_text(source.reader)
    else:
        source.office = (data, suffix)
    return source


def _image_pdf(exhibit: Exhibit, data: bytes) -> bytes:
    """A scan as one PDF page at its own size (lossless: img2pdf embeds a JPEG as it is)."""
    import img2pdf

    try:
        made = img2pdf.convert(data, rotation=img2pdf.Rotation.ifvalid)
    except Exception as exc:  # img2pdf raises its own and Pillow's errors for a bad image
        raise UserError(
            f"exhibits ({exhibit.id}): file {exhibit.file}: is not a usable image "
            f"({type(exc).__name__})",
            hint="Open the scan in an image viewer and save it again as JPEG or PNG.",
        ) from None
    assert isinstance(made, bytes)
    return made


def _ocr_scans(sources: list[_Source]) -> None:
    """Give each scan without a text layer one, with ocrmypdf (Tesseract); pages keep their image.

    Raises:
        UserError: ocrmypdf or Tesseract is not installed, or OCR of an exhibit fails.
    """
    scans = [s for s in sources if s.reader is not None and not s.searchable]
    if not scans:
        return
    try:
        import ocrmypdf
    except ImportError:
        raise UserError(
            "--ocr: ocrmypdf is not installed",
            hint="pip install ocrmypdf, and install Tesseract (Debian: apt-get install "
            "tesseract-ocr ghostscript); or drop --ocr.",
        ) from None
    import tempfile

    from pypdf import PdfWriter

    logging.getLogger("ocrmypdf").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="drafter-ocr-") as tmp:
        for n, s in enumerate(scans):
            assert s.reader is not None
            source, target = Path(tmp) / f"in{n}.pdf", Path(tmp) / f"out{n}.pdf"
            out = io.BytesIO()
            PdfWriter(clone_from=s.reader).write(out)
            source.write_bytes(out.getvalue())
            try:
                ocrmypdf.ocr(
                    source,
                    target,
                    skip_text=True,
                    output_type="pdf",
                    optimize=0,
                    progress_bar=False,
                )
            except ocrmypdf.exceptions.MissingDependencyError as exc:
                raise UserError(
                    f"--ocr: {str(exc).strip().splitlines()[0]}",
                    hint="Install Tesseract and Ghostscript (Debian: apt-get install "
                    "tesseract-ocr ghostscript), or drop --ocr.",
                ) from None
            except Exception as exc:  # ocrmypdf's many errors: name the exhibit
                raise UserError(
                    f"exhibits ({s.exhibit.id}): file {s.exhibit.file}: OCR failed "
                    f"({type(exc).__name__})",
                    hint="Build the packet without --ocr, or OCR the scan by hand.",
                ) from None
            made = target.read_bytes()
            s.reader, s.pdf_bytes = _read_pdf(made), len(made)
            s.searchable = _has_text(s.reader)


def _has_text(reader: PdfReader) -> bool:
    for page in reader.pages[:_TEXT_PAGES_CHECKED]:
        try:
            if page.extract_text().strip():
                return True
        except Exception:  # a page pypdf cannot read text from is treated as a scan
            continue
    return False


def _read_pdf(data: bytes) -> PdfReader:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    return PdfReader(io.BytesIO(data), strict=False)


def _convert(docx: bytes, *, pdfa: bool) -> PdfReader:
    made = convert_bytes([(docx, ".docx")], pdfa=pdfa)[0]
    if made is None:
        raise UserError("LibreOffice did not convert the drafted document to PDF")
    return _read_pdf(made)


def _lay_out(docx: bytes, sources: list[_Source], *, pdfa: bool) -> PdfReader:
    """The drafted part as first laid out; Word and ODT exhibits converted in the same run."""
    office = [s for s in sources if s.office is not None]
    made = convert_bytes([(docx, ".docx"), *(s.office for s in office if s.office)], pdfa=pdfa)
    if made[0] is None:
        raise UserError("LibreOffice did not convert the drafted document to PDF")
    for s, pdf in zip(office, made[1:], strict=True):
        if pdf is None:
            raise UserError(
                f"exhibits ({s.exhibit.id}): file {s.exhibit.file}: LibreOffice could not "
                "convert it to PDF",
                hint="Open it in a word processor, save it again, or save it as PDF.",
            )
        s.reader, s.pdf_bytes = _read_pdf(pdf), len(pdf)
        s.searchable = _has_text(s.reader)
    return _read_pdf(made[0])


def _ranges(drafted: int, sources: Sequence[_Source]) -> dict[str, tuple[int, int]]:
    """Each exhibit's first page (its tab) and last page in the whole filing."""
    ranges, page = {}, drafted + 1
    for s in sources:
        ranges[s.exhibit.id] = (page, page + s.pages - 1)
        page += s.pages
    return ranges


def _notes(placed: list[PacketExhibit], sources: list[_Source]) -> list[str]:
    notes = []
    for p, s in zip(placed, sources, strict=True):
        name = f'Exhibit {p.tab} "{p.exhibit.title}" ({p.exhibit.id})'
        if not p.supplied:
            notes.append(
                f"{name} has no file yet: its tab page says it is to be supplied. Give it a "
                "file: in the case file and build the packet again."
            )
        elif not p.searchable:
            notes.append(
                f"{name} is a scan without a text layer: it cannot be searched. Run OCR on "
                "it (for example with ocrmypdf) if the court or OPLA should be able to search it."
            )
        counted = p.last - p.first
        given = p.exhibit.pages
        if p.supplied and s.reader is not None and given is not None and given != counted:
            notes.append(
                f"{name}: the case file says {given} page(s), the file has {counted}; the "
                "packet and its index use the file."
            )
    return notes


_PAGE_NUMBER = re.compile(r"\bPage \d+ of \d+\b")


def _own_page_numbers(drafted: PdfReader) -> bool:
    """Whether the drafted part's first page already carries a "Page n of N" of its own."""
    try:
        return bool(_PAGE_NUMBER.search(drafted.pages[0].extract_text()))
    except Exception:  # text that cannot be read is no sign either way
        return False


def _label(case: Case, motion: bool) -> str:
    """The footer's who-line, as the Word templates write it."""
    r = case.respondent
    return f"{r.caption_name if motion else r.full_name}, {r.a_number}"


# --------------------------------------------------------------------------- pages and parts


class _Builder:
    """Assembles the packet's pages, stamps them and writes each part."""

    def __init__(
        self,
        result: Draft,
        drafted: PdfReader,
        sources: list[_Source],
        placed: list[PacketExhibit],
        label: str,
        total: int,
        pdfa: bool,
        seed: bytes,
    ) -> None:
        from . import pdfpages

        self.result = result
        self.drafted = drafted
        self.drafted_size = _size(drafted)
        self.sources = sources
        self.placed = placed
        self.label = label
        self.total = total
        self.pdfa = pdfa
        self.seed = seed
        self.pages = pdfpages
        tabs = self.pages.tab_pages([(p.tab, p.exhibit.title, p.supplied) for p in placed])
        self.tabs = _read_pdf(tabs)
        self.stem = result.filename.removesuffix(".docx") + "_packet"
        motion = result.document.motion is not None
        self.headings = _headings(drafted)
        self.parts_found = _parts(drafted) if motion else {}

    def split(self, limit: int) -> list[PacketFile]:
        """The packet in as few files under ``limit`` as exhibit boundaries allow.

        Parts are first planned from each piece's own size, then written; a part that comes out
        over the limit hands its last exhibit to the next part, and all are written again.
        """
        groups: list[list[int]] = [[]]
        size = self.drafted_size
        for n, s in enumerate(self.sources):
            if size + s.size > limit and (groups[-1] or len(groups) == 1):
                groups.append([])
                size = 0
            groups[-1].append(n)
            size += s.size
        while True:
            count = len(groups)
            files = []
            for i in range(count):
                data = self._write(groups, i, known=count)
                if len(data) > limit:
                    self._too_big(groups, i, limit)
                    if i + 1 == count:
                        groups.append([])
                    groups[i + 1].insert(0, groups[i].pop())
                    break
                first, last = self._span(groups, i)
                name = f"{self.stem}_part{i + 1}of{count}.pdf" if count > 1 else f"{self.stem}.pdf"
                files.append(PacketFile(name, data, first, last))
            else:
                return files

    def _too_big(self, groups: list[list[int]], i: int, limit: int) -> None:
        """Raise when part ``i`` cannot shrink: one exhibit alone, or the drafted part alone."""
        if i == 0 and not groups[0]:
            raise UserError(
                f"{self.result.document.id}: the drafted part alone is over {limit / _MB:g} MB",
                hint="Check the Word template for large images.",
            )
        if i > 0 and len(groups[i]) == 1:
            p = self.placed[groups[i][0]]
            raise UserError(
                f"exhibits ({p.exhibit.id}): Exhibit {p.tab} alone makes a file over "
                f"{limit / _MB:g} MB, the upload limit",
                hint="Compress the scan (a lower resolution, or greyscale) or split the exhibit "
                "into two in the case file.",
            )

    def _span(self, groups: list[list[int]], i: int) -> tuple[int, int]:
        first = 1 if i == 0 else self.placed[groups[i][0]].first
        last = self.placed[groups[i][-1]].last if groups[i] else len(self.drafted.pages)
        return first, last

    def _write(self, groups: list[list[int]], i: int, *, known: int | None) -> bytes:
        from pypdf import PdfWriter
        from pypdf.generic import NameObject

        if i == 0:
            writer = PdfWriter(clone_from=self.drafted)
            writer._root_object.pop(NameObject("/Outlines"), None)
        else:
            writer = PdfWriter()
            intents = self.drafted.root_object.get("/OutputIntents")
            if self.pdfa and intents is not None:
                writer._root_object[NameObject("/OutputIntents")] = intents.clone(writer)
        numbers = list(range(1, len(self.drafted.pages) + 1)) if i == 0 else []
        starts: list[tuple[int, int]] = []  # (exhibit index, page index in this file)
        owners: list[int | None] = [None] * len(writer.pages)  # the exhibit of each page
        for n in groups[i]:
            s, p = self.sources[n], self.placed[n]
            starts.append((n, len(writer.pages)))
            writer.add_page(self.tabs.pages[n])
            with self._naming(n):
                for page in s.reader.pages if s.reader is not None else ():
                    writer.add_page(page).transfer_rotation_to_content()
            owners += [n] * p.pages_of
            numbers += range(p.first, p.last + 1)
        banner = f"Part {i + 1} of {known}" if known and known > 1 else None
        stamps = _read_pdf(
            self.pages.stamps(
                [_box(page) for page in writer.pages],
                [f"{self.label} \u2014 Page {n} of {self.total}" for n in numbers],
                banner=banner,
            )
        )
        for page, stamp, owner in zip(writer.pages, stamps.pages, owners, strict=True):
            with self._naming(owner):
                x, y = float(page.cropbox.left), float(page.cropbox.bottom)
                page.merge_translated_page(stamp, x, y, over=True)
        self._outline(writer, i, starts)
        self._finish(writer, i, known)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    @contextlib.contextmanager
    def _naming(self, n: int | None) -> Iterator[None]:
        """Turn a damaged page's error into one naming its exhibit (or the drafted part)."""
        from pypdf.errors import PdfReadError

        try:
            yield
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
            if n is None:
                raise UserError(
                    f"{self.result.document.id}: LibreOffice's PDF of the draft could not be "
                    f"stamped ({type(exc).__name__})"
                ) from None
            p = self.placed[n]
            raise UserError(
                f"exhibits ({p.exhibit.id}): file {p.exhibit.file}: a page could not be read "
                f"({type(exc).__name__})",
                hint="Open it in a PDF reader and save it again (print to PDF), or scan it anew.",
            ) from None

    def _outline(self, writer: PdfWriter, i: int, starts: list[tuple[int, int]]) -> None:
        if i == 0:
            kind = self.result.document
            title = kind.title_for(self.result.case, self.result.law)
            if kind.motion is None:
                top = writer.add_outline_item(title=f"Letter: {_titled(title)}", page_number=0)
                for heading, page in self.headings:
                    writer.add_outline_item(title=_titled(heading), page_number=page, parent=top)
            else:
                names = {
                    "cover": "Cover page",
                    "motion": f"Motion: {_titled(title)}",
                    "index": "Index of exhibits",
                    "order": "Proposed order",
                    "service": "Certificate of service",
                }
                found = self.parts_found or {"motion": 0}
                for key, name in names.items():
                    if key not in found:
                        continue
                    item = writer.add_outline_item(title=name, page_number=found[key])
                    if key == "motion":
                        for heading, page in self.headings:
                            writer.add_outline_item(
                                title=_titled(heading), page_number=page, parent=item
                            )
        for n, page in starts:
            p = self.placed[n]
            extra = "" if p.supplied else " (to be supplied)"
            writer.add_outline_item(
                title=f"Exhibit {p.tab}: {p.exhibit.title}{extra}", page_number=page
            )
        writer.page_mode = "/UseOutlines"

    def _finish(self, writer: PdfWriter, i: int, known: int | None) -> None:
        from pypdf.generic import ArrayObject, ByteStringObject, NameObject

        kind = self.result.document
        case = self.result.case
        title = f"{kind.title}: {case.respondent.full_name} ({case.respondent.a_number})"
        if known and known > 1:
            title += f", part {i + 1} of {known}"
        author = _author(case)
        when = dt.datetime.combine(case.filing.date, dt.time(), dt.UTC)
        stamp = when.strftime("D:%Y%m%d%H%M%S+00'00'")
        writer.metadata = {
            "/Title": title,
            "/Author": author,
            "/Subject": kind.title,
            "/Creator": "drafter",
            "/Producer": "drafter (LibreOffice, pypdf)",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
        made = self.pages.xmp(
            title=title, author=author, subject=kind.title, when=when, pdfa=self.pdfa
        )
        existing = writer._root_object.get("/Metadata")
        if existing is not None:  # LibreOffice's, replaced in place so no stale copy is written
            stream = existing.get_object()
            stream.set_data(made.get_data())
        else:
            writer._root_object[NameObject("/Metadata")] = writer._add_object(made)
        _fix_icc_date(writer)
        ident = hashlib.sha256(self.seed + bytes([i])).digest()[:16]
        writer._ID = ArrayObject([ByteStringObject(ident), ByteStringObject(ident)])


def _size(reader: PdfReader) -> int:
    stream = reader.stream
    stream.seek(0, io.SEEK_END)
    return int(stream.tell())


def _box(page: PageObject) -> tuple[float, float]:
    return float(page.cropbox.width), float(page.cropbox.height)


def _titled(text: str) -> str:
    """A heading in capitals as a bookmark reads it: Statement of Facts."""
    from .drafting import _title_words

    return _title_words(text) if text.isupper() else text


def _author(case: Case) -> str:
    return case.counsel.name if case.counsel else case.respondent.full_name


def _headings(reader: PdfReader) -> list[tuple[str, int]]:
    """The drafted part's section headings (LibreOffice's outline), with their pages."""
    found = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        try:
            page = reader.get_destination_page_number(item)
            if page is not None:
                found.append((str(item.title), page))
        except Exception:  # a heading LibreOffice could not place
            continue
    return found


_PART_MARKS = ("cover", "motion", "index", "order", "service")


def _parts(reader: PdfReader) -> dict[str, int]:
    """Where each part of a motion begins, from the template's bookmarks (drafter_motion...)."""
    found: dict[str, int] = {}
    for name, dest in reader.named_destinations.items():
        key = str(name).lstrip("/").replace("5F", "_")
        if key.startswith("drafter_") and key[8:] in _PART_MARKS:
            try:
                page = reader.get_destination_page_number(dest)
            except Exception:
                continue
            if page is not None:
                found[key[8:]] = page
    return dict(sorted(found.items(), key=lambda kv: _PART_MARKS.index(kv[0])))


def _fix_icc_date(writer: PdfWriter) -> None:
    """LibreOffice's sRGB profile carries the time it was made: fix it, for identical output."""
    intents: Any = writer._root_object.get("/OutputIntents")
    for intent in intents or []:
        profile = intent.get_object().get("/DestOutputProfile")
        if profile is None:
            continue
        stream = profile.get_object()
        data = bytearray(stream.get_data())
        if len(data) >= 36 and data[36:40] == b"acsp":
            data[24:36] = bytes([0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])  # 2000-01-01
            stream.set_data(bytes(data))


def _pdfa_problems(files: list[PacketFile], placed: list[PacketExhibit]) -> list[str]:
    """What keeps a PDF/A packet from validating that can be seen without a full validator."""
    problems: list[str] = []
    for f in files:
        reader = _read_pdf(f.data)
        root = reader.root_object
        xmp = root.get("/Metadata")
        if xmp is None or b"<pdfaid:part>2</pdfaid:part>" not in xmp.get_object().get_data():
            problems.append(f"{f.name}: no PDF/A identification in its metadata")
        if not root.get("/OutputIntents"):
            problems.append(f"{f.name}: no output intent (colour profile)")
        for number, page in enumerate(reader.pages, start=f.first):
            for font in _unembedded_fonts(page):
                where = _where(number, placed)
                problem = f"{where} uses the font {font}, which is not embedded"
                if problem not in problems:
                    problems.append(problem)
    return problems


def _where(page: int, placed: list[PacketExhibit]) -> str:
    for p in placed:
        if p.first <= page <= p.last:
            return f'Exhibit {p.tab} "{p.exhibit.title}" ({p.exhibit.id})'
    return f"page {page}"


def _unembedded_fonts(page: PageObject) -> list[str]:
    names = []
    resources: Any = page.get("/Resources")
    fonts: Any = resources.get_object().get("/Font") if resources is not None else None
    for ref in (fonts.get_object() if fonts is not None else {}).values():
        font = ref.get_object()
        if font.get("/Subtype") == "/Type3":
            continue
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and font.get("/DescendantFonts"):
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        d = descriptor.get_object() if descriptor is not None else {}
        if not any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            names.append(str(font.get("/BaseFont", "?")).lstrip("/"))
    return names
