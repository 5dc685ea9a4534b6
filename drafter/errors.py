"""The exception hierarchy: every error drafter raises on purpose derives from DrafterError."""

from __future__ import annotations

from collections.abc import Sequence

from .frozen import frozen


class DrafterError(Exception):
    """Base class of every error drafter raises deliberately.

    Raised only through a subclass; catching it catches every expected failure (bad input, a
    broken template) while a genuine bug still surfaces as some other exception with its traceback.
    """


class UserError(DrafterError):
    """Raised when the user's input is wrong: the message says what, the hint says how to fix it.

    Args:
        message: one line naming the file, field, row or line and what is wrong.
        hint: optional advice on how to fix it.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


@frozen
class Problem:
    """One problem found in an input file: where it is and what is wrong."""

    location: str
    message: str
    line: int | None = None

    def format(self, source: str | None = None) -> str:
        """Return the problem as ``file:line: location: message``."""
        where = source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        parts = [p for p in (where, self.location) if p]
        return ": ".join([*parts, self.message])


class CaseValidationError(UserError):
    """Raised when a case file parses but breaks the case model; lists every problem at once."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{source}: {count} {noun} in the case file"]
        lines += ["  " + p.format(source) for p in self.problems]
        super().__init__("\n".join(lines), hint="Fix the fields named above and run again.")


class CaseFileError(UserError):
    """Raised when a case file cannot be read or parsed (missing, a directory, bad YAML or JSON)."""


class TemplateError(UserError):
    """Raised when a Word template or clause cannot be rendered.

    The causes: bad syntax, an unknown variable, or a forbidden operation stopped by the sandbox.
    """


class ClauseError(UserError):
    """Raised when a clause file or the clause library is malformed or ambiguous."""


class DocumentRequirementError(UserError):
    """Raised when a case lacks a field that the chosen document needs (e.g. the OPLA office)."""


class OutputExistsError(UserError):
    """Raised when an output file already exists and overwriting was not asked for."""
