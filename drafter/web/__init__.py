"""``drafter serve``: a local web app for paralegals, over the same engine the command line uses.

Flask renders every page on the server (plain HTML forms that work without JavaScript); the
case store is SQLite (:mod:`drafter.web.store`). Every asset ships inside the package: clinics
run offline.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
