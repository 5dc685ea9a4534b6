"""Reading case files (YAML or JSON) into a validated Case, with every problem located by line."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import CaseFileError, CaseValidationError, Problem
from .model import Case

__all__ = [
    "fields_at",
    "load_case",
    "parse_case",
    "read_case_data",
    "strip_optional",
    "validation_problems",
]

Loc = tuple[str | int, ...]
CASE_SUFFIXES = (".yaml", ".yml", ".json")


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as text.

    pydantic then parses dates, so a bad date like 2026-13-01 is reported with its field path and
    line along with every other problem, instead of stopping the YAML reader.
    """


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def read_case_data(path: str | Path) -> tuple[Any, dict[Loc, int]]:
    """Read a case file into plain Python data and a map from field path to line number.

    Raises:
        CaseFileError: the file is missing, a directory, of an unknown kind, or not valid YAML/JSON.
    """
    path = Path(path)
    if not path.exists():
        raise CaseFileError(f"{path}: no such case file")
    if path.is_dir():
        raise CaseFileError(
            f"{path}: is a directory, expected a case file ({', '.join(CASE_SUFFIXES)})"
        )
    suffix = path.suffix.lower()
    if suffix not in CASE_SUFFIXES:
        raise CaseFileError(
            f"{path}: unknown kind of case file {suffix or '(no extension)'!r}",
            hint=f"Case files end in {', '.join(CASE_SUFFIXES)}.",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CaseFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise CaseFileError(f"{path}: cannot be read: {exc.strerror}") from None
    if suffix == ".json":
        try:
            return json.loads(text), {}
        except json.JSONDecodeError as exc:
            raise CaseFileError(
                f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
            ) from None
    yaml = _yaml()
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise CaseFileError(f"{where}: not valid YAML: {what}") from None
    except YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaseFileError(f"{path}: not valid YAML: {first}") from None
    lines: dict[Loc, int] = {}
    return _plain(raw, (), lines), lines


def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    """Turn ruamel's round-trip nodes into plain data, recording each key's and item's line."""
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key, value in node.items():
            try:
                line, _col = node.lc.key(key)
                lines[(*loc, str(key))] = line + 1
            except (KeyError, TypeError):
                pass
            out[str(key)] = _plain(value, (*loc, str(key)), lines)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            try:
                line, _col = node.lc.item(i)
                lines[(*loc, i)] = line + 1
            except (KeyError, TypeError, IndexError):
                pass
            items.append(_plain(value, (*loc, i), lines))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.datetime):
        return dt.datetime(*node.timetuple()[:6])
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def parse_case(
    data: Any,
    *,
    source: str = "<case>",
    lines: Mapping[Loc, int] | None = None,
    today: dt.date | None = None,
) -> Case:
    """Validate already-read case data into a Case.

    Args:
        data: the case as plain data (what a YAML or JSON file holds).
        source: how to name the input in error messages (usually its path).
        lines: field path -> line number, to locate problems (from :func:`read_case_data`).
        today: the date against which "not in the future" is checked; defaults to today.

    Raises:
        CaseValidationError: listing every problem, each with its field path and line.
    """
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise CaseValidationError(
            source, [Problem("", f"the case file must be a mapping of fields, but it is {kind}")]
        )
    try:
        return Case.model_validate(data, context={"today": today or dt.date.today()})
    except ValidationError as exc:
        raise CaseValidationError(source, validation_problems(exc, lines or {})) from None


def load_case(path: str | Path, *, today: dt.date | None = None) -> Case:
    """Read and validate a case file (YAML or JSON).

    Raises:
        CaseFileError: the file cannot be read or parsed.
        CaseValidationError: the file parses but is not a valid case; every problem is listed.
    """
    data, lines = read_case_data(path)
    return parse_case(data, source=str(path), lines=lines, today=today)


# --------------------------------------------------------------------------- error messages


def validation_problems(exc: ValidationError, lines: Mapping[Loc, int]) -> list[Problem]:
    """Turn a pydantic ValidationError into located, readable problems."""
    problems = []
    for err in exc.errors(include_url=False):
        loc: Loc = tuple(err["loc"])
        path = ".".join(str(p) for p in loc)
        problems.append(Problem(path or "(top level)", _message(err, loc), _line_of(loc, lines)))
    return problems


def _line_of(loc: Loc, lines: Mapping[Loc, int]) -> int | None:
    for end in range(len(loc), 0, -1):
        line = lines.get(loc[:end])
        if line is not None:
            return line
    return None


def _message(err: Any, loc: Loc) -> str:
    kind = err["type"]
    msg: str = err["msg"]
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = fields_at(loc[:-1])
        close = difflib.get_close_matches(name, allowed, n=1) if allowed else []
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"is not a known field{hint}"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind == "enum" or kind == "literal_error":
        return f"{msg} (got {err.get('input')!r})"
    if kind.startswith("date") or kind.startswith("time"):
        return f"{msg} (got {err.get('input')!r}); write dates as YYYY-MM-DD"
    return msg


def fields_at(loc: Loc) -> list[str]:
    """The field names allowed at a path in the case model (for 'did you mean')."""
    tp: Any = Case
    for part in loc:
        tp = strip_optional(tp)
        if isinstance(part, int):
            args = typing.get_args(tp)
            tp = args[0] if args else None
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return []
    tp = strip_optional(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def strip_optional(tp: Any) -> Any:
    """Strip Annotated and Optional from a type; a union of several types comes back as it is."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(rest) == 1:
                tp = rest[0]
                continue
        return tp
