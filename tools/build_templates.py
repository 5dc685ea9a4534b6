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

from drafter.render import normalize_zip  # noqa: E402

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
        run.bold = bold
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
    section = doc.sections[0]
    p = section.footer.paragraphs[0]
    p.style = doc.styles["Normal"]
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run_text in (label, " \u2014 Page "):
        r = p.add_run(run_text)
        r.font.size = Pt(10)
    field(p, "PAGE")
    p.add_run(" of ").font.size = Pt(10)
    field(p, "NUMPAGES")
    for r in p.runs:
        r.font.size = Pt(10)


def body_loop(doc):
    """The clause paragraphs: headings and body text, styled by the template."""
    add(doc, "{%p for block in draft.body %}")
    add(doc, '{%p if block.style == "heading" %}')
    add(doc, "{{r block.text }}", style="Heading 2")
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
    add(doc, "{{ draft.service|upper }}", bold=True, space_after=12)
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
    # Closing and signature.
    add(doc, "Sincerely,", keep=True)
    add(doc, "", keep=True)
    add(doc, "", keep=True)
    add(doc, "______________________________", keep=True)
    add(doc, "{{ draft.signer }}", keep=True)
    add(doc, "{{ draft.signer_role }}", keep=True)
    add(doc, "{%p if case.counsel and case.counsel.eoir_id %}")
    add(doc, "EOIR ID: {{ case.counsel.eoir_id }}", keep=True)
    add(doc, "{%p endif %}")
    add(doc, "{%p if case.counsel and case.counsel.bar_admission %}")
    add(doc, "{{ case.counsel.bar_admission }}")
    add(doc, "{%p endif %}")
    add(doc, "{%p if draft.exhibits %}")
    add(doc)
    add(doc, "Enclosures:", bold=True, keep=True)
    add(doc, "{%p for tab, title in draft.exhibits %}")
    p = add(doc, "Exhibit {{ tab }}\t{{ title }}")
    p.paragraph_format.left_indent = Inches(1)
    p.paragraph_format.first_line_indent = Inches(-1)
    add(doc, "{%p endfor %}")
    add(doc, "{%p endif %}")
    footer(doc, "{{ case.respondent.full_name }}, {{ case.respondent.a_number }}")
    return doc


def save(doc, path: Path) -> None:
    import io

    doc.core_properties.author = "drafter"
    doc.core_properties.title = ""
    doc.core_properties.comments = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(normalize_zip(buffer.getvalue()))
    print(f"wrote {path}")


def main() -> None:
    out = ROOT / "templates"
    out.mkdir(exist_ok=True)
    save(pd_request(), out / "pd-request.docx")


if __name__ == "__main__":
    main()
