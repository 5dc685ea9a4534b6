"""Reading case files (YAML or JSON) into a validated Case, with every problem located by line."""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import CaseFileError, CaseValidationError, Problem, UserError
from .exhibits import with_page_counts
from .inputs import check_data, excerpt, input_limits, read_text
from .model import Case
from .text import did_you_mean

__all__ = [
    "field_annotation",
    "field_info",
    "fields_at",
    "load_case",
    "parse_case",
    "read_case_data",
    "required_paths",
    "strip_optional",
    "validation_problems",
]

Loc = tuple[str | int, ...]
_KIND = {str: "piece of text", list: "list", int: "number", float: "number", bool: "true/false"}
CASE_SUFFIXES = (".yaml", ".yml", ".json")


class _Constructor(SafeConstructor):
    """Safe constructor that leaves timestamps as text.

    pydantic then parses dates, so a bad date like 2026-13-01 is reported with its field path and
    line along with every other problem, instead of stopping the YAML reader.
    """


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def _compose(text: str) -> tuple[Node | None, _Constructor]:
    """The YAML document's node graph (libyaml's parser where ruamel.yaml.clib is installed).

    The nodes carry their lines; :func:`_plain` builds the data from them.
    """
    yaml = YAML(typ="safe")
    yaml.Constructor = _Constructor
    node = yaml.compose(text)
    return node, yaml.constructor


