"""The case store behind ``drafter serve``: cases and every saved version of each, in SQLite.

Nothing is ever lost: every save is a new version (who, when, what changed) and deleting a
case archives it. A save names the version it was edited from; if another save came first it is
refused (optimistic locking), never silently overwritten. Each save is one transaction, and the
database runs in WAL mode, so a crash loses nothing and the file can be copied for backup while
the app runs. The schema is migrated on open.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CaseRow", "ConflictError", "Store", "Version", "plain"]

_MIGRATIONS = (
    """
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        a_number TEXT NOT NULL DEFAULT '',
        deadline TEXT
    );
    CREATE TABLE versions (
        case_id INTEGER NOT NULL REFERENCES cases(id),
        number INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        saved_by TEXT NOT NULL,
        summary TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (case_id, number)
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
)


class ConflictError(Exception):
    """The case was saved by someone else since this edit began."""

    def __init__(self, current: Version) -> None:
        super().__init__(f"version {current.number} was saved since")
        self.current = current


@dataclass(frozen=True)
class Version:
    """One saved state of a case."""

    case_id: int
    number: int
    saved_at: str
    saved_by: str
    summary: str
    data: dict[str, Any]


@dataclass(frozen=True)
class CaseRow:
    """A case as the list shows it."""

    id: int
    version: int
    name: str
    a_number: str
    deadline: str | None
    archived: bool
    created: str


def plain(value: Any) -> Any:
    """Case data as JSON holds it: dates and times as ISO strings, mappings as dicts."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def changes(before: Any, after: Any, path: str = "") -> list[str]:
    """The field paths that differ between two versions' data."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            found += changes(before.get(key), after.get(key), f"{path}.{key}" if path else key)
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for n, (b, a) in enumerate(zip(before, after, strict=True)):
            found += changes(b, a, f"{path}.{n}")
        return found
    return [] if before == after else [path or "(whole case)"]


class Store:
    """The SQLite case store (one connection a thread)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        db = self._db()
        db.execute("PRAGMA journal_mode=WAL")
        current = db.execute("PRAGMA user_version").fetchone()[0]
        if current > len(_MIGRATIONS):
            raise RuntimeError(f"{self.path}: made by a newer drafter (schema {current})")
        for number, script in enumerate(_MIGRATIONS[current:], start=current + 1):
            # one transaction a step: a crash mid-migration leaves the last good schema
            db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version={number}; COMMIT;")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable at each checkpoint
            self._local.db = db
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        if db.in_transaction:
            yield db
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        """A stored setting (the password's hash, the session key), or None."""
        row = self._db().execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )

    # -- cases ------------------------------------------------------------------------------

    def create(self, data: dict[str, Any], *, by: str, summary: str, **listing: Any) -> int:
        """A new case with its first version; returns its id."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO cases(created, version, name, a_number, deadline) VALUES(?, 1, ?, ?, ?)",
                (_now(), *_listing(listing)),
            )
            case_id = int(cur.lastrowid or 0)
            self._add_version(db, case_id, 1, data, by, summary)
        return case_id

    def save(
        self, case_id: int, data: dict[str, Any], *, base: int, by: str, **listing: Any
    ) -> Version:
        """Save a new version edited from version ``base``.

        Raises:
            ConflictError: another version was saved after ``base`` (nothing is saved).
            KeyError: no such case.
        """
        with self._tx() as db:
            current = self.latest(case_id)
            if current.number != base:
                raise ConflictError(current)
            changed = changes(current.data, data)
            if not changed:
                return current
            summary = "changed " + ", ".join(changed[:8]) + (" ..." if len(changed) > 8 else "")
            number = current.number + 1
            self._add_version(db, case_id, number, data, by, summary)
            db.execute(
                "UPDATE cases SET version=?, name=?, a_number=?, deadline=? WHERE id=?",
                (number, *_listing(listing), case_id),
            )
        return self.latest(case_id)

    def _add_version(
        self,
        db: sqlite3.Connection,
        case_id: int,
        number: int,
        data: dict[str, Any],
        by: str,
        summary: str,
    ) -> None:
        db.execute(
            "INSERT INTO versions(case_id, number, saved_at, saved_by, summary, data) "
            "VALUES(?, ?, ?, ?, ?, ?)",
            (case_id, number, _now(), by, summary, json.dumps(plain(data))),
        )

    def set_archived(self, case_id: int, archived: bool) -> None:
        """Archive a case (or bring it back); nothing is deleted."""
        with self._tx() as db:
            if (
                db.execute(
                    "UPDATE cases SET archived=? WHERE id=?", (int(archived), case_id)
                ).rowcount
                != 1
            ):
                raise KeyError(case_id)

    def case(self, case_id: int) -> CaseRow:
        """A case's listing.

        Raises:
            KeyError: no such case.
        """
        row = self._db().execute("SELECT * FROM cases WHERE id=?", (case_id,)).fetchone()
        if row is None:
            raise KeyError(case_id)
        return _row(row)

    def cases(self, *, search: str = "", archived: bool = False) -> list[CaseRow]:
        """Cases by deadline, soonest first (cases without one last), matching ``search``."""
        like = f"%{search.strip().lower()}%"
        digits = "".join(c for c in search if c.isdigit())
        rows = self._db().execute(
            "SELECT * FROM cases WHERE archived=? AND (lower(name) LIKE ? OR a_number LIKE ? "
            "OR (? != '' AND replace(a_number, '-', '') LIKE ?)) "
            "ORDER BY deadline IS NULL, deadline, lower(name)",
            (int(archived), like, like, digits, f"%{digits}%"),
        )
        return [_row(r) for r in rows]

    def latest(self, case_id: int) -> Version:
        """The case's current version.

        Raises:
            KeyError: no such case.
        """
        row = (
            self._db()
            .execute(
                "SELECT v.* FROM versions v JOIN cases c ON c.id=v.case_id AND v.number=c.version "
                "WHERE c.id=?",
                (case_id,),
            )
            .fetchone()
        )
        if row is None:
            raise KeyError(case_id)
        return _version(row)

    def version(self, case_id: int, number: int) -> Version:
        """One saved version.

        Raises:
            KeyError: no such version.
        """
        row = (
            self._db()
            .execute("SELECT * FROM versions WHERE case_id=? AND number=?", (case_id, number))
            .fetchone()
        )
        if row is None:
            raise KeyError((case_id, number))
        return _version(row)

    def versions(self, case_id: int) -> list[Version]:
        """Every saved version, newest first."""
        rows = self._db().execute(
            "SELECT * FROM versions WHERE case_id=? ORDER BY number DESC", (case_id,)
        )
        return [_version(r) for r in rows]


def _listing(listing: dict[str, Any]) -> tuple[str, str, str | None]:
    return (listing.get("name") or "", listing.get("a_number") or "", listing.get("deadline"))


def _row(row: sqlite3.Row) -> CaseRow:
    return CaseRow(
        id=row["id"],
        version=row["version"],
        name=row["name"],
        a_number=row["a_number"],
        deadline=row["deadline"],
        archived=bool(row["archived"]),
        created=row["created"],
    )


def _version(row: sqlite3.Row) -> Version:
    return Version(
        case_id=row["case_id"],
        number=row["number"],
        saved_at=row["saved_at"],
        saved_by=row["saved_by"],
        summary=row["summary"],
        data=json.loads(row["data"]),
    )
