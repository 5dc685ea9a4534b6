"""Reading the files users give drafter: regular files only, bounded in size and shape.

Case files, defaults, clause files, registries, Word templates and spreadsheets all come in
through here. A FIFO, device or directory is refused before it is opened for reading (a FIFO
would block forever), every file is read under a size limit, parsed data is bounded in nesting,
node count (YAML aliases cannot multiply it) and integer size, and a zip package (.docx, .xlsx)
is checked member by member before anything is decompressed.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import UserError
from .frozen import frozen

__all__ = [
    "InputLimits",
    "check_data",
    "check_file",
    "check_zip",
    "excerpt",
    "input_limits",
    "read_bytes",
    "read_text",
    "set_input_limits",
]

_MB = 1024 * 1024


@frozen
class InputLimits:
    """How much drafter reads from one input file."""

    data_bytes: int = 4 * _MB
    """A YAML or JSON file (case, defaults, registry) or a clause file."""
    package_bytes: int = 25 * _MB
    """A .docx template or .xlsx sheet, as stored."""
    sheet_bytes: int = 50 * _MB
    """A CSV sheet."""
    member_bytes: int = 64 * _MB
    """One member of a .docx or .xlsx once decompressed."""
    package_total_bytes: int = 256 * _MB
    """All members of a .docx or .xlsx together, decompressed."""
    depth: int = 32
    """Nesting of mappings and lists in case data."""
    nodes: int = 200_000
    """Values in one file's data, with YAML aliases counted each time they are used."""
    int_digits: int = 15
    """Digits in an integer in case data."""


_limits = InputLimits()


def input_limits() -> InputLimits:
    """The limits in force."""
    return _limits


def set_input_limits(*, max_mb: float | None = None) -> None:
    """Raise (or lower) the size limits for data files (and sheets and packages, if larger).

    With no ``max_mb``, the defaults come back.
    """
    global _limits
    _limits = InputLimits()
    if max_mb is not None:
        size = int(max_mb * _MB)
        _limits = InputLimits(
            data_bytes=size,
            package_bytes=max(size, InputLimits.package_bytes),
            sheet_bytes=max(size, InputLimits.sheet_bytes),
        )


def excerpt(value: Any, limit: int = 40) -> str:
    """A short quotation of user input for an error message (never a whole line of it)."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if c.isprintable() else "?" for c in text)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text) if isinstance(value, str) else text


def _size_words(n: int) -> str:
    return f"{n / _MB:g} MB" if n >= _MB else f"{n:,} bytes"


def check_file(path: Path, *, what: str, max_bytes: int | None = None) -> None:
    """Check, without opening it, that a path is a regular file under the size limit.

    For files that are then streamed rather than read whole (CSV sheets).

    Raises:
        UserError: the file is missing, not a regular file, or too large.
    """
    limit = max_bytes if max_bytes is not None else _limits.data_bytes
    try:
        info = Path(path).stat()
    except FileNotFoundError:
        raise UserError(f"{path}: no such {what}") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UserError(f"{path}: is a directory, expected a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"{path}: is not a regular file (a pipe or device?), expected a {what}")
    if info.st_size > limit:
        raise UserError(
            f"{path}: {_size_words(info.st_size)} is larger than the {_size_words(limit)} "
            f"a {what} may be",
            hint="Check that this is the right file; --max-input-mb raises the limit.",
        )


def read_bytes(path: Path, *, what: str, max_bytes: int | None = None) -> bytes:
    """Read a regular file whole, refusing anything else and anything too large.

    Args:
        path: the file.
        what: what the file is, for messages (``case file``, ``Word template``).
        max_bytes: the size limit (default: the data-file limit).

    Raises:
        UserError: the file is missing, not a regular file, too large or unreadable.
    """
    limit = max_bytes if max_bytes is not None else _limits.data_bytes
    check_file(path, what=what, max_bytes=limit)
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO since the check, do not wait on it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UserError(f"{path}: cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise UserError(f"{path}: is not a regular file, expected a {what}")
        # Ask for the size the file has (asking for the whole limit makes Python allocate it
        # first: a 50 MB buffer mapped and unmapped for every small clause file).
        want = min(found.st_size, limit) + 1
        data = fh.read(want)
        if len(data) == want and want <= limit:  # it grew since: read on, to the limit
            data += fh.read(limit + 1 - want)
    if len(data) > limit:
        raise UserError(
            f"{path}: larger than the {_size_words(limit)} a {what} may be",
            hint="--max-input-mb raises the limit.",
        )
    return data


def read_text(path: Path, *, what: str, max_bytes: int | None = None) -> str:
    """Read a regular file as UTF-8 text (a byte-order mark is dropped).

    Raises:
        UserError: as :func:`read_bytes`, or the file is not UTF-8 text.
    """
    data = read_bytes(path, what=what, max_bytes=max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path}: not UTF-8 text (byte {exc.start}); is this really a {what}?"
        ) from None


def check_data(data: Any, *, source: str) -> Any:
    """Check parsed data's shape: nesting depth, number of values, integer size.

    The walk stops at the first value over a limit, so a YAML alias bomb (a few lines that
    expand to billions of values) costs no more than the limit to detect.

    Raises:
        UserError: naming the source and what is too big.
    """
    limits = _limits
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > limits.nodes:
            raise UserError(
                f"{source}: holds more than {limits.nodes:,} values (YAML aliases count each "
                "time they are used); this is not a case file drafter can read"
            )
        if depth > limits.depth:
            raise UserError(f"{source}: nested more than {limits.depth} levels deep")
        kind = type(value)
        if kind is str:  # most values; the checks below are for containers and numbers
            continue
        if kind is dict or (kind is not list and isinstance(value, Mapping)):
            stack.extend((v, depth + 1) for v in value.values())
        elif kind is list or isinstance(value, (list, tuple)):
            stack.extend((v, depth + 1) for v in value)
        elif _is_int(value) and abs(value) >= 10**limits.int_digits:
            raise UserError(
                f"{source}: the number {excerpt(str(value), 20)} is too large "
                f"(more than {limits.int_digits} digits)"
            )
    return data


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_zip(data: bytes, *, source: str, what: str, not_zip: str | None = None) -> None:
    """Check a zip package's members before any is decompressed (no zip bombs, no DTDs).

    Args:
        data: the package's bytes.
        source: how to name it in messages.
        what: what it should be (``Word template``).
        not_zip: the message when it is no zip at all (default ``not a readable <what>``).

    Raises:
        UserError: not a zip package, a member too large once decompressed, or XML carrying a
            document type declaration (which Word never writes and entity attacks need).
    """
    limits = _limits
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > limits.member_bytes:
                    raise UserError(
                        f"{source}: its part {excerpt(info.filename)} would decompress to "
                        f"{_size_words(info.file_size)}, more than a {what} can hold"
                    )
            if total > limits.package_total_bytes:
                raise UserError(
                    f"{source}: would decompress to {_size_words(total)}, more than a {what} "
                    "can hold"
                )
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and _declares_dtd(z, info):
                    raise UserError(
                        f"{source}: its part {excerpt(info.filename)} declares a document "
                        f"type (<!DOCTYPE>), which a genuine {what} never does"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        said = not_zip or f"not a readable {what}"
        raise UserError(f"{source}: {said} (not a valid zip package: {exc})") from None


def _declares_dtd(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether an XML member holds a DOCTYPE or ENTITY declaration anywhere (streamed)."""
    tail = b""
    with z.open(info) as member:
        while chunk := member.read(1 << 16):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = window[-16:]
    return False
