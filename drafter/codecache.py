"""Compiled templates kept between runs, so a cold command skips Jinja's compiler.

Compiling the Word template and the clause bodies is most of a first draft's time (about 50 ms).
This cache keeps the Python code Jinja generates for drafter's own sandbox, keyed by the SHA-256
of the template source, in the same folder as the YAML cache (:func:`drafter.yamlcache.cache_dir`).

Unlike the YAML cache this one holds code, so it is trusted the way Python trusts its own
``__pycache__`` and Jinja its ``FileSystemBytecodeCache``, with the same checks Jinja makes:

- it is used only on POSIX, only when the folder and the file belong to the user running drafter
  and neither is writable by anyone else (a shared or planted cache is ignored, never read);
- it holds only code drafter's sandbox generated: the key names Jinja's version, Python's bytecode
  version and a hash of :mod:`drafter.sandbox` itself (whose code generation routes every loop,
  attribute, call and operator through the sandbox), so a change to any of them starts afresh;
- the sandbox's checks run when the code runs, exactly as for freshly compiled code; a template
  rendered with another environment (``compile_template(..., jinja_env=...)``) never uses it;
- it is bounded (entries and bytes), written whole or not at all when the process ends, and a
  damaged file is ignored.

``DRAFTER_CACHE_DIR=`` (empty) turns it off, with the YAML cache.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import marshal
import os
import stat
import sys
from functools import lru_cache
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING

import jinja2

from .errors import DrafterError
from .yamlcache import cache_dir

if TYPE_CHECKING:
    from .sandbox import DrafterSandbox

__all__ = ["compile_source", "lookup", "save", "store"]

_MAX_ENTRIES = 2048
_MAX_BYTES = 32 * 1024 * 1024
_entries: dict[str, bytes] | None = None
_added: dict[str, bytes] = {}
_registered = False


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    from . import sandbox

    digest = hashlib.sha256()
    for part in (jinja2.__version__, sys.version, str(marshal.version)):
        digest.update(part.encode() + b"\0")
    digest.update(importlib.util.MAGIC_NUMBER)
    digest.update(Path(sandbox.__file__).read_bytes())
    return digest.hexdigest()[:24]


def _private(st: os.stat_result, *, directory: bool) -> bool:
    kind = stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)
    return kind and st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _path() -> Path | None:
    where = cache_dir()
    if where is None or os.name != "posix":
        return None
    return where / f"jinja-{_fingerprint()}.marshal"


def _load() -> dict[str, bytes]:
    global _entries
    if _entries is not None:
        return _entries
    _entries = {}
    path = _path()
    if path is None:
        return _entries
    try:
        if not _private(path.parent.stat(), directory=True):
            return _entries
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return _entries
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not _private(st, directory=False) or st.st_size > _MAX_BYTES:
            return _entries
        try:
            found = marshal.loads(fh.read())
        except (EOFError, ValueError, TypeError):
            return _entries
    if isinstance(found, dict) and all(
        isinstance(k, str) and isinstance(v, bytes) for k, v in found.items()
    ):
        _entries = found
    return _entries


def lookup(key: str) -> bytes | None:
    """What :func:`store` kept under ``key`` (in this process or an earlier one), if anything."""
    if _path() is None:
        return None
    return _added.get(key) or _load().get(key)


def store(key: str, blob: bytes) -> None:
    """Keep ``blob`` under ``key``; written when the process ends (see :func:`save`)."""
    global _registered
    if _path() is None:
        return
    _added[key] = blob
    if not _registered:
        _registered = True
        atexit.register(save)


def compile_source(env: DrafterSandbox, source: str) -> jinja2.Template:
    """``env.from_string(source)``, with the generated code from the cache when it is there.

    Raises:
        jinja2.TemplateSyntaxError: as ``from_string`` does (a failure is never cached).
    """
    key = "jinja:" + hashlib.sha256(source.encode("utf-8")).hexdigest()
    blob = lookup(key)
    code: CodeType | None = None
    if blob is not None:
        try:
            loaded = marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            loaded = None
        code = loaded if isinstance(loaded, CodeType) else None
    if code is None:
        code = env.compile(source)
        store(key, marshal.dumps(code))
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def save() -> None:
    """Write what was compiled since the cache was read (best effort: never an error)."""
    path = _path()
    if not _added or path is None:
        return
    entries = {**_load(), **_added}
    _added.clear()
    if len(entries) > _MAX_ENTRIES:
        entries = dict(list(entries.items())[-_MAX_ENTRIES:])
    data = marshal.dumps(entries)
    if len(data) > _MAX_BYTES:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = path.parent.stat()
        if st.st_uid == os.getuid() and st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            path.parent.chmod(stat.S_IMODE(st.st_mode) & ~(stat.S_IWGRP | stat.S_IWOTH))
        if not _private(path.parent.stat(), directory=True):
            return
        from .render import write_atomic

        write_atomic(path, data, force=True, durable=False)
        path.chmod(0o600)
        for old in path.parent.glob("jinja-*.marshal"):  # left by other versions
            if old.name != path.name:
                old.unlink(missing_ok=True)
    except (OSError, DrafterError):
        return
