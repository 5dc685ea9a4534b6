"""Neutral rich text: paragraphs of runs, the clause markup that produces them, and date wording."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence

from .frozen import frozen

__all__ = [
    "Paragraph",
    "Run",
    "did_you_mean",
    "format_date",
    "format_time",
    "join_words",
    "letter",
    "parse_markup",
]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_date(value: dt.date | str) -> str:
    """Write a date the way US filings do: ``March 12, 2009``."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def format_time(value: dt.time) -> str:
    """Write a time of day as ``9:00 AM`` (no trailing period to collide with a full stop)."""
    hour = value.hour % 12 or 12
    half = "AM" if value.hour < 12 else "PM"
    return f"{hour}:{value.minute:02d} {half}"


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    """Join ``['a', 'b', 'c']`` as ``a, b, and c`` (serial comma, as US filings write it)."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} {conjunction} {items[1]}"
    return f"{', '.join(items[:-1])}, {conjunction} {items[-1]}"


def letter(index: int) -> str:
    """Exhibit letters: 0 -> A, 25 -> Z, 26 -> AA, 27 -> BB (the court-filing convention)."""
    base = chr(ord("A") + index % 26)
    return base * (index // 26 + 1)


@frozen
class Run:
    """A stretch of text with one formatting."""

    text: str
    italic: bool = False
    bold: bool = False
    flag: bool = False
    """Highlighted: a placeholder the attorney must fill or check."""


@frozen
class Paragraph:
    """A paragraph: a style name the template knows (``body``, ``heading``, ...) and its runs."""

    style: str
    runs: tuple[Run, ...] = ()

    @property
    def plain(self) -> str:
        """The paragraph's text without formatting."""
        return "".join(r.text for r in self.runs)

    @classmethod
    def of(cls, style: str, text: str, **fmt: bool) -> Paragraph:
        """A paragraph with one run."""
        return cls(style, (Run(text, **fmt),))


_SPACES = re.compile(r"(?<=\S)[ ]{2,}(?=\S)")
_TOKEN = re.compile(r"(\*\*|\*|\[\[|\]\])")


def parse_markup(source: str, style: str = "body") -> list[Paragraph]:
    """Split rendered clause text into paragraphs of runs.

    The text is HTML-escaped (it comes out of the autoescaping sandbox). Blank lines separate
    paragraphs; single line breaks inside a paragraph become spaces. ``*italic*``, ``**bold**``
    and ``[[placeholder]]`` (highlighted for the attorney) are the only markup; anything inserted
    from case data had its ``*`` escaped, so a name can never switch formatting on.
    """
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", source.strip()):
        text = " ".join(line.strip() for line in chunk.splitlines() if line.strip())
        if "  " in text:  # an empty helper (no exhibit to cite) leaves no gap
            text = _SPACES.sub(" ", text)
        if not text:
            continue
        paragraphs.append(Paragraph(style, tuple(_runs(text))))
    return paragraphs


def _runs(text: str) -> Iterable[Run]:
    italic = bold = flag = False
    buffer: list[str] = []

    def flush() -> Iterable[Run]:
        if buffer:
            yield Run(html.unescape("".join(buffer)), italic=italic, bold=bold, flag=flag)
            buffer.clear()

    for token in _TOKEN.split(text):
        if token == "**":
            yield from flush()
            bold = not bold
        elif token == "*":
            yield from flush()
            italic = not italic
        elif token == "[[":
            yield from flush()
            flag = True
        elif token == "]]":
            yield from flush()
            flag = False
        elif token:
            buffer.append(token)
    yield from flush()


def did_you_mean(name: str, known: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` for the known name closest to ``name``, or nothing.

    difflib is imported only when a message needs a suggestion, not by every command.
    """
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
