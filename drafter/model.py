"""The case model: everything the documents need to know about one client, validated by pydantic."""

import datetime as dt
import inspect
import re
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .inputs import excerpt

__all__ = [
    "ANumber",
    "Address",
    "AdverseFacts",
    "Case",
    "Child",
    "Counsel",
    "CriminalRecord",
    "DHSPosition",
    "Entry",
    "Exhibit",
    "ExhibitKind",
    "FamilyMember",
    "Filing",
    "FinalOrder",
    "Hearing",
    "MilitaryService",
    "OplaOffice",
    "Partner",
    "Petition",
    "PositiveFactors",
    "Proceedings",
    "Relationships",
    "Relief",
    "Request",
    "Respondent",
]


_THIRD_PERSON_FIELDS = (
    "description",
    "reason",
    "rehabilitation",
    "medical_condition",
    "exceptional_circumstances",
    "sentence",
    "closure_reason",
)
"""Free-text facts: written in the third person, so every document (a motion above all) can
use them. The client's own first-person account goes in ``own_words``."""

_FIRST_PERSON = re.compile(
    r"(?<![\w'’-])(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself|[Ww]e|us|"
    r"[Oo]ur|[Oo]urs|[Oo]urselves)(?![\w'’&-])"
)
_PRONOUN = re.compile(
    r"(?<![\w'’-])(?:I|[Mm]e|[Mm]y|[Hh]e|[Hh]im|[Hh]is|[Ss]he|[Hh]er|[Hh]ers|[Tt]hey|[Tt]hem|"
    r"[Tt]heir|[Ww]e|[Oo]ur|us)(?![\w'’&-])"
)
_THIRD_PERSON = re.compile(r"(?<![\w-])(?:[Tt]he )?[Rr]espondent(?:'s|’s)?(?![\w-])")


def _own_words() -> Any:
    return Field(
        default=None,
        description="The client's own account of this, in the first person ('I ...'): used "
        "in the client's declaration and in a letter the client writes",
    )


class _Model(BaseModel):
    """Shared configuration: unknown fields are errors, strings are trimmed.

    Templates see a model as a read-only record of its fields plus the computed properties it
    names in ``template_properties`` (see :mod:`drafter.record`); nothing else of it.
    """

    template_properties: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="before")
    @staticmethod
    def _not_a_placeholder(value: Any) -> Any:
        """Refuse a ``<<placeholder>>`` from ``drafter init``'s starter left unreplaced."""
        if isinstance(value, str) and "<<" in value and (found := _PLACEHOLDER.search(value)):
            raise ValueError(
                f"still holds the starter's placeholder {found.group()}; write the real value"
            )
        return value

    @field_validator("*", mode="after")
    @staticmethod
    def _storable(value: Any) -> Any:
        """Refuse text a Word document cannot hold, and dates that can only be typos."""
        if type(value) is str:  # most fields that hold something
            return check_text(value)
        if value is None or isinstance(
            value, (bool, int, BaseModel)
        ):  # most other fields: nothing to check
            return value
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, str):
                check_text(item)
            elif isinstance(item, dt.date) and item.year < 1900:
                raise ValueError(f"{item.isoformat()} is before 1900; check the year")
        return value

    @field_validator(*_THIRD_PERSON_FIELDS, "own_words", mode="after", check_fields=False)
    @staticmethod
    def _one_voice(value: Any, info: ValidationInfo) -> Any:
        """Facts are told in the third person; ``own_words`` is the client speaking."""
        if not isinstance(value, str):
            return value
        if info.field_name == "own_words":
            if found := _THIRD_PERSON.search(value):
                raise ValueError(
                    f"own_words is the client speaking in the first person, but it says "
                    f"{found.group()!r}; write it as the client would say it ('I ...')"
                )
        elif found := _FIRST_PERSON.search(value):
            raise ValueError(
                f"is written in the first person ({found.group()!r}); facts go into motions, "
                "which speak of the respondent in the third person: rewrite it (e.g. 'She "
                "...'), and put the client's own words in own_words"
            )
        return value

    # Defaults are used as written, not validated again for every case (most of a case's
    # fields are left at their defaults): a test holds each one to its field's validation.
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, validate_default=False, defer_build=True
    )


# --------------------------------------------------------------------------- text

# Characters XML 1.0 cannot carry (a document holding one will not open), and the private-use
# characters drafter uses internally to mark exhibit references in drafted text.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\ue000-\uf8ff]")


_PLACEHOLDER = re.compile(r"<<[^<>\n]{1,80}>>")
"""How ``drafter init``'s starter marks a value to replace: ``<<given name>>``."""


