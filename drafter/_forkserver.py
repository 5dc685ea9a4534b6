"""Preloaded only by the batch's forkserver: it dies with the batch that started it."""

from __future__ import annotations

import os

from .lifeline import die_with_parent

die_with_parent()
if os.getppid() == 1:  # the batch died before the line above took effect
    os._exit(1)
