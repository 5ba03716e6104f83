"""ResolvedDocument -> RDF: the named graph of one source document (vocabulary: DESIGN.md §3).

The graph holds only what the document says, types and labels of the entities it mentions
included, so deleting it retracts the document. Every statement, membership, head-of,
responsibility and vote gets a Web Annotation pointing at its exact text span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg import vocab
from kg.errors import RdfError
from kg.ids import document_key, meeting_key, slug
from kg.models import Claim, Entity, ResolvedDocument, Span, Statement, Vote
from kg.settings import Settings

Triple = tuple[Node, Node, Node]


class _Terms:
    """A namespace whose terms are built once: rdflib's namespaces build a new `URIRef` on
    every attribute access (2 µs, about a tenth of writing a document's triples)."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:  # only for a term not looked up before
        if name.startswith("_"):  # not a term: what tools probe objects for (`__wrapped__`)
            raise AttributeError(name)
        term: URIRef = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._namespace[name]
        return term


DCTERMS, FOAF, OA, OPENGOV, ORG, OWL, RDF, RDFS, RG, SCHEMA, XSD = (
    _Terms(namespace)
    for namespace in (
        vocab.DCTERMS, vocab.FOAF, vocab.OA, vocab.OPENGOV, vocab.ORG, vocab.OWL, vocab.RDF,
        vocab.RDFS, vocab.RG, vocab.SCHEMA, vocab.XSD,
    )
)  # fmt: skip

_ENTITY_TYPES: dict[str, tuple[URIRef, ...]] = {
    "person": (FOAF.Person,),
    "faction": (RG.Faction, ORG.Organization),
    "party": (RG.Party, ORG.Organization),
    "department": (ORG.OrganizationalUnit,),
    "initiative": (RG.Initiative,),
    "place": (SCHEMA.Place,),
    "paper": (RG.Paper, FOAF.Document),
    "body": (ORG.Organization,),
}
_BODY_TYPES = (
    ("bezirksvertretung", RG.DistrictCouncil), ("stadtbezirksrat", RG.DistrictCouncil),
    ("ortsrat", RG.DistrictCouncil), ("beirat", RG.AdvisoryBoard),
    ("ausschuss", RG.Committee), ("rat", RG.Council), ("kreistag", RG.Council),
)  # fmt: skip
_VOTE_OPTIONS = {"yes": OPENGOV.YesCount, "no": OPENGOV.NoCount, "abstain": OPENGOV.AbstainCount}


def document_iri(settings: Settings, municipality: str, source_key: str) -> URIRef:
    """IRI of a document, which is also the IRI of its named graph."""
    return URIRef(settings.base_iri + document_key(municipality, source_key))


def build_graph(resolved: ResolvedDocument, settings: Settings) -> Graph:
    """The named-graph content of one document as an rdflib `Graph`.

    >>> from kg.models import EXAMPLE_RESOLVED
    >>> from kg.settings import EXAMPLE_SETTINGS
    >>> len(build_graph(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS)) > 20
    True
    """
    graph = Graph(identifier=document_iri_of(resolved, settings))
    for triple in DocumentTriples(resolved, settings).triples():
        graph.add(triple)
    return graph


def document_iri_of(resolved: ResolvedDocument, settings: Settings) -> URIRef:
    """IRI of the document a resolved extraction came from."""
    doc = resolved.extraction.protocol.document
    return document_iri(settings, doc.municipality, doc.key)


def resolution_triples(resolved: ResolvedDocument, settings: Settings) -> Iterator[Triple]:
    """Records of ambiguous mentions for the `rg:resolution` graph (subjects under the doc IRI)."""
    doc_iri = document_iri_of(resolved, settings)
    text = resolved.extraction.protocol.document.text
    for number, ambiguity in enumerate(resolved.ambiguities, start=1):
        node = URIRef(f"{doc_iri}/ambiguity/{number}")
        mention = resolved.extraction.mentions[ambiguity.mention]
        yield node, RDF.type, RG.Ambiguity
        yield node, RG.mentionText, Literal(mention.span.quote(text), lang="de")
        yield node, RG.mentionedIn, doc_iri
        yield node, OWL.sameAs, URIRef(settings.base_iri + resolved.entity_of[ambiguity.mention])
        for candidate in ambiguity.candidates:
            yield node, RG.ambiguousWith, URIRef(settings.base_iri + candidate)
    for left, right in resolved.same_as:
        yield URIRef(settings.base_iri + left), OWL.sameAs, URIRef(settings.base_iri + right)


# N-Triples without rdflib's `n3()` and `Graph`: the hot path of bulk ingest (5x faster).
_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def nt_term(term: Node) -> str:
    r"""One RDF term in N-Triples syntax, as rdflib's `n3()` writes it without prefixes.

    >>> nt_term(Literal('Sie sagte: "Nein"\n', lang="de"))
    '"Sie sagte: \\"Nein\\"\\n"@de'
    >>> nt_term(Literal(3, datatype=XSD.integer))
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'

    Raises:
        RdfError: for an IRI that N-Triples cannot carry (spaces, quotes, angle brackets).
    """
    if isinstance(term, URIRef):
        if _NOT_IN_IRI.search(term):
            raise RdfError(f"not a valid IRI: {str(term)[:200]!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        lexical = str(term).translate(_NT_ESCAPES)
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype:
            return f'"{lexical}"^^{nt_term(term.datatype)}'
        return f'"{lexical}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    raise RdfError(f"cannot write {type(term).__name__} as N-Triples")


def ntriples_lines(triples: Iterable[Triple]) -> list[str]:
    """Each distinct triple once as an N-Triples line (`"<s> <p> <o> .\\n"`), in input order.

    Raises:
        RdfError: for a term N-Triples cannot carry.
    """
    lines = (f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples)
    return list(dict.fromkeys(lines))


def document_ntriples(resolved: ResolvedDocument, settings: Settings) -> list[str]:
    """The triples of `build_graph` as N-Triples lines, without building an rdflib `Graph`.

    >>> from kg.models import EXAMPLE_RESOLVED
    >>> from kg.settings import EXAMPLE_SETTINGS
    >>> len(document_ntriples(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS)) == len(
    ...     build_graph(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS))
    True

    Raises:
        RdfError: for a term N-Triples cannot carry.
    """
    return ntriples_lines(DocumentTriples(resolved, settings).triples())


def person_name_triples(
    node: URIRef,
    label: str,
    surname: str | None,
    given: str | None,
    address: str | None,
    title: str | None,
) -> Iterator[Triple]:
    """Name, family/given name, form of address and title of a person, as the text gives them."""
    yield node, FOAF.name, Literal(label)
    if surname:
        yield node, FOAF.familyName, Literal(surname)
    if given:
        yield node, FOAF.givenName, Literal(given)
    if address:
        yield node, RG.formOfAddress, Literal(address)
    if title:
        yield node, SCHEMA.honorificPrefix, Literal(title)


class DocumentTriples:
    """Generates the triples of one document; one method per part of the vocabulary."""

    def __init__(self, resolved: ResolvedDocument, settings: Settings) -> None:
        self.resolved = resolved
        self.extraction = resolved.extraction
        self.protocol = resolved.extraction.protocol
        self.document = self.protocol.document
        self.base = settings.base_iri
        self.doc = document_iri_of(resolved, settings)
        self.municipality = URIRef(self.base + slug(self.document.municipality))
        meeting = self.protocol.meeting
        self.meeting = URIRef(
            self.base
            + meeting_key(self.document.municipality, meeting.date, meeting.body, self.document.key)
        )
        self._annotations = 0

    def entity(self, mention: int) -> URIRef:
        """IRI of the entity a mention resolved to."""
        return URIRef(self.base + self.resolved.entity_of[mention])

    def item(self, number: int) -> URIRef:
        """IRI of the agenda item with index `number`."""
        item = self.protocol.items[number]
        part = slug(item.number) if item.number else f"part-{number + 1}"
        return URIRef(f"{self.meeting}/top-{part}")

    def triples(self) -> Iterator[Triple]:
        """All triples of the document graph."""
        yield from self.document_triples()
        yield from self.meeting_triples()
        for entity in self.resolved.entities:
            yield from self.entity_triples(entity)
        for number, statement in enumerate(self.extraction.statements):
            yield from self.statement_triples(number, statement)
        for number, claim in enumerate(self.extraction.claims):
            yield from self.claim_triples(number, claim)
        for number, vote in enumerate(self.extraction.votes):
            yield from self.vote_triples(number, vote)
        yield from self.private_triples()

    def private_triples(self) -> Iterator[Triple]:
        """Private citizens: exports and views show them under a pseudonym (kg.privacy)."""
        for node in dict.fromkeys(self.entity(m) for m in self.extraction.private):
            yield node, RG.role, RG.Citizen
            yield node, RG.pseudonymised, Literal(True)

    def document_triples(self) -> Iterator[Triple]:
        doc, document = self.doc, self.document
        yield doc, RDF.type, RG.Protocol
        yield doc, RG.sha256, Literal(document.sha256)
        yield doc, DCTERMS.source, Literal(document.url or document.key)
        yield doc, DCTERMS.format, Literal(document.media_type)
        yield doc, RDFS.label, Literal(document.path.rsplit("/", 1)[-1])
        yield doc, SCHEMA.text, Literal(document.text)
        yield doc, RG.municipality, self.municipality
        yield doc, SCHEMA.about, self.meeting
        yield self.municipality, RDF.type, ORG.FormalOrganization
        yield self.municipality, RDFS.label, Literal(document.municipality)

    def meeting_triples(self) -> Iterator[Triple]:
        meeting, info = self.meeting, self.protocol.meeting
        yield meeting, RDF.type, RG.Meeting
        yield meeting, RG.municipality, self.municipality
        if info.date:
            yield meeting, SCHEMA.startDate, Literal(info.date, datatype=XSD.date)
        if info.start_time:
            yield meeting, RG.startTime, Literal(info.start_time + ":00", datatype=XSD.time)
        if info.end_time:
            yield meeting, RG.endTime, Literal(info.end_time + ":00", datatype=XSD.time)
        if info.place:
            yield meeting, SCHEMA.location, Literal(info.place, lang="de")
        label = " ".join(p for p in (info.body, info.date) if p) or self.document.key
        yield meeting, RDFS.label, Literal(label, lang="de")
        if info.body:
            yield from self.body_triples(info.body)
        for number, item in enumerate(self.protocol.items):
            node = self.item(number)
            yield node, RDF.type, RG.AgendaItem
            yield node, SCHEMA.superEvent, meeting
            yield node, RG.public, Literal(item.public)
            if item.number:
                yield node, RG.agendaNumber, Literal(item.number)
            if item.title:
                yield node, SCHEMA.name, Literal(item.title, lang="de")
        for mention, status in self.extraction.attendees:
            prop = SCHEMA.attendee if status == "present" else RG.absentee
            yield meeting, prop, self.entity(mention)

    def body_triples(self, body: str) -> Iterator[Triple]:
        node = URIRef(self.base + f"{slug(self.document.municipality)}/body/{slug(body)}")
        yield self.meeting, SCHEMA.organizer, node
        yield node, RDF.type, ORG.Organization
        yield node, RDFS.label, Literal(body, lang="de")
        yield node, RG.municipality, self.municipality
        yield node, ORG.subOrganizationOf, self.municipality
        lowered = body.lower()
        for word, concept in _BODY_TYPES:
            if word in lowered:
                yield node, ORG.classification, concept
                break

    def entity_triples(self, entity: Entity) -> Iterator[Triple]:
        node = URIRef(self.base + entity.key)
        for rdf_type in _ENTITY_TYPES[entity.kind]:
            yield node, RDF.type, rdf_type
        yield node, RDFS.label, Literal(entity.label, lang="de")
        yield node, RG.municipality, self.municipality
        if entity.kind == "person":
            yield from self.person_triples(node, entity)
        elif entity.kind == "faction" and entity.abbreviation:
            yield node, RG.partyAbbreviation, Literal(entity.abbreviation)
        elif entity.kind == "paper":
            yield node, DCTERMS.identifier, Literal(entity.label)
        elif entity.kind == "place" and entity.label != self.document.municipality.split()[-1]:
            yield node, RDF.type, RG.District

    def person_triples(self, node: URIRef, entity: Entity) -> Iterator[Triple]:
        yield from person_name_triples(
            node, entity.label, entity.surname, entity.given, entity.address, entity.title
        )

    def statement_triples(self, number: int, statement: Statement) -> Iterator[Triple]:
        node = self.statement(number)
        yield node, RDF.type, RG.Statement
        yield node, SCHEMA.creator, self.entity(statement.speaker)
        yield node, DCTERMS.isPartOf, self.item(statement.item)
        yield node, SCHEMA.position, Literal(statement.position, datatype=XSD.integer)
        yield node, SCHEMA.text, Literal(statement.span.quote(self.document.text), lang="de")
        for act in statement.acts:
            yield node, RG.act, RG[act]
        if statement.reply_to is not None:
            yield node, RG.inReplyTo, self.statement(statement.reply_to)
        for mention in statement.about:
            yield node, RG.about, self.entity(mention)
        if statement.on_behalf_of is not None:
            yield node, RG.onBehalfOf, self.entity(statement.on_behalf_of)
        if statement.addressee is not None:
            yield node, RG.addressee, self.entity(statement.addressee)
        yield from self.annotation(node, statement.span)

    def statement(self, number: int) -> URIRef:
        """IRI of the statement with index `number` in this document."""
        return URIRef(f"{self.doc}/statement/{number + 1}")

    def claim_triples(self, number: int, claim: Claim) -> Iterator[Triple]:
        subject, obj = self.entity(claim.subject), self.entity(claim.object)
        if claim.kind == "responsible_unit":
            node = URIRef(f"{self.doc}/claim/{number + 1}")
            yield subject, RG.responsibleUnit, obj
            yield node, RDF.type, RDF.Statement
            yield node, RDF.subject, subject
            yield node, RDF.predicate, RG.responsibleUnit
            yield node, RDF.object, obj
        else:
            node = URIRef(f"{self.doc}/membership/{number + 1}")
            yield node, RDF.type, ORG.Membership
            yield node, ORG.member, subject
            yield node, ORG.organization, obj
            if claim.kind == "head_of":
                yield subject, ORG.headOf, obj
                yield node, ORG.role, RG.Head
            else:
                yield subject, ORG.memberOf, obj
                yield node, ORG.role, RG.Member
        yield from self.annotation(node, claim.span)

    def vote_triples(self, number: int, vote: Vote) -> Iterator[Triple]:
        node = URIRef(f"{self.doc}/vote/{number + 1}")
        yield node, RDF.type, RG.VoteEvent
        yield node, OPENGOV.motion, self.item(vote.item)
        yield node, OPENGOV.result, RG[vote.result]
        if vote.unanimous is not None:
            yield node, RG.unanimous, Literal(vote.unanimous)
        if self.protocol.meeting.date:
            yield node, SCHEMA.startDate, Literal(self.protocol.meeting.date, datatype=XSD.date)
        yield node, RG.decisionText, Literal(vote.span.quote(self.document.text), lang="de")
        for option in ("yes", "no", "abstain"):
            value = getattr(vote, option)
            if value is not None:
                yield from self.count(node, option, value, None)
        for group in vote.groups:
            if group.count is not None:
                faction = self.entity(group.faction) if group.faction is not None else None
                yield from self.count(node, group.option, group.count, faction)
        yield from self.annotation(node, vote.span)

    def count(
        self, vote: URIRef, option: str, value: int, faction: URIRef | None
    ) -> Iterator[Triple]:
        suffix = f"{option}-{slug(str(faction).rsplit('/', 1)[-1])}" if faction else option
        node = URIRef(f"{vote}/count/{suffix}")
        yield vote, OPENGOV.count, node
        yield node, RDF.type, _VOTE_OPTIONS[option]
        yield node, RDF.value, Literal(value, datatype=XSD.integer)
        if faction is not None:
            yield node, OPENGOV.group, faction

    def annotation(self, body: URIRef, span: Span) -> Iterator[Triple]:
        """Web Annotation: `body` is stated by the text at `span` of this document."""
        self._annotations += 1
        node = URIRef(f"{self.doc}/annotation/{self._annotations}")
        target = URIRef(f"{node}/target")
        position, quote = URIRef(f"{node}/position"), URIRef(f"{node}/quote")
        yield node, RDF.type, OA.Annotation
        yield node, OA.hasBody, body
        yield node, OA.hasTarget, target
        yield target, OA.hasSource, self.doc
        yield target, OA.hasSelector, position
        yield target, OA.hasSelector, quote
        yield position, RDF.type, OA.TextPositionSelector
        yield position, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)
        yield position, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)
        yield quote, RDF.type, OA.TextQuoteSelector
        yield quote, OA.exact, Literal(span.quote(self.document.text))
