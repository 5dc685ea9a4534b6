"""Adjustment of status and the provisional waiver: who decides, who may, and what bars it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ..frozen import frozen
from ..model import Case, Citizenship, EntryManner, ProceedingStatus
from .conclusion import Conclusion
from .reopen import ReopenAssessment

__all__ = ["AdjustmentAssessment", "WaiverAssessment", "assess_adjustment", "assess_waiver"]

AdjustForum = Literal["immigration_judge", "uscis", "unknown"]
Path = Literal["adjust_before_judge", "adjust_with_uscis", "consular_with_i601a", "none_found"]

_IN_COURT = (
    ProceedingStatus.PENDING,
    ProceedingStatus.ADMINISTRATIVELY_CLOSED,
    ProceedingStatus.FINAL_ORDER,
)


@frozen
class AdjustmentAssessment:
    """Whether and where the respondent could adjust status to permanent residence."""

    arriving_alien: Conclusion[bool | None]
    forum: Conclusion[AdjustForum]
    inspected: Conclusion[bool]
    """Admitted or paroled: the door to adjustment under INA 245(a)."""
    section_245i: Conclusion[bool]
    qualifying_petition: Conclusion[Literal["immediate_relative", "preference", "none"]]
    visa_available: Conclusion[bool | None]
    bar_245c2: Conclusion[bool]
    bar_240b7: Conclusion[bool]
    inadmissible_212a9: Conclusion[bool]
    inadmissible_212a6ci: Conclusion[bool]
    marriage_during_proceedings: Conclusion[bool]
    eligible: Conclusion[bool]
    """Inspected (or 245(i)), a qualifying petition, and no bar the case shows."""
    path: Conclusion[Path]
    clear_path: Conclusion[bool]
    """A path to permanent residence with no bar or open question the case shows."""


@frozen
class WaiverAssessment:
    """The I-601A provisional unlawful-presence waiver, for consular processing abroad."""

    needed: Conclusion[bool]
    available: Conclusion[bool]
    needs_i212: Conclusion[bool]


def assess_adjustment(case: Case, as_of: dt.date, reopen: ReopenAssessment) -> AdjustmentAssessment:
    """Assess adjustment of status for ``case`` as of ``as_of``."""
    r = case.respondent
    entry = r.entry
    status = case.proceedings.status
    order = case.proceedings.final_order
    spouse = case.relationships.spouse
    paroled = entry.manner is EntryManner.PAROLED
    arriving: Conclusion[bool | None]
    if not paroled:
        arriving = Conclusion(
            False, "Not paroled: not an arriving alien.", (), ("respondent.entry.manner",)
        )
    elif entry.parole is None:
        arriving = Conclusion(
            None,
            "Paroled, but the case does not say whether at a port of entry (an arriving alien) or "
            "in place.",
            ("cfr_1_2",),
            ("respondent.entry.parole",),
        )
    else:
        arriving = Conclusion(
            entry.parole == "port_of_entry",
            "Paroled at a port of entry: an arriving alien, who stays one after parole."
            if entry.parole == "port_of_entry"
            else "Paroled in place: not an arriving alien.",
            ("cfr_1_2",),
            ("respondent.entry.parole",),
        )

    if status not in _IN_COURT:
        forum = Conclusion[AdjustForum](
            "uscis",
            "Not before the Immigration Court: USCIS decides an application for adjustment.",
            (),
            ("proceedings.status",),
        )
    elif arriving.value is None:
        forum = Conclusion[AdjustForum](
            "unknown",
            "Paroled, but whether at a port of entry is not recorded: if so, USCIS decides the "
            "adjustment; if paroled in place, the immigration judge.",
            ("cfr_1245_2_a_1_ii",),
            ("respondent.entry.parole",),
        )
    elif arriving.value:
        forum = Conclusion[AdjustForum](
            "uscis",
            "An arriving alien's adjustment is decided by USCIS, not the immigration judge, even "
            "in proceedings.",
            ("cfr_1245_2_a_1_ii", "martinez_montalvo", "silitonga"),
            ("respondent.entry.parole",),
        )
    else:
        forum = Conclusion[AdjustForum](
            "immigration_judge",
            "In proceedings, the immigration judge decides the respondent's adjustment"
            + (" (once the case is reopened)." if status is ProceedingStatus.FINAL_ORDER else "."),
            ("cfr_1245_2_a_1",),
            ("proceedings.status", "respondent.entry.manner"),
        )

    inspected = Conclusion(
        entry.inspected,
        "Admitted or paroled: inspected, as INA 245(a) requires."
        if entry.inspected
        else "Entered without inspection (or the manner of entry is unknown): INA 245(a) is not "
        "open without 245(i).",
        ("ina_245_a",),
        ("respondent.entry.manner",),
    )
    grandfathered = Conclusion(
        r.section_245i,
        "Grandfathered under INA 245(i): may adjust despite the entry, paying the penalty."
        if r.section_245i
        else "Not grandfathered under INA 245(i) (the case does not say so).",
        ("ina_245_i",),
        ("respondent.section_245i",),
    )

    i130 = [p for p in case.petitions if p.form == "I-130" and p.status in ("pending", "approved")]
    married = bool(spouse and spouse.married)
    petition: Conclusion[Literal["immediate_relative", "preference", "none"]]
    if i130 and married and spouse and spouse.citizenship is Citizenship.USC:
        petition = Conclusion(
            "immediate_relative",
            "A U.S. citizen spouse's Form I-130: an immediate relative, with a visa always "
            "available.",
            ("ina_245_a",),
            ("petitions", "relationships.spouse.citizenship"),
        )
    elif i130:
        petition = Conclusion(
            "preference",
            "A Form I-130 from a permanent resident or other relative: a preference category, "
            "whose visa must be current (Visa Bulletin).",
            ("ina_245_a",),
            ("petitions", "relationships.spouse.citizenship"),
        )
    else:
        petition = Conclusion("none", "No pending or approved Form I-130.", (), ("petitions",))
    visa = Conclusion[bool | None](
        True if petition.value == "immediate_relative" else None,
        "Immediate relatives need not wait for a visa."
        if petition.value == "immediate_relative"
        else "Whether a visa is available depends on the Visa Bulletin: check it.",
        (),
        ("relationships.spouse.citizenship",),
    )
    bar_245c2 = Conclusion(
        petition.value == "preference" and not r.section_245i,
        "A preference beneficiary out of lawful status meets the INA 245(c)(2) bar (immediate "
        "relatives are exempt; 245(i) overcomes it)."
        if petition.value == "preference" and not r.section_245i
        else "The INA 245(c)(2) bar does not reach this case as it stands.",
        ("ina_245_c_2",),
        ("petitions", "respondent.section_245i"),
    )
    absentia_bar = bool(
        order
        and order.in_absentia
        and order.warned_of_consequences is not False
        and not reopen.rescission.value
        and (as_of - order.date).days < 3653
    )
    bar_240b7 = Conclusion(
        absentia_bar,
        "Ordered removed in absentia less than ten years ago: barred from adjustment under INA "
        "240(b)(7) unless the order is rescinded (or the respondent was never warned)."
        if absentia_bar
        else "No INA 240(b)(7) bar on the facts given.",
        ("ina_240_b_7",),
        ("proceedings.final_order.in_absentia", "proceedings.final_order.warned_of_consequences"),
    )
    removals = [
        x for x in case.adverse_facts.prior_removals if x.kind in ("removal", "expedited_removal")
    ]
    a9 = Conclusion(
        bool(removals),
        "A prior removal: re-entry without admission triggers INA 212(a)(9)(C) and exposes the "
        "respondent to reinstatement."
        if removals
        else "No prior removal recorded.",
        ("ina_212_a_9_c", "ina_241_a_5"),
        ("adverse_facts.prior_removals",),
    )
    fraud = Conclusion(
        bool(case.adverse_facts.fraud_findings),
        "A fraud or misrepresentation finding: inadmissible under INA 212(a)(6)(C)(i) without a "
        "waiver."
        if case.adverse_facts.fraud_findings
        else "No fraud finding recorded.",
        ("ina_212_a_6_c_i",),
        ("adverse_facts.fraud_findings",),
    )
    nta = case.proceedings.notice_to_appear_date
    during = bool(
        married
        and spouse
        and spouse.marriage_date
        and nta
        and spouse.marriage_date >= nta
        and status in _IN_COURT
    )
    marriage = Conclusion(
        during,
        "Married after proceedings began (they last, for this purpose, until the respondent "
        "departs): clear and convincing evidence that the marriage is bona fide is required."
        if during
        else "Not a marriage entered during proceedings on the facts given.",
        ("ina_204_g", "ina_245_e_3", "enriquez") if during else (),
        ("relationships.spouse.marriage_date", "proceedings.notice_to_appear_date"),
    )
    door = entry.inspected or r.section_245i
    # Fraud inadmissibility can be waived for a citizen's or resident's spouse: it denies a
    # clear path, not the path itself. The other bars close the door.
    bars = [c for c in (bar_245c2, bar_240b7, a9) if c.value]
    eligible = Conclusion(
        bool(door and petition.value != "none" and not bars),
        "Inspected (or 245(i)) with a qualifying petition and no bar on the facts given."
        + (" A waiver of the fraud inadmissibility would be needed." if fraud.value else "")
        if door and petition.value != "none" and not bars
        else "Not eligible to adjust on the facts given: "
        + "; ".join(
            [
                *([] if door else ["no inspection and no 245(i)"]),
                *(["no pending or approved Form I-130"] if petition.value == "none" else []),
                *[b.reason for b in bars],
            ]
        ),
        ("ina_245_a",),
        ("respondent.entry.manner", "petitions"),
    )
    path: Conclusion[Path]
    if eligible.value and forum.value != "unknown":
        path = Conclusion(
            "adjust_before_judge" if forum.value == "immigration_judge" else "adjust_with_uscis",
            forum.reason,
            forum.authorities,
            forum.facts,
        )
    elif eligible.value:
        path = Conclusion("none_found", forum.reason, forum.authorities, forum.facts)
    elif not door and petition.value != "none" and not a9.value:
        path = Conclusion(
            "consular_with_i601a",
            "Not eligible to adjust here: consular processing abroad, with a Form I-601A "
            "provisional waiver first.",
            ("cfr_212_7_e",),
            ("respondent.entry.manner",),
        )
    else:
        path = Conclusion("none_found", eligible.reason, eligible.authorities, eligible.facts)
    clear = bool(
        path.value in ("adjust_before_judge", "adjust_with_uscis")
        and visa.value
        and arriving.value is not None
        and not fraud.value
    )
    return AdjustmentAssessment(
        arriving_alien=arriving,
        forum=forum,
        inspected=inspected,
        section_245i=grandfathered,
        qualifying_petition=petition,
        visa_available=visa,
        bar_245c2=bar_245c2,
        bar_240b7=bar_240b7,
        inadmissible_212a9=a9,
        inadmissible_212a6ci=fraud,
        marriage_during_proceedings=marriage,
        eligible=eligible,
        path=path,
        clear_path=Conclusion(
            clear,
            "A path to permanent residence with no bar the case shows."
            if clear
            else "No clear path to permanent residence on the facts given: do not say there is "
            "one.",
        ),
    )


def assess_waiver(case: Case, adjustment: AdjustmentAssessment) -> WaiverAssessment:
    """Assess the I-601A provisional waiver (8 C.F.R. 212.7(e))."""
    status = case.proceedings.status
    needed = adjustment.path.value == "consular_with_i601a"
    order = case.proceedings.final_order
    reinstated = bool(order and order.reinstated)
    qualifying_relative = bool(
        case.relationships.spouse
        and case.relationships.spouse.married
        and case.relationships.spouse.citizenship in (Citizenship.USC, Citizenship.LPR)
    ) or any(
        r.citizenship in (Citizenship.USC, Citizenship.LPR)
        and r.relation.lower() in ("mother", "father", "parent")
        for r in case.relationships.other_relatives
    )
    approved = bool(case.petitions_of("I-130", "approved"))
    stage_ok = status in (
        ProceedingStatus.ADMINISTRATIVELY_CLOSED,
        ProceedingStatus.TERMINATED,
        ProceedingStatus.NOT_IN_PROCEEDINGS,
        ProceedingStatus.FINAL_ORDER,
    )
    blockers = [
        *([] if approved else ["no approved Form I-130"]),
        *(
            []
            if qualifying_relative
            else ["no U.S. citizen or permanent resident spouse or parent"]
        ),
        *(
            []
            if stage_ok
            else [
                "the case is pending: it must be administratively closed, terminated or dismissed"
            ]
        ),
        *(["the order was reinstated"] if reinstated else []),
        *(["a prior removal (reinstatement risk)"] if adjustment.inadmissible_212a9.value else []),
    ]
    available = needed and not blockers
    return WaiverAssessment(
        needed=Conclusion(
            needed,
            adjustment.path.reason,
            adjustment.path.authorities,
            adjustment.path.facts,
        ),
        available=Conclusion(
            available,
            "The I-601A is available: approved petition, qualifying relative, and the case "
            "closed, terminated or not in court."
            if available
            else "The I-601A is not available now: " + "; ".join(blockers or ["not needed"]) + ".",
            ("cfr_212_7_e",),
            ("petitions", "proceedings.status", "relationships.spouse.citizenship"),
        ),
        needs_i212=Conclusion(
            needed and status is ProceedingStatus.FINAL_ORDER,
            "With a final order, the I-601A first needs a conditionally approved Form I-212; "
            "leaving under the order executes it."
            if needed and status is ProceedingStatus.FINAL_ORDER
            else "No Form I-212 needed first on these facts.",
            ("cfr_212_7_e",),
            ("proceedings.status",),
        ),
    )
