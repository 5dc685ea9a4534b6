"""Clause files: Markdown with YAML front matter, loaded into a validated ClauseLibrary."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .authorities import Registry
from .errors import ClauseError, UserError
from .frozen import frozen
from .inputs import check_data, excerpt, read_text
from .model import ExhibitKind
from .yamlcache import load_safe_yaml, save

__all__ = [
    "Clause",
    "ClauseLibrary",
    "ClauseMeta",
    "clause_files",
    "parse_clause",
    "read_clause_dir",
]

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.DOTALL | re.MULTILINE)


class ClauseMeta(BaseModel):
    """A clause's front matter: what it is, where it goes and when it applies."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$", description="Stable dotted id")
    title: str = ""
    documents: list[str] = Field(default_factory=list)
    section: str = ""
    order: int = 100
    when: str = Field(default="true", description="A Jinja expression over the case")
    group: str | None = Field(default=None, description="Exclusive group: at most one applies")
    authorities: list[str] = Field(default_factory=list)
    evidence: list[ExhibitKind] = Field(default_factory=list)
    version: int | str = 1
    last_reviewed: dt.date | None = None
    disabled: bool = False
    based_on: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+@[A-Za-z0-9_.\-]+$",
        description="For a clause copied from the built-in library: ID@VERSION it was copied "
        "from (``clauses lint`` warns when the built-in has moved on)",
    )

    @field_validator("when", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: object) -> object:
        # `when: true` reads as a YAML boolean; it means the Jinja expression `true`.
        return str(value).lower() if isinstance(value, bool) else value

    @model_validator(mode="after")
    def _complete_unless_disabled(self) -> ClauseMeta:
        # An overlay may switch a built-in clause off with just `id` and `disabled: true`.
        if not self.disabled:
            missing = [f for f in ("title", "documents", "section") if not getattr(self, f)]
            if missing:
                raise ValueError(
                    f"missing {', '.join(missing)} (only a disabled clause may omit them)"
                )
        return self


@frozen
class Clause:
    """A clause: its front matter, its body (Jinja + light markup), and where it came from."""

    meta: ClauseMeta
    body: str
    path: Path
    body_line: int
    """The file line on which the body starts (to turn body line numbers into file lines)."""
    origin: str = "built-in"
    """``built-in`` or the overlay directory the clause came from."""
    relpath: str = ""
    """The file's path inside its library directory (stable across machines, for the memo)."""

    @property
    def id(self) -> str:
        """The clause's stable id."""
        return self.meta.id


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return excerpt(text.splitlines()[0] if text else type(exc).__name__, 100)[1:-1]


def parse_clause(
    path: Path, text: str | None = None, *, root: Path | None = None, origin: str = "built-in"
) -> Clause:
    """Read one clause file.

    Raises:
        ClauseError: no front matter, bad YAML, or front matter that breaks :class:`ClauseMeta`;
            the message names the file and line.
    """
    if text is None:
        try:
            text = read_text(path, what="clause file")
        except UserError as exc:
            raise ClauseError(exc.message, exc.hint) from None
    match = _FRONT.match(text)
    if not match:
        raise ClauseError(
            f"{path}:1: no front matter: a clause file starts with a '---' line, its YAML "
            "settings, and another '---' line"
        )
    try:
        raw = load_safe_yaml(match.group(1))
    except MarkedYAMLError as exc:
        line = (exc.problem_mark.line + 2) if exc.problem_mark else 1
        raise ClauseError(f"{path}:{line}: front matter is not valid YAML: {exc.problem}") from None
    except YAMLError as exc:
        raise ClauseError(f"{path}: front matter is not valid YAML: {_first_line(exc)}") from None
    except (RecursionError, ValueError, OverflowError):
        raise ClauseError(f"{path}: front matter is not YAML drafter can read") from None
    try:
        check_data(raw, source=f"{path} (front matter)")
    except UserError as exc:
        raise ClauseError(exc.message) from None
    if not isinstance(raw, dict):
        raise ClauseError(f"{path}:2: front matter must be a mapping of settings")
    try:
        meta = ClauseMeta.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            field = ".".join(str(p) for p in err["loc"]) or "(front matter)"
            line = _key_line(match.group(1), str(err["loc"][0])) if err["loc"] else None
            where = f"{path}:{line}" if line else str(path)
            msg = "is required but missing" if err["type"] == "missing" else err["msg"]
            problems.append(f"{where}: {field}: {msg}")
        raise ClauseError("\n".join(problems)) from None
    body_line = text[: match.end()].count("\n") + 1
    relpath = path.relative_to(root).as_posix() if root else path.name
    return Clause(meta, text[match.end() :], path, body_line, origin, relpath)


def _key_line(front: str, key: str) -> int | None:
    for i, line in enumerate(front.splitlines(), start=2):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return i
    return None


class ClauseLibrary:
    """Every clause available to a draft, plus the authority registry they cite.

    Built from the built-in library, optionally overlaid by an attorney's directory: the same id
    replaces, a new id adds, ``disabled: true`` removes.
    """

    def __init__(self, clauses: Sequence[Clause], registry: Registry) -> None:
        self.registry = registry
        self._by_id: dict[str, Clause] = {}
        for clause in clauses:
            other = self._by_id.get(clause.id)
            if other is not None:
                raise ClauseError(
                    f"clause id {clause.id!r} is defined twice: {other.path} and {clause.path}",
                    hint="Each clause id must be unique within one library directory.",
                )
            self._by_id[clause.id] = clause

    @classmethod
    def load(cls, directory: Path, *, overlay: Path | None = None) -> ClauseLibrary:
        """Load a library directory (``*.md`` clauses and ``authorities.yaml``), then an overlay.

        Raises:
            ClauseError: a directory is missing, a clause is malformed, or an id repeats.
        """
        registry = Registry.load(directory / "authorities.yaml")
        base = {c.id: c for c in cls(read_clause_dir(directory), registry)}
        if overlay is not None:
            if (overlay / "authorities.yaml").exists():
                registry = registry.merged(Registry.load(overlay / "authorities.yaml"))
            for clause in cls(read_clause_dir(overlay, origin=str(overlay)), registry):
                base[clause.id] = clause
        active = [c for c in base.values() if not c.meta.disabled]
        save()  # what was parsed afresh, for the next start
        return cls(sorted(active, key=lambda c: c.id), registry)

    def __iter__(self) -> Iterator[Clause]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, clause_id: str) -> Clause:
        """The clause with this id.

        Raises:
            ClauseError: no such clause.
        """
        try:
            return self._by_id[clause_id]
        except KeyError:
            raise ClauseError(f"no clause with id {clause_id!r}") from None

    def for_document(self, kind: str) -> list[Clause]:
        """The clauses that serve a document kind, in id order."""
        return [c for c in self._by_id.values() if kind in c.meta.documents]


def clause_files(directory: Path) -> list[Path]:
    """The clause files in a library directory, in a stable order.

    Raises:
        ClauseError: the directory is missing or is a file.
    """
    if not directory.exists():
        raise ClauseError(f"{directory}: no such clause library directory")
    if not directory.is_dir():
        raise ClauseError(f"{directory}: is not a directory")
    return [p for p in sorted(directory.rglob("*.md")) if p.name.lower() != "readme.md"]


def read_clause_dir(directory: Path, *, origin: str = "built-in") -> list[Clause]:
    """Parse every clause file in a directory (the first malformed one raises ClauseError)."""
    return [parse_clause(p, root=directory, origin=origin) for p in clause_files(directory)]
