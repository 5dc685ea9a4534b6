"""The case form, generated from the case model's JSON Schema, and read back into case data.

Every input is named by its field path (``relationships.children.0.name``), the same path the
validator names in an error, so each error is shown beside its field. Nested models are
fieldsets, lists of models repeatable rows, closed sets selects, dates date inputs, and each
field's help is the model's own description. What the form leaves blank is left out of the
data, so a half-filled case saves as a draft and validates with the CLI's own messages.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Case

__all__ = ["Group", "Input", "Rows", "case_form", "from_form", "SECTIONS"]

SECTIONS = (
    ("respondent", "Respondent"),
    ("family_members", "Family members in the same proceedings"),
    ("proceedings", "Proceedings"),
    ("relationships", "Relationships"),
    ("petitions", "Petitions and applications"),
    ("positive_factors", "Positive factors"),
    ("adverse_facts", "Adverse facts"),
    ("dhs_position", "DHS position"),
    ("counsel", "Counsel"),
    ("self_represented", "Self-represented"),
    ("opla_office", "OPLA office"),
    ("filing", "Filing"),
    ("request", "The request"),
    ("exhibits", "Exhibits"),
)
"""The form's sections, in the model's order."""

_LONG = {
    "own_words",
    "description",
    "reasons",
    "exceptional_circumstances",
    "closure_reason",
    "rehabilitation",
    "reason",
    "medical_condition",
    "pursue",
}
"""Fields given a text area (free text that runs to sentences)."""

MAX_ROWS = 200
"""The most rows one list takes from a form (bounds what a request can make the server build)."""


@dataclass
class Input:
    """One form input."""

    path: str
    label: str
    kind: str
    """text, textarea, date, time, number, checkbox, select or list (comma-separated)."""
    required: bool = False
    help: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None
    error: str = ""


@dataclass
class Group:
    """A fieldset: one nested model."""

    path: str
    label: str
    help: str = ""
    optional: bool = False
    items: list[Input | Group | Rows] = field(default_factory=list)
    error: str = ""


@dataclass
class Rows:
    """A repeatable list of one model (children, petitions, exhibits ...)."""

    path: str
    label: str
    help: str = ""
    rows: list[Group] = field(default_factory=list)
    error: str = ""


@functools.cache
def _schema() -> dict[str, Any]:
    return Case.model_json_schema()


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = _schema()["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _unwrap(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema of a field's value, and whether it may be null."""
    for key in ("anyOf", "oneOf"):
        if key in node:
            kinds = [k for k in node[key] if k.get("type") != "null"]
            if len(kinds) == 1:
                merged = {**kinds[0], **{k: v for k, v in node.items() if k != key}}
                return merged, len(kinds) < len(node[key])
    return node, False


_LABELS = {
    "a_number": "A-number",
    "eoir_id": "EOIR ID",
    "section_245i": "Section 245(i) applies",
    "opla_office": "OPLA office",
    "opla_attorney": "OPLA attorney",
    "dhs_position": "DHS position",
    "street2": "Street (line 2)",
}


