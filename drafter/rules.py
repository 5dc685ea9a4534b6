"""Which clauses apply to a case and a document, in what order, and why (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Fact, facts_read
from .clauses import Clause, ClauseLibrary
from .documents import DocumentKind
from .errors import ClauseError
from .sandbox import evaluate_all
from .scope import ClauseScope

__all__ = ["Decision", "Selection", "select_clauses"]


@dataclass(frozen=True)
class Decision:
    """One clause considered for a document: whether it applies, and the rule that decided."""

    clause: Clause
    included: bool
    rule: str
    facts: tuple[Fact, ...]
    """The case data the rule read, with the values it found."""


@dataclass(frozen=True)
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
    clauses = library.for_document(document.id)
    values = evaluate_all(
        [c.meta.when for c in clauses], names, names=[f"{c.path} (when)" for c in clauses]
    )
    decisions = []
    for clause, value in zip(clauses, values, strict=True):
        facts = tuple(facts_read(clause.meta.when, names)) if explain else ()
        decisions.append(Decision(clause, value, clause.meta.when, facts))
    decisions.sort(key=lambda d: _position(document, d.clause))
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


def _position(document: DocumentKind, clause: Clause) -> tuple[int, int, str]:
    return (document.section_index(clause.meta.section), clause.meta.order, clause.id)
