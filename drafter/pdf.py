"""PDF conversion through LibreOffice: few processes, and each PDF published whole or not at all."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import OutputExistsError, UserError
from .render import write_atomic

__all__ = ["convert_to_pdf", "require_soffice", "soffice"]


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The LibreOffice executable.

    Raises:
        UserError: LibreOffice is not installed.
    """
    exe = soffice()
    if exe is None:
        raise UserError(
            "LibreOffice (soffice) is not installed, so no PDF can be made",
            hint="Install it (Debian: apt-get install libreoffice-writer-nogui), or drop --pdf.",
        )
    return exe


def convert_to_pdf(
    docx_files: Sequence[Path], *, processes: int = 1, force: bool = False, timeout: float = 600
) -> dict[Path, str | None]:
    """Convert Word files to PDFs beside them, with at most ``processes`` LibreOffice processes.

    Each process gets its own profile and a share of the files; PDFs are made in a private
    directory and then moved beside their .docx atomically, so a reader never sees half a PDF.

    Returns:
        For each .docx, None if its PDF was written, or why not.

    Raises:
        UserError: LibreOffice is not installed.
    """
    exe = require_soffice()
    outcome: dict[Path, str | None] = {}
    by_dir: dict[Path, list[Path]] = {}
    for f in docx_files:
        by_dir.setdefault(f.resolve().parent, []).append(f)
    for directory, files in by_dir.items():
        with tempfile.TemporaryDirectory(dir=directory, prefix=".pdf-") as tmp:
            groups = [
                files[i :: max(processes, 1)] for i in range(min(max(processes, 1), len(files)))
            ]
            procs = [
                subprocess.Popen(
                    [
                        exe,
                        f"-env:UserInstallation=file://{tmp}/profile-{i}",
                        "--headless",
                        "--convert-to",
                        "pdf",
                        "--outdir",
                        tmp,
                        *map(str, group),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for i, group in enumerate(groups)
            ]
            for proc in procs:
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for f in files:
                made = Path(tmp) / (f.stem + ".pdf")
                if not made.exists() or made.stat().st_size == 0:
                    outcome[f] = "LibreOffice did not convert it"
                    continue
                try:
                    write_atomic(f.with_suffix(".pdf"), made.read_bytes(), force=force)
                except OutputExistsError as exc:
                    outcome[f] = str(exc)
                else:
                    outcome[f] = None
    return outcome
