"""OParl objects after cleaning, and the run report of an OParl import.

`kg.oparl` fetches or reads raw OParl JSON, `kg.oparl_clean` turns it into the frozen objects
below (references stay OParl ids), `kg.oparl_rdf` maps them to triples and `kg.pipeline_oparl`
writes one named graph per body. Every broken thing a server sends becomes an `OParlWarning`
in the `OParlReport`, never an exception; only an unreadable root raises `OParlError`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

MAX_EXAMPLES_PER_KIND = 20


@dataclass(frozen=True, slots=True)
class OParlBody:
    """A Körperschaft: the municipality whose council data a server publishes."""

    id: str
    name: str
    short_name: str | None = None
    website: str | None = None
    ags: str | None = None
    classification: str | None = None


@dataclass(frozen=True, slots=True)
class OParlOrganization:
    """A council, committee, faction, party or administration unit (`organizationType`)."""

    id: str
    name: str
    short_name: str | None = None
    organization_type: str | None = None
    classification: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    sub_organization_of: str | None = None


@dataclass(frozen=True, slots=True)
class OParlPerson:
    """A person with the name parts the server gives (titles as printed, e.g. "Dr.")."""

    id: str
    name: str
    family_name: str | None = None
    given_name: str | None = None
    titles: tuple[str, ...] = ()
    form_of_address: str | None = None
    gender: str | None = None


@dataclass(frozen=True, slots=True)
class OParlMembership:
    """A (possibly time-bounded) membership of a person in an organization."""

    id: str
    person: str | None
    organization: str | None
    role: str | None = None
    voting_right: bool | None = None
    start_date: str | None = None
    end_date: str | None = None
    on_behalf_of: str | None = None


@dataclass(frozen=True, slots=True)
class OParlFile:
    """A document attached to a meeting, agenda item or paper; `text` when the server has it."""

    id: str
    name: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    date: str | None = None
    access_url: str | None = None
    download_url: str | None = None
    text: str | None = None
    modified: str | None = None


@dataclass(frozen=True, slots=True)
class OParlMeeting:
    """A Sitzung; `start`/`end` are ISO date-times as sent, `files` (role, file id) pairs."""

    id: str
    name: str | None = None
    start: str | None = None
    end: str | None = None
    organizations: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    location: str | None = None
    cancelled: bool = False
    files: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class OParlAgendaItem:
    """A TOP of a meeting with its result as the server words it."""

    id: str
    meeting: str | None
    number: str | None = None
    name: str | None = None
    public: bool | None = None
    result: str | None = None
    resolution_text: str | None = None
    consultations: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OParlConsultation:
    """The treatment of a paper in a meeting/agenda item."""

    id: str
    paper: str | None = None
    agenda_item: str | None = None
    meeting: str | None = None
    organizations: tuple[str, ...] = ()
    role: str | None = None
    authoritative: bool | None = None


@dataclass(frozen=True, slots=True)
class OParlPaper:
    """A Drucksache (Antrag, Anfrage, Vorlage) with its number (`reference`) and originators."""

    id: str
    name: str | None = None
    reference: str | None = None
    date: str | None = None
    paper_type: str | None = None
    originator_persons: tuple[str, ...] = ()
    originator_organizations: tuple[str, ...] = ()
    under_direction_of: tuple[str, ...] = ()
    related_papers: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BodyData:
    """Everything known about one body after cleaning, each tuple sorted by id.

    `unavailable` maps ids the crawl could not fetch to the reason, so the mapping does not
    report them twice.
    """

    body: OParlBody
    municipality: str
    organizations: tuple[OParlOrganization, ...] = ()
    persons: tuple[OParlPerson, ...] = ()
    memberships: tuple[OParlMembership, ...] = ()
    meetings: tuple[OParlMeeting, ...] = ()
    agenda_items: tuple[OParlAgendaItem, ...] = ()
    consultations: tuple[OParlConsultation, ...] = ()
    papers: tuple[OParlPaper, ...] = ()
    files: tuple[OParlFile, ...] = ()
    unavailable: tuple[tuple[str, str], ...] = ()

    def counts(self) -> dict[str, int]:
        """Number of objects per OParl type."""
        return {
            "organization": len(self.organizations),
            "person": len(self.persons),
            "membership": len(self.memberships),
            "meeting": len(self.meetings),
            "agendaItem": len(self.agenda_items),
            "consultation": len(self.consultations),
            "paper": len(self.papers),
            "file": len(self.files),
        }


@dataclass(frozen=True, slots=True)
class OParlWarning:
    """Something broken in the data that was skipped, repaired or replaced by a placeholder.

    `kind` groups warnings for counting: missing-object, timeout, http-error, malformed-json,
    content-type, null-list, duplicate, control-characters, swapped-coordinates, bad-value,
    field-variant, no-body.
    """

    kind: str
    message: str


class WarningLog:
    """Thread-safe collector: counts every warning, keeps the first examples of each kind."""

    def __init__(self, limit: int = MAX_EXAMPLES_PER_KIND) -> None:
        self._lock = threading.Lock()
        self._limit = limit
        self.examples: list[OParlWarning] = []
        self.counts: dict[str, int] = {}

    def warn(self, kind: str, message: str) -> None:
        """Record a warning of `kind`."""
        with self._lock:
            seen = self.counts.get(kind, 0)
            self.counts[kind] = seen + 1
            if seen < self._limit:
                self.examples.append(OParlWarning(kind, message))


@dataclass(slots=True)
class BodyReport:
    """What the import did for one body; `status` is added, replaced or unchanged.

    A replaced graph is patched: `removed` and `added` count the triples that changed.
    """

    body_id: str
    municipality: str
    graph: str
    status: str = "unchanged"
    objects: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    removed: int = 0
    added: int = 0
    since: str | None = None
    complete: bool = True


@dataclass(slots=True)
class OParlReport:
    """The run report of `kg import-oparl`: bodies, warnings, requests and protocol files.

    `as_of` is the date memberships were checked against for `org:memberOf` ("current");
    `reresolved` lists stored protocols whose persons resolve differently now.
    """

    source: str
    started: str = ""
    finished: str = ""
    as_of: str = ""
    bodies: list[BodyReport] = field(default_factory=list)
    warnings: list[OParlWarning] = field(default_factory=list)
    warning_counts: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    downloaded: int = 0
    from_cache: int = 0
    protocols_added: list[str] = field(default_factory=list)
    protocols_replaced: list[str] = field(default_factory=list)
    protocols_unchanged: list[str] = field(default_factory=list)
    protocols_failed: list[tuple[str, str]] = field(default_factory=list)
    reresolved: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Objects per OParl type over all bodies."""
        total: dict[str, int] = {}
        for body in self.bodies:
            for kind, number in body.objects.items():
                total[kind] = total.get(kind, 0) + number
        return total

    @property
    def changed(self) -> bool:
        """True when any body graph or protocol was written."""
        written = self.protocols_added or self.protocols_replaced
        return bool(written) or any(b.status != "unchanged" for b in self.bodies)


