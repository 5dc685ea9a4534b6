"""Static reading of clause Jinja: the facts a rule reads, and whether the model has them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import inspect
import types
import typing
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from pydantic import BaseModel

from .casefile import strip_optional
from .errors import TemplateError
from .frozen import frozen
from .record import Record, ValueRecord, record_kind, template_properties
from .sandbox import environment, evaluate

__all__ = [
    "Fact",
    "ModelChecker",
    "expression_text",
    "facts_read",
    "parse_expression",
    "parse_template",
    "summarize",
]


@frozen
class Fact:
    """A piece of case data a rule looked at, and what it found."""

    path: str
    value: str


@lru_cache(maxsize=4096)
def parse_expression(expression: str) -> nodes.Template:
    """Parse a ``when`` expression into a Jinja syntax tree (cached; do not modify the tree).

    Raises:
        jinja2.TemplateSyntaxError: the expression is not valid Jinja.
    """
    return environment().parse("{% if " + expression + " %}{% endif %}")


def parse_template(source: str) -> nodes.Template:
    """Parse a clause body into a Jinja syntax tree (raises TemplateSyntaxError)."""
    return environment().parse(source)


def expression_text(node: nodes.Node) -> str | None:
    """Write a simple expression back as text: names, attributes, constant subscripts, calls."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = expression_text(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = expression_text(node.node)
        return f"{base}[{node.arg.value!r}]" if base else None
    if isinstance(node, nodes.Call) and not node.kwargs and not node.dyn_args:
        func = expression_text(node.node)
        args = [expression_text(a) for a in node.args]
        if func is None or any(a is None for a in args):
            return None
        return f"{func}({', '.join(a for a in args if a is not None)})"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return None


def _chains(tree: nodes.Node) -> Iterator[nodes.Node]:
    """Maximal name/attribute/call chains: the facts an expression reads, outermost first."""
    inner: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Call, nodes.Name)):
        if id(node) in inner:
            continue
        child = node
        while isinstance(child, (nodes.Getattr, nodes.Getitem, nodes.Call)):
            child = child.node
            inner.add(id(child))
        if isinstance(node, nodes.Name) and node.ctx != "load":
            continue
        yield node


def facts_read(expression: str, names: Mapping[str, Any]) -> list[Fact]:
    """The facts a ``when`` expression reads, each with its value for this case.

    Helpers that are plain functions with no arguments are left out; calls are kept with their
    arguments (``petitions('I-130', 'approved')``).
    """
    try:
        tree = parse_expression(expression)
    except TemplateSyntaxError:
        return []
    seen: dict[str, Fact] = {}
    for node in _chains(tree):
        text = expression_text(node)
        if text is None or text in seen or text in ("true", "false", "none"):
            continue
        try:
            value = evaluate(text, names, name="memo", undefined=True)
        except TemplateError:
            value = _Missing()
        if value is None and not _reachable(text, names):
            continue  # under a parent that is not set (``spouse.married`` with no spouse)
        if callable(value):
            continue
        seen[text] = Fact(text, summarize(value))
    return list(seen.values())


def _reachable(path: str, names: Mapping[str, Any]) -> bool:
    """Whether the parent of a dotted path is set (so the path itself is a fact worth listing)."""
    parent = path.rpartition(".")[0]
    if not parent or "(" in path:
        return True
    try:
        return evaluate(parent, names, name="memo", undefined=True) is not None
    except TemplateError:
        return False


class _Missing:
    def __repr__(self) -> str:
        return "(not set)"


def summarize(value: Any) -> str:
    """A short, human-readable rendering of a case value for the memo."""
    if isinstance(value, _Missing) or value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, ValueRecord):  # a legal conclusion: what it concluded
        return summarize(value.value)
    if isinstance(value, Record):
        return f"present ({record_kind(value)})"
    if isinstance(value, (list, tuple)):
        if not value:
            return "none (empty list)"
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


# --------------------------------------------------------------------------- model checking


@frozen
class Unknown:
    """A reference to something the case model does not have."""

    path: str
    owner: str
    lineno: int


class _ListOf:
    def __init__(self, item: Any) -> None:
        self.item = item


_ANY = object()
"""A type the checker cannot follow (a helper's result, a plain string): attributes go unchecked."""


def _unwrap(tp: Any) -> Any:
    """A model type, a list of one (``_ListOf``), or ``_ANY`` for what cannot be followed."""
    tp = strip_optional(tp)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _ANY
    if origin in (list, tuple) or tp in (list, tuple):
        args = typing.get_args(tp)
        return _ListOf(_unwrap(args[0]) if args else _ANY)
    return tp


def _dataclass_attribute_type(cls: type, attr: str) -> Any:
    """The type of ``cls.attr`` for a dataclass templates see (the assessment), or None.

    A legal conclusion (``Conclusion[...]``) is followed no further: it reads as its value.
    """
    names = {f.name for f in dataclasses.fields(cls)} | set(template_properties(cls))
    if attr not in names:
        return None
    hint = typing.get_type_hints(cls).get(attr, _ANY)
    if typing.get_origin(hint) is not None and getattr(
        typing.get_origin(hint), "template_value", False
    ):
        return _ANY
    return _unwrap(hint)


