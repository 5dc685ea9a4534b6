"""The one sandboxed Jinja environment, and rendering clause text and rules in it.

Every template and every piece of clause text goes through :func:`environment`, which is
sandboxed, strict about undefined names and autoescaping, so an edited template can neither reach
into Python nor corrupt a document's XML with an ``&`` or ``<``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape
from pydantic import BaseModel

from .compiled import TEMPLATE_FAILURES, describe_failure, protect_braces, template_lineno
from .errors import TemplateError
from .text import format_date, format_time

__all__ = ["DrafterSandbox", "clear_compiled", "environment", "evaluate", "render_text"]

# Characters XML 1.0 forbids: one in a name would make the whole document unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class DrafterSandbox(SandboxedEnvironment):
    """The sandbox, tightened: pydantic's ``model_*`` methods are off limits too.

    Templates read case data; they have no business copying, constructing or dumping models.
    """

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Refuse private attributes (the base sandbox) and pydantic's model machinery."""
        if isinstance(obj, BaseModel) and attr.startswith(("model_", "__pydantic")):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


def _finalize(value: Any) -> Any:
    """Escape inserted values, clause markup (``*``, ``[[``) included.

    A name or fact can then never switch on italics, bold or a highlight.
    """
    if value is None:
        raise jinja2.UndefinedError("a template printed a value that is empty (None)")
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    if isinstance(value, dt.date):
        return format_date(value)
    text = _XML_INVALID.sub("", str(value))
    escaped = str(escape(text)).replace("*", "&#42;").replace("[", "&#91;").replace("]", "&#93;")
    return Markup(protect_braces(escaped))


@lru_cache(maxsize=1)
def environment() -> DrafterSandbox:
    """Return the sandboxed, strict, autoescaping environment every template renders in."""
    env = DrafterSandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        keep_trailing_newline=False,
    )
    env.filters["date"] = format_date
    env.filters["time"] = format_time
    env.filters["upper_name"] = lambda s: str(s).upper()
    return env


# --------------------------------------------------------------------------- Word documents


@lru_cache(maxsize=4096)
def _compiled_text(source: str) -> jinja2.Template:
    # Clause bodies are compiled once per process, however many cases are drafted.
    return environment().from_string(source)


@lru_cache(maxsize=4096)
def _compiled_expression(expression: str) -> Any:
    return environment().compile_expression(expression, undefined_to_none=False)


def clear_compiled() -> None:
    """Forget every compiled clause body and rule (benchmarks use this to measure the naive path)."""
    _compiled_text.cache_clear()
    _compiled_expression.cache_clear()


def render_text(source: str, context: Mapping[str, Any], *, name: str) -> Markup:
    """Render a piece of text (a clause body) in the sandbox; errors name ``name`` and the line."""
    try:
        template = _compiled_text(source)
        return Markup(template.render(dict(context)))
    except TEMPLATE_FAILURES as exc:
        lineno = template_lineno(exc)
        where = f"{name}:{lineno}" if lineno else name
        raise TemplateError(f"{where}: {describe_failure(exc)}") from None


def evaluate(expression: str, context: Mapping[str, Any], *, name: str) -> Any:
    """Evaluate a Jinja expression (a clause's ``when``) in the sandbox."""
    try:
        compiled = _compiled_expression(expression)
        return compiled(**dict(context))
    except TEMPLATE_FAILURES as exc:
        raise TemplateError(f"{name}: {describe_failure(exc)}") from None
