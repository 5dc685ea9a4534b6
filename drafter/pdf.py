"""PDF conversion through LibreOffice: few processes, and each PDF published whole or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import OutputExistsError, UserError
from .lifeline import die_with_parent
from .render import TEMP_MARK, publish

__all__ = ["PdfConverter", "convert_bytes", "convert_to_pdf", "require_soffice", "soffice"]


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


_MALLOC_TUNING = {"MALLOC_MMAP_THRESHOLD_": "268435456", "MALLOC_TRIM_THRESHOLD_": "268435456"}
"""glibc's allocator settings for LibreOffice: keep large blocks in the heap rather than mapping
and unmapping them. LibreOffice frees and allocates tens of megabytes over and over while it
starts; with glibc's defaults each round faults fresh pages in (about 290,000 page faults, half
of the 0.9 s a start costs here). With these it starts in about 0.6 s with 47,000 faults, for
about 45 MB more memory while it runs. Other C libraries ignore them."""


def _launch(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        env={**_MALLOC_TUNING, **os.environ},  # settings of the user's own win
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, killed whole on timeout
        preexec_fn=die_with_parent,  # only calls prctl, safe before exec
    )


def _run_all(commands: list[list[str]], *, deadline: float) -> bool:
    """Run LibreOffice commands side by side until each is done, restarted once if it asks.

    Returns:
        False if the deadline (a ``time.monotonic()`` time) came first: they were killed.
    """
    running = [(_launch(c), c, 0) for c in commands]
    finished = True
    while running:
        proc, command, restarts = running.pop(0)
        try:
            code = proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            finished = False
            continue
        if code == _RESTART and restarts < 2:
            running.append((_launch(command), command, restarts + 1))
    return finished


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
    require_soffice()
    with PdfConverter(processes, timeout=timeout, start_early=False) as converter:
        return converter.convert(docx_files, force=force)


class PdfConverter:
    """LibreOffice processes for a batch's PDFs, started before the documents exist.

    A LibreOffice process costs about 0.6 s of CPU to start, more than drafting 60 letters
    takes. With ``start_early``, each process starts at once, from a profile it has used
    before, and waits; :meth:`convert` then gives it its share of the files (LibreOffice hands
    a command for a profile to the process already running with it, which converts the files,
    answers and exits). Where no such profile is free (the first conversion on a machine, the
    cache turned off, other conversions running), :meth:`convert` starts LibreOffice itself.
    Each process has a profile of its own; :meth:`close` stops any process still running.
    """

    def __init__(self, processes: int = 1, *, timeout: float = 600, start_early: bool = True):
        self.processes = max(processes, 1)
        self.timeout = timeout
        self._stack = contextlib.ExitStack()
        self._profiles: list[Path | None] = []
        """Per process, a profile kept in the cache and held for this converter, or None."""
        self._waiting: dict[int, subprocess.Popen[bytes]] = {}
        """The processes started early, by the index of the profile they use."""
        exe = soffice()
        try:
            for i in range(self.processes):
                kept = self._stack.enter_context(_kept_profile())
                self._profiles.append(kept)
                if start_early and exe and kept is not None and _set_up(kept):
                    self._waiting[i] = _launch(_start_command(exe, kept))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> PdfConverter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def convert(
        self, docx_files: Sequence[Path], *, force: bool = False, durable: bool = True
    ) -> dict[Path, str | None]:
        """Convert Word files to PDFs beside them (see :func:`convert_to_pdf`).

        Each PDF is made in a private folder beside its document and then renamed into place,
        never copied; with ``durable`` it reaches the disk first (a batch passes False: it
        syncs once, before its manifest names the files).

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
                made = self._run(exe, files, Path(tmp))
                for f in files:
                    pdf = made.get(f)
                    if pdf is None:
                        outcome[f] = "LibreOffice did not convert it"
                        continue
                    try:
                        if durable:
                            _sync(pdf)
                        publish(pdf, f.with_suffix(".pdf"), replace=force)
                    except OutputExistsError as exc:
                        outcome[f] = str(exc)
                    else:
                        outcome[f] = None
        self._stop_waiting(grace=3.0)  # each one handed work exits once it is done
        return outcome

    def _run(self, exe: str, files: list[Path], tmp: Path) -> dict[Path, Path]:
        """Convert ``files`` into ``tmp``; the PDFs made, by .docx."""
        self._stop_waiting(grace=0, beyond=len(_shares(files, self.processes)))  # no files
        deadline = time.monotonic() + self.timeout
        return _convert(exe, files, tmp, "pdf", self._profiles, tmp, deadline=deadline)

    def _stop_waiting(self, *, grace: float, beyond: int = 0) -> None:
        """Stop the processes started early (from index ``beyond``), after ``grace`` seconds."""
        deadline = time.monotonic() + grace
        for i in [i for i in self._waiting if i >= beyond]:
            proc = self._waiting.pop(i)
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                _kill_group(proc)

    def close(self) -> None:
        """Stop any LibreOffice process still running, and give its profile back."""
        self._stop_waiting(grace=0)
        self._stack.close()


