"""Build the built-in Word templates in templates/ with python-docx.

The .docx files are what attorneys open and edit in Word; this script is how the project makes the
originals reproducibly. Run it after changing the layout, then commit both:

    python tools/build_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafter.compiled import normalize_zip  # noqa: E402

FONT = "Times New Roman"


def _font(style, size=12, bold=None, italic=None):
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    styles = doc.styles
    normal = styles["Normal"]
    _font(normal)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    body = styles["Body Text"]
    _font(body)
    body.paragraph_format.space_after = Pt(12)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    body.paragraph_format.widow_control = True
    heading = styles["Heading 2"]
    _font(heading, bold=True)
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.space_after = Pt(6)
    heading.paragraph_format.keep_with_next = True
    letterhead = styles.add_style("Letterhead", WD_STYLE_TYPE.PARAGRAPH)
    letterhead.base_style = normal
    letterhead.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(letterhead, size=11)
    return doc


def add(doc, text="", style="Normal", bold=False, align=None, space_after=None, keep=False):
    p = doc.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        if bold:
            run.bold = True
    if align is not None:
        p.paragraph_format.alignment = align
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    if keep:
        p.paragraph_format.keep_with_next = True
    return p


def bottom_border(paragraph):
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def field(paragraph, instruction):
    """Append a Word field (PAGE, NUMPAGES) that Word and LibreOffice update when shown."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run("1")
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def footer(doc, label):
    """The footer: who the filing is for, and the page number.

    In a filing packet (``draft.packet``) the footer is left empty: drafter stamps the same line,
    with the page number of the whole filing, on every page of the packet, exhibits included.
    """
    section = doc.sections[0]
    p = section.footer.paragraphs[0]
    p.style = doc.styles["Normal"]
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("{%r if not draft.packet %}")
    for run_text in (label, " \u2014 Page "):
        r = p.add_run(run_text)
        r.font.size = Pt(10)
    field(p, "PAGE")
    p.add_run(" of ").font.size = Pt(10)
    field(p, "NUMPAGES")
    p.add_run("{%r endif %}")
    for r in p.runs:
        r.font.size = Pt(10)


_bookmarks = iter(range(1, 1000))


def bookmark(paragraph, name):
    """Mark where a part of a motion begins: the filing packet's PDF bookmarks find it by name.

    LibreOffice turns each into a named destination in the PDF (drafter asks it to).
    """
    number = str(next(_bookmarks))
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), number)
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), number)
    ppr = paragraph._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def body_loop(doc):
    """The clause paragraphs: headings and body text, styled by the template.

    The last paragraph keeps with the closing, so a signature never stands alone on a page.
    """
    add(doc, "{%p for block in draft.body %}")
    add(doc, '{%p if block.style == "heading" %}')
    add(doc, "{{r block.text }}", style="Heading 2")
    add(doc, "{%p elif loop.last %}")
    add(doc, "{{r block.text }}", style="Body Text", keep=True)
    add(doc, "{%p else %}")
    add(doc, "{{r block.text }}", style="Body Text")
    add(doc, "{%p endif %}")
    add(doc, "{%p endfor %}")


