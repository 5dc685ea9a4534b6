"""What clause text and ``when`` rules can see: the case and a few drafting helpers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from .authorities import Registry
from .errors import TemplateError
from .frozen import frozen
from .law import Assessment, Conclusion, assess
from .model import AdverseFacts, Case, Exhibit, Partner, Respondent
from .record import Record, as_record
from .sandbox import helper
from .text import Paragraph, Run, join_words, letter

__all__ = ["OTHER_NAMES", "ROOT_TYPES", "ClauseScope", "disclosed_only", "resolve_exhibits"]

_OPEN, _CLOSE = "\ue000", "\ue001"
_EXHIBIT_TOKEN = re.compile(f"{_OPEN}([^{_CLOSE}]*){_CLOSE}")


def disclosed_only(case: Case) -> tuple[Case, list[str]]:
    """The case as an agency may see it: adverse facts not marked ``disclose`` removed.

    Returns:
        The filtered case and a description of each fact held back, by field path.
    """
    af = case.adverse_facts
    kept: dict[str, list[Any]] = {}
    held: list[str] = []
    for group in AdverseFacts.model_fields:
        items = getattr(af, group)
        kept[group] = [i for i in items if i.disclose]
        for n, item in enumerate(items):
            if not item.disclose:
                held.append(f"adverse_facts.{group}.{n}: {_describe(item)}")
    if not held:  # most cases: the agency sees the case as it is
        return case, held
    # An exhibit that proves only a held-back fact is neither enclosed nor listed.
    held_refs = {
        ref
        for group in AdverseFacts.model_fields
        for item in getattr(af, group)
        if not item.disclose
        for ref in item.exhibits
    }
    kept_case = case.model_copy(update={"adverse_facts": AdverseFacts(**kept)})
    still_used = {ref for _, refs in kept_case._exhibit_references() for ref in refs}
    hidden = held_refs - still_used
    exhibits = [e for e in case.exhibits if e.id not in hidden]
    for e in case.exhibits:
        if e.id in hidden:
            held.append(f"exhibits ({e.id}): {e.title} - it proves only a held-back fact")
    filtered = kept_case.model_copy(update={"exhibits": exhibits})
    return filtered, held


def _describe(item: Any) -> str:
    label = (
        getattr(item, "offense", None)
        or getattr(item, "kind", None)
        or getattr(item, "description", None)
        or "failure to appear"
    )
    return f"{label} ({item.date.isoformat()})"


ROOT_TYPES: dict[str, Any] = {"case": Case, "r": Respondent, "spouse": Partner, "law": Assessment}
"""Names clause text can use that are parts of the case model (checked attribute by attribute).

Clause text sees each as a read-only record (:mod:`drafter.record`): its fields and the computed
properties the model lists in ``template_properties``, no methods.
"""

helper(join_words)

OTHER_NAMES = [
    *("name", "short", "they", "them", "their", "They", "Their"),
    *("we", "We", "our", "Our", "us"),
    *("agree", "cite", "exhibit", "see", "see_kind", "has_evidence", "years_since", "join"),
    *("petitions", "told", "decl", "letter_motion"),
    *("subject", "client", "clients", "Clients", "first_person"),
    *("joint", "pursue", "equities", "strengths", "open_petitions"),
]
"""The other names clause text can use: words and helper functions."""


_PLURAL = {"is": "are", "was": "were", "has": "have"}


def _the(name: str) -> str:
    """An agency's name in running text: ``the King County Prosecuting Attorney's Office``."""
    return name if name.lower().startswith("the ") else f"the {name}"


@frozen
class Equity:
    """A positive factor as a motion lists it: a label, the attorney's words, the exhibits."""

    label: str
    description: str
    exhibits: list[str]
    own_words: str | None = None
    """The client's account, which the declaration tells (so a motion can cite its paragraph)."""