def check_text(value: str) -> str:
    """Refuse text with a character a Word document cannot hold (control, private-use).

    Raises:
        ValueError: naming the character and where it is.
    """
    if value.isprintable():  # most text (no line break): nothing below can match it
        return value
    bad = _UNSTORABLE.search(value)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        kind = "private-use" if "\ue000" <= bad.group() <= "\uf8ff" else "control"
        raise ValueError(
            f"contains a {kind} character ({code}) at position {bad.start() + 1}, which a Word "
            "document cannot hold; retype the text"
        )
    return value


# --------------------------------------------------------------------------- identifiers

_A_NUMBER_RE = re.compile(r"^A?([0-9]{8,9})$")
_RECEIPT_RE = re.compile(r"^[A-Z]{3}[0-9]{10}$")


def normalize_a_number(value: Any) -> Any:
    """Normalise an alien registration number to ``A123-456-789``.

    Accepts 8 or 9 digits with or without a leading ``A`` and with dashes or spaces; an 8-digit
    number gains the leading zero that EOIR's systems use.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value
    compact = re.sub(r"[\s\-.]", "", value).upper()
    match = _A_NUMBER_RE.match(compact)
    if not match:
        raise ValueError(
            f"{excerpt(value)} is not an A-number: expected 8 or 9 digits, optionally with a leading 'A' "
            "and dashes, e.g. A123-456-789"
        )
    digits = match.group(1).rjust(9, "0")
    return f"A{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def normalize_receipt_number(value: Any) -> Any:
    """Normalise a USCIS receipt number: three letters and ten digits, upper case, no spaces."""
    if not isinstance(value, str):
        return value
    compact = re.sub(r"[\s\-]", "", value).upper()
    if not _RECEIPT_RE.match(compact):
        raise ValueError(
            f"{excerpt(value)} is not a USCIS receipt number: expected three letters and ten digits, "
            "e.g. IOE0123456789"
        )
    return compact


def _parse_time(value: Any) -> Any:
    """Accept ``9:00``, ``09:00``, ``9:00 AM`` and ``1:30 pm`` as times of day."""
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 readers turn 9:00 into 540 (sexagesimal minutes); take it back.
        return dt.time(value // 60, value % 60) if 0 <= value < 24 * 60 else value
    if not isinstance(value, str):
        return value
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*([AaPp]\.?[Mm]\.?)?\s*", value)
    if not match:
        return value
    hour, minute, meridiem = int(match.group(1)), int(match.group(2)), match.group(3)
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(f"{excerpt(value)} is not a time of day")
        hour = hour % 12 + (12 if meridiem[0].lower() == "p" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{excerpt(value)} is not a time of day")
    return dt.time(hour, minute)


ANumber = Annotated[str, BeforeValidator(normalize_a_number)]
ReceiptNumber = Annotated[str, BeforeValidator(normalize_receipt_number)]
TimeOfDay = Annotated[dt.time, BeforeValidator(_parse_time)]


def _nonblank(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, AfterValidator(_nonblank)]
"""A required piece of text: trimmed, and not empty."""


def _past(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """Reject dates after today (or the ``today`` passed in the validation context)."""
    if value is None:
        return value
    today = (info.context or {}).get("today") or dt.date.today()
    if value > today:
        raise ValueError(
            f"{value.isoformat()} is in the future; only hearing and filing dates may be"
        )
    return value


PastDate = Annotated[dt.date, AfterValidator(_past)]


def _no_items() -> list[Any]:
    """A new empty list: the default of a list field.

    pydantic asks each default factory for its signature; ``list``, a builtin, can only refuse
    after a slow search, fifteen times as the case model is built.
    """
    return []


def _signed_up_front(*validators: Any) -> None:
    """Give validators their signature once, so pydantic's look at it is a lookup.

    pydantic reads a validator's signature (does it take ``info``?) for every field it applies
    to: about 450 times when the case model is built, most of them for ``_Model``'s two "*"
    validators. ``inspect.signature`` returns a function's ``__signature__`` when it has one.
    """
    for validator in validators:
        func = getattr(validator, "__func__", validator)
        func.__signature__ = inspect.signature(func)


"""A date that has already happened (birth, entry, filing of a petition, an order...)."""


# --------------------------------------------------------------------------- people and places


class Address(_Model):
    """A postal address."""

    template_properties: ClassVar[tuple[str, ...]] = ("lines",)

    street: Text
    street2: str | None = None
    city: Text
    state: Text = Field(description="State or territory, e.g. 'CA'")
    postal_code: Text
    country: str = "United States"

    @property
    def lines(self) -> list[str]:
        """The address as the lines of an envelope."""
        out = [self.street]
        if self.street2:
            out.append(self.street2)
        out.append(f"{self.city}, {self.state} {self.postal_code}")
        if self.country and self.country != "United States":
            out.append(self.country)
        return out


class Pronouns(StrEnum):
    """How the documents refer to a person."""

    SHE = "she"
    HE = "he"
    THEY = "they"


_PRONOUN_FORMS = {
    "she": ("she", "her", "her", "herself", "is", "has"),
    "he": ("he", "him", "his", "himself", "is", "has"),
    "they": ("they", "them", "their", "themselves", "are", "have"),
}


class EntryManner(StrEnum):
    """How the respondent came into the United States."""

    ADMITTED = "admitted"
    PAROLED = "paroled"
    ENTERED_WITHOUT_INSPECTION = "entered_without_inspection"
    UNKNOWN = "unknown"


class Entry(_Model):
    """The respondent's last entry into the United States."""

    template_properties: ClassVar[tuple[str, ...]] = ("inspected",)

    manner: EntryManner
    date: PastDate | None = None
    place: str | None = None
    parole: Literal["port_of_entry", "in_place"] | None = Field(
        default=None,
        description="For a paroled respondent: paroled at a port of entry (an arriving alien, "
        "8 CFR 1.2, whose adjustment USCIS decides) or paroled in place",
    )

    @model_validator(mode="after")
    def _parole_only_if_paroled(self) -> Self:
        if self.parole is not None and self.manner is not EntryManner.PAROLED:
            raise ValueError(f"parole is {self.parole} but manner is {self.manner.value}")
        return self

    @property
    def inspected(self) -> bool:
        """Whether the respondent was admitted or paroled (the door to adjustment under 245(a))."""
        return self.manner in (EntryManner.ADMITTED, EntryManner.PAROLED)


