"""Rendering: Word documents to bytes through the compiled renderer, and atomic writes."""

from __future__ import annotations

import contextlib
import errno
import html
import os
import random
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from .compiled import DocProperties, compile_template, protect_braces
from .errors import OutputExistsError, UserError
from .frozen import frozen
from .sandbox import environment, evaluate, render_text
from .text import Paragraph

__all__ = [
    "publish",
    "Block",
    "DocProperties",
    "blocks",
    "prepare_out_dir",
    "environment",
    "evaluate",
    "render_docx",
    "render_text",
    "rich_text",
    "safe_filename",
    "TEMP_MARK",
    "write_atomic",
]


def render_docx(
    template: Path,
    context: Mapping[str, Any],
    *,
    properties: DocProperties,
    source_name: str | None = None,
) -> bytes:
    """Render a docxtpl Word template with the sandboxed environment and return the .docx bytes.

    The template is compiled once per file version (see :mod:`drafter.compiled`). The result is
    deterministic: zip entries carry a fixed timestamp and the document properties come from
    ``properties``.

    Raises:
        TemplateError: the template is not a Word document, has a syntax error, uses an unknown
            variable, or does something the sandbox forbids. The message names the template and,
            where it can, the paragraph.
    """
    compiled = compile_template(template, source_name=source_name)
    return compiled.render(dict(context), properties=properties)


_UNBREAKABLE = re.compile(r"(?<=[§¶]) ")
"""A section or paragraph sign never ends a line apart from its number: the space after it is
written as a non-breaking space."""


class RichText:
    """Formatted runs for a ``{{r ... }}`` tag: the Word XML docxtpl's ``RichText`` writes.

    drafter's own subset of it (italic, bold, a highlight), so that drafting a document does not
    import docxtpl and python-docx; a test holds the XML to docxtpl's, byte for byte. Templates
    print it and nothing more (it is not on the sandbox's allowlist).
    """

    __slots__ = ("xml",)

    def __init__(self) -> None:
        self.xml = ""

    def add(
        self, text: str, *, italic: bool = False, bold: bool = False, highlight: str | None = None
    ) -> None:
        """Append one run, as ``docxtpl.RichText.add`` writes it with the same options."""
        prop = f'<w:shd w:fill="{highlight}"/>' if highlight else ""
        if bold:
            prop += "<w:b/>"
        if italic:
            prop += "<w:i/>"
        self.xml += (
            ("<w:r><w:rPr>" + prop + "</w:rPr>" if prop else "<w:r>")
            + '<w:t xml:space="preserve">'
            + html.escape(text)
            + "</w:t></w:r>"
        )

    def __str__(self) -> str:
        return self.xml

    def __html__(self) -> str:
        return self.xml


def rich_text(paragraph: Paragraph) -> RichText:
    """Turn a neutral paragraph into Word runs (italic and bold kept)."""
    rt = RichText()
    for run in paragraph.runs:
        text = run.text
        if "§" in text or "¶" in text:
            text = _UNBREAKABLE.sub("\u00a0", text)
        rt.add(text, italic=run.italic, bold=run.bold, highlight="FFFF00" if run.flag else None)
    rt.xml = protect_braces(rt.xml)
    return rt


@frozen
class Block:
    """One paragraph as a Word template sees it: its style, its runs, and its number if any."""

    style: str
    text: RichText
    plain: str
    number: int | None = None


def blocks(paragraphs: Iterable[Paragraph], *, numbered: bool = False) -> list[Block]:
    """Prepare paragraphs for a template loop (``{%p for block in draft.body %}``).

    With ``numbered``, body paragraphs are numbered 1, 2, 3... as court motions are.
    """
    out = []
    count = 0
    for p in paragraphs:
        number = None
        if numbered and p.style == "body":
            count += 1
            number = count
        out.append(Block(p.style, rich_text(p), p.plain, number))
    return out


# --------------------------------------------------------------------------- files


TEMP_MARK = "drafter-tmp-"
"""Marks drafter's own temporary files (``.NAME.drafter-tmp-XXXX.part``): only these are ever
cleaned up after an interrupted run."""

_UNSAFE = re.compile(r"[^\w.\-]+")
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def safe_filename(parts: Sequence[str], suffix: str, *, max_bytes: int = 120) -> str:
    """Build a file name that is safe on any file system from free text.

    Accents are folded to ASCII where they decompose; path separators, control characters and
    punctuation become ``-``; the stem is cut to ``max_bytes`` of UTF-8; Windows device names are
    avoided.
    """
    cleaned = []
    for part in parts:
        folded = unicodedata.normalize("NFKD", part)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        folded = folded.replace("đ", "d").replace("Đ", "D")
        folded = _UNSAFE.sub("-", folded).strip("-._")
        if folded:
            cleaned.append(folded)
    stem = "_".join(cleaned) or "document"
    encoded = stem.encode("utf-8")[:max_bytes]
    stem = encoded.decode("utf-8", errors="ignore").rstrip("-._ ")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return f"{stem}{suffix}"


