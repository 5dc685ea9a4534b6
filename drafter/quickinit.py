"""A quicker ``__init__`` for the frozen dataclasses drafting makes by the hundred."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["quick_init"]

C = TypeVar("C", bound=type)


def quick_init(cls: C) -> C:
    """Give a frozen dataclass an ``__init__`` that fills its ``__dict__`` directly.

    The ``__init__`` a frozen dataclass gets sets each field through ``object.__setattr__``,
    a call per field: twice the cost of the object itself. Runs of text, paragraphs, clause
    decisions and legal conclusions are made a few hundred times for each document, so they
    use this one: the same parameters and defaults, and the class stays frozen (assignment
    still raises), equal and hashable as before. Put it above ``@dataclass(frozen=True)``.

    Raises:
        TypeError: the class is not a frozen dataclass, or it has what this ``__init__`` does
            not do (slots, ``__post_init__``, a default factory, a field left out of it).
    """
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__}: quick_init is for frozen dataclasses")
    fields = dataclasses.fields(cls)
    if (
        "__slots__" in cls.__dict__
        or hasattr(cls, "__post_init__")
        or any(not f.init or f.default_factory is not dataclasses.MISSING for f in fields)
    ):
        raise TypeError(f"{cls.__name__}: quick_init cannot make this class's __init__")
    defaults: dict[str, Any] = {}
    params_text = []
    for f in fields:
        if f.default is dataclasses.MISSING:
            params_text.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params_text.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"\n    values[{f.name!r}] = {f.name}" for f in fields)
    source = f"def __init__(self, {', '.join(params_text)}):\n    values = self.__dict__{body}\n"
    exec(source, defaults)  # noqa: S102 - generated from field names only, as dataclasses does
    init = defaults["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    generated = cls.__dict__["__init__"]  # the one dataclass wrote
    init.__doc__ = generated.__doc__
    init.__annotations__ = dict(generated.__annotations__)
    type.__setattr__(cls, "__init__", init)
    return cls