class Respondent(_Model):
    """The person the documents are about."""

    template_properties: ClassVar[tuple[str, ...]] = (
        "full_name",
        "short_name",
        "plural",
        "caption_name",
        "they",
        "them",
        "their",
        "is_",
        "has",
    )

    given_name: Text
    middle_name: str | None = None
    family_name: Text
    pronouns: Pronouns
    honorific: str | None = Field(
        default=None,
        description="How the documents name the respondent after first mention, e.g. 'Dr.'; "
        "defaults to Ms., Mr. or Mx. from the pronouns",
    )
    a_number: ANumber
    date_of_birth: PastDate
    country_of_citizenship: Text
    address: Address | None = None
    detained: bool = False
    language: str = "English"
    entry: Entry
    section_245i: bool = Field(
        default=False,
        description="Grandfathered under INA 245(i): the beneficiary of a petition or labor "
        "certification filed by April 30, 2001 (and physically present on December 21, 2000 if "
        "filed after January 14, 1998)",
    )

    @property
    def full_name(self) -> str:
        """Given, middle and family names in reading order."""
        return " ".join(p for p in (self.given_name, self.middle_name, self.family_name) if p)

    @property
    def short_name(self) -> str:
        """The name after first mention: honorific and family name (``Ms. Nguyễn``)."""
        title = self.honorific or {"she": "Ms.", "he": "Mr.", "they": "Mx."}[self.pronouns.value]
        return f"{title} {self.family_name}"

    @property
    def plural(self) -> bool:
        """Whether verbs agree in the plural (pronoun 'they')."""
        return self.pronouns is Pronouns.THEY

    @property
    def caption_name(self) -> str:
        """The name as immigration courts caption it: ``FAMILY, Given Middle``."""
        given = " ".join(p for p in (self.given_name, self.middle_name) if p)
        return f"{self.family_name.upper()}, {given}"

    @property
    def they(self) -> str:
        """Subject pronoun."""
        return _PRONOUN_FORMS[self.pronouns.value][0]

    @property
    def them(self) -> str:
        """Object pronoun."""
        return _PRONOUN_FORMS[self.pronouns.value][1]

    @property
    def their(self) -> str:
        """Possessive pronoun."""
        return _PRONOUN_FORMS[self.pronouns.value][2]

    @property
    def is_(self) -> str:
        """``is`` or ``are``, agreeing with the pronoun."""
        return _PRONOUN_FORMS[self.pronouns.value][4]

    @property
    def has(self) -> str:
        """``has`` or ``have``, agreeing with the pronoun."""
        return _PRONOUN_FORMS[self.pronouns.value][5]


class FamilyRelation(StrEnum):
    """A family member's relation to the respondent."""

    SPOUSE = "spouse"
    PARTNER = "partner"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER = "other"


