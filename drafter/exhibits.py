"""Exhibit files: finding each one beside its case file, and counting its pages.

A case file's exhibit may name its ``file`` (relative to the case file's folder). The exhibit
index shows a Pages column only when every exhibit's page count is known, so a count given as
``pages`` wins, and otherwise a PDF's pages are counted here (a JPEG or PNG scan is one page).
A Word or ODT file's pages are known only once a word processor lays it out, so they stay
unknown. A missing, unreadable, encrypted or damaged file is an error naming the exhibit and
the file; nothing is drafted from a case whose evidence cannot be read.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError
from .inputs import read_bytes
from .model import Case, Exhibit

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = [
    "EXHIBIT_FILE_BYTES",
    "IMAGE_SIGNATURES",
    "count_pages",
    "exhibit_path",
    "open_pdf",
    "read_exhibit",
    "with_page_counts",
]

EXHIBIT_FILE_BYTES = 100 * 1024 * 1024
"""The largest exhibit file read (ECAS takes 25 MB a file; a scan may start larger)."""

IMAGE_SIGNATURES = {".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n"}
"""Each image type by the bytes its files start with."""


def exhibit_path(exhibit: Exhibit, base: Path) -> Path:
    """Where an exhibit's file is: under ``base``, the case file's folder.

    Raises:
        UserError: the file (through a link, perhaps) lies outside the case file's folder.
    """
    assert exhibit.file is not None
    path = base / exhibit.file.replace("\\", "/")
    try:
        path.resolve().relative_to(base.resolve())
    except ValueError:
        raise UserError(
            f"exhibits ({exhibit.id}): file {exhibit.file} leads outside the case file's folder",
            hint="Keep exhibit files in the case file's folder or below it.",
        ) from None
    return path


def read_exhibit(exhibit: Exhibit, path: Path) -> bytes:
    """An exhibit file's bytes, an image checked to be the type its name says.

    Raises:
        UserError: the file is missing, unreadable, too large or not the image it claims to be
            (the message names the exhibit and the file).
    """
    try:
        data = read_bytes(path, what="exhibit file", max_bytes=EXHIBIT_FILE_BYTES)
    except UserError as exc:
        # read_bytes names the path; say which exhibit it is.
        raise UserError(f"exhibits ({exhibit.id}): {exc.message}", hint=exc.hint) from None
    suffix = path.suffix.lower()
    if suffix in IMAGE_SIGNATURES and not data.startswith(IMAGE_SIGNATURES[suffix]):
        raise UserError(
            f"exhibits ({exhibit.id}): file {exhibit.file}: is not a {suffix[1:].upper()} image",
            hint="Check that the file is the scan you meant, with the right extension.",
        )
    return data


def count_pages(exhibit: Exhibit, path: Path) -> int | None:
    """The page count of an exhibit's file, or None when only a word processor could tell.

    Raises:
        UserError: the file is missing, too large, encrypted or not a readable PDF.
    """
    data = read_exhibit(exhibit, path)
    suffix = path.suffix.lower()
    if suffix in IMAGE_SIGNATURES:
        return 1
    if suffix != ".pdf":
        return None
    return len(open_pdf(exhibit, data).pages)


def open_pdf(exhibit: Exhibit, data: bytes) -> PdfReader:
    """An exhibit's PDF, read and checked.

    Raises:
        UserError: the PDF is encrypted or cannot be read (the message names the exhibit).
    """
    import logging

    from pypdf import PdfReader  # only when a PDF exhibit is read: it costs start-up time
    from pypdf.errors import PdfReadError

    where = f"exhibits ({exhibit.id}): file {exhibit.file}"
    # pypdf logs what it repairs in a damaged file; a file it cannot read raises below.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UserError(
                f"{where}: is encrypted (password-protected)",
                hint="Save an unprotected copy of the PDF and point file at it.",
            )
        if not reader.pages:
            raise UserError(f"{where}: has no pages", hint="Scan or save the exhibit again.")
        for page in reader.pages:  # every page must be readable, not just the count
            page.mediabox  # noqa: B018
        return reader
    except UserError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UserError(
            f"{where}: is not a readable PDF ({type(exc).__name__})",
            hint="Open it in a PDF reader and save it again, or scan it anew.",
        ) from None


def with_page_counts(case: Case, base: Path) -> Case:
    """The case with each exhibit's ``pages`` counted from its file where not given.

    Raises:
        UserError: an exhibit's file is missing or cannot be read (the message names both).
    """
    exhibits = []
    changed = False
    for exhibit in case.exhibits:
        if exhibit.file is None:
            exhibits.append(exhibit)
            continue
        pages = count_pages(exhibit, exhibit_path(exhibit, base))
        if exhibit.pages is None and pages is not None:
            exhibit = exhibit.model_copy(update={"pages": pages})
            changed = True
        exhibits.append(exhibit)
    return case.model_copy(update={"exhibits": exhibits}) if changed else case