EXAMPLE_BODY = OParlBody(
    id="https://oparl.example.org/body/0", name="Stadt Köln", short_name="Köln"
)
EXAMPLE_PERSON = OParlPerson(
    id="https://oparl.example.org/person/29",
    name="Dr. Max Mustermann",
    family_name="Mustermann",
    given_name="Max",
    titles=("Dr.",),
    form_of_address="Herr",
)
EXAMPLE_ORGANIZATION = OParlOrganization(
    id="https://oparl.example.org/organization/34",
    name="Ausschuss für Haushalt und Finanzen",
    organization_type="Gremium",
    classification="Ausschuss",
)
EXAMPLE_MEMBERSHIP = OParlMembership(
    id="https://oparl.example.org/membership/385",
    person=EXAMPLE_PERSON.id,
    organization=EXAMPLE_ORGANIZATION.id,
    role="Vorsitzende",
    voting_right=True,
    start_date="2013-12-03",
)
EXAMPLE_MEETING = OParlMeeting(
    id="https://oparl.example.org/meeting/281",
    name="4. Sitzung des Finanzausschusses",
    start="2013-01-04T08:00:00+01:00",
    organizations=(EXAMPLE_ORGANIZATION.id,),
)
EXAMPLE_AGENDA_ITEM = OParlAgendaItem(
    id="https://oparl.example.org/agendaitem/3271",
    meeting=EXAMPLE_MEETING.id,
    number="10.1",
    name="Satzungsänderung für Ausschreibungen",
    public=True,
    result="Geändert beschlossen",
)
EXAMPLE_PAPER = OParlPaper(
    id="https://oparl.example.org/paper/749",
    name="Antwort auf Anfrage 1200/2014",
    reference="1234/2014",
    paper_type="Beantwortung einer Anfrage",
    originator_persons=(EXAMPLE_PERSON.id,),
)
EXAMPLE_BODY_DATA = BodyData(
    body=EXAMPLE_BODY,
    municipality="Köln",
    organizations=(EXAMPLE_ORGANIZATION,),
    persons=(EXAMPLE_PERSON,),
    memberships=(EXAMPLE_MEMBERSHIP,),
    meetings=(EXAMPLE_MEETING,),
    agenda_items=(EXAMPLE_AGENDA_ITEM,),
    papers=(EXAMPLE_PAPER,),
)
EXAMPLE_REPORT = OParlReport(source="https://oparl.example.org/")
