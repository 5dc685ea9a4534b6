"""``@frozen`` classes behave as the frozen dataclasses they replace, made with one compiled method."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import pickle
import pkgutil

import pytest

import drafter
from drafter.frozen import frozen


@dataclasses.dataclass(frozen=True)
class Plain:
    """A frozen dataclass."""

    text: str
    bold: bool = False
    tags: tuple[str, ...] = ()
    notes: list[str] = dataclasses.field(default_factory=list)
    cache: dict[str, int] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    size: int = dataclasses.field(default=0, init=False)


@frozen
class Quick:
    """A @frozen class."""

    text: str
    bold: bool = False
    tags: tuple[str, ...] = ()
    notes: list[str] = dataclasses.field(default_factory=list)
    cache: dict[str, int] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    size: int = dataclasses.field(default=0, init=False)


CALLS = [
    (("a",), {}),
    (("a", True), {}),
    (("a",), {"tags": ("x",)}),
    (("a", False, ("y",), ["n"]), {}),
    ((), {"text": "b", "cache": {"k": 1}}),
]


def test_same_signature_fields_and_match_args():
    assert str(inspect.signature(Quick)) == str(inspect.signature(Plain))
    assert [(f.name, f.type, f.init, f.compare, f.repr) for f in dataclasses.fields(Quick)] == [
        (f.name, f.type, f.init, f.compare, f.repr) for f in dataclasses.fields(Plain)
    ]
    assert Quick.__match_args__ == Plain.__match_args__
    params = Quick.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen and params.eq and params.init and params.repr


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_same_values_equality_hash_and_repr(args, kwargs):
    p, q = Plain(*args, **kwargs), Quick(*args, **kwargs)
    assert dataclasses.asdict(p) == dataclasses.asdict(q)
    assert dataclasses.astuple(p) == dataclasses.astuple(q)
    assert repr(q).removeprefix("Quick") == repr(p).removeprefix("Plain")
    again = Quick(*args, **kwargs)
    assert q == again and q == again
    assert (q == Plain(*args, **kwargs)) is False  # another class is never equal
    differs = dataclasses.replace(q, text=q.text + "!")
    assert q != differs
    assert dataclasses.replace(q, cache={"other": 2}) == q  # compare=False is not compared


def test_hashing_follows_dataclasses():
    @dataclasses.dataclass(frozen=True)
    class P:
        a: int
        b: str = dataclasses.field(default="", hash=False)

    @frozen
    class Q:
        a: int
        b: str = dataclasses.field(default="", hash=False)

    assert hash(Q(1, "x")) == hash(P(1, "x")) == hash(Q(1, "y"))
    assert {Q(1), Q(1), Q(2)} == {Q(1), Q(2)}
    with pytest.raises(TypeError, match="unhashable"):
        hash(Quick("a"))  # a list field, as with the dataclass
    with pytest.raises(TypeError, match="unhashable"):
        hash(Plain("a"))


def test_default_factories_make_a_new_value_each_time():
    first, second = Quick("a"), Quick("a")
    assert first.notes == [] and first.notes is not second.notes
    assert first.size == 0


def test_frozen():
    q = Quick("a")
    for attempt in (lambda: setattr(q, "text", "b"), lambda: setattr(q, "new", 1)):
        with pytest.raises(dataclasses.FrozenInstanceError):
            attempt()
    with pytest.raises(dataclasses.FrozenInstanceError):
        del q.text
    assert q.text == "a"


def test_wrong_calls_fail_as_they_do_for_a_dataclass():
    for call in (lambda cls: cls(), lambda cls: cls("a", nonsense=1), lambda cls: cls("a", size=1)):
        with pytest.raises(TypeError):
            call(Plain)
        with pytest.raises(TypeError):
            call(Quick)


def test_post_init_subclasses_copies_and_pickles():
    seen = []

    @frozen
    class Base:
        a: int

        def __post_init__(self) -> None:
            seen.append(self.a)

    @frozen
    class Child(Base):
        b: str = "x"

    child = Child(1, "y")
    assert seen == [1] and (child.a, child.b) == (1, "y")
    assert (
        child != Base(1)
        and repr(child) == "test_post_init_subclasses_copies_and_pickles.<locals>.Child(a=1, b='y')"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        child.b = "z"  # type: ignore[misc]
    assert copy.deepcopy(child) == child
    assert pickle.loads(pickle.dumps(Quick("a", tags=("t",)))) == Quick("a", tags=("t",))


def test_a_class_keeps_the_methods_it_writes_itself():
    @frozen
    class Own:
        a: int

        def __repr__(self) -> str:
            return "mine"

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 7

    assert repr(Own(1)) == "mine" and Own(1) == 5 and hash(Own(2)) == 7


def test_a_class_made_unhashable_on_purpose_stays_so():
    @dataclasses.dataclass(frozen=True)
    class P:
        a: int
        __hash__ = None  # type: ignore[assignment]

    @frozen
    class Q:
        a: int
        __hash__ = None  # type: ignore[assignment]

    for cls in (P, Q):
        with pytest.raises(TypeError, match="unhashable"):
            hash(cls(1))
    assert Q(1) == Q(1)


def test_an_undocumented_class_is_documented_as_dataclasses_does():
    @dataclasses.dataclass(frozen=True)
    class P:
        a: int
        b: str = "x"

    @frozen
    class Q:
        a: int
        b: str = "x"

    assert Q.__doc__ == P.__doc__.replace("P(", "Q(")


def test_a_recursive_repr_does_not_loop():
    @frozen
    class Box:
        items: list[object]

    box = Box([])
    box.items.append(box)
    assert repr(box) == f"{Box.__qualname__}(items=[...])"


def test_what_frozen_cannot_do_is_refused():
    with pytest.raises(TypeError, match="__slots__"):

        @frozen
        class Slotted:
            __slots__ = ("a",)
            a: int

    with pytest.raises(TypeError, match="keyword-only"):

        @frozen
        class KeywordOnly:
            a: int = dataclasses.field(kw_only=True)

    with pytest.raises(TypeError, match="non-default argument"):

        @frozen
        class Misordered:
            a: int = 1
            b: int  # type: ignore[misc]


def test_the_hot_value_classes_fill_their_dict_directly():
    from drafter.law.conclusion import Conclusion
    from drafter.render import Block
    from drafter.rules import Decision
    from drafter.text import Paragraph, Run

    for cls in (Run, Paragraph, Block, Decision, Conclusion):
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
        assert "__dataclass_builtins_object__" not in cls.__init__.__code__.co_names


def test_no_frozen_dataclass_is_left_in_drafter():
    """Each was half a millisecond of every cold start; @frozen does the same for a sixth."""
    left = []
    for info in pkgutil.walk_packages(drafter.__path__, "drafter."):
        if info.name.startswith("drafter.web") or info.name == "drafter.__main__":
            continue  # the web app loads only for `drafter serve`; __main__ runs the command
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and dataclasses.is_dataclass(value)
                and value.__dataclass_params__.frozen
                and not value.__dataclass_params__.order
                and "__slots__" not in value.__dict__
                and "__setattr__" in value.__dict__
                and value.__dict__["__setattr__"].__module__ != "drafter.frozen"
                and not any(dataclasses.is_dataclass(b) for b in value.__mro__[1:])
            ):
                left.append(value.__qualname__)
    assert left == []
