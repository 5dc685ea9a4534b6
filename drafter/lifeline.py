"""Child processes that die with the drafter process that started them, even after kill -9."""

from __future__ import annotations

import ctypes
import signal
import sys

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (elsewhere, do nothing).

    Called in LibreOffice children before exec, in the batch's forkserver as it starts, and in
    each batch worker, so that no process outlives a killed batch.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