@dataclass
class ClauseScope:
    """The names a clause can use. One scope serves one draft, in document order.

    It remembers what the draft cited (first citation in full, later ones short) and which
    exhibits it pointed at (lettered afterwards, in order of first reference).
    """

    case: Case
    registry: Registry
    first_person: bool = False
    """The client writes (a self-represented letter): ``I``, ``me``, ``my`` instead of ``she``."""
    cited: list[str] = field(default_factory=list)
    cited_by: dict[str, list[str]] = field(default_factory=dict)
    """Authority ids each clause cited, by clause id."""
    current: str = "<clause>"
    clause_id: str = ""
    unsupported: dict[str, int] = field(default_factory=dict)
    """Statements that cite no exhibit, counted by clause id (for the memo's checklist)."""
    law: Assessment | None = None
    """The legal assessment of the whole case (held-back facts included): rules test it."""
    declaration_index: Callable[[], dict[str, tuple[tuple[int, str], ...]]] | None = None
    """The respondent's declaration as drafted from this case: its paragraph numbers by clause
    id (computed on first use, so motions can cite it)."""
    untold: list[str] = field(default_factory=list)
    """Facts a first-person document left out because the case file has no ``own_words``."""
    _names: dict[str, Any] | None = field(default=None, repr=False)

    def names(self) -> dict[str, Any]:
        """The variables and helpers available to clause bodies and ``when`` expressions.

        Built once per scope; every value is data (records, strings, tuples) or a registered
        helper, never a model object.
        """
        if self._names is None:
            self._names = self._build_names()
        return self._names

    def _build_names(self) -> dict[str, Any]:
        r = self.case.respondent
        case = as_record(self.case)
        they, them, their = ("I", "me", "my") if self.first_person else (r.they, r.them, r.their)
        return {
            "case": case,
            "law": as_record(
                _without_held_back_reasons(
                    self.law if self.law is not None else assess(self.case), self.case
                )
            ),
            "r": case.respondent,
            "name": r.full_name,
            "short": r.short_name,
            "they": they,
            "them": them,
            "their": their,
            "They": they[0].upper() + they[1:],
            "Their": their[0].upper() + their[1:],
            "spouse": case.relationships.spouse,
            "we": "we" if self.case.counsel else "I",
            "We": "We" if self.case.counsel else "I",
            "our": "our" if self.case.counsel else "my",
            "us": "us" if self.case.counsel else "me",
            "agree": self.agree,
            "cite": self.cite,
            "exhibit": self.exhibit,
            "see": self.see,
            "see_kind": self.see_kind,
            "has_evidence": self.has_evidence,
            "Our": "Our" if self.case.counsel else "My",
            "years_since": self.years_since,
            "join": join_words,
            "petitions": self.petitions,
            "told": self.told,
            "letter_motion": self._letter_motion(),
            "decl": self.decl,
            "subject": self.subject,
            "client": "me" if self.first_person else r.short_name,
            "clients": "my" if self.first_person else f"{r.short_name}'s",
            "Clients": "My" if self.first_person else f"{r.short_name}'s",
            "first_person": self.first_person,
            "joint": self.case.dhs_position.stance == "joins",
            "pursue": self.case.request.pursue if self.case.request else None,
            "equities": self.equities,
            "strengths": self.strengths,
            "open_petitions": tuple(
                p for p in case.petitions if p.status in ("pending", "approved")
            ),
        }

    # -- grammar ---------------------------------------------------------------------------

    @helper
    def agree(self, singular: str, plural: str) -> str:
        """Pick the verb form that agrees with the respondent's pronoun (``has``/``have``).

        In a letter the client writes, the pronoun is ``I``: ``I am``, ``I was``, ``I have``.
        """
        if self.first_person:
            return {"is": "am", "was": "was"}.get(singular, plural)
        return plural if self.case.respondent.plural else singular

    @helper
    def subject(self, third: str, first: str, *, pronoun: bool = False) -> str:
        """The client as the subject of a verb.

        ``Ms. Nguyễn was`` in counsel's letter, ``I was`` in a letter the client writes; with
        ``pronoun``, ``she was`` (and ``they were``).
        """
        if self.first_person:
            return f"I {first}"
        if not pronoun:
            return f"{self.case.respondent.short_name} {third}"
        plural = self.case.respondent.plural  # "they were", but "Mx. Volkova was"
        return f"{self.case.respondent.they} {_PLURAL.get(third, third) if plural else third}"

    @helper
    def years_since(self, when: dt.date) -> int:
        """Whole years from ``when`` to the filing date."""
        on = self.case.filing.date
        years = on.year - when.year - ((on.month, on.day) < (when.month, when.day))
        return max(years, 0)

    @helper
    def equities(self) -> tuple[Record, ...]:
        """The described positive factors, labelled, in a fixed order (for compact motions)."""
        pf = self.case.positive_factors
        out = []
        for label, factor in (
            ("Long residence", pf.residence),
            ("Work", pf.employment),
            ("Education", pf.education),
            ("Community ties", pf.community_ties),
            ("Tax compliance", pf.tax_filing),
            ("Caregiving", pf.caregiving),
            ("Cooperation with law enforcement", pf.law_enforcement_cooperation),
            *(("Humanitarian circumstances", h) for h in pf.humanitarian),
        ):
            if factor is not None:
                out.append(
                    Equity(label, factor.description, list(factor.exhibits), factor.own_words)
                )
        return tuple(as_record(e) for e in out)

    @helper
    def strengths(self) -> tuple[str, ...]:
        """The strongest reasons not to pursue removal, as short clauses in the document's voice.

        ``she has no criminal record`` (only when the assessment, which reads held-back facts
        too, finds none), long residence (ten years or more), a citizen or resident spouse,
        citizen children, care of a seriously ill child, military service (the respondent's or
        a relative's), cooperation with law enforcement and a clear path to permanent
        residence. Letters and motions argue from the same list, so they cannot disagree about
        what favours the client.
        """
        case = self.case
        law = self.law if self.law is not None else assess(case)
        they, their = (
            ("I", "my") if self.first_person else (case.respondent.they, case.respondent.their)
        )
        pf = case.positive_factors
        out: list[str] = []
        if not law.criminal_record.value:
            out.append(f"{they} {self.agree('has', 'have')} no criminal record")
        if pf.residence_since and self.years_since(pf.residence_since) >= 10:
            years = self.years_since(pf.residence_since)
            out.append(
                f"{they} {self.agree('has', 'have')} lived in the United States for {years} years"
            )
        spouse = case.relationships.spouse
        if spouse and spouse.married and spouse.citizenship.value in ("usc", "lpr"):
            whom = (
                "a United States citizen"
                if spouse.citizenship.value == "usc"
                else "a lawful permanent resident"
            )
            out.append(f"{they} {self.agree('is', 'are')} married to {whom}")
        children = case.relationships.children
        citizens = [c for c in children if c.citizenship.value == "usc"]
        if citizens:
            out.append(
                f"{their} children are United States citizens"
                if len(citizens) > 1
                else f"{their} child is a United States citizen"
            )
        ill = [c for c in children if c.medical_condition]
        if ill and ill[0].respondent_is_primary_caregiver:
            out.append(
                f"{they} {self.agree('is', 'are')} the primary caregiver of a seriously ill child"
            )
        service = pf.military_service
        if service:
            verb = "served" if service.status == "veteran" else self.agree("serves", "serve")
            out.append(f"{they} {verb} in the {service.branch}")
        serving = [r for r in case.relationships.other_relatives if r.military_service]
        if serving and serving[0].military_service is not None:
            duty = serving[0].military_service
            verb = "served" if duty.status == "veteran" else "serves"
            out.append(f"{their} {serving[0].relation} {verb} in the {duty.branch}")
        helping = pf.law_enforcement_cooperation
        if helping:
            out.append(
                f"{they} {self.agree('is', 'are')} cooperating with "
                + (_the(helping.agency) if helping.agency else "law enforcement")
            )
        if law.adjustment.clear_path.value:
            out.append(f"{they} {self.agree('has', 'have')} a clear path to permanent residence")
        return tuple(out)

    def _letter_motion(self) -> str | None:
        """The enclosed draft motion a letter asks about, named in the letter's voice."""
        title = next(
            (e.title.removeprefix("Draft ") for e in self.case.exhibits if e.id == "draft-motion"),
            None,
        )
        if title is None:
            return None
        if not self.first_person:
            return f"the motion titled \u201c{title}\u201d"
        plain = re.sub(r"^(Respondent's|Respondents'|Joint) ", "", title)
        return "my " + plain[0].lower() + plain[1:]

    @helper
    def told(self, fact: Any, field: str = "description") -> Any:
        """A described fact in the document's voice.

        The client's ``own_words`` in a letter the client writes, otherwise the third-person
        ``field`` (``description``, ``reason`` or ``rehabilitation``).
        """
        if not isinstance(fact, Record) or field not in _TOLD_FIELDS:
            raise TemplateError(
                f"{self.current}: told() takes a fact from the case file and one of "
                f"{', '.join(_TOLD_FIELDS)}"
            )
        values = fact._values
        if self.first_person:
            if values.get("own_words"):
                return values["own_words"]
            # Never a third-person fact in a first-person document: leave it out, and say so.
            told = values.get(field)
            if told:
                self.untold.append(str(told))
            return ""
        return values.get(field)

    @helper
    def petitions(self, form: str, status: str | None = None) -> tuple[Record, ...]:
        """The case's petitions of a form (``"I-130"``), optionally of one status."""
        return tuple(as_record(p) for p in self.case.petitions_of(form, status))

    # -- citations -------------------------------------------------------------------------

    @helper
    def cite(self, authority_id: str, short: bool = False) -> Markup:
        """Cite an authority from the registry: in full the first time, short afterwards."""
        if authority_id not in self.registry:
            raise TemplateError(
                f"{self.current}: cites {authority_id!r}, which is not in the authority registry",
                hint="Add it to authorities.yaml (with its real date and status) or fix the id.",
            )
        authority = self.registry[authority_id]
        mine = self.cited_by.setdefault(self.clause_id, [])
        if authority_id not in mine:
            mine.append(authority_id)
        first = authority_id not in self.cited
        if first:
            self.cited.append(authority_id)
        text = authority.short if (short or not first) else authority.citation
        return Markup(escape(text))

    # -- exhibits --------------------------------------------------------------------------

    def _exhibit_ids(self) -> set[str]:
        return {e.id for e in self.case.exhibits}

    @helper
    def exhibit(self, exhibit_id: str) -> Markup:
        """``Exhibit B``: a reference lettered once the whole draft is known.

        The text holds a token until :func:`resolve_exhibits` knows every reference.
        """
        if exhibit_id not in self._exhibit_ids():
            raise TemplateError(
                f"{self.current}: refers to exhibit {exhibit_id!r}, which the case does not list"
            )
        return Markup(f"{_OPEN}{escape(exhibit_id)}{_CLOSE}")

    @helper
    def see(self, exhibit_ids: Iterable[str]) -> Markup:
        """``(See Exhibits B and C.)``; nothing when there is no exhibit.

        A statement with no exhibit is noted for the memo's "Before filing" checklist: an
        instruction to attach evidence never reaches the filed page.
        """
        ids = list(dict.fromkeys(exhibit_ids))
        if not ids:
            self.unsupported.setdefault(self.clause_id or self.current, 0)
            self.unsupported[self.clause_id or self.current] += 1
            return Markup("")
        for i in ids:
            self.exhibit(i)
        return Markup(f"(See {_OPEN}{escape(','.join(ids))}{_CLOSE}.)")

    @helper
    def has_evidence(self, *kinds: str) -> bool:
        """Whether the case lists an exhibit of any of the given kinds."""
        return any(e.kind.value in kinds for e in self.case.exhibits)

    def declaration_exhibit(self) -> Exhibit | None:
        """The respondent's own declaration among the exhibits.

        The first exhibit of kind ``declaration`` whose title names the respondent.
        """
        r = self.case.respondent
        return next(
            (
                e
                for e in self.case.exhibits
                if e.kind.value == "declaration" and r.family_name.lower() in e.title.lower()
            ),
            None,
        )

    @helper
    def decl(self, *topics: str, fact: Any = None) -> Markup:
        """Cite the respondent's declaration for the paragraphs on ``topics``.

        Topics are declaration clause ids without ``decl.`` (``"entry"``, ``"family"``,
        ``"factors"``, ``"order"``): ``(Decl. of Ana Ruiz ¶ 3, Exhibit B.)``. Nothing when the case lists no declaration of the respondent, or the declaration says
        nothing on those topics.
        """
        exhibit = self.declaration_exhibit()
        if exhibit is None or self.declaration_index is None:
            return Markup("")
        index = self.declaration_index()
        found = [pair for t in topics for pair in index.get(f"decl.{t}", ())]
        words = fact._values.get("own_words") if isinstance(fact, Record) else None
        if words:  # the one paragraph that tells this fact
            found = [(n, text) for n, text in found if words[:60] in text]
        numbers = sorted({n for n, _ in found})
        if not numbers:
            return Markup("")
        self.exhibit(exhibit.id)
        if len(numbers) == 1:
            where = f"\u00b6 {numbers[0]}"
        elif numbers == list(range(numbers[0], numbers[-1] + 1)):
            where = f"\u00b6\u00b6 {numbers[0]}-{numbers[-1]}"
        else:
            where = "\u00b6\u00b6 " + ", ".join(str(n) for n in numbers)
        name = escape(self.case.respondent.full_name)
        return Markup(f"(Decl. of {name} {where}, {_OPEN}{escape(exhibit.id)}{_CLOSE}.)")

    @helper
    def see_kind(self, *kinds: str) -> Markup:
        """Point at every exhibit of the given kinds (``see_kind("marriage_certificate")``)."""
        ids = [e.id for e in self.case.exhibits if e.kind.value in kinds]
        return self.see(ids)


