"""Deadlines and bars computed from the case dates (pure functions, no I/O)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from .model import Case

__all__ = ["REOPEN_DAYS", "REOPEN_IN_ABSENTIA_DAYS", "ReopenWindow", "reopen_window"]

REOPEN_DAYS = 90
"""INA 240(c)(7), 8 C.F.R. 1003.23(b)(1): a motion to reopen within 90 days of the final order."""
REOPEN_IN_ABSENTIA_DAYS = 180
"""8 C.F.R. 1003.23(b)(4)(ii): 180 days for an in absentia order, on exceptional circumstances."""


@dataclass(frozen=True)
class ReopenWindow:
    """Where a case stands against the time and number limits on motions to reopen."""

    template_properties: ClassVar[tuple[str, ...]] = (
        *("days_elapsed", "days_left", "timely", "timely_in_absentia", "number_barred", "barred"),
    )

    order_date: dt.date
    as_of: dt.date
    deadline: dt.date
    """The last day of the 90-day window (calendar days after the order)."""
    in_absentia: bool
    absentia_deadline: dt.date | None
    """For an in absentia order: the last day of the 180-day window (exceptional circumstances)."""
    motions_filed: int
    """Motions to reopen the respondent has already filed (joint and DHS motions do not count)."""

    @property
    def days_elapsed(self) -> int:
        """Days from the final order to ``as_of``."""
        return (self.as_of - self.order_date).days

    @property
    def days_left(self) -> int:
        """Days left in the 90-day window (negative once it has closed)."""
        return (self.deadline - self.as_of).days

    @property
    def timely(self) -> bool:
        """Whether a motion filed on ``as_of`` falls within the 90-day window."""
        return self.as_of <= self.deadline

    @property
    def timely_in_absentia(self) -> bool:
        """Whether a motion on ``as_of`` falls within the 180-day in absentia window."""
        return self.absentia_deadline is not None and self.as_of <= self.absentia_deadline

    @property
    def number_barred(self) -> bool:
        """Whether the one-motion limit is used up."""
        return self.motions_filed >= 1

    @property
    def barred(self) -> bool:
        """Whether a motion filed alone (not jointly) meets a time or number bar."""
        in_time = self.timely or self.timely_in_absentia
        return self.number_barred or not in_time


def reopen_window(case: Case, as_of: dt.date | None = None) -> ReopenWindow | None:
    """The motion-to-reopen window for a case with a final order (None without one).

    Args:
        case: the case.
        as_of: the day the motion would be filed; defaults to the case's filing date.
    """
    order = case.proceedings.final_order
    if order is None:
        return None
    on = as_of or case.filing.date
    filed = [m for m in case.proceedings.motions_to_reopen if m.filed_by == "respondent"]
    return ReopenWindow(
        order_date=order.date,
        as_of=on,
        deadline=order.date + dt.timedelta(days=REOPEN_DAYS),
        in_absentia=order.in_absentia,
        absentia_deadline=order.date + dt.timedelta(days=REOPEN_IN_ABSENTIA_DAYS)
        if order.in_absentia
        else None,
        motions_filed=len(filed),
    )
