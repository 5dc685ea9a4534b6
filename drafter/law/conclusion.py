"""A legal conclusion: its value, why, on what authority, and from which facts."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from ..frozen import frozen

__all__ = ["Caution", "Conclusion"]

T = TypeVar("T")


@frozen
class Conclusion(Generic[T]):
    """One legal conclusion about a case.

    Templates and ``when`` rules see it as its value (``law.reopen.ground == "timely"``,
    ``{% if law.reopen.automatic_stay %}``) and can read ``.reason``, ``.authorities`` and
    ``.facts`` from it.
    """

    value: T
    reason: str
    """One line a paralegal understands."""
    authorities: tuple[str, ...] = ()
    """Registry ids of the authorities behind it."""
    facts: tuple[str, ...] = ()
    """The case fields it read."""

    template_value: ClassVar[bool] = True
    """Templates see this as its ``value`` (see :class:`drafter.record.ValueRecord`)."""


@frozen
class Caution:
    """Something the attorney must do or check before filing: it goes to the memo's checklist.

    Never printed on a filed page.
    """

    text: str
    documents: tuple[str, ...]
    """The document kinds it concerns (all of them when empty)."""
    authorities: tuple[str, ...] = ()

    def concerns(self, document: str) -> bool:
        """Whether the caution belongs on this document's checklist."""
        return not self.documents or document in self.documents