class FamilyMember(_Model):
    """A relative in the same removal proceedings; every motion names each with an A-number."""

    template_properties: ClassVar[tuple[str, ...]] = ("full_name",)

    given_name: Text
    middle_name: str | None = None
    family_name: Text
    a_number: ANumber
    relation: FamilyRelation
    date_of_birth: PastDate | None = None

    @property
    def full_name(self) -> str:
        """Given, middle and family names in reading order."""
        return " ".join(p for p in (self.given_name, self.middle_name, self.family_name) if p)


# --------------------------------------------------------------------------- proceedings


class ProceedingStatus(StrEnum):
    """Where the removal case stands."""

    NOT_IN_PROCEEDINGS = "not_in_proceedings"
    PENDING = "pending"
    ADMINISTRATIVELY_CLOSED = "administratively_closed"
    FINAL_ORDER = "final_order"
    TERMINATED = "terminated"


class Court(_Model):
    """The immigration court with jurisdiction."""

    city: Text
    state: Text
    address: Address | None = None


class Hearing(_Model):
    """A scheduled hearing."""

    date: dt.date
    time: TimeOfDay | None = None
    kind: Literal["master", "individual"] | None = None


class FinalOrder(_Model):
    """A final order of removal."""

    date: PastDate
    issued_by: Literal["immigration_judge", "board"] = Field(
        description="Who entered the final order: the immigration judge, or the Board of "
        "Immigration Appeals (which then decides any motion to reopen)"
    )
    in_absentia: bool = False
    notice_of_hearing: Literal["received", "not_received", "in_custody"] | None = Field(
        default=None,
        description="For an in absentia order: whether the respondent received the notice of "
        "the hearing they missed, never received it, or was then in federal or state custody",
    )
    exceptional_circumstances: str | None = Field(
        default=None,
        description="For an in absentia order: what kept the respondent from the hearing "
        "(serious illness, a close relative's death...), in plain words",
    )
    warned_of_consequences: bool | None = Field(
        default=None,
        description="For an in absentia order: whether the respondent had been given oral notice "
        "of the consequences of failing to appear (INA 240(b)(7))",
    )
    own_words: str | None = Field(
        default=None,
        description="The respondent's own account of the missed hearing or the notice, in the "
        "first person, for the declaration",
    )
    reinstated: bool = Field(
        default=False,
        description="Whether DHS has reinstated this order under INA 241(a)(5)",
    )

    @model_validator(mode="after")
    def _absentia_facts(self) -> Self:
        given = [
            name
            for name in ("notice_of_hearing", "exceptional_circumstances", "warned_of_consequences")
            if getattr(self, name) is not None
        ]
        if given and not self.in_absentia:
            raise ValueError(f"{', '.join(given)} given, but the order is not in absentia")
        return self


class PriorMotion(_Model):
    """A motion to reopen already filed in the case (the one-motion limit counts these)."""

    filed: PastDate
    filed_by: Literal["respondent", "dhs", "joint"] = "respondent"
    outcome: Literal["pending", "granted", "denied", "withdrawn"] | None = None


class Proceedings(_Model):
    """The removal proceedings, if any."""

    status: ProceedingStatus
    court: Court | None = None
    immigration_judge: str | None = None
    notice_to_appear_date: PastDate | None = None
    next_hearing: Hearing | None = None
    administrative_closure_date: PastDate | None = None
    closure_reason: str | None = Field(
        default=None,
        description="Why the court closed the case, as a phrase that follows 'closed the "
        "case', e.g. 'to await USCIS's decision on the Form I-130'",
    )
    final_order: FinalOrder | None = None
    motions_to_reopen: list[PriorMotion] = Field(default_factory=_no_items)
    continuances_requested: int | None = Field(
        default=None,
        ge=0,
        description="How many continuances the respondent has asked for in these proceedings "
        "(0 if none); a motion says the respondent caused no delay only when this is 0",
    )

    @model_validator(mode="after")
    def _status_needs(self) -> Self:
        s = self.status
        if s is ProceedingStatus.FINAL_ORDER and self.final_order is None:
            raise ValueError(
                "status is final_order but final_order is missing: give its date and who issued it"
            )
        if (
            s is ProceedingStatus.ADMINISTRATIVELY_CLOSED
            and self.administrative_closure_date is None
        ):
            raise ValueError(
                "status is administratively_closed but administrative_closure_date is missing"
            )
        if s is not ProceedingStatus.NOT_IN_PROCEEDINGS and self.court is None:
            raise ValueError(
                f"status is {s.value} but court is missing: "
                "give the immigration court's city and state"
            )
        if s is ProceedingStatus.NOT_IN_PROCEEDINGS and (self.final_order or self.next_hearing):
            raise ValueError(
                "status is not_in_proceedings, yet a final order or next hearing is given"
            )
        if (
            self.notice_to_appear_date
            and self.final_order
            and self.final_order.date < self.notice_to_appear_date
        ):
            raise ValueError("the final order is dated before the notice to appear")
        return self


