"""EOIR filing fees as dated data: the amount in force on a date, with its status and source.

The schedule lives in ``fees.yaml`` beside this module, one row per amount and effective date, so
that a fee change is a new row and never an edit to clause text. Reading it is the only I/O in
:mod:`drafter.law`, done once per process.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter
from ruamel.yaml import YAML

from ..frozen import frozen

__all__ = ["Fee", "fee_for", "schedule"]

FeeStatus = Literal["in_force", "superseded", "unverified"]


class _Row(BaseModel):
    # Built when the schedule is first read, not by every command that imports the law.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    motion: Literal["reopen"]
    forum: Literal["immigration_court", "board"]
    amount: int
    effective: dt.date | None
    status: FeeStatus
    authority: str
    note: str


@frozen
class Fee:
    """One filing fee: how much, since when, how sure, and from where."""

    motion: str
    forum: str
    amount: int
    """US dollars."""
    effective: dt.date | None
    """First day it applies (None: an older rule whose start is not recorded)."""
    status: FeeStatus
    authority: str
    note: str

    def __str__(self) -> str:
        since = f" since {self.effective.isoformat()}" if self.effective else ""
        flag = " (VERIFY: amount unverified)" if self.status == "unverified" else ""
        return f"${self.amount:,}{since}{flag}"


@functools.cache
def schedule() -> tuple[Fee, ...]:
    """Every row of the fee schedule, oldest first within each motion and forum."""
    text = resources.files(__package__).joinpath("fees.yaml").read_text(encoding="utf-8")
    rows = TypeAdapter(list[_Row]).validate_python(YAML(typ="safe").load(text))
    fees = [Fee(**row.model_dump()) for row in rows]
    return tuple(sorted(fees, key=lambda f: (f.motion, f.forum, f.effective or dt.date.min)))


def fee_for(motion: str, forum: str, on: dt.date) -> Fee | None:
    """The fee in force for ``motion`` before ``forum`` on ``on`` (None if the schedule has none)."""
    found = None
    for fee in schedule():
        if fee.motion == motion and fee.forum == forum and (fee.effective or dt.date.min) <= on:
            found = fee
    return found
