"""The public Python API: what scripts and the command line call."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from .casefile import load_case, parse_case
from .drafting import Draft, builtin_dir, draft, draft_to_file, load_library
from .model import Case
from .render import write_atomic

__all__ = [
    "Draft",
    "builtin_dir",
    "case_schema",
    "draft",
    "draft_to_file",
    "load_case",
    "load_library",
    "parse_case",
    "starter_text",
    "write_starter",
]


def case_schema() -> dict[str, Any]:
    """The JSON Schema of a case file."""
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "drafter case file"
    return schema


def starter_text() -> str:
    """The commented starter case file that ``drafter init`` writes."""
    return (resources.files("drafter") / "starter.yaml").read_text(encoding="utf-8")


def write_starter(path: Path, *, force: bool = False) -> Path:
    """Write the starter case file to ``path`` (never over an existing file unless ``force``)."""
    return write_atomic(Path(path), starter_text().encode("utf-8"), force=force)
