"""The clause linter: every clause checked against the model, the registry and the samples."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from jinja2 import TemplateSyntaxError, meta, nodes

from .analysis import ModelChecker, expression_text, parse_expression, parse_template
from .authorities import Registry
from .casefile import load_case
from .clauses import Clause, ClauseLibrary, clause_files, parse_clause
from .documents import DOCUMENTS, get_document
from .drafting import compose
from .errors import ClauseError, DrafterError
from .frozen import frozen
from .model import _FIRST_PERSON as FIRST_PERSON
from .model import _THIRD_PERSON as THIRD_PERSON
from .model import Case
from .scope import OTHER_NAMES, ROOT_TYPES

__all__ = ["LintProblem", "LintReport", "lint_library"]

_CITE = re.compile(r"""cite\(\s*["']([^"']+)["']""")
_JINJA_NAMES = {"loop", "range", "true", "false", "none", "True", "False", "None", "namespace"}


@dataclass(frozen=True, order=True)
class LintProblem:
    """One finding: where, how serious, and what."""

    file: str
    line: int
    severity: Literal["error", "warning"]
    message: str

    def format(self) -> str:
        """``file:line: error: message``."""
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


@frozen
class LintReport:
    """Everything the linter found."""

    problems: list[LintProblem]
    clauses: int

    @property
    def errors(self) -> list[LintProblem]:
        """The problems that stop a library from being used."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[LintProblem]:
        """The problems an attorney should look at."""
        return [p for p in self.problems if p.severity == "warning"]


class _Collector:
    def __init__(self) -> None:
        self.problems: list[LintProblem] = []

    def error(self, file: Path | str, line: int, message: str) -> None:
        self.problems.append(LintProblem(_display(file), max(line, 1), "error", message))

    def warning(self, file: Path | str, line: int, message: str) -> None:
        self.problems.append(LintProblem(_display(file), max(line, 1), "warning", message))


def _display(path: Path | str) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _front_line(clause: Clause, key: str) -> int:
    """The file line of a front-matter key (1 if it is absent)."""
    for i, line in enumerate(_front_matter(clause.path, clause.path.stat().st_mtime_ns), start=1):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return i
    return 1


@lru_cache(maxsize=1024)
def _front_matter(path: Path, _mtime_ns: int) -> tuple[str, ...]:
    lines = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if i > 1 and line.strip() == "---":
            break
        lines.append(line)
    return tuple(lines)


def _load_dir(directory: Path, origin: str, out: _Collector) -> list[Clause]:
    clauses = []
    for path in clause_files(directory):
        try:
            clauses.append(parse_clause(path, root=directory, origin=origin))
        except ClauseError as exc:
            for line in str(exc).splitlines():
                match = re.match(r"^(.*?):(\d+): (.*)$", line)
                if match:
                    out.error(match.group(1), int(match.group(2)), match.group(3))
                else:
                    out.error(path, 1, line.removeprefix(f"{path}: "))
    seen: dict[str, Clause] = {}
    for clause in clauses:
        if clause.id in seen:
            out.error(
                clause.path,
                _front_line(clause, "id"),
                f"duplicate clause id {clause.id!r} (also in {seen[clause.id].path})",
            )
        else:
            seen[clause.id] = clause
    return list(seen.values())


def lint_library(
    directory: Path,
    *,
    overlay: Path | None = None,
    samples: Sequence[Path] = (),
) -> LintReport:
    """Lint a clause library (optionally with an attorney's overlay) against the case model.

    Args:
        directory: the base library (``clauses/``).
        overlay: an attorney's directory overlaid on it.
        samples: case files to draft with, to find clauses that no case ever selects and
            clauses that fail when rendered.

    Raises:
        ClauseError: the registry itself cannot be loaded.
    """
    out = _Collector()
    registry = Registry.load(directory / "authorities.yaml")
    merged = {c.id: c for c in _load_dir(directory, "built-in", out)}
    if overlay is not None:
        if (overlay / "authorities.yaml").exists():
            registry = registry.merged(Registry.load(overlay / "authorities.yaml"))
        for clause in _load_dir(overlay, str(overlay), out):
            merged[clause.id] = clause
    builtins = (
        dict(merged)
        if overlay is None
        else {c.id: c for c in _load_dir(directory, "built-in", _Collector())}
    )
    active = [c for c in merged.values() if not c.meta.disabled]
    for clause in active:
        _lint_clause(clause, registry, out)
        _check_based_on(clause, builtins, out)
    library = ClauseLibrary(sorted(active, key=lambda c: c.id), registry)
    if samples and not any(p.severity == "error" for p in out.problems):
        _lint_against_samples(library, samples, out)
    return LintReport(sorted(set(out.problems)), len(active))


_LEGAL_QUESTIONS = {
    "r.entry.manner": "law.adjustment.inspected, law.adjustment.path",
    "case.respondent.entry.manner": "law.adjustment.inspected, law.adjustment.path",
    "case.respondent.entry.parole": "law.adjustment.arriving_alien, law.adjustment.forum",
    "r.entry.parole": "law.adjustment.arriving_alien, law.adjustment.forum",
    "case.proceedings.notice_to_appear_date": "law.adjustment.marriage_during_proceedings",
    "case.proceedings.motions_to_reopen": "law.reopen.number_barred, law.reopen.ground",
    "case.proceedings.final_order.in_absentia": "law.reopen.rescission, law.reopen.ground",
    "case.proceedings.final_order.issued_by": "law.reopen.forum",
    "case.proceedings.final_order.notice_of_hearing": "law.reopen.ground",
    "case.respondent.section_245i": "law.adjustment.section_245i, law.adjustment.path",
}
"""Raw facts from which a rule would re-derive a conclusion the assessment already draws."""


def _rederived(tree: nodes.Node) -> list[tuple[str, str]]:
    found = []
    for node in tree.find_all((nodes.Getattr, nodes.Name)):
        text = expression_text(node)
        if text in _LEGAL_QUESTIONS and (text, _LEGAL_QUESTIONS[text]) not in found:
            found.append((text, _LEGAL_QUESTIONS[text]))
    return found


def _check_based_on(clause: Clause, builtins: dict[str, Clause], out: _Collector) -> None:
    """Warn when the built-in clause a copy came from has changed since it was copied."""
    if not clause.meta.based_on:
        return
    source_id, _, version = clause.meta.based_on.partition("@")
    source = builtins.get(source_id)
    line = _front_line(clause, "based_on")
    if source is None:
        out.warning(
            clause.path, line, f"based on {source_id}, which the built-in library no longer has"
        )
    elif str(source.meta.version) != version:
        out.warning(
            clause.path,
            line,
            f"copied from {source_id} version {version}; the built-in is now version "
            f"{source.meta.version}: compare {source.relpath or source.path.name} and merge its changes",
        )


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _check_voice(clause: Clause, out: _Collector) -> None:
    """Warn when a clause's own words speak in the wrong voice for its documents.

    Motions speak of "Respondent" in the third person; the client's declaration speaks as "I".
    Only the literal text is read (what the clause interpolates is the case file's, checked when
    the case is validated).
    """
    kinds = [DOCUMENTS[k] for k in clause.meta.documents if k in DOCUMENTS]
    motions = bool(kinds) and all(k.motion is not None for k in kinds)
    client = bool(kinds) and all(k.first_person for k in kinds)
    if not (motions or client):
        return
    # Jinja tags blanked out, their line breaks kept, so line numbers stay true.
    literal = _JINJA.sub(lambda m: "\n" * m.group().count("\n"), clause.body)
    for offset, line in enumerate(literal.splitlines()):
        pattern, why = (
            (FIRST_PERSON, "a motion speaks of the respondent in the third person")
            if motions
            else (THIRD_PERSON, "the declaration is the client speaking ('I')")
        )
        if found := pattern.search(line):
            out.warning(clause.path, clause.body_line + offset, f"says {found.group()!r}: {why}")


def _lint_clause(clause: Clause, registry: Registry, out: _Collector) -> None:
    m = clause.meta
    for kind in m.documents:
        if kind not in DOCUMENTS:
            out.error(
                clause.path,
                _front_line(clause, "documents"),
                f"unknown document kind {kind!r} (known: {', '.join(DOCUMENTS)})",
            )
            continue
        sections = [s.id for s in get_document(kind).sections]
        if m.section not in sections:
            out.error(
                clause.path,
                _front_line(clause, "section"),
                f"section {m.section!r} is not a section of {kind} ({', '.join(sections)})",
            )
    for aid in m.authorities:
        if aid not in registry:
            out.error(
                clause.path,
                _front_line(clause, "authorities"),
                f"unknown authority {aid!r}: not in the registry",
            )
    _check_voice(clause, out)
    checker = ModelChecker(ROOT_TYPES)
    when_line = _front_line(clause, "when")
    try:
        when_tree = parse_expression(m.when)
    except TemplateSyntaxError as exc:
        out.error(clause.path, when_line, f"`when` is not a valid expression: {exc.message}")
        when_tree = None
    if when_tree is not None:
        _check_tree(clause, when_tree, checker, out, lambda _n: when_line, "`when`")
        for raw, use in _rederived(when_tree):
            out.warning(
                clause.path,
                when_line,
                f"`when` decides a legal question from {raw!r}; test the assessment instead "
                f"({use}), so the rule cannot disagree with suggest and the memo",
            )
    try:
        body_tree = parse_template(clause.body)
    except TemplateSyntaxError as exc:
        out.error(
            clause.path,
            clause.body_line + (exc.lineno or 1) - 1,
            f"Jinja syntax error in the body: {exc.message}",
        )
        return
    _check_tree(clause, body_tree, checker, out, lambda n: clause.body_line + n - 1, "body")
    cited: dict[str, int] = {}
    for lineno, text in enumerate(clause.body.splitlines(), start=clause.body_line):
        for aid in _CITE.findall(text):
            cited.setdefault(aid, lineno)
    for aid, lineno in cited.items():
        if aid not in registry:
            out.error(clause.path, lineno, f"cites unknown authority {aid!r}: not in the registry")
        elif aid not in m.authorities:
            out.warning(
                clause.path, lineno, f"cites {aid!r} but does not list it under `authorities`"
            )
    for aid in m.authorities:
        if aid in registry and aid not in cited:
            out.warning(
                clause.path,
                _front_line(clause, "authorities"),
                f"lists authority {aid!r} but never cites it",
            )
    for aid in dict.fromkeys([*m.authorities, *cited]):
        if aid in registry and not registry[aid].in_force:
            a = registry[aid]
            out.warning(
                clause.path,
                cited.get(aid) or _front_line(clause, "authorities"),
                f"cites {aid!r}, which is {a.status} ({a.note})",
            )


def _check_tree(
    clause: Clause,
    tree: nodes.Template,
    checker: ModelChecker,
    out: _Collector,
    line_of: Callable[[int], int],
    where: str,
) -> None:
    for node in tree.find_all(nodes.Getattr):
        if node.attr.startswith("_") or node.attr.startswith("model_"):
            out.error(
                clause.path,
                line_of(node.lineno),
                f"{where} reaches for {node.attr!r}, which the sandbox forbids",
            )
    locals_ = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    known = set(ROOT_TYPES) | set(OTHER_NAMES) | _JINJA_NAMES | locals_
    for name in sorted(meta.find_undeclared_variables(tree) - known):
        first = next(n for n in tree.find_all(nodes.Name) if n.name == name)
        out.error(clause.path, line_of(first.lineno), f"{where} uses unknown variable {name!r}")
    for unknown in checker.check(tree):
        if unknown.path.startswith("_") or unknown.path.startswith("model_"):
            continue
        out.error(
            clause.path,
            line_of(unknown.lineno),
            f"{where} reads {unknown.path!r}, which {unknown.owner} does not have",
        )


def _lint_against_samples(library: ClauseLibrary, samples: Iterable[Path], out: _Collector) -> None:
    cases: list[tuple[Path, Case]] = []
    for path in samples:
        try:
            cases.append((path, load_case(path)))
        except DrafterError as exc:
            out.error(path, 1, f"sample case does not load: {str(exc).splitlines()[0]}")
    selected: set[str] = set()
    for path, case in cases:
        for kind in DOCUMENTS.values():
            if kind.check(case):
                continue
            try:
                comp = compose(case, kind, library)
            except DrafterError as exc:
                message = str(exc)
                match = re.match(r"^(.*?\.md):(\d+): (.*)$", message, re.DOTALL)
                if match:
                    out.error(
                        match.group(1),
                        int(match.group(2)),
                        f"fails on {path.name} ({kind.id}): {match.group(3)}",
                    )
                else:
                    out.error(path, 1, f"drafting {kind.id} fails: {message}")
                continue
            selected.update(c.id for c in comp.selection.included)
    if not cases:
        return
    for clause in library:
        if clause.id not in selected:
            out.warning(
                clause.path,
                _front_line(clause, "when"),
                f"no sample case selects {clause.id} (rule: {clause.meta.when})",
            )
