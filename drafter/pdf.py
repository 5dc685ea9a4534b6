"""PDF conversion through LibreOffice: few processes, and each PDF published whole or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .errors import OutputExistsError, UserError
from .lifeline import die_with_parent
from .render import TEMP_MARK, write_atomic

__all__ = ["convert_bytes", "convert_to_pdf", "require_soffice", "soffice"]


def soffice() -> str | None:
    """The LibreOffice executable, if installed.

    Where the ``soffice`` launcher is a script that starts ``soffice.bin`` through a splash
    process, ``soffice.bin`` itself is used: one process, which dies with the drafter process
    that started it and is killed whole on a timeout.
    """
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        return None
    direct = Path(os.path.realpath(found)).with_name("soffice.bin")
    if direct.is_file() and os.access(direct, os.X_OK):
        return str(direct)
    return found


_RESTART = 81
"""LibreOffice's exit status asking to be started again (after creating a fresh profile)."""


def _launch(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, killed whole on timeout
        preexec_fn=die_with_parent,  # only calls prctl, safe before exec
    )


def _run_all(commands: list[list[str]], *, timeout: float) -> None:
    """Run LibreOffice commands side by side until each is done, restarted once if it asks."""
    deadline = time.monotonic() + timeout
    running = [(_launch(c), c, 0) for c in commands]
    while running:
        proc, command, restarts = running.pop(0)
        try:
            code = proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            continue
        if code == _RESTART and restarts < 2:
            running.append((_launch(command), command, restarts + 1))


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill a LibreOffice process and everything it started, and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.kill()
    proc.wait()


def _command(
    exe: str, profile: Path, outdir: Path, files: Sequence[Path], target: str
) -> list[str]:
    """One LibreOffice run converting ``files`` into ``outdir``, with its own profile."""
    return [
        exe,
        # A file:// URL, encoded: a folder named "a #1 100%" must still work.
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]


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
        with tempfile.TemporaryDirectory(dir=directory, prefix=f".{TEMP_MARK}pdf-") as tmp:
            groups = [
                files[i :: max(processes, 1)] for i in range(min(max(processes, 1), len(files)))
            ]
            commands = [
                _command(exe, Path(tmp) / f"profile-{i}", Path(tmp), group, "pdf")
                for i, group in enumerate(groups)
            ]
            _run_all(commands, timeout=timeout)
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


def convert_bytes(
    documents: Sequence[tuple[bytes, str]], *, pdfa: bool = False, timeout: float = 600
) -> list[bytes | None]:
    """Convert word-processor files, given as (bytes, suffix), to PDFs in memory.

    The files are written to a private directory (never at a path a user chose), converted by
    one LibreOffice process with its own profile, and read back. The PDF keeps each Word
    bookmark as a named destination (the filing packet finds a motion's parts by them); with
    ``pdfa`` it is PDF/A-2b.

    Returns:
        For each document, its PDF's bytes, or None when LibreOffice could not convert it.

    Raises:
        UserError: LibreOffice is not installed.
    """
    exe = require_soffice()
    options = {"ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"}}
    if pdfa:
        options["SelectPdfVersion"] = {"type": "long", "value": "2"}
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_MARK}convert-") as tmp:
        sources = []
        for n, (data, suffix) in enumerate(documents):
            source = Path(tmp) / f"doc{n}{suffix}"
            source.write_bytes(data)
            sources.append(source)
        out = Path(tmp) / "out"
        if sources:
            _run_all(
                [
                    _command(
                        exe,
                        Path(tmp) / "profile",
                        out,
                        sources,
                        "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":")),
                    )
                ],
                timeout=timeout,
            )
        made: list[bytes | None] = []
        for source in sources:
            pdf = out / (source.stem + ".pdf")
            made.append(pdf.read_bytes() if pdf.is_file() and pdf.stat().st_size else None)
        return made
