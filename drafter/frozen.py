"""``@frozen``: a frozen dataclass made with one compiled method instead of six.

On the Pythons drafter supports before 3.13, ``@dataclass(frozen=True)`` writes the source of
``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__`` and
compiles each on its own: about half a millisecond per class, and drafter defines dozens of
them, so about a tenth of a cold ``drafter render`` went to compiling the same few lines. A
``@frozen`` class is the same frozen dataclass with one compiled ``__init__``; the other methods
are shared functions over the fields (``operator.attrgetter``, which is C), with the same
results. The
``__init__`` also fills the instance's ``__dict__`` directly, as a frozen dataclass's does
through one ``object.__setattr__`` call per field, which costs twice the object itself: runs of
text, paragraphs and clause decisions are made by the hundred for each document.

What stays the same as ``@dataclass(frozen=True)``: the fields, ``dataclasses.fields``,
``replace``, ``asdict``; the ``__init__`` parameters, defaults and default factories, and
``__post_init__``; equality (same class and equal compared fields), hashing, ``repr``, and
``FrozenInstanceError`` on assignment or deletion; ``__match_args__``. Not supported (a
``TypeError`` says so): ``__slots__``, keyword-only fields and ``InitVar``.
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

__all__ = ["frozen"]

C = TypeVar("C", bound=type)


class _Factory:
    """The default of a parameter whose field has a default factory, as dataclasses shows it."""

    def __repr__(self) -> str:
        return "<factory>"


_HAS_FACTORY = _Factory()


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def frozen(cls: C) -> C:
    """Make ``cls`` a frozen dataclass, as ``@dataclass(frozen=True)`` does, at a sixth of the cost.

    Raises:
        TypeError: the class has what ``@frozen`` does not do (slots, keyword-only fields,
            ``InitVar``), or a field without a default follows one with a default.
    """
    if "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: a @frozen class cannot have __slots__")
    documented = cls.__dict__.get("__doc__") is not None
    inherits_frozen = any(
        getattr(getattr(base, "__dataclass_params__", None), "frozen", False)
        for base in cls.__mro__[1:]
    )
    # Fields and their defaults only: dataclasses writes no method here except, for a subclass of
    # a frozen dataclass (which must itself be frozen), __setattr__ and __delattr__.
    dataclasses.dataclass(cls, init=False, repr=False, eq=False, frozen=inherits_frozen)
    fields = dataclasses.fields(cls)
    pseudo = [f for f in cls.__dict__["__dataclass_fields__"].values() if f not in fields]
    if any(f.kw_only is True for f in fields) or any(
        "InitVar" in str(f.type) or isinstance(f.type, dataclasses.InitVar) for f in pseudo
    ):
        raise TypeError(
            f"{cls.__name__}: a @frozen class cannot have keyword-only or InitVar fields"
        )
    own = cls.__dict__
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    _set(cls, "__init__", _init(cls, fields))
    names = frozenset(f.name for f in fields)
    if not inherits_frozen:
        _set(cls, "__setattr__", _frozen_setattr(cls, names))
        _set(cls, "__delattr__", _frozen_delattr(cls, names))
    _set(cls, "__repr__", _repr(tuple(f.name for f in fields if f.repr)))
    compared = _values(tuple(f.name for f in fields if f.compare))
    _set(cls, "__eq__", _eq(compared))
    if not explicit_hash:  # as dataclasses decides for a frozen class that compares fields
        hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        _install(cls, "__hash__", _hash(_values(hashed)))
    params = cls.__dict__["__dataclass_params__"]
    params.init = params.repr = params.eq = params.frozen = True  # how the class behaves
    if not documented:  # as dataclasses writes it: the class name and its signature
        signature = str(inspect.signature(cls)).replace(" -> None", "")
        type.__setattr__(cls, "__doc__", cls.__name__ + signature)
    return cls


def _set(cls: type, name: str, method: Any) -> None:
    """Add a method the class does not define itself (a class's own ``__repr__`` wins)."""
    if name not in cls.__dict__:
        _install(cls, name, method)


def _install(cls: type, name: str, method: Any) -> None:
    method.__name__ = name
    method.__qualname__ = f"{cls.__qualname__}.{name}"
    type.__setattr__(cls, name, method)


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """The one compiled method: parameters, defaults and factories as dataclasses writes them."""
    scope: dict[str, Any] = {"_HAS_FACTORY": _HAS_FACTORY}
    params, body = [], []
    for f in fields:
        name = f.name
        if f.default is not dataclasses.MISSING:
            scope[f"_default_{name}"] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            scope[f"_factory_{name}"] = f.default_factory
        if not f.init:
            if f.default is not dataclasses.MISSING:
                body.append(f"values[{name!r}] = _default_{name}")
            elif f.default_factory is not dataclasses.MISSING:
                body.append(f"values[{name!r}] = _factory_{name}()")
            continue
        if f.default is not dataclasses.MISSING:
            params.append(f"{name}=_default_{name}")
            body.append(f"values[{name!r}] = {name}")
        elif f.default_factory is not dataclasses.MISSING:
            params.append(f"{name}=_HAS_FACTORY")
            body.append(
                f"values[{name!r}] = _factory_{name}() if {name} is _HAS_FACTORY else {name}"
            )
        else:
            params.append(name)
            body.append(f"values[{name!r}] = {name}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    lines = "".join(f"\n    {line}" for line in body)
    source = f"def __init__(self, {', '.join(params)}):\n    values = self.__dict__{lines}\n"
    try:
        exec(source, scope)  # noqa: S102 - generated from field names only, as dataclasses does
    except SyntaxError as exc:
        raise TypeError(f"{cls.__name__}: {exc.msg}") from None
    init: Callable[..., None] = scope["__init__"]
    init.__module__ = cls.__module__
    init.__annotations__ = {f.name: f.type for f in fields if f.init} | {"return": None}
    return init


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The named fields' values as a tuple (what dataclasses compares and hashes)."""
    if not names:
        return lambda _self: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return attrgetter(*names)


def _frozen_setattr(cls: type[Any], names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    def setattr_(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return setattr_


def _frozen_delattr(cls: type[Any], names: frozenset[str]) -> Callable[[Any, str], None]:
    def delattr_(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return delattr_


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    @reprlib.recursive_repr()
    def repr_(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return repr_


def _eq(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, object], Any]:
    def eq_(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return eq_


def _hash(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def hash_(self: Any) -> int:
        return hash(values(self))

    return hash_
