"""quick_init: a frozen dataclass's quicker __init__ behaves as the one dataclass writes."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from drafter.quickinit import quick_init


@dataclasses.dataclass(frozen=True)
class Plain:
    text: str
    bold: bool = False
    tags: tuple[str, ...] = ()


@quick_init
@dataclasses.dataclass(frozen=True)
class Quick:
    text: str
    bold: bool = False
    tags: tuple[str, ...] = ()


def test_same_parameters_values_equality_hash_and_immutability():
    plain, quick = Plain, Quick
    assert str(inspect.signature(quick)) == str(inspect.signature(plain))
    for args, kwargs in [(("a",), {}), (("a", True), {}), (("a",), {"tags": ("x",)})]:
        p, q = plain(*args, **kwargs), quick(*args, **kwargs)
        assert dataclasses.asdict(p) == dataclasses.asdict(q)
        assert q == quick(*args, **kwargs) and hash(q) == hash(quick(*args, **kwargs))
        assert repr(q).removeprefix("Quick") == repr(p).removeprefix("Plain")
        with pytest.raises(dataclasses.FrozenInstanceError):
            q.text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        quick()  # the required field is still required
    with pytest.raises(TypeError):
        quick("a", nonsense=1)
    assert dataclasses.replace(quick("a"), bold=True) == quick("a", True)


def test_classes_it_cannot_serve_are_refused():
    @dataclasses.dataclass
    class NotFrozen:
        x: int

    @dataclasses.dataclass(frozen=True)
    class Factory:
        x: list[int] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True)
    class Post:
        x: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(frozen=True, slots=True)
    class Slots:
        x: int

    for cls in (NotFrozen, Factory, Post, Slots, int):
        with pytest.raises(TypeError, match="quick_init"):
            quick_init(cls)


def test_the_drafting_value_classes_use_it():
    from drafter.law.conclusion import Conclusion
    from drafter.render import Block
    from drafter.rules import Decision
    from drafter.text import Paragraph, Run

    for cls in (Run, Paragraph, Block, Decision, Conclusion):
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
        assert cls.__init__.__code__.co_filename == "<string>"
        assert "__dataclass_builtins_object__" not in cls.__init__.__code__.co_names