# --------------------------------------------------------------------------- relationships


class Citizenship(StrEnum):
    """A relative's status in the United States."""

    USC = "usc"
    LPR = "lpr"
    OTHER = "other"


class Partner(_Model):
    """A spouse or long-term partner."""

    template_properties: ClassVar[tuple[str, ...]] = ("married", "since")

    name: Text
    citizenship: Citizenship
    same_sex: bool = False
    relationship: Literal["married", "partners"]
    marriage_date: PastDate | None = None
    marriage_place: str | None = None
    relationship_start: PastDate | None = None
    shared_home: bool = False
    shared_finances: bool = False
    sole_partners: bool = Field(
        default=False,
        description="For partners: each is the other's only partner, as the client states "
        "(a letter says so only when this is true)",
    )

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.relationship == "married" and self.marriage_date is None:
            raise ValueError("relationship is married but marriage_date is missing")
        if self.relationship == "partners" and self.marriage_date is not None:
            raise ValueError("relationship is partners but a marriage_date is given; use married")
        if self.relationship == "partners" and self.relationship_start is None:
            raise ValueError("relationship is partners but relationship_start is missing")
        if (
            self.marriage_date
            and self.relationship_start
            and self.marriage_date < self.relationship_start
        ):
            raise ValueError(
                f"marriage_date {self.marriage_date} is before relationship_start "
                f"{self.relationship_start}; a marriage cannot precede the relationship"
            )
        return self

    @property
    def married(self) -> bool:
        """Whether the couple is married."""
        return self.relationship == "married"

    @property
    def since(self) -> dt.date | None:
        """When the relationship began (its start, or the marriage if no start is given)."""
        return self.relationship_start or self.marriage_date


class Child(_Model):
    """A child of the respondent."""

    name: Text
    date_of_birth: PastDate
    citizenship: Citizenship
    medical_condition: str | None = Field(
        default=None, description="A serious medical condition, in plain words"
    )
    respondent_is_primary_caregiver: bool = False


class MilitaryService(_Model):
    """Service in the US armed forces."""

    branch: Text
    status: Literal["active", "reserve", "veteran"]
    since: PastDate | None = None
    until: PastDate | None = None
    description: str | None = None
    own_words: str | None = _own_words()
    exhibits: list[str] = Field(default_factory=_no_items)


class Relative(_Model):
    """Another qualifying relative (a parent, a sibling, an adult child in the military...)."""

    name: Text
    relation: Text = Field(description="e.g. 'son', 'mother'")
    citizenship: Citizenship
    military_service: MilitaryService | None = None


class Relationships(_Model):
    """The respondent's family ties."""

    spouse: Partner | None = None
    children: list[Child] = Field(default_factory=_no_items)
    other_relatives: list[Relative] = Field(default_factory=_no_items)


# --------------------------------------------------------------------------- petitions


class Petition(_Model):
    """A petition or application filed with USCIS or the court."""

    template_properties: ClassVar[tuple[str, ...]] = ("label",)

    form: Literal[
        "I-130",
        "I-360",
        "I-485",
        "I-589",
        "I-601",
        "I-601A",
        "I-212",
        "I-751",
        "I-765",
        "I-821D",
        "I-864",
        "I-918",
        "I-918 Supplement B",
        "EOIR-42B",
        "other",
    ]
    description: str | None = Field(default=None, description="What it is, when form is 'other'")
    receipt_number: ReceiptNumber | None = None
    status: Literal["pending", "approved", "denied", "not_yet_filed"]
    filed_date: PastDate | None = None
    decided_date: PastDate | None = None
    petitioner: str | None = None
    beneficiary: str | None = None
    expected_decision: dt.date | None = Field(
        default=None,
        description="For a pending petition: when USCIS is expected to decide it (from its "
        "posted processing times); a motion to close argues the length of closure from it",
    )
    exhibits: list[str] = Field(default_factory=_no_items)

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.form == "other" and not self.description:
            raise ValueError("form is 'other' but description is missing")
        if self.status in ("approved", "denied") and self.decided_date is None:
            raise ValueError(f"status is {self.status} but decided_date is missing")
        if self.status != "not_yet_filed" and self.filed_date is None:
            raise ValueError(f"status is {self.status} but filed_date is missing")
        if self.filed_date and self.decided_date and self.decided_date < self.filed_date:
            raise ValueError("decided_date is before filed_date")
        return self

    @property
    def label(self) -> str:
        """The form's name as a document would write it (``Form I-130``)."""
        if self.form == "other":
            return self.description or "application"
        return f"Form {self.form}"


