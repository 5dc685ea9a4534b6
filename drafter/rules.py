"""Which clauses apply to a case and a document, in what order, and why (no I/O)."""

from __future__ import annotations

import weakref

from .analysis import Fact, facts_read
from .clauses import Clause, ClauseLibrary
from .documents import DocumentKind
from .errors import ClauseError
from .frozen import frozen
from .sandbox import evaluate_all
from .scope import ClauseScope

__all__ = ["Decision", "Selection", "select_clauses"]


@frozen
class Decision:
    """One clause considered for a document: whether it applies, and the rule that decided."""

    clause: Clause
    included: bool
    rule: str
    facts: tuple[Fact, ...]
    """The case data the rule read, with the values it found."""


@frozen
class Selection:
    """Every clause considered for a document, included ones in document order."""

    document: str
    decisions: tuple[Decision, ...]

    @property
    def included(self) -> list[Clause]:
        """The clauses that apply, in the order they appear in the document."""
        return [d.clause for d in self.decisions if d.included]


def select_clauses(
    document: DocumentKind, library: ClauseLibrary, scope: ClauseScope, *, explain: bool = False
) -> Selection:
    """Decide which of the library's clauses go into ``document`` for the case in ``scope``.

    Deterministic: the same case and library give the same selection in the same order. With
    ``explain``, each decision also records the facts its rule read (for the memo).

    Raises:
        ClauseError: two clauses of one exclusive group both apply (naming both files).
        TemplateError: a ``when`` expression fails (naming the clause file).
    """
    names = scope.names()
    clauses, rules, labels, order = _plan(document, library)
    values = evaluate_all(rules, names, names=labels)
    decisions = []
    for i in order:  # in document order
        clause = clauses[i]
        facts = tuple(facts_read(clause.meta.when, names)) if explain else ()
        decisions.append(Decision(clause, values[i], clause.meta.when, facts))
    seen: dict[str, Clause] = {}
    for d in decisions:
        group = d.clause.meta.group
        if not (d.included and group):
            continue
        if group in seen:
            raise ClauseError(
                f"clauses {seen[group].path} and {d.clause.path} both apply, but they share the "
                f"exclusive group {group!r}",
                hint="Tighten one clause's `when` so that at most one of the group applies.",
            )
        seen[group] = d.clause
    return Selection(document.id, tuple(decisions))


_Plan = tuple[tuple[Clause, ...], list[str], list[str], list[int]]
_PLANS: weakref.WeakKeyDictionary[ClauseLibrary, dict[str, _Plan]] = weakref.WeakKeyDictionary()


def _plan(document: DocumentKind, library: ClauseLibrary) -> _Plan:
    """A document's clauses (id order), their rules, how errors name them, document order.

    None of it depends on the case, so it is worked out once per library and document.
    """
    plans = _PLANS.setdefault(library, {})
    if document.id not in plans:
        clauses = tuple(library.for_document(document.id))
        order = sorted(range(len(clauses)), key=lambda i: _position(document, clauses[i]))
        plans[document.id] = (
            clauses,
            [c.meta.when for c in clauses],
            [f"{c.path} (when)" for c in clauses],
            order,
        )
    return plans[document.id]


def _position(document: DocumentKind, clause: Clause) -> tuple[int, int, str]:
    return (document.section_index(clause.meta.section), clause.meta.order, clause.id)
