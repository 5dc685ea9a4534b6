from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest
from hypothesis import settings

# CI runs the same examples every time, so a red build is reproducible; locally they vary.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# The parsed-YAML cache goes to a folder of the test run's own, never the user's ~/.cache.
os.environ["DRAFTER_CACHE_DIR"] = tempfile.mkdtemp(prefix="drafter-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/*.txt from the current output instead of comparing.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def docx_text(data: bytes) -> str:
    """Normalised text of a .docx: body paragraphs, tables, headers and footers, one per line."""
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []

    def add(text: str) -> None:
        text = " ".join(text.split())
        if text:
            lines.append(text)

    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            add(docx.text.paragraph.Paragraph(block, document).text)
        elif tag == "tbl":
            table = docx.table.Table(block, document)
            for row in table.rows:
                add(" | ".join(cell.text for cell in row.cells))
    for section in document.sections:
        for part in (section.header, section.footer):
            for p in part.paragraphs:
                add(p.text)
    return "\n".join(lines) + "\n"


def make_template(path: Path, lines: list[str]) -> Path:
    """A minimal Word template whose paragraphs are the given lines."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


@pytest.fixture
def sample_paths() -> list[Path]:
    return SAMPLES


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def need_libreoffice() -> str:
    exe = soffice()
    if exe is None:
        if os.environ.get("DRAFTER_REQUIRE_LIBREOFFICE"):
            pytest.fail(
                "LibreOffice is required (DRAFTER_REQUIRE_LIBREOFFICE is set) but not found"
            )
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    return exe


def to_pdf_text(docx_files: list[Path], outdir: Path) -> dict[Path, str]:
    """Convert .docx files to PDF with one LibreOffice process; return each PDF's text."""
    exe = need_libreoffice()
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, docx_files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    texts = {}
    for f in docx_files:
        pdf = outdir / (f.stem + ".pdf")
        assert pdf.exists(), f"LibreOffice did not produce {pdf.name}"
        if shutil.which("pdftotext") is None:
            pytest.fail("pdftotext (poppler-utils) is required to read the PDFs")
        out = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        )
        texts[f] = out.stdout
    return texts
