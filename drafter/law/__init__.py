"""The law behind every document: a pure assessment of a case on a date.

``assess(case, as_of)`` returns an :class:`Assessment`, one field per legal conclusion, each a
:class:`Conclusion` with its value, a reason, its authorities and the facts it read. Everything
else (``suggest``, clause rules, clause text, the memo) reads it rather than reasoning again.
"""

from __future__ import annotations

from .adjustment import AdjustmentAssessment, WaiverAssessment
from .assessment import Assessment, assess
from .calendar import Deadline, deadline, is_court_closed
from .conclusion import Caution, Conclusion
from .fees import Fee, fee_for
from .recalendar import RecalendarAssessment
from .reopen import REOPEN_DAYS, RESCISSION_DAYS, ReopenAssessment
from .termination import TerminationAssessment

__all__ = [
    "REOPEN_DAYS",
    "RESCISSION_DAYS",
    "AdjustmentAssessment",
    "Assessment",
    "Caution",
    "Conclusion",
    "Deadline",
    "Fee",
    "RecalendarAssessment",
    "ReopenAssessment",
    "TerminationAssessment",
    "WaiverAssessment",
    "assess",
    "deadline",
    "fee_for",
    "is_court_closed",
]
