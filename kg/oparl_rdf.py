"""OParl `BodyData` -> the triples of one named graph per body (vocabulary: DESIGN.md §3).

Persons, factions, parties, units, bodies, meetings, agenda items and papers get the IRIs
protocols give them (`kg.oparl_rdf_keys`), so OParl data and protocols meet in one node; every
mapped object keeps its OParl id as `dcterms:source` and `owl:sameAs`. Memberships, results
and files are nodes below the graph IRI, so replacing the graph retracts them. The mapping is
pure: the same data, settings and `as_of` date give the same triples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import URIRef

from kg.ids import entity_key, fold, short_hash, slug
from kg.oparl_models import (
    BodyData,
    OParlAgendaItem,
    OParlFile,
    OParlMeeting,
    OParlMembership,
    OParlOrganization,
    OParlPaper,
    OParlPerson,
    WarningLog,
)
from kg.oparl_rdf_keys import (
    OParlKeys,
    Triple,
    boolean,
    de,
    first_match,
    nt_line,
    oparl_iri,
    plain,
    typed,
)
from kg.rdf import document_iri
from kg.resolve_registry import Observation
from kg.settings import Settings
from kg.vocab import DCTERMS, FOAF, OPENGOV, ORG, RDF, RDFS, RG, SCHEMA, SKOS, XSD

PROTOCOL_ROLES = ("verbatimProtocol", "resultsProtocol")
_HEAD_ROLES = (RG.Chair, RG.Head)


@dataclass(frozen=True, slots=True)
class ProtocolFile:
    """A protocol file of a meeting, to be read by the normal ingest with this metadata.

    `source_key` (access URL, else download URL, else file id) becomes the document key, so
    the protocol's named graph is `kg.rdf.document_iri(settings, municipality, source_key)`.
    """

    file: OParlFile
    meeting: str
    municipality: str
    body: str | None
    date: str | None
    source_key: str


@dataclass(frozen=True, slots=True)
class BodyGraph:
    """The named graph of one body, how it names people and its protocol files.

    `observations` are what the body contributes to the municipality's resolution registry
    (`kg.resolve_registry.Registry.build`): one per person and one per faction membership.
    """

    graph: URIRef
    triples: tuple[Triple, ...]  # distinct, in a deterministic order; `ntriples()` is sorted
    observations: tuple[Observation, ...]
    protocols: tuple[ProtocolFile, ...]

    def ntriples(self) -> str:
        """The graph as sorted N-Triples lines.

        Raises:
            RdfError: for a term N-Triples cannot carry.
        """
        text = "".join(sorted({nt_line(triple) for triple in self.triples}))
        return text.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates

    def sha256(self) -> str:
        """Digest of `ntriples()`: equal digests, equal graphs.

        Raises:
            RdfError: for a term N-Triples cannot carry.
        """
        return hashlib.sha256(self.ntriples().encode("utf-8")).hexdigest()


def body_graph(
    data: BodyData, settings: Settings, as_of: dt.date, warnings: WarningLog
) -> BodyGraph:
    """Map a body's data to its named graph.

    >>> from kg.oparl_models import EXAMPLE_BODY_DATA
    >>> from kg.settings import EXAMPLE_SETTINGS
    >>> graph = body_graph(EXAMPLE_BODY_DATA, EXAMPLE_SETTINGS, dt.date(2024, 1, 1), WarningLog())
    >>> sorted(str(s) for s, p, o in graph.triples if o == FOAF.Person)
    ['https://w3id.org/ratsgraph/id/koeln/person/mustermann']
    """
    mapper = _BodyMapper(data, settings, as_of, warnings)
    triples = tuple(dict.fromkeys(mapper.triples()))  # generation order is deterministic
    return BodyGraph(mapper.graph, triples, mapper.observations, mapper.protocol_files())


class _BodyMapper(OParlKeys):
    def __init__(
        self, data: BodyData, settings: Settings, as_of: dt.date, warnings: WarningLog
    ) -> None:
        super().__init__(data, settings, as_of, warnings)
        self._protocols: tuple[ProtocolFile, ...] | None = None

    def triples(self) -> Iterator[Triple]:
        yield from self.body_triples()
        for org in self.data.organizations:
            yield from self.organization_triples(org)
        yield from self.person_triples()
        for membership in self.data.memberships:
            yield from self.membership_triples(membership)
        yield from self.meeting_triples()
        for item in self.data.agenda_items:
            yield from self.item_triples(item)
        for paper in self.data.papers:
            yield from self.paper_triples(paper)
        for file in self.data.files:
            yield from self.file_triples(file)
        yield from self.protocol_links()
        for ident, org in sorted(self.placeholders.items()):
            node = self.placeholder(ident)
            yield node, RDF.type, ORG.Organization
            yield node, RDFS.label, de(org.name)
            yield node, RG.municipality, self.municipality
            yield from self.provenance(node, ident)

    def body_triples(self) -> Iterator[Triple]:
        node, body = self.municipality, self.data.body
        yield node, RDF.type, ORG.FormalOrganization
        yield node, RDFS.label, plain(self.muni)
        for name in sorted({n for n in (body.name, body.short_name) if n and n != self.muni}):
            yield node, SCHEMA.alternateName, de(name)
        if body.website and (site := oparl_iri(body.website)) is not None:
            yield node, SCHEMA.url, site
        yield from self.provenance(node, body.id)

    def organization_triples(self, org: OParlOrganization) -> Iterator[Triple]:
        node, kind = self.org_iri[org.id], self.kind(org)
        yield node, RDFS.label, de(org.name)
        yield node, RG.municipality, self.municipality
        yield from self.provenance(node, org.id)
        if kind in ("faction", "party"):
            yield node, RDF.type, RG.Faction if kind == "faction" else RG.Party
            yield node, RDF.type, ORG.Organization
            if abbreviation := self.abbreviation(org):
                yield node, RG.partyAbbreviation, plain(abbreviation)
            if kind == "faction":
                yield node, ORG.subOrganizationOf, self.council
            return
        parent = self.org_iri.get(org.sub_organization_of or "")
        if kind == "unit":
            yield node, RDF.type, ORG.OrganizationalUnit
            yield node, ORG.unitOf, parent or self.municipality
            return
        yield node, RDF.type, ORG.Organization
        yield node, ORG.subOrganizationOf, parent or self.municipality
        if org.short_name and org.short_name != org.name:
            yield node, SCHEMA.alternateName, de(org.short_name)
        yield from self.classification(node, org)

    def classification(self, node: URIRef, org: OParlOrganization) -> Iterator[Triple]:
        concept = self.body_type(org)
        label = org.classification or org.organization_type
        if concept is None and label:
            concept = self.node(f"concept/body-type/{slug(label)}")
            yield concept, RDF.type, SKOS.Concept
            yield concept, SKOS.prefLabel, de(label)
        if concept is not None:
            yield node, ORG.classification, concept

    def person_triples(self) -> Iterator[Triple]:
        first: dict[URIRef, OParlPerson] = {}
        for person in self.data.persons:
            if person.id in self.person_iri:
                node = self.person_iri[person.id]
                first.setdefault(node, person)
                yield from self.provenance(node, person.id)
        for node, person in first.items():
            label = " ".join(p for p in (person.given_name, person.family_name) if p)
            yield node, RDF.type, FOAF.Person
            yield node, RDFS.label, de(label)
            yield node, FOAF.name, plain(label)
            yield node, FOAF.familyName, plain(person.family_name or "")
            yield node, RG.municipality, self.municipality
            if person.given_name:
                yield node, FOAF.givenName, plain(person.given_name)
            if address := self.address(person):
                yield node, RG.formOfAddress, plain(address)
            if person.titles:
                yield node, SCHEMA.honorificPrefix, plain(" ".join(person.titles))

    def membership_triples(self, m: OParlMembership) -> Iterator[Triple]:
        person = self.person(m.person, m.id) if m.person else None
        if person is None or m.organization is None:
            if m.person is None or m.organization is None:
                self.warnings.warn(
                    "bad-value", f"{m.id}: membership without person or organization"
                )
            return
        org, node = self.organization(m.organization, m.id), self.local("membership", m.id)
        role = first_match(self.patterns.roles, m.role) or (RG.Member if not m.role else None)
        yield node, RDF.type, ORG.Membership
        yield node, ORG.member, person
        yield node, ORG.organization, org
        yield from self.provenance(node, m.id)
        if role is None and m.role:
            role = self.node(f"concept/role/{slug(m.role)}")
            yield role, RDF.type, SKOS.Concept
            yield role, RDF.type, ORG.Role
            yield role, SKOS.prefLabel, de(m.role)
        if role is not None:
            yield node, ORG.role, role
        if m.role:
            yield node, RDFS.label, de(m.role)
        if m.voting_right is not None:
            yield node, RG.votingRight, boolean(m.voting_right)
        for prop, value in ((SCHEMA.startDate, m.start_date), (SCHEMA.endDate, m.end_date)):
            if value:
                yield node, prop, typed(value, XSD.date)
        if m.on_behalf_of:
            yield node, RG.membershipOnBehalfOf, self.organization(m.on_behalf_of, m.id)
        if self.current(m):
            yield person, ORG.memberOf, org
            if role in _HEAD_ROLES:
                yield person, ORG.headOf, org

    def current(self, m: OParlMembership) -> bool:
        """Undated, or running on the `as_of` date."""
        today = self.as_of.isoformat()
        return (m.start_date or today) <= today <= (m.end_date or today)

    def meeting_triples(self) -> Iterator[Triple]:
        done: set[URIRef] = set()
        for meeting in self.data.meetings:
            node = self.meeting_iri[meeting.id]
            yield node, RDF.type, RG.Meeting
            yield node, RG.municipality, self.municipality
            yield from self.provenance(node, meeting.id)
            for org in meeting.organizations:
                yield node, SCHEMA.organizer, self.organization(org, meeting.id)
            for ident in meeting.participants:
                if (person := self.person(ident, meeting.id)) is not None:
                    yield node, SCHEMA.attendee, person
            for _, ident in meeting.files:
                if ident in self.file_of:
                    yield node, DCTERMS.hasPart, self.local("file", ident)
            if node not in done:  # single-valued facts come from one of merged meetings
                done.add(node)
                yield from self.meeting_facts(node, meeting)

    def meeting_facts(self, node: URIRef, meeting: OParlMeeting) -> Iterator[Triple]:
        date = self.meeting_date[meeting.id]
        if date:
            yield node, SCHEMA.startDate, typed(date, XSD.date)
        for prop, value in ((RG.startTime, meeting.start), (RG.endTime, meeting.end)):
            if value and "T" in value:
                clock = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).time()
                yield node, prop, typed(clock.isoformat("seconds"), XSD.time)
        label = meeting.name or " ".join(p for p in (self._organizer_name(meeting), date) if p)
        yield node, RDFS.label, de(label or meeting.id)
        if meeting.location:
            yield node, SCHEMA.location, de(meeting.location)

    def _organizer_name(self, meeting: OParlMeeting) -> str | None:
        return next((self.org_of[o].name for o in meeting.organizations if o in self.org_of), None)

    def item_triples(self, item: OParlAgendaItem) -> Iterator[Triple]:
        node = self.item_iri.get(item.id)
        if node is None:
            self.missing(item.meeting or "(none)", "meeting", item.id, "agenda item skipped")
            return
        yield node, RDF.type, RG.AgendaItem
        yield node, SCHEMA.superEvent, self.meeting_iri[item.meeting or ""]
        yield from self.provenance(node, item.id)
        if item.number:
            yield node, RG.agendaNumber, plain(item.number)
        if item.name:
            yield node, SCHEMA.name, de(item.name)
        if item.public is not None:
            yield node, RG.public, boolean(item.public)
        for ident in item.files:
            if ident in self.file_of:
                yield node, DCTERMS.hasPart, self.local("file", ident)
        yield from self.result_triples(node, item)

    def result_triples(self, item_node: URIRef, item: OParlAgendaItem) -> Iterator[Triple]:
        if not (item.result or item.resolution_text):
            return
        node = URIRef(f"{item_node}/result")
        yield node, RDF.type, RG.VoteEvent
        yield node, OPENGOV.motion, item_node
        if item.result:
            yield node, RDFS.label, de(item.result)
        if concept := self.result_concept(item):
            yield node, OPENGOV.result, concept
        if item.resolution_text:
            yield node, RG.decisionText, de(item.resolution_text)
        if date := self.meeting_date.get(item.meeting or ""):
            yield node, SCHEMA.startDate, typed(date, XSD.date)

    def result_concept(self, item: OParlAgendaItem) -> URIRef | None:
        """rg:Accepted, rg:Rejected, ... from the result, else the resolution text."""
        for text in (item.result, item.resolution_text):
            for concept, pattern in self.patterns.results if text else ():
                if pattern.search(text or ""):  # votes.yaml patterns are not umlaut-folded
                    return concept
        return None

    def paper_triples(self, paper: OParlPaper) -> Iterator[Triple]:
        node = self.paper_node(paper)
        yield node, RDF.type, RG.Paper
        yield node, RDF.type, FOAF.Document
        yield node, RDFS.label, de(paper.reference or paper.name or paper.id)
        yield node, RG.municipality, self.municipality
        yield from self.provenance(node, paper.id)
        if paper.reference:
            yield node, DCTERMS.identifier, plain(paper.reference)
        if paper.name:
            yield node, DCTERMS.title, de(paper.name)
        if paper.paper_type:
            yield node, DCTERMS.type, de(paper.paper_type)
        if paper.date:
            yield node, DCTERMS.date, typed(paper.date, XSD.date)
        for ident in paper.originator_persons:
            if (person := self.person(ident, paper.id)) is not None:
                yield node, DCTERMS.creator, person
        for ident in paper.originator_organizations:
            yield node, DCTERMS.creator, self.organization(ident, paper.id)
        for ident in paper.under_direction_of:
            yield node, RG.underDirectionOf, self.organization(ident, paper.id)
        for ident in paper.related_papers:
            if ident in self.paper_of:
                yield node, DCTERMS.relation, self.paper_node(self.paper_of[ident])
        for ident in paper.files:
            if ident in self.file_of:
                yield node, DCTERMS.hasPart, self.local("file", ident)
        for place in paper.locations:
            yield node, SCHEMA.location, de(place)
        yield from self.consultation_triples(node, paper)

    def paper_node(self, paper: OParlPaper) -> URIRef:
        return self.node(
            entity_key(self.muni, "paper", paper.reference or f"oparl-{short_hash(paper.id)}")
        )

    def consultation_triples(self, paper_node: URIRef, paper: OParlPaper) -> Iterator[Triple]:
        for consultation in self.data.consultations:
            if consultation.paper != paper.id:
                continue
            target = self.item_iri.get(consultation.agenda_item or "")
            if target is None and consultation.agenda_item:
                self.missing(consultation.agenda_item, "agenda item", consultation.id)
            target = target or self.meeting_iri.get(consultation.meeting or "")
            if target is not None:
                yield target, RG.about, paper_node

    def file_triples(self, file: OParlFile) -> Iterator[Triple]:
        node = self.local("file", file.id)
        yield node, RDF.type, FOAF.Document
        yield from self.provenance(node, file.id)
        if file.name:
            yield node, DCTERMS.title, de(file.name)
        if file.mime_type:
            yield node, DCTERMS.format, plain(file.mime_type)
        if file.date:
            yield node, DCTERMS.date, typed(file.date, XSD.date)
        if file.access_url and (url := oparl_iri(file.access_url)) is not None:
            yield node, SCHEMA.url, url
        if file.text:
            yield node, SCHEMA.text, de(file.text)

    def protocol_links(self) -> Iterator[Triple]:
        for protocol in self.protocol_files():
            doc = document_iri(self.settings, protocol.municipality, protocol.source_key)
            yield doc, SCHEMA.about, self.meeting_iri[protocol.meeting]

    # ------------------------------------------------------------ outside the graph

    def protocol_files(self) -> tuple[ProtocolFile, ...]:
        """Protocol files of the meetings, one per document key (computed once)."""
        if self._protocols is None:
            self._protocols = self._find_protocol_files()
        return self._protocols

    def _find_protocol_files(self) -> tuple[ProtocolFile, ...]:
        found: dict[str, ProtocolFile] = {}
        for meeting in self.data.meetings:
            for role, ident in meeting.files:
                file = self.file_of.get(ident)
                if file is None:
                    if role in PROTOCOL_ROLES:
                        self.missing(ident, "file", meeting.id)
                    continue
                if not self.is_protocol(role, file):
                    continue
                key = file.access_url or file.download_url or (file.id if file.text else None)
                if key and key not in found:
                    name, date = self._organizer_name(meeting), self.meeting_date[meeting.id]
                    found[key] = ProtocolFile(file, meeting.id, self.muni, name, date, key)
        return tuple(found[k] for k in sorted(found))

    def is_protocol(self, role: str, file: OParlFile) -> bool:
        """A results/verbatim protocol, or an auxiliary file named like one ("Niederschrift")."""
        if role in PROTOCOL_ROLES:
            return True
        name = fold(" ".join(p for p in (file.name, file.file_name) if p))
        patterns = self.patterns
        return bool(patterns.protocol_names.search(name)) and not (
            patterns.not_protocol_names.search(name)
        )
