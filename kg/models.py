"""The data passed between stages: frozen, slotted dataclasses, one `EXAMPLE_*` each.

Flow: `SourceDocument` (sources) -> `Protocol` (parse) -> `Extraction` (extract) ->
`ResolvedDocument` (resolve) -> RDF (rdf). Character offsets always refer to
`SourceDocument.text`, the normalised text that is also stored in the graph, so that
`text[span.start:span.end]` is the exact quote of every claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal, TypeVar

EntityKind = Literal[
    "person", "faction", "party", "department", "initiative", "place", "paper", "body"
]
ClaimKind = Literal["member_of", "head_of", "responsible_unit"]
VoteResult = Literal["Accepted", "Rejected", "Deferred", "TakenNote"]
AttendanceStatus = Literal["present", "absent"]


T = TypeVar("T", bound=type)


def pickle_by_fields(cls: T) -> T:
    """Class decorator: pickle a frozen slotted dataclass as its class and field values.

    Python 3.11 gives such classes `__getstate__`/`__setstate__` that call
    `dataclasses.fields()` on every object: most of the cost of sending an extraction to a
    worker process and back, which bulk ingest does for every document (0.84 -> 0.38 ms per
    synthetic page). Unpickling calls the class, so every field must be an `__init__`
    argument (none may be `init=False`).
    """
    names = [f.name for f in fields(cls)]
    get = attrgetter(*names)
    values = get if len(names) > 1 else (lambda obj: (get(obj),))

    def reduce(self: Any) -> tuple[Any, ...]:
        return cls, values(self)

    setattr(cls, "__reduce__", reduce)  # noqa: B010 - a method set after the class
    return cls


@pickle_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range `[start, end)` in the normalised document text."""

    start: int
    end: int

    def quote(self, text: str) -> str:
        """The exact text of this span.

        >>> Span(0, 4).quote("Frau Keller")
        'Frau'
        """
        return text[self.start : self.end]


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One input document after reading and normalisation; parse reads only `text`.

    `key` is the stable identity of the document (its URL, else its file name): the same key
    means the same named graph, so a changed file replaces its earlier version.
    """

    key: str
    path: str
    sha256: str
    text: str
    municipality: str
    media_type: str = "text/plain"
    body: str | None = None
    url: str | None = None
    date: str | None = None


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class PersonRef:
    """How the text names a person at one place ("Herr Dr. Meier (SPD)", "RM Grote")."""

    surname: str
    span: Span
    given: str | None = None
    address: str | None = None
    title: str | None = None
    role: str | None = None
    faction: str | None = None


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class AttendanceEntry:
    """A person on the attendance list, present or excused/absent, with its list section."""

    person: PersonRef
    status: AttendanceStatus
    section: str | None = None


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Turn:
    """A speaker turn: the text from one speaker taking the floor to the next one."""

    speaker: PersonRef
    span: Span


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One TOP with its own text range, speaker turns and decision block."""

    number: str | None
    title: str | None
    span: Span
    turns: tuple[Turn, ...] = ()
    public: bool = True


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class MeetingInfo:
    """Meeting metadata read from the text (or the document's sidecar metadata)."""

    body: str | None = None
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    place: str | None = None


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Protocol:
    """A parsed protocol: meeting, attendance and agenda items with speaker turns."""

    document: SourceDocument
    meeting: MeetingInfo
    items: tuple[AgendaItem, ...]
    attendance: tuple[AttendanceEntry, ...] = ()


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Mention:
    """A reference to an entity at one span; resolve maps it to a canonical entity.

    `key` is the document-independent normal form used for resolution (for persons the folded
    surname); `label` the best human-readable name the text gives for it.
    """

    kind: EntityKind
    span: Span
    key: str
    label: str
    person: PersonRef | None = None


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Claim:
    """A relation the text states between two mentions (indexes into `Extraction.mentions`)."""

    kind: ClaimKind
    subject: int
    object: int
    span: Span


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Statement:
    """A Wortbeitrag: speaker mention, agenda item, speech acts, reply and topics.

    `reply_to` is the index of an earlier statement in `Extraction.statements`.
    """

    item: int
    position: int
    speaker: int
    span: Span
    acts: tuple[str, ...]
    about: tuple[int, ...] = ()
    reply_to: int | None = None
    on_behalf_of: int | None = None
    addressee: int | None = None


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class GroupCount:
    """Votes of one faction in a vote ("3 Gegenstimmen (AfD)")."""

    faction: int | None
    option: Literal["yes", "no", "abstain"]
    count: int | None


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Vote:
    """A decision on an agenda item with its result and counts where the text gives them."""

    item: int
    span: Span
    result: VoteResult
    unanimous: bool | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    groups: tuple[GroupCount, ...] = ()


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one protocol; all references are indexes into `mentions`.

    `private` lists the person mentions that name a private citizen (a speaker in the
    Einwohnerfragestunde, "eine Bürgerin, Frau X"); rdf marks their entities `rg:Citizen` and
    `rg:pseudonymised`, and exports and views replace their names unless told otherwise.
    """

    protocol: Protocol
    mentions: tuple[Mention, ...]
    statements: tuple[Statement, ...] = ()
    claims: tuple[Claim, ...] = ()
    votes: tuple[Vote, ...] = ()
    attendees: tuple[tuple[int, AttendanceStatus], ...] = ()
    private: tuple[int, ...] = ()


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity of a municipality; `key` is the IRI path below the base IRI."""

    kind: EntityKind
    key: str
    label: str
    surname: str | None = None
    given: str | None = None
    address: str | None = None
    title: str | None = None
    abbreviation: str | None = None


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A mention that fits several entities; it is recorded, never merged by guessing."""

    mention: int
    candidates: tuple[str, ...]


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class ResolvedDocument:
    """An extraction whose mentions are mapped to canonical entity keys."""

    extraction: Extraction
    entity_of: tuple[str, ...]
    entities: tuple[Entity, ...]
    ambiguities: tuple[Ambiguity, ...] = ()
    same_as: tuple[tuple[str, str], ...] = field(default=())


EXAMPLE_TEXT = (
    "15.02.2022 - 3.2 Vorstellung des Fachbereiches\n\n"
    "Herr Meier erklärt, dass seine SPD-Fraktion dies begrüße. Er fragt, ob die Stellen neu "
    "seien.\n\nFrau Keller antwortet, dass die Stellen neu seien.\n"
)
EXAMPLE_DOCUMENT = SourceDocument(
    key="example.txt",
    path="example.txt",
    sha256="0" * 64,
    text=EXAMPLE_TEXT,
    municipality="Hagen",
)
EXAMPLE_PERSON_REF = PersonRef(surname="Meier", span=Span(48, 58), address="Herr")
EXAMPLE_ATTENDANCE = AttendanceEntry(person=EXAMPLE_PERSON_REF, status="present")
EXAMPLE_TURN = Turn(speaker=EXAMPLE_PERSON_REF, span=Span(48, 149))
EXAMPLE_ITEM = AgendaItem(
    number="3.2", title="Vorstellung des Fachbereiches", span=Span(0, 200), turns=(EXAMPLE_TURN,)
)
EXAMPLE_MEETING = MeetingInfo(date="2022-02-15")
EXAMPLE_PROTOCOL = Protocol(
    document=EXAMPLE_DOCUMENT, meeting=EXAMPLE_MEETING, items=(EXAMPLE_ITEM,)
)
EXAMPLE_MENTION = Mention(
    kind="person", span=Span(48, 58), key="meier", label="Meier", person=EXAMPLE_PERSON_REF
)
EXAMPLE_CLAIM = Claim(kind="member_of", subject=0, object=1, span=Span(48, 103))
EXAMPLE_STATEMENT = Statement(
    item=0, position=1, speaker=0, span=Span(48, 149), acts=("Support", "Question")
)
EXAMPLE_VOTE = Vote(item=0, span=Span(0, 10), result="Accepted", unanimous=True)
EXAMPLE_EXTRACTION = Extraction(
    protocol=EXAMPLE_PROTOCOL,
    mentions=(EXAMPLE_MENTION,),
    statements=(EXAMPLE_STATEMENT,),
)
EXAMPLE_ENTITY = Entity(
    kind="person", key="hagen/person/meier", label="Meier", surname="Meier", address="Herr"
)
EXAMPLE_RESOLVED = ResolvedDocument(
    extraction=EXAMPLE_EXTRACTION, entity_of=("hagen/person/meier",), entities=(EXAMPLE_ENTITY,)
)
