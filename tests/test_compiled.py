"""The compiled renderer against plain docxtpl, on a template exercising every docxtpl feature."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import docx
import pytest
from docxtpl import DocxTemplate, Listing, RichText
from lxml import etree

from drafter.compiled import DocProperties, compile_template
from drafter.errors import TemplateError
from drafter.sandbox import environment

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def feature_template(path):
    d = docx.Document()
    d.add_paragraph("Dear {{ name }},")
    d.add_paragraph("{%p if show %}")
    d.add_paragraph("Shown: {{ detail }}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p for item in items %}")
    d.add_paragraph("Item {{ loop.index }}: {{ item.label }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("Rich: {{r rich }} and run-level {%r if show %}yes{%r endif %}.")
    d.add_paragraph("Listing: {{ listing }}")
    d.add_paragraph("{{p para }}")
    rows = d.add_table(rows=3, cols=2)
    rows.style = d.styles["Table Grid"]
    rows.cell(0, 0).text = "{%tr for item in items %}"
    rows.cell(1, 0).text = "{{ item.label }}"
    rows.cell(1, 1).text = "{{ item.value }}"
    rows.cell(2, 0).text = "{%tr endfor %}"
    cols = d.add_table(rows=1, cols=3)
    cols.cell(0, 0).text = "{%tc for c in columns %}"
    cols.cell(0, 1).text = "{{ c|upper }}"
    cols.cell(0, 2).text = "{%tc endfor %}"
    section = d.sections[0]
    section.header.paragraphs[0].text = "Header for {{ name }}"
    section.footer.paragraphs[0].text = "Footer {{ footer }}"
    p = d.add_paragraph("With a note")
    run = p.add_run()
    ref = etree.SubElement(run._r, f"{{{W}}}footnoteReference")
    ref.set(f"{{{W}}}id", "1")
    buffer = io.BytesIO()
    d.save(buffer)
    path.write_bytes(add_footnotes(buffer.getvalue()))
    return path


def add_footnotes(data: bytes) -> bytes:
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Note: {{ note }}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    )
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    f'<Override PartName="/word/footnotes.xml" ContentType="{FOOTNOTES_CT}"/></Types>'.encode(),
                )
            if info.filename == "word/_rels/document.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdFoot" Type="{FOOTNOTES_REL}" Target="footnotes.xml"/></Relationships>'.encode(),
                )
            dst.writestr(info, body)
        dst.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def context():
    from docxtpl import RichTextParagraph

    rich = RichText()
    rich.add("bold & <b>", bold=True)
    rich.add(" italic", italic=True)
    para = RichTextParagraph()
    para.add("A whole paragraph of rich text")
    return {
        "name": "O'Brien & Sons <LLC> / Nguyễn Thị Ánh",
        "show": True,
        "detail": "5 < 6",
        "items": [
            {"label": "first", "value": 1},
            {"label": "second", "value": 2},
            {"label": "third", "value": 3},
        ],
        "rich": rich,
        "listing": Listing("line one\nline two\tafter a tab"),
        "para": para,
        "columns": ["a", "b", "c"],
        "footer": "José",
        "note": "see Windsor",
    }


def parts(data: bytes) -> dict[str, bytes]:
    """Canonical XML of every part docxtpl renders (body, headers, footers, footnotes)."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml", name):
                root = etree.fromstring(z.read(name))
                if name == "word/document.xml":
                    root = root.find(f"{{{W}}}body")
                out[name] = etree.tostring(root, method="c14n")
    return out


