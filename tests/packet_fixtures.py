"""Exhibit files the packet tests make for themselves: PDFs of known text, a scan, a Word file."""

from __future__ import annotations

import io
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "07-in-absentia-order-dhs-opposes.yaml"


def text_pdf(
    path: Path, marker: str, pages: int, *, size: tuple[float, float] = (612, 792)
) -> Path:
    """A PDF whose every page says ``<marker> page <n>`` (a text layer pdftotext reads)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=size, invariant=1)
    for n in range(1, pages + 1):
        c.setFont("Times-Roman", 14)
        c.drawString(72, size[1] - 100, f"{marker} page {n}")
        c.showPage()
    c.save()
    return path


def noisy_pdf(path: Path, marker: str, pages: int, kb_per_page: int) -> Path:
    """A PDF of text pages each carrying an incompressible image: a large scan's stand-in."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = random.Random(marker)
    c = canvas.Canvas(str(path), pagesize=(612, 792), invariant=1)
    side = int((kb_per_page * 1024 / 3) ** 0.5)
    for n in range(1, pages + 1):
        noise = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        c.drawImage(ImageReader(noise), 72, 200, width=400, height=400)
        c.setFont("Times-Roman", 14)
        c.drawString(72, 692, f"{marker} page {n}")
        c.showPage()
    c.save()
    return path


def png_scan(path: Path, *, dpi: int = 100) -> Path:
    """A letter-size greyscale "scan" with no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (int(8.5 * dpi), 11 * dpi), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((dpi, dpi, int(7.5 * dpi), 3 * dpi), outline=0, width=4)
    image.save(path, dpi=(dpi, dpi))
    return path


def text_scan(path: Path, lines: list[str], *, dpi: int = 100) -> Path:
    """A letter-size "scan" of printed lines: an image only, which OCR can read."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (int(8.5 * dpi), 11 * dpi), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 40)
    for n, line in enumerate(lines):
        draw.text((dpi, dpi * 1.5 + n * 80), line, font=font, fill=0)
    image.save(path, dpi=(dpi, dpi))
    return path


def word_file(path: Path, marker: str) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph(f"{marker} page 1")
    doc.save(str(path))
    return path


def case_with_files(
    folder: Path, files: dict[str, str | None], edit: Callable[[Any], None] | None = None
) -> Path:
    """Sample 07 copied into ``folder``, its exhibits pointing at ``files`` (id -> file).

    ``edit`` may change the parsed case data first.
    """
    yaml = YAML()
    data = yaml.load(SAMPLE.read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    for exhibit in data["exhibits"]:
        name = files.get(exhibit["id"])
        if name:
            exhibit["file"] = name
    out = folder / "case.yaml"
    buf = io.StringIO()
    yaml.dump(data, buf)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def standard_exhibits(folder: Path) -> dict[str, str | None]:
    """Files for sample 07's cited exhibits: PDFs, a PNG scan and a Word file; one left out."""
    (folder / "ex").mkdir(exist_ok=True)
    text_pdf(folder / "ex" / "hospital.pdf", "HOSPITAL", 3)
    text_pdf(folder / "ex" / "marriage.pdf", "MARRIAGE", 1, size=(595, 842))  # A4
    png_scan(folder / "ex" / "joint.png")
    word_file(folder / "ex" / "receipt.docx", "RECEIPT")
    text_pdf(folder / "ex" / "pay.pdf", "PAY", 2)
    return {
        "hospital": "ex/hospital.pdf",
        "marriage": "ex/marriage.pdf",
        "joint-life": "ex/joint.png",
        "i130-receipt": "ex/receipt.docx",
        "pay": "ex/pay.pdf",
        "residence": None,  # not yet supplied
    }


def copy_sample(folder: Path) -> Path:
    return Path(shutil.copy(SAMPLE, folder / SAMPLE.name))
