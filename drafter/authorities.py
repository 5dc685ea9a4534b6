"""The authority registry: every statute, rule, case and memo a clause may cite, with its status."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from ruamel.yaml.error import YAMLError

from .errors import ClauseError, UserError
from .inputs import check_data, excerpt, read_text
from .yamlcache import load_safe_yaml

__all__ = ["Authority", "Registry", "Status"]

Status = Literal[
    "in_force", "superseded", "overruled", "rescinded", "vacated", "historical", "unverified"
]
Kind = Literal["statute", "regulation", "case", "memo", "announcement", "form", "manual"]


class Authority(BaseModel):
    """One citable authority."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    citation: str
    short: str
    kind: Kind
    date: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    status: Status
    superseded_by: str | None = None
    note: str = ""

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> object:
        if value is None:
            return None
        text = str(value)
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
            raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return text

    @model_validator(mode="after")
    def _successor_named(self) -> Authority:
        if self.status in ("superseded", "overruled") and not self.superseded_by:
            raise ValueError(
                f"status {self.status} needs superseded_by: the id of the authority that "
                "replaced it (use rescinded or historical when there is none in the registry)"
            )
        return self

    @property
    def in_force(self) -> bool:
        """Whether the authority can be cited as current law or policy without a warning."""
        return self.status == "in_force"


_LIST = TypeAdapter(list[Authority])


class Registry:
    """The authorities, by id. Ambiguity (two entries with one id) is an error, never a guess."""

    def __init__(self, authorities: list[Authority], source: str = "<registry>") -> None:
        self.source = source
        self._by_id: dict[str, Authority] = {}
        for a in authorities:
            if a.id in self._by_id:
                raise ClauseError(f"{source}: authority id {a.id!r} appears twice")
            self._by_id[a.id] = a
        for a in authorities:
            if a.superseded_by and a.superseded_by not in self._by_id:
                raise ClauseError(
                    f"{source}: {a.id}.superseded_by names {a.superseded_by!r}, "
                    "which is not in the registry"
                )

    @classmethod
    def load(cls, path: Path) -> Registry:
        """Read a registry file.

        Raises:
            ClauseError: the file is missing, not YAML, or an entry is malformed.
        """
        try:
            raw = check_data(
                load_safe_yaml(read_text(path, what="authority registry")),
                source=str(path),
            )
        except UserError as exc:
            raise ClauseError(exc.message, exc.hint) from None
        except YAMLError as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
            raise ClauseError(f"{path}: not valid YAML: {excerpt(message, 100)[1:-1]}") from None
        except (RecursionError, ValueError, OverflowError):
            raise ClauseError(f"{path}: not an authority registry drafter can read") from None
        try:
            authorities = _LIST.validate_python(raw or [])
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise ClauseError(
                f"{path}: entry {loc}: {first['msg']} ({exc.error_count()} problem(s) in all)"
            ) from None
        return cls(authorities, source=str(path))

    def merged(self, overlay: Registry) -> Registry:
        """This registry with an overlay's entries added or replacing those with the same id."""
        entries = {a.id: a for a in self}
        entries.update({a.id: a for a in overlay})
        return Registry(list(entries.values()), source=f"{self.source} + {overlay.source}")

    def __contains__(self, key: object) -> bool:
        return key in self._by_id

    def __getitem__(self, key: str) -> Authority:
        try:
            return self._by_id[key]
        except KeyError:
            raise ClauseError(f"unknown authority {key!r}: not in {self.source}") from None

    def __iter__(self) -> Iterator[Authority]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)