def docxtpl_render(path, ctx) -> bytes:
    tpl = DocxTemplate(str(path))
    tpl.render(ctx, jinja_env=environment(), autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


def test_same_xml_as_docxtpl_for_every_feature(tmp_path):
    path = feature_template(tmp_path / "features.docx")
    ours = compile_template(path).render(context())
    theirs = docxtpl_render(path, context())
    mine, reference = parts(ours), parts(theirs)
    assert set(mine) == set(reference) and {"word/document.xml", "word/footnotes.xml"} <= set(mine)
    assert any(n.startswith("word/header") for n in mine) and any(
        n.startswith("word/footer") for n in mine
    )
    for name in reference:
        assert mine[name] == reference[name], name
    text = b"".join(mine.values()).decode()
    for expected in (
        "O'Brien &amp; Sons &lt;LLC&gt;",
        "Item 3: third",
        "second",
        "see Windsor",
        "José",
        ">C<",
        "bold &amp; &lt;b&gt;",
    ):
        assert expected in text, expected


def test_renders_many_times_from_one_compile(tmp_path):
    path = feature_template(tmp_path / "features.docx")
    compiled = compile_template(path)
    assert compile_template(path) is compiled  # cached per file version
    first = compiled.render({**context(), "name": "First"})
    second = compiled.render({**context(), "name": "Second"})
    assert (
        b"First" in parts(first)["word/document.xml"]
        and b"Second" in parts(second)["word/document.xml"]
    )
    assert compiled.render({**context(), "name": "First"}) == first


def test_output_opens_in_python_docx(tmp_path):
    path = feature_template(tmp_path / "features.docx")
    data = compile_template(path).render(
        context(), properties=DocProperties("T", "S", "A", __import__("datetime").date(2026, 1, 1))
    )
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.title == "T"
    assert any("Dear O'Brien" in p.text for p in document.paragraphs)


def test_edited_template_is_recompiled(tmp_path):
    import os

    path = feature_template(tmp_path / "t.docx")
    first = compile_template(path)
    d = docx.Document(str(path))
    d.add_paragraph("Added {{ name }}")
    d.save(str(path))
    os.utime(path, ns=(1, 10**18))
    assert compile_template(path) is not first


def test_syntax_error_found_at_compile_time(tmp_path):
    d = docx.Document()
    d.add_paragraph("fine")
    d.add_paragraph("{% for %}")
    d.save(str(tmp_path / "bad.docx"))
    with pytest.raises(TemplateError, match=r"bad\.docx \(body, paragraph 2"):
        compile_template(tmp_path / "bad.docx")


def _zipfile_reference(entries, levels=None):
    """What the package writer must match byte for byte: zipfile with fixed attributes.

    ``levels`` gives a member's deflate level when it is not zipfile's 6.
    """
    import io as _io
    import zipfile as _zipfile

    out = _io.BytesIO()
    with _zipfile.ZipFile(out, "w", compression=_zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = _zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = _zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            z.writestr(info, data, compresslevel=(levels or {}).get(name, 6))
    return out.getvalue()


def test_package_writer_matches_zipfile_byte_for_byte():
    from drafter.compiled import _RENDERED_LEVEL, _member, _zip

    entries = [
        ("[Content_Types].xml", b"<Types/>" * 50),
        ("word/document.xml", "<w:document>Nguyễn Thị Ánh</w:document>".encode() * 200),
        ("word/média/ünïcode.xml", b""),
        ("docProps/core.xml", bytes(range(256)) * 40),
    ]
    assert _zip(entries, {}) == _zipfile_reference(entries)
    # Reusing members deflated earlier, and swapping parts in, changes nothing but the parts
    # (rendered parts are deflated at a faster level).
    packed = {n: _member(n, d) for n, d in entries}
    body = "<w:document>Nguyễn Thị Ánh, A000-000-303</w:document>".encode() * 300
    swapped = {"word/document.xml": body, "customXml/new.xml": b"<new/>"}
    expected = [(n, swapped.get(n, d)) for n, d in entries] + [("customXml/new.xml", b"<new/>")]
    levels = dict.fromkeys(swapped, _RENDERED_LEVEL)
    assert _RENDERED_LEVEL != 6
    assert _zip(entries, swapped, packed) == _zipfile_reference(expected, levels)
    assert _zip(entries, swapped, packed) != _zipfile_reference(expected)


# --------------------------------------------------------------------------- docxtpl compatibility

REL_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def png_file(path):
    import struct
    import zlib

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def simple_template(path, lines, **core):
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    for key, value in core.items():
        setattr(d.core_properties, key, value)
    d.save(str(path))
    return path


def rels(data, part="word/_rels/document.xml.rels"):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read(part))
    return {(r.get("Id"), r.get("Type"), r.get("Target"), r.get("TargetMode")) for r in root}


def test_a_custom_jinja_environment_renders_as_docxtpl_renders_with_it(tmp_path):
    import jinja2

    path = simple_template(tmp_path / "t.docx", ["{{ name|shout }} {{ missing }}", "{{ amp }}"])
    ctx = {"name": "ana", "amp": "A & B"}

    def env():
        e = jinja2.Environment()
        e.filters["shout"] = lambda v: v.upper() + "!"
        return e

    for autoescape in (False, True):
        ours = compile_template(path, jinja_env=env(), autoescape=autoescape).render(ctx)
        tpl = DocxTemplate(str(path))
        tpl.render(ctx, jinja_env=env(), autoescape=autoescape)
        buffer = io.BytesIO()
        tpl.save(buffer)
        assert parts(ours) == parts(buffer.getvalue())
    # Without an environment, drafter's sandbox: strict about the undefined name.
    with pytest.raises(TemplateError, match="missing"):
        compile_template(path).render({**ctx})


def test_a_file_object_compiles_like_a_path(tmp_path):
    path = feature_template(tmp_path / "features.docx")
    with path.open("rb") as fh:
        from_file = compile_template(fh, source_name="features.docx")
    assert parts(from_file.render(context())) == parts(compile_template(path).render(context()))


def test_hyperlinks_keep_their_relationship(tmp_path):
    path = simple_template(tmp_path / "t.docx", ["See {{r link }}."])
    compiled = compile_template(path)
    link = RichText("the court's site", url_id=compiled.build_url_id("https://example.org/ecas"))
    ours = compiled.render({"link": link})
    tpl = DocxTemplate(str(path))
    theirs_link = RichText("the court's site", url_id=tpl.build_url_id("https://example.org/ecas"))
    tpl.render({"link": theirs_link}, jinja_env=environment(), autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    assert parts(ours) == parts(buffer.getvalue())
    assert rels(ours) == rels(buffer.getvalue())
    linked = [r for r in rels(ours) if r[1] == REL_HYPERLINK]
    assert linked and linked[0][2] == "https://example.org/ecas" and linked[0][3] == "External"
    # The link's id in the body names that relationship.
    assert f'r:id="{linked[0][0]}"'.encode() in zipfile.ZipFile(io.BytesIO(ours)).read(
        "word/document.xml"
    )


def test_an_inline_image_is_written_with_its_part_and_content_type(tmp_path):
    from docx.shared import Mm
    from docxtpl import InlineImage

    path = simple_template(tmp_path / "t.docx", ["Seal: {{ seal }}"])
    image = png_file(tmp_path / "seal.png")
    compiled = compile_template(path)
    ours = compiled.render({"seal": InlineImage(compiled, str(image), width=Mm(20))})
    tpl = DocxTemplate(str(path))
    tpl.render(
        {"seal": InlineImage(tpl, str(image), width=Mm(20))},
        jinja_env=environment(),
        autoescape=True,
    )
    buffer = io.BytesIO()
    tpl.save(buffer)
    theirs = buffer.getvalue()
    assert parts(ours) == parts(theirs)
    assert rels(ours) == rels(theirs)
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert media and z.read(media[0]) == image.read_bytes()
        assert b'Extension="png"' in z.read("[Content_Types].xml")
    # A word processor's view of it: python-docx finds the picture.
    assert docx.Document(io.BytesIO(ours)).inline_shapes[0].width == Mm(20)


def test_core_properties_the_renderer_does_not_set_are_kept(tmp_path):
    path = simple_template(
        tmp_path / "t.docx",
        ["Hello"],
        title="Letter for {{ name }}",
        keywords="pd, letter",
        category="Intake",
        content_status="Draft",
        version="7",
        revision=4,
    )
    ours = docx.Document(io.BytesIO(compile_template(path).render({"name": "Ana"}))).core_properties
    assert ours.title == "Letter for Ana"
    assert (ours.keywords, ours.category, ours.content_status, ours.version, ours.revision) == (
        "pd, letter",
        "Intake",
        "Draft",
        "7",
        4,
    )
    template = docx.Document(str(path)).core_properties
    assert ours.created == template.created and ours.modified == template.modified
    drafted = compile_template(path).render(
        {"name": "Ana"},
        properties=DocProperties(title="T", subject="S", author="A", created=dt.date(2026, 11, 20)),
    )
    props = docx.Document(io.BytesIO(drafted)).core_properties
    assert (props.title, props.keywords, props.category) == ("T", "pd, letter", "Intake")


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.new_subdoc(),
        lambda t: t.replace_pic("a.png", "b.png"),
        lambda t: t.replace_media("a.png", "b.png"),
    ],
)
def test_what_the_compiled_renderer_cannot_do_is_a_clear_error(tmp_path, call):
    compiled = compile_template(simple_template(tmp_path / "t.docx", ["x"]))
    with pytest.raises(TemplateError, match="not supported by the compiled renderer"):
        call(compiled)