def read_case_data(path: str | Path) -> tuple[Any, dict[Loc, int]]:
    """Read a case file into plain Python data and a map from field path to line number.

    The file must be a regular file under the input size limit; its data is bounded in nesting,
    size (YAML aliases included) and integer length (:mod:`drafter.inputs`).

    Raises:
        CaseFileError: the file is missing, a directory or pipe, too large, of an unknown kind,
            or not valid YAML/JSON.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CASE_SUFFIXES and not path.is_dir():
        raise CaseFileError(
            f"{path}: unknown kind of case file {suffix or '(no extension)'!r}",
            hint=f"Case files end in {', '.join(CASE_SUFFIXES)}.",
        )
    try:
        text = read_text(path, what=f"case file ({', '.join(CASE_SUFFIXES)})")
    except UserError as exc:
        raise CaseFileError(exc.message, exc.hint) from None
    if "\x00" in text:
        raise CaseFileError(f"{path}: holds NUL bytes; this is not a text case file")
    lines: dict[Loc, int] = {}
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseFileError(
                f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
            ) from None
        except (RecursionError, ValueError) as exc:
            raise CaseFileError(
                f"{path}: not a case file drafter can read: {_reason(exc)}"
            ) from None
        _json_lines(text, lines)
    else:
        data = _load_yaml(path, text, lines)
    try:
        return check_data(data, source=str(path)), lines
    except UserError as exc:
        raise CaseFileError(exc.message) from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return excerpt(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 80)


def _load_yaml(path: Path, text: str, lines: dict[Loc, int]) -> Any:
    try:
        node, constructor = _compose(text)
        return _plain(node, (), lines, constructor)
    except CaseFileError as exc:
        raise CaseFileError(f"{path}: {exc.message}") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise CaseFileError(f"{where}: not valid YAML: {excerpt(what, 100)[1:-1]}") from None
    except YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaseFileError(f"{path}: not valid YAML: {excerpt(first, 100)[1:-1]}") from None
    except (RecursionError, ValueError, OverflowError) as exc:
        # ruamel raises these for absurd input: 5,000-digit numbers, thousands of nested lists.
        raise CaseFileError(f"{path}: not a case file drafter can read: {_reason(exc)}") from None


def _json_lines(text: str, lines: dict[Loc, int]) -> None:
    """Field lines for a JSON case file: JSON is YAML, so ruamel can say where each key sits."""
    try:
        node, constructor = _compose(text)
        _plain(node, (), lines, constructor)
    except Exception:  # noqa: BLE001 - line numbers are a courtesy; json has already parsed it
        lines.clear()


def _plain(
    node: Node | None,
    loc: Loc,
    lines: dict[Loc, int],
    constructor: SafeConstructor,
    seen: list[int] | None = None,
) -> Any:
    """Build plain data from YAML nodes, recording each key's and item's line.

    ``seen`` counts the values produced: an alias is the same node used again, expanded each
    time it is used, so a few lines of anchors could otherwise expand to billions of values.

    Raises:
        CaseFileError: too many values, or nested too deep.
        ruamel.yaml.MarkedYAMLError: a duplicate key, a key that is not a plain value, or a
            value YAML cannot construct (an unknown tag).
    """
    if seen is None:
        seen = [0]
    seen[0] += 1
    limits = input_limits()
    if seen[0] > limits.nodes or len(loc) > limits.depth:
        raise CaseFileError(
            f"holds more than {limits.nodes:,} values or nests deeper than {limits.depth} "
            "levels (YAML aliases count each time they are used)"
        )
    if node is None:  # an empty document
        return None
    if isinstance(node, MappingNode):
        constructor.flatten_mapping(node)  # merge keys (<<: *defaults), as YAML loads them
        # With a merge, the merged keys come first and the mapping's own override them.
        merged = getattr(node, "merge", None) is not None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ConstructorError(
                    "while reading a mapping", node.start_mark, "a key must be a plain value",
                    key_node.start_mark,
                )  # fmt: skip
            key = str(constructor.construct_object(key_node))
            if key in out and not merged:
                raise ConstructorError(
                    "while reading a mapping", node.start_mark, f"found duplicate key {key!r}",
                    key_node.start_mark,
                )  # fmt: skip
            lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = _plain(value_node, (*loc, key), lines, constructor, seen)
        return out
    if isinstance(node, SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            lines[(*loc, i)] = item.start_mark.line + 1
            items.append(_plain(item, (*loc, i), lines, constructor, seen))
        return items
    return constructor.construct_object(node)


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
        kind = "empty" if data is None else f"a {_KIND.get(type(data), 'single value')}"
        raise CaseValidationError(
            source, [Problem("", f"the case file must be a mapping of fields, but it is {kind}")]
        )
    if data and not set(map(str, data)) & set(Case.model_fields):
        keys = ", ".join(excerpt(str(k), 20) for k in list(data)[:3])
        raise CaseFileError(
            f"{source}: is not a drafter case file: none of its top-level keys ({keys}"
            f"{', ...' if len(data) > 3 else ''}) is a case field",
            hint="A case file starts with respondent:, proceedings: and filing:; "
            "`drafter init FILE` writes a starter.",
        )
    try:
        return Case.model_validate(data, context={"today": today or dt.date.today()})
    except ValidationError as exc:
        problems = validation_problems(exc, lines or {})
        if not any("points at exhibit" in p.message for p in problems):
            # The model checks exhibit references only once every field is valid; say them now,
            # with the rest, rather than after the rest are fixed.
            problems += _exhibit_reference_problems(data, lines or {})
        raise CaseValidationError(source, problems) from None


def _exhibit_reference_problems(data: dict[str, Any], lines: Mapping[Loc, int]) -> list[Problem]:
    """References to exhibit ids the case does not list, read from the raw data."""
    listed = data.get("exhibits")
    if not isinstance(listed, list):
        return []
    known = {e.get("id") for e in listed if isinstance(e, dict)}
    problems: list[Problem] = []

    def walk(node: Any, loc: Loc) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "exhibits" and loc and isinstance(value, list):
                    for i, ref in enumerate(value):
                        if isinstance(ref, str) and ref not in known:
                            where = (*loc, key, i)
                            problems.append(
                                Problem(
                                    ".".join(map(str, where)),
                                    f"points at exhibit {excerpt(ref)}, which is not in exhibits "
                                    f"(known: {', '.join(sorted(map(str, known))) or 'none'})",
                                    _line_of(where, lines),
                                )
                            )
                else:
                    walk(value, (*loc, str(key)))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*loc, i))

    walk({k: v for k, v in data.items() if k != "exhibits"}, ())
    return problems


def load_case(path: str | Path, *, today: dt.date | None = None) -> Case:
    """Read and validate a case file (YAML or JSON).

    Raises:
        CaseFileError: the file cannot be read or parsed.
        CaseValidationError: the file parses but is not a valid case; every problem is listed.

    An exhibit ``file`` that is missing or unreadable is a CaseFileError naming the exhibit.
    """
    data, lines = read_case_data(path)
    case = parse_case(data, source=str(path), lines=lines, today=today)
    try:
        return with_page_counts(case, Path(path).parent)
    except UserError as exc:
        raise CaseFileError(f"{path}: {exc.message}", hint=exc.hint) from None


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
        return f"is not a known field{did_you_mean(name, allowed)}"
    if kind == "value_error":
        return _shorten(msg.removeprefix("Value error, "))
    if kind == "enum" or kind == "literal_error":
        return f"{msg} (got {excerpt(err.get('input'))})"
    if kind.startswith("date") or kind.startswith("time"):
        return f"{msg} (got {excerpt(err.get('input'))}); write dates as YYYY-MM-DD"
    return _shorten(msg)


def _shorten(message: str, limit: int = 200) -> str:
    """A validator's message, cut short: some quote the value they refused."""
    return message if len(message) <= limit else message[: limit - 3] + "..."


def field_info(loc: Loc) -> tuple[type[BaseModel], Any] | None:
    """The model that owns the field at a path, and its pydantic FieldInfo (None if no field)."""
    if not loc or isinstance(loc[-1], int):
        return None
    owner = field_annotation(loc[:-1])
    if isinstance(owner, type) and issubclass(owner, BaseModel) and loc[-1] in owner.model_fields:
        return owner, owner.model_fields[str(loc[-1])]
    return None


def field_annotation(loc: Loc) -> Any:
    """The type of the field at a path in the case model (Optional stripped), or None."""
    tp: Any = Case
    for part in loc:
        tp = strip_optional(tp)
        if isinstance(part, int):
            args = typing.get_args(tp)
            tp = args[0] if args else None
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return None
    return strip_optional(tp)


def required_paths(model: type[BaseModel] = Case, prefix: str = "") -> list[str]:
    """The dotted paths of the fields every case must give (required all the way down)."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        tp = strip_optional(info.annotation)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            out += required_paths(tp, f"{prefix}{name}.")
        else:
            out.append(f"{prefix}{name}")
    return out


def fields_at(loc: Loc) -> list[str]:
    """The field names allowed at a path in the case model (for 'did you mean')."""
    tp = field_annotation(loc)
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