def prepare_out_dir(out_dir: Path, *, create: bool = False) -> Path:
    """Check an output directory (``--out``) before anything is drafted, creating it if asked.

    Raises:
        UserError: it is a file, a broken link, has an over-long name, cannot be created, or
            is not writable.
    """
    out_dir = Path(out_dir)
    shown = (
        str(out_dir) if len(str(out_dir)) <= 120 else f"{str(out_dir)[:58]}...{str(out_dir)[-58:]}"
    )
    try:
        exists = out_dir.exists()
        if not exists and out_dir.is_symlink():
            raise UserError(f"{out_dir}: --out is a broken symbolic link")
        if exists and not out_dir.is_dir():
            raise UserError(f"{out_dir}: --out must be a directory, but a file is there")
        if create and not exists:
            out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{shown}: cannot use it as --out: {exc.strerror or exc}") from None
    if out_dir.exists() and not os.access(out_dir, os.W_OK):
        raise UserError(f"{out_dir}: --out is not writable")
    return out_dir


def write_atomic(path: Path, data: bytes, *, force: bool = False, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` all at once: a reader sees the old file or the new, never half.

    With ``durable`` (the default) the data reaches the disk before the file is published; a
    batch passes False and syncs once before its manifest names the files. A batch writes one
    of these per row, so it makes few system calls: one look at ``path``, the temporary file
    created, written and closed, then published.

    Raises:
        OutputExistsError: ``path`` exists and ``force`` is false.
        UserError: the directory cannot be created or written.
    """
    path = Path(path)
    try:
        found: os.stat_result | None = path.stat()
    except OSError:
        found = None
    if found is not None and not force:
        raise OutputExistsError(
            f"{path}: already exists; not overwritten", hint="Pass --force to replace it."
        )
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise UserError(f"{path}: is a directory")
    fd, tmp = _temporary_beside(path, create_folder=True)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if durable:
            os.fsync(fd)
    except BaseException as exc:
        os.close(fd)
        _discard(tmp)
        if isinstance(exc, OSError):  # disk full, a quota: nothing is left half-written
            raise UserError(f"{path}: cannot write it: {exc.strerror or exc}") from None
        raise
    os.close(fd)
    publish(tmp, path, replace=force)
    return path


@contextlib.contextmanager
def atomic_writer(path: Path, *, replace: bool = True, durable: bool = True) -> Iterator[BinaryIO]:
    """Write a file piece by piece; it is published whole when the block ends.

    Used directly for files too large to build in memory first (a batch's manifest). On an error
    inside the block nothing is published and an old file stays as it was. Without ``replace``,
    a file that appeared meanwhile is not overwritten; without ``durable``, the data is not
    synced to disk first.

    Raises:
        OutputExistsError: without ``replace``, the file exists by the time it is published.
        UserError: the directory cannot be written, or the disk fills.
    """
    path = Path(path)
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
    except BaseException as exc:
        _discard(tmp)
        if isinstance(exc, OSError):  # disk full, a quota: nothing is left half-written
            raise UserError(f"{path}: cannot write it: {exc.strerror or exc}") from None
        raise
    publish(tmp, path, replace=replace)


def _temporary_beside(path: Path, *, create_folder: bool = False) -> tuple[int, Path]:
    """A new temporary file beside ``path``, open for writing: its descriptor and its path.

    Named ``.NAME.drafter-tmp-XXXX.part``, made with ``O_EXCL`` (never an existing file, never
    through a link) and the mode any new file gets (0666 less the umask). With
    ``create_folder``, a missing folder is made first.

    Raises:
        UserError: the folder cannot be made or written.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        for attempt in range(100):
            # The global random generator is reseeded in a forked child: workers differ.
            tmp = path.parent / f".{path.name}.{TEMP_MARK}{random.getrandbits(40):010x}.part"
            try:
                return os.open(tmp, flags, 0o666), tmp
            except FileExistsError:
                continue
            except FileNotFoundError:
                if not create_folder or attempt:
                    raise
                path.parent.mkdir(parents=True, exist_ok=True)
        raise FileExistsError(errno.EEXIST, "no free name for a temporary file")
    except OSError as exc:
        raise UserError(f"{path.parent}: cannot write there: {exc.strerror or exc}") from None


def _discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


def publish(tmp: Path, path: Path, *, replace: bool) -> None:
    """Give a finished temporary file its name (removed instead if that fails).

    Raises:
        OutputExistsError: without ``replace``, ``path`` exists.
        UserError: the name cannot be given (a folder has it, the disk refuses).
    """
    try:
        if replace:
            os.replace(tmp, path)
        else:
            _publish_no_clobber(tmp, path)
    except BaseException as exc:
        _discard(tmp)
        if isinstance(exc, OSError):
            raise UserError(f"{path}: cannot write it: {exc.strerror or exc}") from None
        raise


def _publish_no_clobber(tmp: Path, path: Path) -> None:
    """Move tmp to path unless path appeared meanwhile (a hard link fails if it exists)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputExistsError(
            f"{path}: already exists; not overwritten", hint="Pass --force to replace it."
        ) from None
    except OSError:
        # File systems without hard links: fall back to check-then-replace.
        if path.exists():
            raise OutputExistsError(f"{path}: already exists; not overwritten") from None
        os.replace(tmp, path)
        return
    tmp.unlink()