def resolve_exhibits(
    paragraphs: list[Paragraph], exhibits: list[Exhibit], *, cited_only: bool = False
) -> tuple[list[Paragraph], list[tuple[str, Exhibit]]]:
    """Letter the exhibits in order of first reference and write the letters into the text.

    Exhibits with a ``tab`` keep it; the rest take the next free letter as they are first
    referred to. Exhibits never referred to come last, in the order the case lists them, or,
    with ``cited_only`` (a motion, whose index lists only what its body cites), not at all.

    Returns:
        The paragraphs with letters in place, and (tab, exhibit) in tab order.
    """
    by_id = {e.id: e for e in exhibits}
    order: list[str] = []
    refers = [any(_OPEN in r.text for r in p.runs) for p in paragraphs]
    for p in itertools.compress(paragraphs, refers):
        for run in p.runs:
            for token in _EXHIBIT_TOKEN.findall(run.text):
                for ref in token.split(","):
                    if ref not in order:
                        order.append(ref)
    if not cited_only:
        order += [e.id for e in exhibits if e.id not in order]
    kept = [e for e in exhibits if e.id in order]
    taken = {e.tab for e in kept if e.tab}
    tabs: dict[str, str] = {e.id: e.tab for e in kept if e.tab}
    counter = 0
    for ex_id in order:
        if ex_id in tabs:
            continue
        while letter(counter) in taken:
            counter += 1
        tabs[ex_id] = letter(counter)
        taken.add(letter(counter))

    def words(match: re.Match[str]) -> str:
        letters = sorted({tabs[i] for i in match.group(1).split(",")}, key=lambda t: (len(t), t))
        noun = "Exhibit" if len(letters) == 1 else "Exhibits"
        return f"{noun} {join_words(letters)}"

    def lettered(p: Paragraph) -> Paragraph:
        return Paragraph(
            p.style,
            tuple(
                Run(_EXHIBIT_TOKEN.sub(words, r.text), r.italic, r.bold, r.flag)
                if _OPEN in r.text
                else r
                for r in p.runs
            ),
        )

    resolved = [lettered(p) if r else p for p, r in zip(paragraphs, refers, strict=True)]
    listing = sorted(((tabs[i], by_id[i]) for i in order), key=lambda t: (len(t[0]), t[0]))
    return resolved, listing