def _attribute_type(model: type[BaseModel], attr: str) -> Any:
    """The type of ``model.attr`` as templates see it, or None if templates cannot read it.

    Templates read a model's fields and the properties it lists in ``template_properties``
    (:mod:`drafter.record`); methods and everything else are out of reach.
    """
    if attr in model.model_fields:
        return _unwrap(model.model_fields[attr].annotation)
    if attr not in template_properties(model):
        return None
    member = inspect.getattr_static(model, attr, None)
    if isinstance(member, property) and member.fget is not None:
        hints = typing.get_type_hints(member.fget)
        return _unwrap(hints.get("return", _ANY))
    return _ANY


class ModelChecker:
    """Checks that every path a clause reads (``case.relationships.spouse.name``) exists.

    It follows attribute chains from the roots it is given (``case``, ``r``, ``spouse``), through
    loop variables (``{% for c in case.adverse_facts.criminal_history %}`` makes ``c`` a
    CriminalRecord) and ``{% set %}`` names, and through the list filters that keep item types
    (``selectattr``, ``rejectattr``, ``list``, ``sort``, ``unique``, ``reverse``).
    """

    _KEEP_ITEMS = {"selectattr", "rejectattr", "list", "sort", "unique", "reverse"}

    def __init__(self, roots: Mapping[str, Any]) -> None:
        self.roots = {name: _unwrap(tp) for name, tp in roots.items()}

    def check(self, tree: nodes.Template) -> list[Unknown]:
        """Every unknown attribute in the tree, with its line (relative to the source)."""
        problems: list[Unknown] = []
        self._walk(tree, dict(self.roots), problems)
        return problems

    def _walk(self, node: nodes.Node, scope: dict[str, Any], problems: list[Unknown]) -> None:
        if isinstance(node, nodes.For):
            self._type_of(node.iter, scope, problems)
            item = self._type_of(node.iter, scope, [])
            inner = dict(scope)
            for target in _flatten_targets(node.target):
                inner[target.name] = item.item if isinstance(item, _ListOf) else _ANY
            inner["loop"] = _ANY
            if node.test is not None:
                self._type_of(node.test, inner, problems)
            for child in node.body:
                self._walk(child, inner, problems)
            for child in node.else_:
                self._walk(child, scope, problems)
            return
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            self._type_of(node.node, scope, problems)
            scope[node.target.name] = self._type_of(node.node, scope, [])
            return
        if isinstance(node, nodes.Expr):
            self._type_of(node, scope, problems)
            return
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self._type_of(child, scope, problems)
            else:
                self._walk(child, scope, problems)

    def _type_of(self, node: nodes.Node, scope: dict[str, Any], problems: list[Unknown]) -> Any:
        if isinstance(node, nodes.Name):
            return scope.get(node.name, _ANY)
        if isinstance(node, nodes.Getattr):
            base = self._type_of(node.node, scope, problems)
            return self._attr(base, node.attr, node, problems)
        if isinstance(node, nodes.Getitem):
            base = self._type_of(node.node, scope, problems)
            self._type_of(node.arg, scope, problems)
            if isinstance(base, _ListOf):
                return base.item
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self._attr(base, node.arg.value, node, problems)
            return _ANY
        if isinstance(node, nodes.Filter):
            base = self._type_of(node.node, scope, problems) if node.node is not None else _ANY
            for arg in node.args:
                self._type_of(arg, scope, problems)
            if node.name in ("selectattr", "rejectattr", "map") and isinstance(base, _ListOf):
                attr_arg = node.args[0] if node.args else None
                if isinstance(attr_arg, nodes.Const) and isinstance(attr_arg.value, str):
                    self._attr(base.item, attr_arg.value, node, problems)
                for kw in node.kwargs:
                    if kw.key == "attribute" and isinstance(kw.value, nodes.Const):
                        self._attr(base.item, str(kw.value.value), node, problems)
                        return _ListOf(_ANY)
                if node.name == "map":
                    return _ListOf(_ANY)
            return base if node.name in self._KEEP_ITEMS else _ANY
        for child in node.iter_child_nodes():
            self._type_of(child, scope, problems)
        return _ANY

    def _attr(self, base: Any, attr: str, node: nodes.Node, problems: list[Unknown]) -> Any:
        if isinstance(base, type) and dataclasses.is_dataclass(base):
            found = _dataclass_attribute_type(base, attr)
            if found is None:
                problems.append(Unknown(attr, base.__name__, node.lineno))
                return _ANY
            return found
        if isinstance(base, type) and issubclass(base, BaseModel):
            found = _attribute_type(base, attr)
            if found is None:
                problems.append(Unknown(attr, base.__name__, node.lineno))
                return _ANY
            return found
        if isinstance(base, _ListOf) and attr not in ("index", "count"):
            problems.append(Unknown(attr, "a list", node.lineno))
        return _ANY


def _flatten_targets(target: nodes.Node) -> list[nodes.Name]:
    return [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))