def _convert(
    exe: str,
    files: list[Path],
    outdir: Path,
    target: str,
    profiles: Sequence[Path | None],
    scratch: Path,
    *,
    deadline: float,
) -> dict[Path, Path]:
    """Convert ``files`` into ``outdir`` with a process per profile; the PDFs made, by file.

    A process with no kept profile gets a new one in ``scratch``. When files are missing after
    kept profiles were used, they are tried once more with new profiles: a kept profile may have
    been left broken (by a process killed while writing it), and then it is removed.
    """
    groups = _shares(files, len(profiles))
    commands = [
        _command(exe, profiles[i] or scratch / f"profile-{i}", outdir, group, target)
        for i, group in enumerate(groups)
    ]
    finished = _run_all(commands, deadline=deadline)
    made = {f: outdir / (f.stem + ".pdf") for f in files}
    missing = [f for f, pdf in made.items() if not _nonempty(pdf)]
    if missing and finished and any(profiles):
        retry = _shares(missing, len(profiles))
        commands = [
            _command(exe, scratch / f"new-{i}", outdir, g, target) for i, g in enumerate(retry)
        ]
        _run_all(commands, deadline=deadline)
        if any(_nonempty(made[f]) for f in missing):
            for kept in profiles:
                if kept is not None:
                    shutil.rmtree(kept, ignore_errors=True)
    return {f: pdf for f, pdf in made.items() if _nonempty(pdf)}


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _shares(files: list[Path], processes: int) -> list[list[Path]]:
    """``files`` dealt out to at most ``processes`` processes, as evenly as their sizes allow.

    LibreOffice's time for a document grows with its content, so the largest go first, each to
    the process with the fewest bytes so far: a share of long motions no longer keeps one
    process converting while the others have finished.
    """
    count = min(processes, len(files))
    shares: list[list[Path]] = [[] for _ in range(count)]
    loads = [0] * count
    for size, _, f in sorted(((_size(f), -i, f) for i, f in enumerate(files)), reverse=True):
        least = loads.index(min(loads))
        shares[least].append(f)
        loads[least] += size
    return shares


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _nonempty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _start_command(exe: str, profile: Path) -> list[str]:
    """LibreOffice started with no document: it waits for a command for its profile."""
    return [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]


_PROFILE_SLOTS = 16


def _set_up(profile: Path) -> bool:
    """Whether LibreOffice has set ``profile`` up (a new one makes it exit and ask to restart)."""
    return (profile / "user" / "registrymodifications.xcu").is_file()


@contextlib.contextmanager
def _kept_profile() -> Iterator[Path | None]:
    """A LibreOffice profile kept in drafter's cache, held for one process; None if none is free.

    A profile LibreOffice has set up before saves it a restart, and only with one can it start
    before it has documents to convert. The folder must be the user's own and private (as the
    compiled-template cache's); each profile is held with a lock while a process uses it.
    """
    where = _profiles_dir()
    if where is not None:
        import fcntl  # POSIX only, as is the folder

        for slot in range(_PROFILE_SLOTS):
            try:
                fd = os.open(
                    where / f"profile-{slot}.lock",
                    os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                    0o600,
                )
            except OSError:
                break
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            try:
                yield where / f"profile-{slot}"
            finally:
                os.close(fd)
            return
    yield None


def _profiles_dir() -> Path | None:
    if os.name != "posix":
        return None
    from .yamlcache import cache_dir

    base = cache_dir()
    if base is None:
        return None
    where = base / "libreoffice"
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = where.lstat()
    except OSError:
        return None
    private = stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid()
    return where if private and not found.st_mode & 0o077 else None


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
        target = "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":"))
        with _kept_profile() as kept:
            pdfs = _convert(
                exe, sources, out, target, [kept], Path(tmp), deadline=time.monotonic() + timeout
            )
        made: list[bytes | None] = []
        for source in sources:
            pdf = pdfs.get(source)
            made.append(pdf.read_bytes() if pdf is not None else None)
        return made
