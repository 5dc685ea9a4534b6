"""The one sandboxed Jinja environment: an allowlist of what templates reach, and bounded work.

Every Word template, clause body and ``when`` rule goes through :func:`environment`. It is
Jinja's immutable sandbox, strict about undefined names and autoescaping, tightened in two ways:

* **Allowlist.** A template reaches only :class:`~drafter.record.Record` fields (the case as
  data, see :mod:`drafter.record`), the drafting helpers registered with :func:`helper`, Jinja's
  loop and namespace objects, and the listed non-mutating methods of strings, tuples, mappings
  and dates. Every other attribute and every other call is refused, whatever its name.
* **Bounds.** Each render runs under a :class:`Limits` budget: the size of any string or list
  built by ``*``, ``+``, ``%``, ``**``, ``join``, ``replace`` and the widening filters; loop
  iterations; nested calls (macros calling themselves); total output; and wall-clock time. Going
  over a bound stops the render with :class:`LimitExceeded`, which the callers report as a
  :class:`~drafter.errors.TemplateError` naming the clause or template.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import enum
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range
from jinja2.utils import Cycler, Joiner, Namespace, generate_lorem_ipsum
from markupsafe import Markup, escape

from .compiled import (
    TEMPLATE_FAILURES,
    LimitExceeded,
    describe_failure,
    fields_hint,
    protect_braces,
    template_lineno,
)
from .errors import TemplateError
from .frozen import frozen
from .record import Record, ValueRecord, record_kind, record_names
from .text import did_you_mean, format_date, format_time

__all__ = [
    "LIMITS",
    "DrafterSandbox",
    "LimitExceeded",
    "Limits",
    "clear_compiled",
    "environment",
    "evaluate",
    "evaluate_all",
    "helper",
    "render_text",
]

# Characters XML 1.0 forbids (one would make the document unreadable), and the private-use
# characters that mark exhibit references: data printed into a template never carries them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\ue000-\uf8ff]")
_SPECIAL = re.compile(
    "[&<>\"'*\\[\\]_\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\ue000-\uf8ff]"
)
"""What :func:`_finalize` must strip (``_XML_INVALID``), escape, or defuse (markup, braces)."""


# --------------------------------------------------------------------------- bounds


@frozen
class Limits:
    """The most one render may build, print, loop, nest and take.

    A Word document's longest part is a few hundred kilobytes of XML; the limits sit orders of
    magnitude above what any real template needs and far below what would exhaust the machine.
    """

    max_string: int = 1_000_000
    """Characters in one string, or items in one list, built inside a template."""
    max_output: int = 20_000_000
    """Characters one render may produce (static text repeated by loops included)."""
    max_iterations: int = 100_000
    """Loop iterations in one render, all loops together."""
    max_depth: int = 40
    """Calls nested inside one another (a macro calling itself)."""
    max_int_bits: int = 4096
    """Bits in an integer computed with ``*`` or ``**``."""
    max_width: int = 1_000
    """Width for ``center``, ``indent`` and ``%``/``format`` field widths."""
    seconds: float = 5.0
    """Wall-clock time for one render."""


LIMITS = Limits()


class _Budget:
    """What one render has used so far."""

    __slots__ = ("deadline", "depth", "iterations", "limits", "output")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.iterations = 0
        self.depth = 0
        self.output = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"took longer than {self.limits.seconds:g} seconds")

    def charge_output(self, chars: int) -> None:
        self.output += chars
        if self.output > self.limits.max_output:
            raise LimitExceeded(
                f"produced more than {self.limits.max_output:,} characters of output"
            )


_current: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "drafter_budget", default=None
)


def _budget() -> _Budget:
    """The running render's budget (outside a render, e.g. constant folding, a fresh one)."""
    return _current.get() or _Budget(LIMITS)


