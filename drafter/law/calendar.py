"""Filing deadlines: calendar days from an order, rolled past weekends and federal holidays."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import ClassVar

from ..frozen import frozen

__all__ = ["Deadline", "deadline", "is_court_closed"]


@lru_cache(maxsize=64)
def _federal_holidays(year: int) -> frozenset[dt.date]:
    # The maintained `holidays` calendar, with days observed in lieu (July 3 for a Saturday 4th),
    # imported when a deadline first needs it: most commands never count one.
    import holidays

    return frozenset(holidays.country_holidays("US", years=year))


def is_court_closed(day: dt.date) -> bool:
    """A Saturday, Sunday or federal legal holiday (8 C.F.R. 1001.1(h))."""
    return day.weekday() >= 5 or day in _federal_holidays(day.year)


@frozen
class Deadline:
    """The last day of a filing period, both as counted and as rolled over.

    ``calendar`` is the day the count ends on; ``due`` is that day or, when it is a Saturday,
    Sunday or legal holiday, the next day that is none of these (8 C.F.R. 1001.1(h)). Advise
    filing by ``calendar``: whether courts apply the roll-over to the statutory motion windows
    is unverified.
    """

    start: dt.date
    days: int
    calendar: dt.date
    due: dt.date
    as_of: dt.date

    template_properties: ClassVar[tuple[str, ...]] = ("rolled", "open", "days_left")

    @property
    def rolled(self) -> bool:
        """Whether the count ended on a weekend or holiday and the period runs on."""
        return self.due != self.calendar

    @property
    def open(self) -> bool:
        """Whether a filing on ``as_of`` is within the period (rolled over)."""
        return self.as_of <= self.due

    @property
    def days_left(self) -> int:
        """Days from ``as_of`` to ``due`` (negative once it has passed)."""
        return (self.due - self.as_of).days


def deadline(start: dt.date, days: int, as_of: dt.date) -> Deadline:
    """The period of ``days`` calendar days after ``start``, as of ``as_of``."""
    calendar = start + dt.timedelta(days=days)
    due = calendar
    while is_court_closed(due):
        due += dt.timedelta(days=1)
    return Deadline(start, days, calendar, due, as_of)
