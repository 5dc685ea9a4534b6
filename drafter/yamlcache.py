"""Parsed YAML of the clause library and registry, kept between runs so start-up skips parsing.

Pure-Python YAML costs about a millisecond per clause file, most of a cold start. The cache maps
the SHA-256 of a file's YAML text to the plain data it parses to, stored as JSON (never pickle:
nothing in it can run) in ``$DRAFTER_CACHE_DIR`` or ``$XDG_CACHE_HOME/drafter`` (default
``~/.cache/drafter``); ``DRAFTER_CACHE_DIR=`` (empty) turns it off. Everything read from it is
validated exactly as freshly parsed data is, a damaged or oversized cache is ignored, and a
cache that cannot be written is simply not written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .errors import DrafterError
from .inputs import input_limits

__all__ = ["cache_dir", "load_safe_yaml", "save"]

_FILE = "yaml-v1.json"
_MAX_ENTRIES = 4096
_MAX_BYTES = 16 * 1024 * 1024
_entries: dict[str, Any] | None = None
_dirty = False


class _UncacheableError(Exception):
    """Data JSON cannot hold faithfully (a non-string key, an unusual type)."""


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    chosen = os.environ.get("DRAFTER_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "drafter"


def load_safe_yaml(text: str) -> Any:
    """``YAML(typ="safe").load(text)``, from the cache when this exact text was parsed before.

    Raises:
        ruamel.yaml.YAMLError: as the parser does (errors are never cached).
    """
    global _dirty
    entries = _load()
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if key in entries:
        return _decode(entries[key])
    data = YAML(typ="safe").load(text)
    try:
        # Counted as it is written out: YAML aliases share one object, JSON would repeat it.
        entries[key] = _encode(data, [input_limits().nodes])
    except _UncacheableError:
        return data
    _dirty = True
    return data


def save() -> None:
    """Write what was parsed since the cache was read (best effort: never an error)."""
    global _dirty
    where = cache_dir()
    if not _dirty or where is None or _entries is None:
        return
    _dirty = False
    entries = _entries if len(_entries) <= _MAX_ENTRIES else {}
    try:
        where.mkdir(parents=True, exist_ok=True)
        from .render import write_atomic  # only when there is something to write

        write_atomic(where / _FILE, json.dumps(entries).encode("utf-8"), force=True, durable=False)
    except (OSError, DrafterError):  # a cache that cannot be written is not an error
        return


def _load() -> dict[str, Any]:
    global _entries
    if _entries is None:
        _entries = {}
        where = cache_dir()
        path = where / _FILE if where else None
        try:
            if path is not None and path.is_file() and path.stat().st_size <= _MAX_BYTES:
                found = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(found, dict):
                    _entries = found
        except (OSError, ValueError, RecursionError):
            _entries = {}
    return _entries


def _encode(value: Any, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _UncacheableError
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        return [_encode(v, budget) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or set(value) & {"$date", "$datetime"}:
            raise _UncacheableError
        return {k: _encode(v, budget) for k, v in value.items()}
    raise _UncacheableError


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1 and "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if len(value) == 1 and "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        return {k: _decode(v) for k, v in value.items()}
    return value