def _label(name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _options(values: list[Any], optional: bool) -> list[tuple[str, str]]:
    opts = [(str(v), str(v).replace("_", " ")) for v in values]
    # Never a silent default: a select left alone submits nothing (the model's default, or a
    # "required" error), as a blank text box does.
    return [("", "(not set)" if optional else "(choose)"), *opts]


def _is_object(node: dict[str, Any]) -> bool:
    return "properties" in _resolve(node)


def _build(node: dict[str, Any], path: str, label: str, data: Any) -> Input | Group | Rows:
    raw, nullable = _unwrap(node)
    help_text = raw.get("description") or node.get("description") or ""
    target = _resolve(raw)
    if "properties" in target:
        group = Group(path, label, help_text or target.get("description", ""), nullable)
        required = set(target.get("required", ()))
        values = data if isinstance(data, Mapping) else {}
        for name, sub in target["properties"].items():
            item = _build(sub, f"{path}.{name}" if path else name, _label(name), values.get(name))
            if isinstance(item, Input):
                item.required = name in required and item.kind != "checkbox"
            group.items.append(item)
        return group
    if target.get("type") == "array":
        items = target.get("items", {})
        if _is_object(items):
            rows = Rows(path, label, help_text)
            for n, value in enumerate(data if isinstance(data, list) else []):
                row = _build(items, f"{path}.{n}", f"{label} {n + 1}", value)
                assert isinstance(row, Group)
                rows.rows.append(row)
            return rows
        text = ", ".join(map(str, data)) if isinstance(data, list) else (data or "")
        return Input(
            path, label, "list", help=help_text or "Separate several with commas.", value=text
        )
    if "enum" in target:
        return Input(
            path,
            label,
            "select",
            help=help_text,
            options=_options(target["enum"], nullable),
            value=_text(data),
        )
    if "const" in target:
        return Input(
            path,
            label,
            "select",
            help=help_text,
            options=_options([target["const"]], nullable),
            value=_text(data),
        )
    kind = target.get("type")
    if kind == "boolean":
        if nullable:
            opts = [("", "(not known)"), ("true", "yes"), ("false", "no")]
            value = "" if data is None else ("true" if data else "false")
            return Input(path, label, "select", help=help_text, options=opts, value=value)
        return Input(path, label, "checkbox", help=help_text, value=bool(data))
    if kind == "integer":
        return Input(path, label, "number", help=help_text, value=_text(data))
    fmt = target.get("format")
    if fmt in ("date", "time"):
        return Input(path, label, fmt, help=help_text, value=_text(data))
    name = path.rsplit(".", 1)[-1]
    return Input(
        path, label, "textarea" if name in _LONG else "text", help=help_text, value=_text(data)
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def case_form(data: Mapping[str, Any], errors: Mapping[str, str] | None = None) -> Group:
    """The whole case form, filled from ``data``, each error beside its field."""
    form = _build(_schema(), "", "Case", data)
    assert isinstance(form, Group)
    left = dict(errors or {})
    _attach(form, left)
    form.error = "; ".join(f"{k or 'case'}: {v}" for k, v in left.items())
    return form


def _attach(item: Input | Group | Rows, errors: dict[str, str]) -> None:
    if isinstance(item, Group):
        for sub in item.items:
            _attach(sub, errors)
    elif isinstance(item, Rows):
        for row in item.rows:
            _attach(row, errors)
    # An error on this path, or below a leaf (e.g. a list item of a comma list), shows here;
    # an error on a group or row list shows at its top.
    for key in [
        k
        for k in errors
        if k == item.path or (isinstance(item, Input) and k.startswith(item.path + "."))
    ]:
        message = errors.pop(key)
        item.error = f"{item.error}; {message}" if item.error else message


# --------------------------------------------------------------------------- reading a form back


def from_form(form: Mapping[str, str], *, checked: set[str]) -> dict[str, Any]:
    """Case data from a submitted form (blank inputs left out; ``checked`` the ticked boxes).

    A row whose ``_remove`` box is ticked is dropped; ``_add`` (a list's path) appends an empty
    row, for the form to show again.
    """
    data = _read(_schema(), "", form, checked)
    add = form.get("_add", "")
    if add:
        _append_row(data, add.split("."))
    return data if isinstance(data, dict) else {}


def _read(node: dict[str, Any], path: str, form: Mapping[str, str], checked: set[str]) -> Any:
    raw, nullable = _unwrap(node)
    target = _resolve(raw)
    prefix = f"{path}." if path else ""
    if "properties" in target:
        out: dict[str, Any] = {}
        for name, sub in target["properties"].items():
            value = _read(sub, prefix + name, form, checked)
            if value is not None:
                out[name] = value
        if path and (nullable or path not in _required_paths()) and not _meaningful(out):
            return None
        return out
    if target.get("type") == "array":
        items = target.get("items", {})
        if _is_object(items):
            numbers = sorted(
                {
                    int(key[len(prefix) :].split(".", 1)[0])
                    for key in form
                    if key.startswith(prefix) and key[len(prefix) :].split(".", 1)[0].isdigit()
                }
            )[:MAX_ROWS]
            rows = []
            for n in numbers:
                if f"{prefix}{n}._remove" in checked:
                    continue
                row = _read(items, f"{prefix}{n}", form, checked)
                rows.append(row if row is not None else {})
            return rows or None
        text = form.get(path, "")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        return parts or None
    kind = target.get("type")
    if kind == "boolean" and not nullable:
        if path + "._present" not in form and path not in form:
            return None
        ticked = path in checked
        # the model's default is left implicit, as a hand-written case file leaves it
        return None if "default" in node and node["default"] is ticked else ticked
    value = form.get(path, "").strip()
    if not value:
        return None
    if kind == "boolean":
        return value == "true"
    if kind == "integer":
        return int(value) if value.lstrip("-").isdigit() else value
    return value


@functools.cache
def _required_paths() -> frozenset[str]:
    """Paths of nested models that must be present (shown even when blank)."""
    found: set[str] = set()

    def walk(node: dict[str, Any], path: str) -> None:
        target = _resolve(_unwrap(node)[0])
        required = set(target.get("required", ()))
        for name, sub in target.get("properties", {}).items():
            raw, nullable = _unwrap(sub)
            if "properties" in _resolve(raw):
                sub_path = f"{path}.{name}" if path else name
                if name in required and not nullable:
                    found.add(sub_path)
                walk(sub, sub_path)

    walk(_schema(), "")
    return frozenset(found)


def _meaningful(value: Any) -> bool:
    """Whether a group holds anything a person typed (an unticked box is not that)."""
    if isinstance(value, dict):
        return any(_meaningful(v) for v in value.values())
    if isinstance(value, list):
        return bool(value)
    return value not in (None, False, "")


def _append_row(data: dict[str, Any], parts: list[str]) -> None:
    node: Any = data
    for part in parts[:-1]:
        if not isinstance(node, dict):
            return
        node = node.setdefault(part, {})
    if isinstance(node, dict) and parts and parts[-1]:
        rows = node.setdefault(parts[-1], [])
        if isinstance(rows, list) and len(rows) < MAX_ROWS:
            rows.append({})