def pd_request():
    doc = new_document()
    # Letterhead: counsel, or the respondent when self-represented.
    add(doc, "{%p if case.counsel %}")
    add(doc, "{%p if case.counsel.firm %}")
    add(doc, "{{ case.counsel.firm }}", style="Letterhead", bold=True)
    add(doc, "{%p endif %}")
    add(doc, "{{ case.counsel.name }}", style="Letterhead")
    add(doc, "{%p for line in case.counsel.address.lines %}")
    add(doc, "{{ line }}", style="Letterhead")
    add(doc, "{%p endfor %}")
    last = add(
        doc, "Tel. {{ case.counsel.phone }} \u00b7 {{ case.counsel.email }}", style="Letterhead"
    )
    bottom_border(last)
    add(doc, "{%p else %}")
    add(doc, "{{ case.respondent.full_name }}", style="Letterhead", bold=True)
    add(doc, "{%p if case.respondent.address %}")
    add(doc, "{%p for line in case.respondent.address.lines %}")
    add(doc, "{{ line }}", style="Letterhead")
    add(doc, "{%p endfor %}")
    add(doc, "{%p endif %}")
    add(doc, "{%p endif %}")
    add(doc)
    add(doc, "{{ draft.date }}", space_after=12)
    add(doc, "{{ draft.service }}", bold=True, space_after=12)
    # Inside address.
    add(doc, "{{ case.opla_office.name }}")
    add(doc, "{%p for line in case.opla_office.address.lines %}")
    add(doc, "{{ line }}")
    add(doc, "{%p endfor %}")
    add(doc, "{%p if case.opla_office.email %}")
    add(doc, "{{ case.opla_office.email }}")
    add(doc, "{%p endif %}")
    add(doc)
    # Re: block, indented under a hanging "Re:".
    re_par = add(doc, "", keep=True)
    re_par.add_run("Re:\t").bold = True
    re_par.add_run("{{ draft.title }}").bold = True
    re_par.paragraph_format.left_indent = Inches(1)
    re_par.paragraph_format.first_line_indent = Inches(-1)
    for text in ("{{ case.respondent.full_name }}, {{ case.respondent.a_number }}",):
        p = add(doc, text, keep=True)
        p.paragraph_format.left_indent = Inches(1)
    add(doc, "{%p for member in case.family_members %}")
    p = add(doc, "{{ member.full_name }}, {{ member.a_number }}", keep=True)
    p.paragraph_format.left_indent = Inches(1)
    add(doc, "{%p endfor %}")
    add(doc, "{%p if case.proceedings.court %}")
    p = add(
        doc,
        "Immigration Court: {{ case.proceedings.court.city }}, {{ case.proceedings.court.state }}",
    )
    p.paragraph_format.left_indent = Inches(1)
    add(doc, "{%p endif %}")
    add(doc)
    add(doc, "Dear {{ draft.opla_attention }}:", space_after=12)
    body_loop(doc)
    # Closing, signature and enclosures: one unsplittable table row, so that neither Word nor
    # LibreOffice leaves the signature or a lone enclosure line on a page of its own.
    closing = doc.add_table(rows=1, cols=1)
    no_borders(closing)
    fixed_widths(closing, (6.5,))
    cell_lines(
        closing.rows[0].cells[0],
        [
            "Sincerely,",
            "",
            "",
            "______________________________",
            "{{ draft.signer }}",
            "{{ draft.signer_role }}",
            "{%p if case.counsel and case.counsel.eoir_id %}",
            "EOIR ID: {{ case.counsel.eoir_id }}",
            "{%p endif %}",
            "{%p if case.counsel and case.counsel.bar_admission %}",
            "{{ case.counsel.bar_admission }}",
            "{%p endif %}",
            "{%p if draft.exhibits %}",
            "",
            "Enclosures:",
            "{%p for tab, title in draft.exhibits %}",
            "Exhibit {{ tab }}\t{{ title }}",
            "{%p endfor %}",
            "{%p endif %}",
        ],
    )
    cell = closing.rows[0].cells[0]
    for par in cell.paragraphs:
        if par.text == "Enclosures:":
            par.runs[0].bold = True
        if par.text.startswith("Exhibit {{ tab }}"):
            par.paragraph_format.left_indent = Inches(1)
            par.paragraph_format.first_line_indent = Inches(-1)
    cant_split(closing)
    footer(doc, "{{ case.respondent.full_name }}, {{ case.respondent.a_number }}")
    return doc


def no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def cell_border(cell, **edges):
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for edge, val in edges.items():
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        el.set(qn("w:sz"), "6")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tc_pr.append(borders)