# --------------------------------------------------------------------------- factors


class Factor(_Model):
    """A positive factor: what it is, in the third person, and the exhibits proving it."""

    description: Text
    own_words: str | None = _own_words()
    exhibits: list[str] = Field(default_factory=_no_items)


class Cooperation(Factor):
    """Cooperation with law enforcement."""

    agency: str | None = None
    certification: bool = Field(
        default=False, description="Whether a Form I-918 Supplement B certification was signed"
    )


class PositiveFactors(_Model):
    """The equities that favour discretion, each pointing at its evidence."""

    residence_since: PastDate | None = Field(
        default=None, description="Continuous residence in the United States since this date"
    )
    residence: Factor | None = None
    military_service: MilitaryService | None = Field(
        default=None, description="The respondent's own service"
    )
    law_enforcement_cooperation: Cooperation | None = None
    humanitarian: list[Factor] = Field(default_factory=_no_items)
    education: Factor | None = None
    employment: Factor | None = None
    community_ties: Factor | None = None
    tax_filing: Factor | None = None
    caregiving: Factor | None = None


# --------------------------------------------------------------------------- adverse facts


class _Adverse(_Model):
    disclose: bool = Field(
        description="The attorney's choice: true puts this fact before the agency, "
        "false holds it back"
    )
    own_words: str | None = _own_words()
    exhibits: list[str] = Field(default_factory=_no_items)


class CriminalRecord(_Adverse):
    """An arrest, charge or conviction."""

    offense: Text
    date: PastDate
    jurisdiction: Text
    disposition: Text
    sentence: str | None = None
    rehabilitation: str | None = None


class PriorRemoval(_Adverse):
    """An earlier removal, deportation or return."""

    date: PastDate
    kind: Literal["removal", "expedited_removal", "voluntary_departure", "voluntary_return"]
    description: str | None = None


class FraudFinding(_Adverse):
    """A finding of fraud or misrepresentation."""

    date: PastDate
    description: Text


class FailureToAppear(_Adverse):
    """A missed hearing or appointment."""

    date: PastDate
    reason: str | None = None


class AdverseFacts(_Model):
    """Facts that weigh against discretion; the attorney decides which reach the agency."""

    criminal_history: list[CriminalRecord] = Field(default_factory=_no_items)
    prior_removals: list[PriorRemoval] = Field(default_factory=_no_items)
    fraud_findings: list[FraudFinding] = Field(default_factory=_no_items)
    failures_to_appear: list[FailureToAppear] = Field(default_factory=_no_items)


# --------------------------------------------------------------------------- DHS, counsel, filing


class DHSPosition(_Model):
    """What DHS (OPLA) has said about the request or motion."""

    stance: Literal["unknown", "opposes", "does_not_oppose", "joins"] = "unknown"
    opla_attorney: str | None = None
    agreed_on: PastDate | None = None
    reasons: str | None = Field(
        default=None,
        description="DHS's reasons for its position, as DHS stated them (a motion answers "
        "them; without them it says nothing of what DHS thinks)",
    )
    dismissal_ground: Literal["improvidently_issued", "changed_circumstances"] | None = Field(
        default=None,
        description="When DHS moves to dismiss: the ground of 8 C.F.R. 239.2(a) it relies on "
        "((a)(6) improvidently issued, (a)(7) changed circumstances), as OPLA stated it",
    )

    @model_validator(mode="after")
    def _joins_needs(self) -> Self:
        if self.stance == "joins" and not (self.opla_attorney and self.agreed_on):
            raise ValueError(
                "stance is joins, so opla_attorney and agreed_on are needed: who at OPLA agreed, "
                "and when"
            )
        return self


class Counsel(_Model):
    """The attorney or accredited representative."""

    name: Text
    firm: str | None = None
    address: Address
    phone: Text
    email: Text
    eoir_id: str | None = None
    bar_admission: str | None = Field(
        default=None, description="e.g. 'State Bar of California No. 000000'"
    )

    @model_validator(mode="after")
    def _email(self) -> Self:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", self.email):
            raise ValueError(f"email {self.email!r} is not an e-mail address")
        return self


class OplaOffice(_Model):
    """The ICE Office of the Principal Legal Advisor field location that has the case."""

    name: Text = Field(description="e.g. 'Office of the Chief Counsel, San Francisco'")
    address: Address
    email: str | None = None


class Filing(_Model):
    """When and how the document is filed and served."""

    date: dt.date
    service_method: Literal["ecas", "mail", "hand", "email"] = "ecas"
    served_by: str | None = None
    fee_waiver: bool = Field(
        default=False,
        description="Ask the court to waive a motion's filing fee (Form EOIR-26A) instead of "
        "paying it",
    )


