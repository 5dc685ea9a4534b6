"""Read-only, method-free views of case data: the only shape in which models reach a template.

Templates, clause bodies and ``when`` rules never see a pydantic model, a dataclass or a class.
They see :class:`Record` objects: a record has the fields of the model it came from plus the
computed properties the model names in ``template_properties``, and nothing else. Lists become
tuples and mappings become read-only mappings, so a template
can read everything and change, construct or call nothing. The sandbox's attribute check
(:mod:`drafter.sandbox`) allows exactly a record's own names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from pydantic import BaseModel

__all__ = [
    "Record",
    "ValueRecord",
    "as_record",
    "record_kind",
    "record_names",
    "template_properties",
]


class Record:
    """A read-only bag of named values (one model instance, as templates see it).

    Attribute access and subscripting (``case.respondent`` or ``case["respondent"]``) both read
    the values; nothing can be set. ``kind`` (the model's name) is for error messages and the
    memo; it is not reachable from a template.
    """

    __slots__ = ("_kind", "_values")

    _kind: str
    _values: Mapping[str, Any]

    def __init__(self, kind: str, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_values", types.MappingProxyType(dict(values)))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{self._kind} has no field {name!r}") from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._kind} is read-only")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self._kind == other._kind and dict(self._values) == dict(other._values)

    def __hash__(self) -> int:
        return hash((self._kind, tuple(self._values)))

    def __repr__(self) -> str:
        return f"<{self._kind}>"

    def __bool__(self) -> bool:
        return True


class ValueRecord(Record):
    """A record that stands for one value: a legal conclusion, seen by templates as its value.

    It compares, tests true or false, and prints as its ``value``, so a rule writes
    ``law.reopen.ground == "timely"``; its other fields (``reason``, ``authorities``,
    ``facts``) and, when the value is itself a record, the value's fields
    (``law.reopen.deadline.due``) are read as attributes.
    """

    __slots__ = ()

    @property
    def value(self) -> Any:
        """The value the record stands for."""
        return self._values["value"]

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            inner = self._values["value"]
            if isinstance(inner, Record) and name in inner._values:
                return inner._values[name]
            raise AttributeError(f"{self._kind} has no field {name!r}") from None

    def __eq__(self, other: object) -> bool:
        return bool(self.value == (other.value if isinstance(other, ValueRecord) else other))

    def __hash__(self) -> int:
        return hash(self.value)

    def __bool__(self) -> bool:
        return bool(self.value)

    def __str__(self) -> str:
        return str(self.value)

    def __lt__(self, other: Any) -> bool:
        return bool(self.value < (other.value if isinstance(other, ValueRecord) else other))

    def __gt__(self, other: Any) -> bool:
        return bool(self.value > (other.value if isinstance(other, ValueRecord) else other))

    def __le__(self, other: Any) -> bool:
        return not self > other

    def __ge__(self, other: Any) -> bool:
        return not self < other


def record_names(record: Record) -> Mapping[str, Any]:
    """The names a record carries, with their values (for the sandbox and the memo)."""
    if isinstance(record, ValueRecord) and isinstance(record.value, Record):
        return {**record.value._values, **record._values}
    return record._values


def record_kind(record: Record) -> str:
    """The name of the model a record came from (``Respondent``)."""
    return record._kind


def template_properties(model: type) -> tuple[str, ...]:
    """The computed properties a model class shows to templates (its ``template_properties``)."""
    names: tuple[str, ...] = ()
    for klass in reversed(model.__mro__):
        names += tuple(klass.__dict__.get("template_properties", ()))
    return tuple(dict.fromkeys(names))


_PLAIN = (str, int, float, bool, type(None), dt.date, dt.time, dt.timedelta)


class _LazyValues(dict[str, Any]):
    """A record's values, each converted the first time a template reads it.

    A document reads a fraction of the case and of the legal assessment; converting only that
    keeps drafting fast. The names are fixed when the record is made (membership needs no
    conversion), and case models are not changed once validated, so a value read late is the
    value the record was made from.

    A dict holding the values read so far, so that reading one again (most reads) is a plain
    dict lookup; :meth:`__missing__` converts a value on its first read. Seen as a mapping
    (``in``, iteration, length, ``keys``, ``items``, ``get``), it holds every name.
    """

    __slots__ = ("_known", "_names", "_source")

    def __init__(self, source: Any, names: tuple[str, ...], known: frozenset[str]) -> None:
        super().__init__()
        self._source = source
        self._names = names
        self._known = known

    def __missing__(self, name: str) -> Any:
        if name not in self._known:
            raise KeyError(name)
        value = self[name] = as_record(getattr(self._source, name))
        return value

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        """Every name, read or not."""
        return KeysView(self)

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        """Every name with its value (converting those not read yet)."""
        return ItemsView(self)

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        """Every value (converting those not read yet)."""
        return ValuesView(self)

    def get(self, name: str, default: Any = None) -> Any:
        """The value of ``name``, or ``default`` if the record has no such name."""
        try:
            return self[name]
        except KeyError:
            return default

    def __repr__(self) -> str:
        return f"<values of {type(self._source).__name__}>"


_PASS_THROUGH = (Record, enum.Enum, *_PLAIN)


_Shape = tuple[type[Record], tuple[str, ...], frozenset[str]]
_SHAPES: dict[type, _Shape | None] = {}


def _shape(cls: type) -> _Shape | None:
    """How a class becomes a record: the record type and the names it carries (also as a set).

    Computed once per class: a model's fields, or a dataclass's, then its template properties.
    """
    if cls not in _SHAPES:
        _SHAPES[cls] = _shape_of(cls)
    return _SHAPES[cls]


def _shape_of(cls: type) -> _Shape | None:
    if issubclass(cls, BaseModel):
        fields: tuple[str, ...] = tuple(cls.model_fields)
        kind: type[Record] = Record
    elif dataclasses.is_dataclass(cls):
        fields = tuple(f.name for f in dataclasses.fields(cls))
        kind = ValueRecord if getattr(cls, "template_value", False) else Record
    else:
        return None
    names = tuple(dict.fromkeys((*fields, *template_properties(cls))))
    return kind, names, frozenset(names)


def as_record(value: Any) -> Any:
    """Turn case data into what a template may see.

    Pydantic models and dataclasses become :class:`Record` objects (fields plus the class's
    ``template_properties``); lists and tuples tuples; mappings read-only
    mappings with string keys. Strings, numbers, dates and anything else pass through as they
    are: the sandbox refuses every attribute and call on an object that is not on its list, so
    an object passed through is opaque (printable, nothing more).
    """
    if isinstance(value, _PASS_THROUGH):  # immutable; the sandbox limits their attributes
        return value
    shape = _shape(type(value))
    if shape is not None:
        kind, names, known = shape
        record = kind.__new__(kind)
        object.__setattr__(record, "_kind", type(value).__name__)
        object.__setattr__(record, "_values", _LazyValues(value, names, known))
        return record
    if isinstance(value, (list, tuple)):
        return tuple(as_record(v) for v in value)
    if isinstance(value, Mapping):
        return types.MappingProxyType({str(k): as_record(v) for k, v in value.items()})
    return value