_TOLD_FIELDS = ("description", "reason", "rehabilitation")


def _held_back_paths(case: Case) -> frozenset[str]:
    """The adverse-fact lists holding something the attorney chose not to disclose."""
    adverse = case.adverse_facts
    return frozenset(
        f"adverse_facts.{name}"
        for name in type(adverse).model_fields
        if any(not item.disclose for item in getattr(adverse, name))
    )


def _without_held_back_reasons(law: Assessment, case: Case) -> Assessment:
    """The assessment as a filed page may see it: no cautions, no reason from a held-back fact.

    Rules still test every conclusion (the law does not change because a fact is held back), but
    a conclusion that read a held-back adverse fact prints its reason as nothing, so no clause
    can put that fact on the page by quoting the assessment.
    """
    held = _held_back_paths(case)
    law = dataclasses.replace(law, cautions=())  # instructions for the memo, never a page
    if not held:
        return law

    def scrub(value: Any) -> Any:
        if isinstance(value, Conclusion):
            if held & set(value.facts):
                return dataclasses.replace(value, reason="")
            return value
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {
                f.name: scrub(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if dataclasses.is_dataclass(getattr(value, f.name))
            }
            return dataclasses.replace(value, **changes) if changes else value
        return value

    scrubbed: Assessment = scrub(law)
    return scrubbed