class ExhibitKind(StrEnum):
    """The kinds of evidence the clauses know how to rely on."""

    IDENTITY = "identity"
    NOTICE_OF_APPEARANCE = "notice_of_appearance"
    MARRIAGE_CERTIFICATE = "marriage_certificate"
    BONA_FIDE_MARRIAGE = "bona_fide_marriage"
    PARTNERSHIP = "partnership"
    APPROVAL_NOTICE = "approval_notice"
    RECEIPT_NOTICE = "receipt_notice"
    APPLICATION = "application"
    BIRTH_CERTIFICATE = "birth_certificate"
    MEDICAL = "medical"
    MILITARY = "military"
    LAW_ENFORCEMENT_LETTER = "law_enforcement_letter"
    RESIDENCE = "residence"
    TAX = "tax"
    EMPLOYMENT = "employment"
    EDUCATION = "education"
    COMMUNITY = "community"
    DECLARATION = "declaration"
    CRIMINAL_RECORD = "criminal_record"
    REHABILITATION = "rehabilitation"
    COURT_RECORD = "court_record"
    COUNTRY_CONDITIONS = "country_conditions"
    OTHER = "other"


EXHIBIT_FILE_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".odt")
"""The kinds of exhibit file drafter can read."""


class Exhibit(_Model):
    """A document attached to the filing."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")] = Field(
        description="A short name the case file uses to point at this exhibit, e.g. 'marriage'"
    )
    tab: Annotated[str, Field(pattern=r"^[A-Z]{1,2}$")] | None = None
    title: Text
    kind: ExhibitKind
    description: str | None = None
    pages: int | None = Field(
        default=None,
        ge=1,
        description="Page count, for the exhibit index (counted from file when not given)",
    )
    file: str | None = Field(
        default=None,
        max_length=500,
        description="The exhibit's file (PDF, JPEG or PNG scan, DOCX or ODT), relative to the "
        "case file's folder; a PDF's pages are counted for the exhibit index",
    )

    @field_validator("file")
    @classmethod
    def _relative_inside(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = PurePosixPath(value.replace("\\", "/"))
        if not value.strip() or path.is_absolute() or ".." in path.parts or ":" in path.parts[0]:
            raise ValueError(
                "must be a path relative to the case file's folder, inside it (no leading / "
                "and no ..)"
            )
        if path.suffix.lower() not in EXHIBIT_FILE_TYPES:
            raise ValueError(
                f"must be one of {', '.join(EXHIBIT_FILE_TYPES)} (got {path.suffix or 'no extension'})"
            )
        return value


# --------------------------------------------------------------------------- the request


class Relief(StrEnum):
    """What a PD request asks OPLA to do."""

    DISMISSAL = "dismissal"
    ADMINISTRATIVE_CLOSURE = "administrative_closure"
    JOIN_MOTION_TO_REOPEN = "join_motion_to_reopen"
    NON_OPPOSITION = "non_opposition"


class Request(_Model):
    """What the client asks for, and the relief the client will pursue once it is granted."""

    relief: Relief
    pursue: str | None = Field(
        default=None,
        description="The relief the client will pursue, without pronouns (every document uses "
        "it, in its own voice), e.g. 'adjustment of status before the court'",
    )

    motion: Literal["admin-close", "reopen", "recalendar", "terminate"] | None = Field(
        default=None,
        description="The motion a letter asks OPLA to join or not oppose (default: a motion "
        "to reopen after a final order; a motion to close for administrative_closure); the "
        "letter names it and encloses the draft",
    )

    @field_validator("pursue")
    @classmethod
    def _no_pronouns(cls, value: str | None) -> str | None:
        if value and (found := _PRONOUN.search(value)):
            raise ValueError(
                f"says {found.group()!r}: letters, motions and the client's declaration all "
                "use it in their own voices, so write it without pronouns (e.g. 'a hearing on "
                "the merits')"
            )
        return value


# --------------------------------------------------------------------------- the case


class Case(_Model):
    """One client's case: the single input every document is drafted from."""

    template_properties: ClassVar[tuple[str, ...]] = ("covered_people",)

    respondent: Respondent
    family_members: list[FamilyMember] = Field(
        default_factory=_no_items, description="Relatives in the same proceedings"
    )
    proceedings: Proceedings
    relationships: Relationships = Field(default_factory=Relationships)
    petitions: list[Petition] = Field(default_factory=_no_items)
    positive_factors: PositiveFactors = Field(default_factory=PositiveFactors)
    adverse_facts: AdverseFacts = Field(default_factory=AdverseFacts)
    dhs_position: DHSPosition = Field(default_factory=DHSPosition)
    counsel: Counsel | None = None
    self_represented: bool = False
    opla_office: OplaOffice | None = None
    filing: Filing
    request: Request | None = None
    exhibits: list[Exhibit] = Field(default_factory=_no_items)

    def told_facts(self) -> list[tuple[str, Factor | MilitaryService | _Adverse]]:
        """The described facts a letter tells, each with its case-file path.

        Positive factors, the respondent's own service, and disclosed adverse facts.
        """
        pf = self.positive_factors
        out: list[tuple[str, Factor | MilitaryService | _Adverse]] = []
        for name in type(pf).model_fields:
            value = getattr(pf, name)
            if isinstance(value, Factor):
                out.append((f"positive_factors.{name}", value))
            elif isinstance(value, list):
                out += [
                    (f"positive_factors.{name}.{i}", v)
                    for i, v in enumerate(value)
                    if isinstance(v, Factor)
                ]
        if pf.military_service and pf.military_service.description:
            out.append(("positive_factors.military_service", pf.military_service))
        adverse = self.adverse_facts
        for name in type(adverse).model_fields:
            for i, fact in enumerate(getattr(adverse, name)):
                described = getattr(fact, "description", None) or getattr(fact, "reason", None)
                if fact.disclose and (described or getattr(fact, "rehabilitation", None)):
                    out.append((f"adverse_facts.{name}.{i}", fact))
        return out

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        if self.counsel is None and not self.self_represented:
            raise ValueError(
                "counsel is missing: give the attorney's details, or set self_represented: true"
            )
        if self.counsel is not None and self.self_represented:
            raise ValueError("self_represented is true but counsel is given; keep one")
        if self.self_represented:
            missing = [path for path, _ in self.told_facts() if not _.own_words]
            if missing:
                raise ValueError(
                    "a self-represented client writes the letter in the first person, so each "
                    "described fact needs the client's own words: add own_words to "
                    + ", ".join(missing)
                )
        ids = [e.id for e in self.exhibits]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"exhibit ids must be unique; repeated: {', '.join(dupes)}")
        tabs = [e.tab for e in self.exhibits if e.tab]
        dupe_tabs = sorted({t for t in tabs if tabs.count(t) > 1})
        if dupe_tabs:
            raise ValueError(f"exhibit tabs must be unique; repeated: {', '.join(dupe_tabs)}")
        known = set(ids)
        for where, refs in self._exhibit_references():
            for ref in refs:
                if ref not in known:
                    raise ValueError(
                        f"{where} points at exhibit {ref!r}, which is not in exhibits "
                        f"(known: {', '.join(sorted(known)) or 'none'})"
                    )
        numbers = [self.respondent.a_number] + [m.a_number for m in self.family_members]
        if len(set(numbers)) != len(numbers):
            raise ValueError("two people in the proceedings share an A-number")
        return self

    def _exhibit_references(self) -> list[tuple[str, list[str]]]:
        refs: list[tuple[str, list[str]]] = []
        pf = self.positive_factors
        for name in (
            "residence",
            "military_service",
            "law_enforcement_cooperation",
            "education",
            "employment",
            "community_ties",
            "tax_filing",
            "caregiving",
        ):
            factor = getattr(pf, name)
            if factor is not None:
                refs.append((f"positive_factors.{name}", factor.exhibits))
        for i, h in enumerate(pf.humanitarian):
            refs.append((f"positive_factors.humanitarian.{i}", h.exhibits))
        for i, p in enumerate(self.petitions):
            refs.append((f"petitions.{i}", p.exhibits))
        for i, r in enumerate(self.relationships.other_relatives):
            if r.military_service:
                refs.append(
                    (
                        f"relationships.other_relatives.{i}.military_service",
                        r.military_service.exhibits,
                    )
                )
        af = self.adverse_facts
        for group in ("criminal_history", "prior_removals", "fraud_findings", "failures_to_appear"):
            for i, item in enumerate(getattr(af, group)):
                refs.append((f"adverse_facts.{group}.{i}", item.exhibits))
        return refs

    # Convenience views for templates and clauses -------------------------------------------

    @property
    def covered_people(self) -> list[tuple[str, str]]:
        """Everyone the filing covers: (full name, A-number), the respondent first."""
        return [(self.respondent.full_name, self.respondent.a_number)] + [
            (m.full_name, m.a_number) for m in self.family_members
        ]

    def petitions_of(self, form: str, status: str | None = None) -> list[Petition]:
        """The petitions of one form, optionally only those with a given status."""
        return [
            p for p in self.petitions if p.form == form and (status is None or p.status == status)
        ]


_signed_up_front(
    _Model._not_a_placeholder, _Model._storable, _Model._one_voice, _nonblank, _past, _no_items
)
