"""The sandbox's allowlist and bounds: what templates can reach, and what they cannot build."""

from __future__ import annotations

import datetime as dt
import types
from collections import deque
from typing import Any

import jinja2
import pytest
from jinja2.runtime import LoopContext
from pydantic import BaseModel

import drafter
from drafter.documents import DOCUMENTS
from drafter.drafting import _view, compose, load_library
from drafter.errors import TemplateError
from drafter.record import Record, as_record
from drafter.sandbox import LIMITS, environment, evaluate, render_text
from drafter.scope import ClauseScope

from .conftest import SAMPLES

LIBRARY = load_library()

# Every callable a template can reach from its context, by name. A new one appearing here is a
# decision to widen what templates reach: add it on purpose, or take it away.
HELPERS = {
    "agree",
    "cite",
    "equities",
    "exhibit",
    "has_evidence",
    "join_words",
    "petitions",
    "told",
    "decl",
    "see",
    "see_kind",
    "subject",
    "strengths",
    "years_since",
}
STRING_METHODS = {
    *("capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha"),
    *("isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join"),
    *("lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind"),
    *("rindex", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip"),
    *("swapcase", "title", "upper"),
}
SEQUENCE_METHODS = {"count", "index"}
MAPPING_METHODS = {"get", "items", "keys", "values"}
DATE_METHODS = {"isoformat", "isoweekday", "weekday"}
GLOBALS = {"range", "lipsum", "dict", "namespace", "cycler", "joiner"}


def _contexts():
    """Every context a template or clause is given, for every sample and document."""
    for path in SAMPLES:
        case = drafter.load_case(path)
        for first_person in (False, True):
            yield ClauseScope(case, LIBRARY.registry, first_person=first_person).names()
        for kind in DOCUMENTS.values():
            if kind.check(case):
                continue
            comp = compose(case, kind, LIBRARY)
            yield {"case": as_record(comp.visible), "draft": as_record(_view(case, kind, comp))}


def _describe(value: Any) -> str:
    if isinstance(value, (types.MethodType, types.BuiltinMethodType)):
        owner = value.__self__
        if isinstance(owner, ClauseScope):
            return f"helper:{value.__name__}"
        if isinstance(owner, str):
            return f"str.{value.__name__}"
        if isinstance(owner, (tuple, list)):
            return f"sequence.{value.__name__}"
        if isinstance(owner, (dict, types.MappingProxyType)):
            return f"mapping.{value.__name__}"
        if isinstance(owner, dt.date):
            return f"date.{value.__name__}"
        return f"method:{type(owner).__name__}.{value.__name__}"
    if isinstance(value, types.FunctionType):
        return f"helper:{value.__name__}"
    return f"other:{type(value).__name__}"


def _allowed(description: str) -> bool:
    kind, _, name = description.partition(":")
    if kind == "helper":
        return name in HELPERS
    prefix, _, method = description.partition(".")
    return {
        "str": STRING_METHODS,
        "sequence": SEQUENCE_METHODS,
        "mapping": MAPPING_METHODS,
        "date": DATE_METHODS,
    }.get(prefix, set()).__contains__(method)


def test_every_reachable_callable_is_on_the_list():
    env = environment()
    seen: set[int] = set()
    visited = 0
    reached_kinds: set[str] = set()
    for context in _contexts():
        queue: deque[Any] = deque(context.values())
        while queue:
            obj = queue.popleft()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            visited += 1
            assert not isinstance(obj, (BaseModel, type, types.ModuleType)), obj
            if callable(obj):
                description = _describe(obj)
                reached_kinds.add(description)
                assert _allowed(description), f"a template can reach {description}"
                assert env.is_safe_callable(obj), description
            if isinstance(obj, (tuple, list)):
                queue.extend(obj)
            elif isinstance(obj, types.MappingProxyType):
                queue.extend(obj.values())
            for attr in dir(obj):
                try:
                    value = getattr(obj, attr)
                except AttributeError:
                    continue
                if env.is_safe_attribute(obj, attr, value):
                    queue.append(value)
    assert visited > 1000
    # The walk really reached the helpers and the string methods (it can fail).
    assert {f"helper:{h}" for h in HELPERS - {"join_words"}} <= reached_kinds
    assert "str.upper" in reached_kinds


def test_globals_are_only_the_listed_ones():
    env = environment()
    assert set(env.globals) == GLOBALS
    for name, value in env.globals.items():
        assert env.is_safe_callable(value), name


def test_case_reaches_templates_as_records_without_methods():
    case = drafter.load_case(SAMPLES[0])
    names = ClauseScope(case, LIBRARY.registry).names()
    assert isinstance(names["case"], Record)
    assert isinstance(names["r"], Record)
    env = environment()
    for attr in ("parse_raw", "parse_file", "model_dump", "model_copy", "copy", "json", "dict"):
        assert not hasattr(names["case"], attr) or not env.is_safe_attribute(
            names["case"], attr, None
        )
    with pytest.raises(AttributeError):
        names["case"].respondent = None


ESCAPES = [
    "{{ case.parse_raw('x') }}",
    "{{ case.respondent.parse_file('secret.json') }}",
    "{{ case.model_dump() }}",
    "{{ case.__class__ }}",
    "{{ case._values }}",
    "{{ r.entry.manner.__class__.__mro__ }}",
    "{{ cite.__self__ }}",
    "{{ cite.__func__.__globals__ }}",
    "{{ join.__globals__ }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ 'x'.format_map({}) }}",
    "{{ 'abc'.zfill(10**9) }}",
    "{{ 'abc'.center(10**9) }}",
    "{{ 'abc'.ljust(10**9) }}",
    "{{ 'abc'.encode() }}",
    "{{ dict.fromkeys }}",
    "{{ joiner.__init__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ [].append }}",
    "{{ case.respondent.date_of_birth.replace(year=1) }}",
    "{{ self._TemplateReference__context }}",
    "{{ range.__self__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ namespace.__init__ }}",
    "{{ case.petitions[0].__dict__ }}",
    "{{ petitions('I-130')[0].model_fields }}",
    "{{ equities()[0].__class__ }}",
    "{{ reopen_window.__class__ }}",
    "{{ case.respondent.full_name.__class__.__base__.__subclasses__() }}",
    "{{ (case.covered_people|first).__class__ }}",
    "{% for x in case.__class__.__mro__ %}{{ x }}{% endfor %}",
    "{{ case|attr('__class__') }}",
    "{{ case.exhibits|sort(attribute='__class__')|list }}",
    "{{ config }}",
    "{{ request }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% extends '/etc/passwd' %}",
    "{{ r.entry.manner.value.__class__ }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escape_attempts_are_refused_with_a_located_error(source):
    case = drafter.load_case(SAMPLES[0])
    names = ClauseScope(case, LIBRARY.registry).names()
    with pytest.raises(TemplateError) as err:
        render_text(source, names, name="hostile.md")
    message = str(err.value)
    assert message.startswith("hostile.md")
    assert "\n" not in message


def test_attribute_filters_yield_nothing_forbidden():
    case = drafter.load_case(SAMPLES[0])
    names = ClauseScope(case, LIBRARY.registry).names()
    out = str(render_text("{{ case.exhibits|map(attribute='__class__')|list }}", names, name="x"))
    assert "class" not in out and "Record" not in out and "drafter" not in out


BOMBS = {
    "{{ 'a'*10**9 }}": "repeat",
    "{{ [0]*10**9 }}": "repeat",
    "{{ 'x'|center(10**9) }}": "width",
    "{{ 'x'|indent(10**9) }}": "width",
    "{{ 'x'|indent('y'*10**5) }}": "width",
    "{{ '%0999999999d' % 1 }}": "format field",
    "{{ '%*d' % (10**9, 1) }}": "format field",
    "{{ '%.999999999f'|format(1.0) }}": "format field",
    "{{ 10**(10**10) }}": "power",
    "{{ 2**100000 }}": "power",
    "{{ (9**999)*(9**999)*(9**999)*(9**999)*(9**999) }}": "multiply",
    "{{ lipsum(n=10**7) }}": "lipsum",
    "{{ lipsum(n=5, min=10**9) }}": "lipsum",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}": "looped",
    "{% macro f(n) %}{{ f(n+1) }}{% endmacro %}{{ f(1) }}": "nested",
    "{% macro d(s, n) %}{% if n %}{{ d(s~s, n-1) }}{% endif %}{% endmacro %}{{ d('ab', 35) }}": "argument",
    "{{ ''.join(['a'*100000]*100) }}": "join",
    "{{ range(100000)|join('x'*1000) }}": "join",
    "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}": "namespace",
    "{% for i in range(100000) %}" + "x" * 1000 + "{% endfor %}": "output",
    "{% for x in range(10) recursive %}{{ loop(range(100000)) }}{% endfor %}": "nested",
    "{{ range(10)|slice(10**9)|list|length }}": "width",
    "{{ range(10)|batch(10**9, 'x')|list }}": "width",
    "{{ ('a'*1000)|replace('a', 'b'*10000) }}": "replace",
    "{{ ('a'*1000).replace('a', 'b'*10000) }}": "replace",
    "{{ 'x'|wordwrap(0) }}": "wordwrap",
    "{{ range(100001)|list }}": "range",
    "{{ ('a'*999999) + ('b'*999999) }}": "join two",
}


@pytest.mark.parametrize("source", list(BOMBS), ids=lambda s: s[:40])
def test_resource_bombs_stop_at_a_limit(source):
    case = drafter.load_case(SAMPLES[0])
    names = ClauseScope(case, LIBRARY.registry).names()
    with pytest.raises(TemplateError) as err:
        render_text(source, names, name="bomb.md")
    message = str(err.value)
    assert message.startswith("bomb.md"), message
    assert BOMBS[source] in message, message
    assert "\n" not in message


def test_time_limit_stops_a_slow_render(monkeypatch):
    import drafter.sandbox as sandbox

    monkeypatch.setattr(sandbox, "LIMITS", sandbox.Limits(seconds=0.2))
    # A long computation inside the limits on size and loops, but not on time.
    source = "{% for i in range(90000) %}{{ (range(200)|list|sort|join)|length }}{% endfor %}"
    with pytest.raises(TemplateError, match="took longer than 0.2 seconds"):
        render_text(source, {}, name="slow.md")


def test_limits_leave_ordinary_templates_alone():
    source = (
        "{{ 'x'*2 + 'y' }} {{ 3*4 }} {{ 2**10 }} {{ '%s-%05d' % ('a', 3) }} "
        "{{ 'ab'|center(6) }}|{% for i in range(3) %}{{ loop.index }}{% endfor %} "
        "{{ ['a', 'b']|join(', ') }} {{ 'a b'.split()|length }} {{ 'O&B'.lower() }}"
    )
    assert str(render_text(source, {}, name="fine.md")) == (
        "xxy 12 1024 a-00003   ab  |123 a, b 2 o&amp;b"
    )


def test_budget_is_per_render_not_per_process():
    # Many renders in a row, each well under the loop limit, never add up to it.
    source = "{% for i in range(60000) %}{% endfor %}ok"
    for _ in range(5):
        assert str(render_text(source, {}, name="loop.md")) == "ok"
    assert LIMITS.max_iterations < 5 * 60000


def test_when_rule_refusal_is_a_template_error_not_a_traceback():
    case = drafter.load_case(SAMPLES[0])
    names = ClauseScope(case, LIBRARY.registry).names()
    for rule in ("case.parse_raw", "case.__class__", "r.entry.manner.__class__", "nothing_here"):
        with pytest.raises(TemplateError) as err:
            evaluate(rule, names, name="rule.md (when)")
        assert str(err.value).startswith("rule.md (when): ")


def test_loop_objects_and_namespaces_still_work():
    source = (
        "{% set ns = namespace(total=0) %}"
        "{% for x in [3, 4] %}{% set ns.total = ns.total + x %}"
        "{{ loop.index }}{{ '.' if not loop.last }}{% endfor %} {{ ns.total }} "
        "{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}"
    )
    assert str(render_text(source, {}, name="ok.md")) == "1.2 7 ab"


def test_loopcontext_is_reachable_only_through_its_allowlist():
    env = environment()
    loop = LoopContext(iter([1]), jinja2.Undefined)
    assert env.is_safe_attribute(loop, "index", 1)
    assert not env.is_safe_attribute(loop, "_iterator", None)


def test_rules_evaluated_together_agree_with_each_alone():
    from drafter.sandbox import evaluate, evaluate_all

    context = {"a": 1, "b": "", "items": (1, 2, 3)}
    rules = ["a == 1", "b", "items|length > 2", "not a", "a and items", "'{' in b"]
    names = [f"rule {n}" for n in range(len(rules))]
    together = evaluate_all(rules, context, names=names)
    assert together == [
        bool(evaluate(r, context, name=n)) for r, n in zip(rules, names, strict=True)
    ]
    assert together == [True, False, True, False, True, False]


@pytest.mark.parametrize(
    "bad, message",
    [("missing_name", "rule 1: unknown variable: 'missing_name'"), ("a.__class__", "rule 1")],
)
def test_a_failing_rule_among_many_is_named_alone(bad, message):
    from drafter.errors import TemplateError
    from drafter.sandbox import evaluate_all

    with pytest.raises(TemplateError) as caught:
        evaluate_all(["a == 1", bad, "true"], {"a": 1}, names=["rule 0", "rule 1", "rule 2"])
    assert str(caught.value).startswith(message)


def test_a_rule_holding_template_delimiters_cannot_shift_the_others():
    from drafter.sandbox import evaluate_all

    # Batched, this rule would close the combined template's tag early; it is evaluated alone.
    rules = ['"}}{{ 1 }}" == "x"', "true"]
    assert evaluate_all(rules, {}, names=["r0", "r1"]) == [False, True]


class TestHelperCalls:
    """drafter's helpers are called directly; anything that asks for a context still gets one."""

    @pytest.fixture()
    def registered(self, monkeypatch):
        from drafter import sandbox

        monkeypatch.setattr(sandbox, "_HELPERS", set(sandbox._HELPERS))
        monkeypatch.setattr(sandbox, "_PLAIN_HELPERS", set(sandbox._PLAIN_HELPERS))
        return sandbox.helper

    def test_a_plain_helper_gets_its_arguments_and_nothing_else(self, registered):
        seen = []

        @registered
        def shout(text: str, *, twice: bool = False, **extra: Any) -> str:
            seen.append(extra)
            return text.upper() * (2 if twice else 1)

        source = (
            "{% for w in words %}{{ shout(w, twice=loop.first) }} {% endfor %}"
            "{% set x %}{{ shout('set') }}{% endset %}{{ x }} "
            "{% block b %}{{ shout('in a block') }}{% endblock %}"
        )
        assert render_text(source, {"shout": shout, "words": ["a", "b"]}, name="t") == (
            "AA B SET IN A BLOCK"
        )
        assert seen == [{}, {}, {}, {}]  # Jinja's loop and block variables are not passed on

    def test_a_helper_that_asks_for_the_context_still_gets_it(self, registered):
        @registered
        @jinja2.pass_context
        def who(context: Any) -> str:
            return str(context["name"])

        assert render_text("{{ who() }}", {"who": who, "name": "Ana"}, name="t") == "Ana"

    def test_a_helper_raising_stop_iteration_gives_an_undefined_value(self, registered):
        @registered
        def empty() -> str:
            raise StopIteration

        with pytest.raises(TemplateError, match="StopIteration"):
            render_text("{{ empty() }}", {"empty": empty}, name="t")

    def test_results_and_arguments_are_still_bounded(self, registered):
        @registered
        def grow(text: str) -> str:
            return text * 1000

        with pytest.raises(TemplateError, match="built a value"):
            render_text("{{ grow(grow(grow('aaaa'))) }}", {"grow": grow}, name="t")