@contextlib.contextmanager
def _bounded() -> Iterator[_Budget]:
    """Run a render under a fresh budget (nested renders share the outer one)."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    budget = _Budget(LIMITS)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def _size(value: Any) -> int:
    if isinstance(value, (str, list, tuple, dict, set, frozenset)):
        return len(value)
    return 0


def _check_size(value: Any, what: str, limits: Limits | None = None) -> Any:
    limit = (limits or _budget().limits).max_string
    if _size(value) > limit:
        raise LimitExceeded(f"{what} built a value of {_size(value):,} items (limit {limit:,})")
    return value


def _check_int(value: Any, what: str, limits: Limits | None = None) -> Any:
    if isinstance(value, int) and value.bit_length() > (limits or _budget().limits).max_int_bits:
        raise LimitExceeded(f"{what} built a number too large to print")
    return value


def _both_int(left: Any, right: Any) -> bool:
    return isinstance(left, int) and isinstance(right, int)


def _mul(left: Any, right: Any) -> Any:
    limits = _budget().limits
    for seq, count in ((left, right), (right, left)):
        if isinstance(count, int) and _size(seq) * max(count, 0) > limits.max_string:
            raise LimitExceeded(
                f"tried to repeat a value {count:,} times (limit {limits.max_string:,} items)"
            )
    bits = left.bit_length() + right.bit_length() if _both_int(left, right) else 0
    if bits > limits.max_int_bits + 1:
        raise LimitExceeded("tried to multiply numbers too large to print")
    return left * right


def _pow(left: Any, right: Any) -> Any:
    limits = _budget().limits
    growing = _both_int(left, right) and abs(left) > 1 and right > 0
    if growing and left.bit_length() * right > limits.max_int_bits:
        raise LimitExceeded(f"tried to raise a number to the power {right:,}")
    if isinstance(right, (int, float)) and abs(right) > limits.max_int_bits:
        raise LimitExceeded(f"tried to raise a number to the power {right:,}")
    return left**right


def _add(left: Any, right: Any) -> Any:
    limit = _budget().limits.max_string
    if _size(left) + _size(right) > limit:
        raise LimitExceeded(f"tried to join two values into more than {limit:,} items")
    return left + right


# %-formatting: the widths and precisions in the format string, or a '*' that takes one.
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")


def _check_percent_format(fmt: str) -> None:
    limit = _budget().limits.max_width
    for spec in _PERCENT_SPEC.finditer(fmt):
        for part in spec.groups():
            if part == "*" or (part and int(part) > limit):
                raise LimitExceeded(f"a format field is wider than {limit:,} characters")


def _mod(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        _check_percent_format(left)
        return _check_size(left % right, "a % format")
    return left % right


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": _mul,
    "**": _pow,
    "+": _add,
    "%": _mod,
}


# --------------------------------------------------------------------------- bounded filters


def _width(value: Any, what: str) -> Any:
    limit = _budget().limits.max_width
    if isinstance(value, str):
        if len(value) > limit:
            raise LimitExceeded(f"{what} was asked for a width of {len(value):,} characters")
    elif isinstance(value, (int, float)) and abs(value) > limit:
        raise LimitExceeded(f"{what} was asked for a width of {value:,}")
    return value


def _center(value: Any, width: int = 80) -> str:
    _width(width, "center")
    return str(FILTERS["center"](value, width))


def _indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    _width(width, "indent")
    lines = str(s).count("\n") + 1
    pad = len(width) if isinstance(width, str) else int(width)
    if (len(str(s)) + lines * pad) > _budget().limits.max_string:
        raise LimitExceeded("indent would build too long a text")
    return str(FILTERS["indent"](s, width, first, blank))


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_percent_format(str(value))
    return _check_size(FILTERS["format"](value, *args, **kwargs), "format")  # type: ignore[no-any-return]


def _estimate_join(items: Iterable[Any], sep: Any) -> tuple[list[Any], int]:
    listed = list(items)
    _check_size(listed, "join")
    return listed, sum(len(str(i)) for i in listed) + len(str(sep)) * max(len(listed) - 1, 0)


@jinja2.pass_eval_context
def _join(
    eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: str | int | None = None
) -> str:
    listed, total = _estimate_join(value, d)
    if total > _budget().limits.max_string:
        raise LimitExceeded(f"join would build {total:,} characters")
    return str(FILTERS["join"](eval_ctx, listed, d, attribute))


def _check_replace(s: Any, old: Any, new: Any, count: Any = None) -> None:
    text, old, new = str(s), str(old), str(new)
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    if len(text) + hits * max(len(new) - len(old), 0) > _budget().limits.max_string:
        raise LimitExceeded("replace would build too long a text")


@jinja2.pass_eval_context
def _replace(eval_ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
    _check_replace(s, old, new, count)
    return str(FILTERS["replace"](eval_ctx, s, old, new, count))


@jinja2.pass_environment
def _wordwrap(env: Any, s: str, width: int = 79, *args: Any, **kwargs: Any) -> str:
    if not isinstance(width, int) or width < 1:
        raise LimitExceeded("wordwrap needs a width of at least 1")
    _width(width, "wordwrap")
    return _check_size(FILTERS["wordwrap"](env, s, width, *args, **kwargs), "wordwrap")  # type: ignore[no-any-return]


def _slice(value: Iterable[Any], slices: int, fill_with: Any = None) -> Iterator[list[Any]]:
    _width(slices, "slice")
    yield from FILTERS["slice"](value, slices, fill_with)


def _batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Iterator[list[Any]]:
    if fill_with is not None:
        _width(linecount, "batch")
    yield from FILTERS["batch"](value, linecount, fill_with)


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    limits = _budget().limits
    if n > 100 or min > limits.max_width or max > limits.max_width:
        raise LimitExceeded("lipsum was asked for more than 100 paragraphs of 1,000 words")
    return generate_lorem_ipsum(n, html, min, max)


@jinja2.pass_context  # never folded into a constant at compile time
def _bounded_loop(context: Any, iterable: Any, static: int = 0) -> Iterator[Any]:
    """Every ``{% for %}`` iterates through this: counts iterations, charges its static text."""
    budget = _budget()
    limit = budget.limits.max_iterations
    for item in iterable:
        budget.iterations += 1
        if budget.iterations > limit:
            raise LimitExceeded(f"looped more than {limit:,} times")
        if static:
            budget.charge_output(static)
        budget.tick()
        yield item


class _BoundedNamespace(Namespace):
    """``namespace()``, whose values obey the size limit (no doubling a string in a loop)."""

    def __setitem__(self, name: str, value: Any) -> None:
        _check_size(value, "namespace assignment")
        _check_int(value, "namespace assignment")
        super().__setitem__(name, value)


# --------------------------------------------------------------------------- the allowlist

_STR_METHODS = frozenset(
    {
        *("capitalize", "casefold", "count", "endswith", "find", "index", "isalnum"),
        *("isalpha", "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle"),
        *("isupper", "join", "lower", "lstrip", "partition", "removeprefix", "removesuffix"),
        *("replace", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split"),
        *("splitlines", "startswith", "strip", "swapcase", "title", "upper"),
    }
)
"""String methods that read or shrink (``join`` and ``replace`` are size-checked when called)."""

_SAFE_ATTRIBUTES: dict[type, frozenset[str]] = {
    str: _STR_METHODS,
    Markup: _STR_METHODS | {"striptags", "unescape"},
    tuple: frozenset({"count", "index"}),
    list: frozenset({"count", "index"}),
    dict: frozenset({"get", "items", "keys", "values"}),
    types.MappingProxyType: frozenset({"get", "items", "keys", "values"}),
    dt.date: frozenset({"day", "isoformat", "isoweekday", "month", "weekday", "year"}),
    dt.datetime: frozenset(
        {"day", "hour", "isoformat", "isoweekday", "minute", "month", "weekday", "year"}
    ),
    dt.time: frozenset({"hour", "isoformat", "minute"}),
    dt.timedelta: frozenset({"days"}),
    LoopContext: frozenset(
        {
            *("changed", "cycle", "depth", "depth0", "first", "index", "index0", "last"),
            *("length", "nextitem", "previtem", "revindex", "revindex0"),
        }
    ),
    Cycler: frozenset({"current", "next", "reset"}),
}
"""Per type, the attributes a template may read (exact type match, no subclasses)."""

_HELPERS: set[Callable[..., Any]] = set()
_PLAIN_HELPERS: set[Any] = set()
"""The helpers that take no Jinja context or environment: called directly."""

F = TypeVar("F", bound=Callable[..., Any])


def helper(func: F) -> F:
    """Register a function (or a method, by its function) as callable from templates."""
    _HELPERS.add(func)
    if not hasattr(func, "jinja_pass_arg") and not hasattr(type(func), "jinja_pass_arg"):
        _PLAIN_HELPERS.add(func)
    return func


_GLOBAL_CALLABLES: frozenset[Any] = frozenset(
    {safe_range, _lipsum, dict, _BoundedNamespace, Cycler, Joiner}
)


def _safe_attribute(obj: Any, attr: str) -> bool:
    if isinstance(obj, Record):
        return attr in record_names(obj)
    if isinstance(obj, Namespace):
        return attr in obj._Namespace__attrs
    if isinstance(obj, enum.Enum):  # a closed-set value: its value, and string methods if a str
        return attr == "value" or (isinstance(obj, str) and attr in _STR_METHODS)
    allowed = _SAFE_ATTRIBUTES.get(type(obj))
    return allowed is not None and attr in allowed


def _safe_callable(obj: Any) -> bool:
    if isinstance(obj, (Macro, LoopContext, Joiner)):
        return True
    if isinstance(obj, (types.MethodType, types.BuiltinMethodType)):
        owner = getattr(obj, "__self__", None)
        func = getattr(obj, "__func__", None)
        if func is not None and func in _HELPERS:
            return True
        # A bound method of an allowed type, under a name the allowlist names (the only way a
        # template can have obtained it).
        return (
            owner is not None
            and not isinstance(owner, type)
            and (_safe_attribute(owner, obj.__name__))
        )
    try:
        return obj in _HELPERS or obj in _GLOBAL_CALLABLES
    except TypeError:  # unhashable
        return False


class _Undefined(jinja2.StrictUndefined):
    """Strict undefined values whose errors speak of records and fields, with a suggestion."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name
        if isinstance(obj, Record) and isinstance(name, str) and not self._undefined_hint:
            names = sorted(record_names(obj))
            return f"{record_kind(obj)} has no field {name!r}{did_you_mean(name, names)}"
        return str(super()._undefined_message)

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = jinja2.utils.missing,
        name: str | None = None,
        exc: type[jinja2.UndefinedError] = jinja2.UndefinedError,
    ) -> None:
        if isinstance(obj, Record) and exc is jinja2.UndefinedError:
            # The error carries the record's field names, for the hint (compiled.fields_hint).
            def exc(message: str | None = None) -> jinja2.UndefinedError:  # type: ignore[misc]
                error = jinja2.UndefinedError(message)
                error.fields = sorted(record_names(obj))  # type: ignore[attr-defined]
                return error

        super().__init__(hint, obj, name, exc)


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, printing each value through :func:`_finalize` alone.

    Jinja writes ``escape(environment.finalize(value))``; drafter's finalize already returns
    the value escaped (or markup made on purpose), so the outer escape, which would only wrap
    it in Markup again, is left out. Every printed value still goes through the finalize.
    """

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if finalize.src is None:  # pragma: no cover - drafter's environment always finalizes
            raise AssertionError("the sandbox prints through its finalize")
        self.write(finalize.src)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write(")")


class DrafterSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with an allowlist and per-render bounds (see the module doc)."""

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset(_BINOPS)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Allow only the attributes on the allowlist, whatever the object."""
        return _safe_attribute(obj, attr)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Read an attribute; a record's field (most reads a template makes) directly.

        A field of a plain record is exactly what the general path would return (its name
        is on the record's allowlist); anything else takes the general, checked path.
        """
        if type(obj) is Record:
            try:
                return obj._values[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def is_safe_callable(self, obj: Any) -> bool:
        """Allow only registered helpers, Jinja's own callables and allowlisted methods."""
        return _safe_callable(obj)

    def wrap_str_format(self, value: Any) -> None:
        """``str.format`` is not on the allowlist, so it is never wrapped into reach."""

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``*``, ``**``, ``+`` and ``%`` with their results bounded before they are built."""
        return _BINOPS[operator](left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Call an allowed callable, bounding nesting, time and the size of what it returns."""
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f"calling {_describe_callable(__obj)} is not allowed")
        budget = _budget()
        budget.tick()
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (_bounded_loop(None, args[0]), *args[1:])
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            if __obj.__name__ == "join" and args:
                listed, total = _estimate_join(args[0], owner)
                if total > budget.limits.max_string:
                    raise LimitExceeded(f"join would build {total:,} characters")
                args = (listed, *args[1:])
            elif __obj.__name__ == "replace" and len(args) >= 2:
                _check_replace(owner, *args[:3])
        limits = budget.limits
        for arg in (*args, *kwargs.values()):  # a macro doubling its argument each call
            _check_size(arg, "a call's argument", limits)
            _check_int(arg, "a call's argument", limits)
        budget.depth += 1
        try:
            if budget.depth > limits.max_depth:
                raise LimitExceeded(f"calls nested more than {limits.max_depth} deep")
            func = __obj.__func__ if type(__obj) is types.MethodType else __obj
            if type(func) is types.FunctionType and func in _PLAIN_HELPERS:
                # drafter's own helper, which takes no context: what Context.call would do
                # for it, without its look for one (two failed attribute lookups a call)
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
                try:
                    result = __obj(*args, **kwargs)
                except StopIteration:
                    result = __self.undefined(
                        "value was undefined because a callable raised a StopIteration exception"
                    )
            else:
                result = __context.call(__obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        _check_size(result, "a call", limits)
        return _check_int(result, "a call", limits)

    def _generate(self, source: nodes.Template, *args: Any, **kwargs: Any) -> str:
        """Route every loop through :func:`_bounded_loop` before the code is generated."""
        for loop in source.find_all(nodes.For):
            if isinstance(loop.iter, nodes.Filter) and loop.iter.name == "_drafter_loop":
                continue
            static = sum(len(d.data) for d in _static_text(loop.body))
            loop.iter = nodes.Filter(
                loop.iter,
                "_drafter_loop",
                [nodes.Const(static)],
                [],
                None,
                None,
                lineno=loop.lineno,
            )
        return str(super()._generate(source, *args, **kwargs))


def _static_text(body: Iterable[nodes.Node]) -> Iterator[nodes.TemplateData]:
    """The literal text a loop body writes each time round (nested loops charge their own)."""
    for node in body:
        if isinstance(node, nodes.For):
            continue
        if isinstance(node, nodes.TemplateData):
            yield node
        else:
            yield from _static_text(node.iter_child_nodes())


def _describe_callable(obj: Any) -> str:
    name = getattr(obj, "__name__", None) or type(obj).__name__
    return repr(str(name))


class _BoundedTemplate(jinja2.Template):
    """A template whose :meth:`render` runs under a budget and counts what it writes."""

    @classmethod
    def _from_namespace(
        cls, environment: jinja2.Environment, namespace: Any, globals: Any
    ) -> jinja2.Template:
        template = super()._from_namespace(environment, namespace, globals)
        # The sandbox's globals are fixed when it is made: a plain copy, not Jinja's ChainMap,
        # which every render would otherwise walk twice.
        template.globals = dict(globals)
        return template

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render under the limits; going over one raises :class:`LimitExceeded`."""
        # One merged copy of globals and variables (Jinja would copy the variables twice more).
        ctx = self.new_context({**self.globals, **dict(*args, **kwargs)}, shared=True)
        # _bounded(), written out: a render is short, and the context manager costs a tenth.
        budget = _current.get()
        token = None
        if budget is None:
            budget = _Budget(LIMITS)
            token = _current.set(budget)
        try:
            chunks = _counted(self.root_render_func(ctx), budget)
            return str(self.environment.concat(chunks))
        except Exception:
            self.environment.handle_exception()
        finally:
            if token is not None:
                _current.reset(token)
        raise AssertionError("unreachable")  # pragma: no cover

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        """Streaming would escape the budget: render whole instead."""
        yield self.render(*args, **kwargs)


def _counted(chunks: Iterable[str], budget: _Budget) -> Iterator[str]:
    limit = budget.limits.max_output  # _Budget.charge_output, written out: it runs per chunk
    for chunk in chunks:
        budget.output += len(chunk)
        if budget.output > limit:
            budget.charge_output(0)  # raises LimitExceeded with the usual message
        yield chunk


def _finalize(value: Any) -> Any:
    """Escape inserted values, clause markup (``*``, ``[[``) included, and count the output.

    A name or fact can then never switch on italics, bold or a highlight.
    """
    # _budget(), tick() and charge_output(), written out: this runs for every printed value.
    budget = _current.get() or _Budget(LIMITS)
    if time.monotonic() > budget.deadline:
        budget.tick()  # raises LimitExceeded with the usual message
    if type(value) is str:  # most values: none of the checks below applies to plain text
        text = value
    else:
        if isinstance(value, ValueRecord):  # a legal conclusion prints as its value
            value = value.value
            if isinstance(value, Record):
                raise jinja2.UndefinedError(
                    "a template printed a whole record; print one of its fields"
                )
        if value is None:
            raise jinja2.UndefinedError("a template printed a value that is empty (None)")
        if isinstance(value, Markup):
            return value
        if hasattr(value, "__html__"):  # markup made on purpose (RichText): as escape() takes it
            return Markup(value.__html__())
        if isinstance(value, dt.date):
            text = format_date(value)
        else:
            _check_int(value, "printing")
            text = str(value)
    if not _SPECIAL.search(text):  # most values: nothing to strip, escape or protect
        budget.output += len(text)
        if budget.output > budget.limits.max_output:
            budget.charge_output(0)  # raises LimitExceeded with the usual message
        return text
    text = _XML_INVALID.sub("", text)
    budget.charge_output(len(text))
    escaped = str(escape(text)).replace("*", "&#42;").replace("[", "&#91;").replace("]", "&#93;")
    return protect_braces(escaped)


@lru_cache(maxsize=1)
def environment() -> DrafterSandbox:
    """Return the sandboxed, strict, autoescaping environment every template renders in."""
    env = DrafterSandbox(
        undefined=_Undefined,
        autoescape=True,
        finalize=_finalize,
        keep_trailing_newline=False,
    )
    env.template_class = _BoundedTemplate
    env.globals.clear()
    env.globals.update(
        range=safe_range,
        lipsum=_lipsum,
        dict=dict,
        namespace=_BoundedNamespace,
        cycler=Cycler,
        joiner=Joiner,
    )
    env.filters.update(
        center=_center,
        indent=_indent,
        format=_format,
        join=_join,
        replace=_replace,
        wordwrap=_wordwrap,
        slice=_slice,
        batch=_batch,
        _drafter_loop=_bounded_loop,
        date=format_date,
        time=format_time,
        upper_name=lambda s: str(s).upper(),
    )
    return env


# --------------------------------------------------------------------------- clause text and rules


@lru_cache(maxsize=4096)
def _compiled_text(source: str) -> jinja2.Template:
    # Clause bodies are compiled once per process, however many cases are drafted (and their
    # generated code is kept between processes: see drafter.codecache).
    from .codecache import compile_source

    return compile_source(environment(), source)


@lru_cache(maxsize=4096)
def _compiled_expression(expression: str) -> Any:
    return environment().compile_expression(expression, undefined_to_none=False)


def clear_compiled() -> None:
    """Forget every compiled clause body and rule (benchmarks use this to measure the naive path)."""
    _compiled_text.cache_clear()
    _compiled_expression.cache_clear()
    _combined_rules.cache_clear()


def render_text(source: str, context: Mapping[str, Any], *, name: str) -> Markup:
    """Render a piece of text (a clause body) in the sandbox; errors name ``name`` and the line."""
    try:
        template = _compiled_text(source)
        return Markup(template.render(context))
    except TEMPLATE_FAILURES as exc:
        lineno = template_lineno(exc)
        where = f"{name}:{lineno}" if lineno else name
        raise TemplateError(f"{where}: {describe_failure(exc)}", fields_hint(exc)) from None


_NOT_BATCHABLE = ("{{", "}}", "{%", "%}", "{#", "#}")


@lru_cache(maxsize=256)
def _combined_rules(expressions: tuple[str, ...]) -> jinja2.Template | None:
    """One template printing 1 or 0 for each rule; None if a rule could change how it reads."""
    if not expressions or any(d in e for e in expressions for d in _NOT_BATCHABLE):
        return None
    return _compiled_text("".join('{{ "1" if (' + e + ') else "0" }}' for e in expressions))


def evaluate_all(
    expressions: Sequence[str], context: Mapping[str, Any], *, names: Sequence[str]
) -> list[bool]:
    """The truth of each expression (clauses' ``when`` rules), all in one sandboxed render.

    One template tests them all against one context, which costs far less than a context per
    rule. If any rule fails, or one holds template delimiters that could change how the
    combined template reads, each is evaluated alone, so the error names its own clause.

    Raises:
        TemplateError: as :func:`evaluate`, for the first rule that fails.
    """
    try:
        combined = _combined_rules(tuple(expressions))
        out = "" if combined is None else combined.render(dict(context))
    except TEMPLATE_FAILURES:
        out = ""
    if out and len(out) == len(expressions) and not out.strip("01"):
        return [c == "1" for c in out]
    return [bool(evaluate(e, context, name=n)) for e, n in zip(expressions, names, strict=True)]


def evaluate(
    expression: str, context: Mapping[str, Any], *, name: str, undefined: bool = False
) -> Any:
    """Evaluate a Jinja expression (a clause's ``when``) in the sandbox.

    An expression whose value is undefined (an unknown or forbidden name) fails here, with the
    same message a clause body would get, not later when the caller tests its truth; with
    ``undefined``, such a value is returned as None instead.
    """
    try:
        compiled = _compiled_expression(expression)
        with _bounded():
            value = compiled(**dict(context))
            if isinstance(value, jinja2.Undefined):
                if undefined:
                    return None
                value._fail_with_undefined_error()
            return value
    except TEMPLATE_FAILURES as exc:
        raise TemplateError(f"{name}: {describe_failure(exc)}", fields_hint(exc)) from None