def fixed_widths(table, inches):
    """Column widths Word and LibreOffice both honour: a fixed layout with grid and cell widths."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for col, width in zip(table.columns, inches, strict=True):
        col.width = Inches(width)
    for row in table.rows:
        for cell, width in zip(row.cells, inches, strict=True):
            cell.width = Inches(width)


def cant_split(table):
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:cantSplit")
        tr_pr.append(el)


def cell_lines(cell, lines, bold_first=False, align=None):
    """Fill a table cell with paragraphs (docxtpl tags allowed)."""
    first = cell.paragraphs[0]
    for i, text in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        run = p.add_run(text)
        if bold_first and i == 0:
            run.bold = True
        if align is not None:
            p.paragraph_format.alignment = align
        p.paragraph_format.keep_with_next = True


def exhibit_index(doc, headings, widths):
    """The index of exhibits: one row per tab (docxtpl row loop), columns as given."""
    index = doc.add_table(rows=3, cols=len(headings))
    index.style = doc.styles["Table Grid"]
    for cell, text in zip(index.rows[0].cells, headings, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    index.rows[1].cells[0].paragraphs[0].add_run(
        "{%tr for tab, title, pages in draft.exhibit_rows %}"
    )
    row = index.rows[2].cells
    for cell, text in zip(row, ("{{ tab }}", "{{ title }}", "{{ pages }}"), strict=False):
        cell.paragraphs[0].add_run(text)
    end = index.add_row().cells
    end[0].paragraphs[0].add_run("{%tr endfor %}")
    fixed_widths(index, widths)
    cant_split(index)


def court_service(doc):
    """The court's own certificate of service, completed by court staff (as EOIR's orders have)."""
    table = doc.add_table(rows=1, cols=1)
    table.style = doc.styles["Table Grid"]
    fixed_widths(table, (6.5,))
    cell_lines(
        table.rows[0].cells[0],
        [
            "CERTIFICATE OF SERVICE",
            "This document was served by:  \u2610 Mail   \u2610 Personal service   "
            "\u2610 Electronic service",
            "To:  \u2610 Respondent   \u2610 Respondent c/o custodial officer   "
            "\u2610 Respondent's attorney or representative   \u2610 DHS",
            "Date: ____________________   By: Court staff ____________________",
        ],
        bold_first=True,
    )
    cant_split(table)


def court_header(doc):
    for line in (
        "UNITED STATES DEPARTMENT OF JUSTICE",
        "EXECUTIVE OFFICE FOR IMMIGRATION REVIEW",
        "{{ draft.tribunal }}",
        "{{ draft.court|upper }}",
    ):
        add(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, keep=True)
    add(doc, "", keep=True)


def caption(doc):
    """In the Matter of: every covered person with A-number | In Removal Proceedings."""
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    fixed_widths(table, (3.75, 2.75))
    left, right = table.rows[0].cells
    cell_border(left, top="single", bottom="single", right="single")
    cell_border(right, top="single", bottom="single")
    cell_lines(
        left,
        [
            "In the Matter of:",
            "{%p for name, number in draft.people %}",
            "{{ name }} ({{ number }})",
            "{%p endfor %}",
            "{{ draft.respondent_label }}.",
        ],
    )
    cell_lines(right, ["", "In Removal Proceedings"], align=WD_ALIGN_PARAGRAPH.CENTER)
    cant_split(table)
    add(doc, "", keep=True)


def court_document():
    """A new document with the court filings' styles: double-spaced body text, numbered
    paragraphs, centred headings and the bold centred title."""
    doc = new_document()
    body = doc.styles["Body Text"]
    body.paragraph_format.line_spacing = 2.0
    body.paragraph_format.space_after = Pt(0)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    heading = doc.styles["Heading 2"]
    heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(12)
    numbered = doc.styles.add_style("Numbered Paragraph", WD_STYLE_TYPE.PARAGRAPH)
    numbered.base_style = body
    numbered.paragraph_format.first_line_indent = Inches(0.5)
    title_style = doc.styles.add_style("Motion Title", WD_STYLE_TYPE.PARAGRAPH)
    title_style.base_style = doc.styles["Normal"]
    _font(title_style, bold=True)
    title_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_style.paragraph_format.keep_with_next = True
    title_style.paragraph_format.space_before = Pt(12)
    title_style.paragraph_format.space_after = Pt(12)
    return doc


def motion():
    doc = court_document()

    # ---- Cover page: filer block and custody status, court, caption, judge, hearing, title.
    top = doc.add_table(rows=1, cols=2)
    no_borders(top)
    fixed_widths(top, (4.5, 2.0))
    filer, status = top.rows[0].cells
    cell_lines(
        filer,
        ["{%p for line in draft.filer_lines %}", "{{ line }}", "{%p endfor %}"],
    )
    cell_lines(status, ["{{ draft.detained }}"], bold_first=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    bookmark(add(doc, "", keep=True), "drafter_cover")
    add(doc, "", keep=True)
    court_header(doc)
    caption(doc)
    add(doc, "{%p if not draft.board %}")
    add(doc, "Immigration Judge: {{r draft.judge }}", keep=True)
    add(doc, "Next Hearing: {{ draft.next_hearing }}", keep=True)
    add(doc, "{%p endif %}")
    add(doc, "", keep=True)
    add(doc, "{{ draft.title }}", style="Motion Title")

    # ---- The motion.
    p = add(doc, "{{ draft.title }}", style="Motion Title")
    p.paragraph_format.page_break_before = True
    bookmark(p, "drafter_motion")
    add(doc, "{%p for block in draft.body %}")
    add(doc, '{%p if block.style == "heading" %}')
    add(doc, "{{r block.text }}", style="Heading 2")
    add(doc, "{%p elif block.number and loop.last %}")
    add(doc, "{{ block.number }}.\t{{r block.text }}", style="Numbered Paragraph", keep=True)
    add(doc, "{%p elif block.number %}")
    add(doc, "{{ block.number }}.\t{{r block.text }}", style="Numbered Paragraph")
    add(doc, "{%p else %}")
    add(doc, "{{r block.text }}", style="Numbered Paragraph")
    add(doc, "{%p endif %}")
    add(doc, "{%p endfor %}")
    add(doc, "", keep=True)
    add(doc, "Respectfully submitted,", keep=True)
    for line in (
        "",
        "",
        "______________________________",
        "{{ draft.signer }}",
        "{{ draft.signer_role }}",
    ):
        add(doc, line, keep=True)
    add(doc, "{%p if draft.signer_eoir_id %}")
    add(doc, "EOIR ID: {{ draft.signer_eoir_id }}", keep=True)
    add(doc, "{%p endif %}")
    add(doc, "Date: {{ draft.date }}", keep=True)
    add(doc, "{%p if draft.joint %}")
    add(doc, "", keep=True)
    add(doc, "Agreed and jointly filed by the Department of Homeland Security:", keep=True)
    for line in ("", "", "______________________________", "{{ draft.dhs_signer }}"):
        add(doc, line, keep=True)
    add(doc, "Counsel for the Department of Homeland Security", keep=True)
    add(doc, "{{ draft.dhs_office }}", keep=True)
    add(doc, "Date: ____________________")
    add(doc, "{%p endif %}")

    # ---- Exhibit index.
    add(doc, "{%p if draft.exhibit_rows %}")
    p = add(doc, "INDEX OF EXHIBITS", style="Motion Title")
    p.paragraph_format.page_break_before = True
    bookmark(p, "drafter_index")
    add(doc, "{%p if draft.pages_known %}")
    exhibit_index(doc, ("Tab", "Document", "Pages"), (0.7, 4.6, 1.2))
    add(doc, "{%p else %}")
    exhibit_index(doc, ("Tab", "Document"), (0.7, 5.8))
    add(doc, "{%p endif %}")
    add(doc, "{%p endif %}")

    # ---- Proposed order.
    p = add(doc, "", keep=True)
    p.paragraph_format.page_break_before = True
    court_header(doc)
    caption(doc)
    bookmark(add(doc, "{{ draft.order_heading }}", style="Motion Title"), "drafter_order")
    add(
        doc,
        "Upon consideration of the {{ draft.title_words }}, it is HEREBY ORDERED that the motion be:",
        space_after=12,
    )
    add(doc, "\u2610  GRANTED. It is further ORDERED that {{ draft.order }}.", space_after=12)
    add(doc, "\u2610  DENIED.", space_after=12)
    add(doc, "\u2610  Other: ________________________________________________", space_after=36)
    signed = doc.add_table(rows=1, cols=2)
    no_borders(signed)
    fixed_widths(signed, (2.75, 3.75))
    cell_lines(signed.rows[0].cells[0], ["______________________", "Date"])
    cell_lines(signed.rows[0].cells[1], ["______________________________", "{{ draft.decider }}"])
    cant_split(signed)
    add(doc, "", space_after=12)
    court_service(doc)

    # ---- Certificate of service.
    p = add(doc, "CERTIFICATE OF SERVICE", style="Motion Title")
    p.paragraph_format.page_break_before = True
    bookmark(p, "drafter_service")
    service = add(
        doc,
        "On {{ draft.date }}, I served a copy of this {{ draft.title_words }}, with its exhibits and "
        "proposed order, on the Department of Homeland Security, {{ draft.dhs_office }}, "
        "{{ draft.dhs_address }}, {{ draft.service_manner }}.",
        style="Body Text",
    )
    service.paragraph_format.first_line_indent = Inches(0.5)
    for line in (
        "",
        "",
        "______________________________",
        "{{ draft.served_by }}",
        "Date: {{ draft.date }}",
    ):
        add(doc, line, keep=True)
    footer(doc, "{{ draft.people[0][0] }}, {{ draft.people[0][1] }}")
    return doc


def prune_styles(doc):
    """Keep only the styles the template uses (and what they build on).

    python-docx's default template carries hundreds of style and latent-style definitions; every
    rendered document would carry and compress them again. Word supplies built-in styles on demand.
    """
    styles = doc.styles.element
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    parts = [doc.element] + [s.footer._element for s in doc.sections]
    used = set()
    for part in parts:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            for el in part.iter(qn(tag)):
                used.add(el.get(qn("w:val")))
    by_id = {st.get(qn("w:styleId")): st for st in styles.findall(qn("w:style"))}
    keep = {sid for sid, st in by_id.items() if st.get(qn("w:default")) == "1"} | used
    queue = list(keep)
    while queue:
        st = by_id.get(queue.pop())
        if st is None:
            continue
        for tag in ("w:basedOn", "w:link", "w:next"):
            el = st.find(qn(tag))
            if el is not None and el.get(qn("w:val")) not in keep:
                keep.add(el.get(qn("w:val")))
                queue.append(el.get(qn("w:val")))
    for sid, st in by_id.items():
        if sid not in keep:
            styles.remove(st)


_DROP = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg")


def drop_parts(data: bytes) -> bytes:
    """Remove optional parts (Word 2010 style effects, the thumbnail) and their references."""
    import io
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in _DROP:
                continue
            body = src.read(info.filename)
            if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                text = body.decode("utf-8")
                for name in _DROP:
                    short = name.split("/", 1)[1] if name.startswith("word/") else name
                    text = re.sub(
                        rf'<Relationship [^>]*Target="/?{re.escape(short)}"[^>]*/>', "", text
                    )
                    text = re.sub(rf'<Override [^>]*PartName="/{re.escape(name)}"[^>]*/>', "", text)
                text = re.sub(r'<Default Extension="jpeg"[^>]*/>', "", text)
                body = text.encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def save(doc, path: Path) -> None:
    import io

    doc.core_properties.author = "drafter"
    doc.core_properties.title = ""
    doc.core_properties.comments = ""
    prune_styles(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(normalize_zip(drop_parts(buffer.getvalue())))
    print(f"wrote {path}")


def declaration():
    """The respondent's declaration: caption, numbered first-person paragraphs, the 28 U.S.C.
    1746 attestation, signature and date, and an interpreter's certificate when needed."""
    doc = court_document()
    court_header(doc)
    caption(doc)
    add(doc, "DECLARATION OF {{ draft.declarant|upper }}", style="Motion Title")
    add(doc, "{%p for block in draft.body %}")
    add(doc, "{%p if block.number and loop.last %}")
    add(doc, "{{ block.number }}.\t{{r block.text }}", style="Numbered Paragraph", keep=True)
    add(doc, "{%p elif block.number %}")
    add(doc, "{{ block.number }}.\t{{r block.text }}", style="Numbered Paragraph")
    add(doc, "{%p else %}")
    add(doc, "{{r block.text }}", style="Body Text", keep=True)
    add(doc, "{%p endif %}")
    add(doc, "{%p endfor %}")
    signed = doc.add_table(rows=1, cols=1)
    no_borders(signed)
    fixed_widths(signed, (6.5,))
    cell_lines(
        signed.rows[0].cells[0],
        [
            "",
            "Executed on ____________________ at ______________________________.",
            "",
            "",
            "______________________________",
            "{{ draft.declarant }}",
        ],
    )
    cant_split(signed)
    add(doc, "{%p if draft.language %}")
    p = add(doc, "CERTIFICATE OF INTERPRETER", style="Motion Title")
    p.paragraph_format.space_before = Pt(24)
    interpreter = doc.add_table(rows=1, cols=1)
    no_borders(interpreter)
    fixed_widths(interpreter, (6.5,))
    cell_lines(
        interpreter.rows[0].cells[0],
        [
            "I, ______________________________, certify that I am competent to interpret between "
            "{{ draft.language }} and English, and that I read the foregoing declaration to "
            "{{ draft.declarant }} in {{ draft.language }}. The declarant told me that the "
            "declarant understood it and that it is true, and signed it in my presence.",
            "",
            "",
            "______________________________          Date: ____________________",
            "Interpreter (name, address and telephone number)",
        ],
    )
    cant_split(interpreter)
    add(doc, "{%p endif %}")
    footer(doc, "{{ draft.people[0][0] }}, {{ draft.people[0][1] }}")
    return doc


def main() -> None:
    out = ROOT / "templates"
    out.mkdir(exist_ok=True)
    save(pd_request(), out / "pd-request.docx")
    save(motion(), out / "motion.docx")
    save(declaration(), out / "declaration.docx")


if __name__ == "__main__":
    main()
