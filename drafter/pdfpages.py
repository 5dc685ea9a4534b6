"""The pages drafter itself makes for a filing packet: tab pages and page stamps (reportlab).

Text is set in Liberation Serif (metric-compatible with Times New Roman, the templates' font)
where it is installed, else in the Bitstream Vera Serif that ships with reportlab; either way the
font is embedded, as PDF/A requires. Canvases are made "invariant" so the same input gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from pypdf.generic import StreamObject

__all__ = ["stamps", "tab_pages", "xmp"]

LETTER = (612.0, 792.0)
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
_STYLES = {"regular": "Regular", "bold": "Bold", "italic": "Italic"}
_VERA = {"regular": "Vera.ttf", "bold": "VeraBd.ttf", "italic": "VeraIt.ttf"}
_STAMP_SIZE = 10.0
_STAMP_BASELINE = 38.0
"""Points above the page's bottom edge: where the Word templates' footer line sits."""


@functools.cache
def _fonts() -> dict[str, str]:
    """Register the serif fonts once; their reportlab names by style."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {}
    for style, suffix in _STYLES.items():
        path = next(
            (d / f"LiberationSerif-{suffix}.ttf" for d in _FONT_DIRS if d.is_dir()),
            None,
        )
        if path is None or not path.is_file():
            path = Path(reportlab.__file__).parent / "fonts" / _VERA[style]
        name = f"drafter-{style}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        names[style] = name
    return names


def _canvas(out: io.BytesIO):  # type: ignore[no-untyped-def]
    from reportlab.pdfgen import canvas

    return canvas.Canvas(
        out,
        pagesize=LETTER,
        invariant=1,
        pageCompression=1,
        initialFontName=_fonts()["regular"],  # not reportlab's Helvetica, which is not embedded
    )


def tab_pages(tabs: Sequence[tuple[str, str, bool]]) -> bytes:
    """One letter-size tab page per exhibit: "EXHIBIT A", its title, and whether it is here.

    Args:
        tabs: (tab letter, title, supplied) for each exhibit, in order.
    """
    from reportlab.lib.utils import simpleSplit

    fonts = _fonts()
    out = io.BytesIO()
    c = _canvas(out)
    c.setTitle("Exhibit tabs")
    width, height = LETTER
    for tab, title, supplied in tabs or [("", "", True)]:
        c.setFont(fonts["bold"], 32)
        c.drawCentredString(width / 2, height * 0.58, f"EXHIBIT {tab}")
        c.setFont(fonts["regular"], 14)
        y = height * 0.58 - 40
        for line in simpleSplit(title, fonts["regular"], 14, width - 2 * 108)[:6]:
            c.drawCentredString(width / 2, y, line)
            y -= 20
        if not supplied:
            c.setFont(fonts["italic"], 14)
            c.drawCentredString(width / 2, y - 16, "To be supplied")
        c.showPage()
    c.save()
    return out.getvalue()


def stamps(
    sizes: Sequence[tuple[float, float]], lines: Sequence[str], *, banner: str | None = None
) -> bytes:
    """One overlay page per packet page: its footer line, and on the first a banner.

    Each line sits centred near the foot of a page of that size, on a white band so it reads on
    a dark scan; the banner ("Part 2 of 3") sits at the top right of the first page.
    """
    fonts = _fonts()
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out = io.BytesIO()
    c = _canvas(out)
    for n, ((width, height), line) in enumerate(zip(sizes, lines, strict=True)):
        c.setPageSize((width, height))
        text_width = stringWidth(line, fonts["regular"], _STAMP_SIZE)
        c.setFillColorRGB(1, 1, 1)
        c.rect(
            (width - text_width) / 2 - 4,
            _STAMP_BASELINE - 4,
            text_width + 8,
            _STAMP_SIZE + 6,
            stroke=0,
            fill=1,
        )
        c.setFillColorRGB(0, 0, 0)
        c.setFont(fonts["regular"], _STAMP_SIZE)
        c.drawCentredString(width / 2, _STAMP_BASELINE, line)
        if banner and n == 0:
            c.setFont(fonts["bold"], 11)
            banner_width = stringWidth(banner, fonts["bold"], 11)
            c.setFillColorRGB(1, 1, 1)
            c.rect(
                width - 54 - banner_width - 4, height - 40, banner_width + 8, 17, stroke=0, fill=1
            )
            c.setFillColorRGB(0, 0, 0)
            c.drawRightString(width - 54, height - 36, banner)
        c.showPage()
    c.save()
    return out.getvalue()


def xmp(*, title: str, author: str, subject: str, when: dt.datetime, pdfa: bool) -> StreamObject:
    """The document's XMP metadata stream, agreeing with its Info dictionary (PDF/A asks so)."""
    from pypdf.generic import NameObject, StreamObject

    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    ident = (
        '  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
        "   <pdfaid:part>2</pdfaid:part>\n   <pdfaid:conformance>B</pdfaid:conformance>\n"
        "  </rdf:Description>\n"
        if pdfa
        else ""
    )
    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f"{ident}"
        '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "   <dc:format>application/pdf</dc:format>\n"
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
        "</rdf:Alt></dc:title>\n"
        f"   <dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>\n"
        f'   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(subject)}</rdf:li>'
        "</rdf:Alt></dc:description>\n"
        "  </rdf:Description>\n"
        '  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">\n'
        f"   <xmp:CreateDate>{stamp}</xmp:CreateDate>\n"
        f"   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>\n"
        f"   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>\n"
        "   <xmp:CreatorTool>drafter</xmp:CreatorTool>\n"
        "  </rdf:Description>\n"
        '  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">\n'
        "   <pdf:Producer>drafter (LibreOffice, pypdf)</pdf:Producer>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    stream = StreamObject()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    stream.set_data(body.encode("utf-8"))
    return stream