def test_undeclared_variables_are_found_as_docxtpl_finds_them(tmp_path):
    path = feature_template(tmp_path / "features.docx")
    ours = compile_template(path).get_undeclared_template_variables()
    theirs = DocxTemplate(str(path)).get_undeclared_template_variables()
    assert ours == theirs and {"name", "items", "footer"} <= ours
    assert "name" not in compile_template(path).get_undeclared_template_variables(
        context={"name": "x"}
    )


@pytest.mark.parametrize(
    "runs",
    [
        [("plain", False, False, None)],
        [('It\'s <b> & "quoted"', True, False, None), (" then ", False, False, None)],
        [("[the date]", False, True, "FFFF00"), ("§\u00a05", True, True, "FFFF00")],
        [("", False, False, None), ("tab\there", False, True, None)],
    ],
)
def test_drafters_rich_text_writes_docxtpls_xml(runs):
    """drafter's own runs (so drafting need not import docxtpl) are docxtpl's, byte for byte."""
    from drafter.render import RichText as DrafterRichText

    ours, theirs = DrafterRichText(), RichText()
    for text, italic, bold, highlight in runs:
        ours.add(text, italic=italic, bold=bold, highlight=highlight)
        theirs.add(text, italic=italic, bold=bold, highlight=highlight)
    assert ours.xml == theirs.xml
    assert ours.__html__() == theirs.__html__() == str(ours)


@pytest.mark.parametrize("text", ["a&b<c>d", "&amp;", "<<>>&&", "plain", "\"q\" 's'", ""])
def test_core_property_escaping_is_saxutils(text):
    from xml.sax.saxutils import escape

    from drafter.compiled import xml_escape

    assert xml_escape(text) == escape(text)
