"""ResolvedDocument -> RDF: the named graph of one source document (vocabulary: DESIGN.md §3).

The graph holds only what the document says, types and labels of the entities it mentions
included, so deleting it retracts the document. Every statement, membership, head-of,
responsibility and vote gets a Web Annotation pointing at its exact text span.

Documents are the hot path of bulk ingest, so their triples are made as N-Triples terms
(`"<iri>"`, `'"text"@de'`) from the start; `build_graph` turns them into rdflib terms.
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
NtTriple = tuple[str, str, str]  # three terms in N-Triples syntax


class _Terms:
    """A namespace whose terms are N-Triples IRIs (`"<http://…#type>"`), each made once."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace
        self._items: dict[str, str] = {}

    def __getattr__(self, name: str) -> str:  # only for a term not looked up before
        if name.startswith("_"):  # not a term: what tools probe objects for (`__wrapped__`)
            raise AttributeError(name)
        term = f"<{getattr(self._namespace, name)}>"
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> str:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = f"<{self._namespace[name]}>"
        return term


DCTERMS, FOAF, OA, OPENGOV, ORG, OWL, RDF, RDFS, RG, SCHEMA, XSD = (
    _Terms(namespace)
    for namespace in (
        vocab.DCTERMS, vocab.FOAF, vocab.OA, vocab.OPENGOV, vocab.ORG, vocab.OWL, vocab.RDF,
        vocab.RDFS, vocab.RG, vocab.SCHEMA, vocab.XSD,
    )
)  # fmt: skip

_ENTITY_TYPES: dict[str, tuple[str, ...]] = {
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
_TRUE, _FALSE = (f'"{value}"^^{XSD.boolean}' for value in ("true", "false"))


# ---------------------------------------------------------------- N-Triples terms

_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_UNESCAPE = re.compile(r'\\(["\\nr])')
_UNESCAPED = {'"': '"', "\\": "\\", "n": "\n", "r": "\r"}


def iri(value: str) -> str:
    """An IRI as an N-Triples term.

    >>> iri("https://example.org/a")
    '<https://example.org/a>'

    Raises:
        RdfError: for an IRI that N-Triples cannot carry (spaces, quotes, angle brackets).
    """
    if _NOT_IN_IRI.search(value):
        raise RdfError(f"not a valid IRI: {value[:200]!r}")
    return f"<{value}>"


def _escape(lexical: str) -> str:
    # four replaces scan in C; str.translate looks every character up in a dict
    if "\\" in lexical:
        lexical = lexical.replace("\\", "\\\\")
    return lexical.replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def text(value: str, lang: str = "") -> str:
    r"""A plain or language-tagged literal as an N-Triples term.

    >>> text('Sie sagte: "Nein"\n', "de")
    '"Sie sagte: \\"Nein\\"\\n"@de'
    """
    return f'"{_escape(value)}"@{lang}' if lang else f'"{_escape(value)}"'


def typed(value: object, datatype: str) -> str:
    """A typed literal (`datatype` an N-Triples IRI, e.g. `XSD.integer`) as an N-Triples term.

    >>> typed(3, XSD.integer)
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(value, bool):
        return _TRUE if value else _FALSE
    return f'"{_escape(str(value))}"^^{datatype}'


def rdflib_term(term: str) -> Node:
    """An N-Triples term made by `iri`, `text` or `typed` as an rdflib term.

    >>> rdflib_term('"3"^^<http://www.w3.org/2001/XMLSchema#integer>').toPython()
    3
    """
    if term.startswith("<"):
        return URIRef(term[1:-1])
    body, _, suffix = term[1:].rpartition('"')
    lexical = _UNESCAPE.sub(lambda match: _UNESCAPED[match.group(1)], body)
    if suffix.startswith("@"):
        return Literal(lexical, lang=suffix[1:])
    if suffix.startswith("^^"):
        return Literal(lexical, datatype=URIRef(suffix[3:-1]))
    return Literal(lexical)


def rdflib_triples(triples: Iterable[NtTriple]) -> Iterator[Triple]:
    """N-Triples-term triples as rdflib triples."""
    for s, p, o in triples:
        yield rdflib_term(s), rdflib_term(p), rdflib_term(o)


# ---------------------------------------------------------------- documents


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
    for triple in rdflib_triples(DocumentTriples(resolved, settings).triples()):
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
        yield node, vocab.RDF.type, vocab.RG.Ambiguity
        yield node, vocab.RG.mentionText, Literal(mention.span.quote(text), lang="de")
        yield node, vocab.RG.mentionedIn, doc_iri
        yield (
            node,
            vocab.OWL.sameAs,
            URIRef(settings.base_iri + resolved.entity_of[ambiguity.mention]),
        )
        for candidate in ambiguity.candidates:
            yield node, vocab.RG.ambiguousWith, URIRef(settings.base_iri + candidate)
    for left, right in resolved.same_as:
        yield URIRef(settings.base_iri + left), vocab.OWL.sameAs, URIRef(settings.base_iri + right)


def nt_term(term: Node) -> str:
    r"""One rdflib term in N-Triples syntax, as rdflib's `n3()` writes it without prefixes.

    >>> nt_term(Literal('Sie sagte: "Nein"\n', lang="de"))
    '"Sie sagte: \\"Nein\\"\\n"@de'
    >>> nt_term(Literal(3, datatype=vocab.XSD.integer))
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'

    Raises:
        RdfError: for an IRI that N-Triples cannot carry (spaces, quotes, angle brackets).
    """
    if isinstance(term, URIRef):
        return iri(str(term))
    if isinstance(term, Literal):
        if term.language:
            return text(str(term), term.language)
        if term.datatype:
            return f'"{_escape(str(term))}"^^{iri(str(term.datatype))}'
        return text(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    raise RdfError(f"cannot write {type(term).__name__} as N-Triples")


def ntriples_lines(triples: Iterable[Triple]) -> list[str]:
    """Each distinct rdflib triple once as an N-Triples line (`"<s> <p> <o> .\\n"`), in order.

    Raises:
        RdfError: for a term N-Triples cannot carry.
    """
    lines = (f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples)
    return list(dict.fromkeys(lines))


def document_ntriples(resolved: ResolvedDocument, settings: Settings) -> list[str]:
    """The triples of `build_graph` as N-Triples lines, each once, without rdflib terms.

    >>> from kg.models import EXAMPLE_RESOLVED
    >>> from kg.settings import EXAMPLE_SETTINGS
    >>> len(document_ntriples(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS)) == len(
    ...     build_graph(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS))
    True

    Raises:
        RdfError: for an IRI N-Triples cannot carry.
    """
    triples = DocumentTriples(resolved, settings).triples()
    return list(dict.fromkeys([f"{s} {p} {o} .\n" for s, p, o in triples]))


def document_nquads(resolved: ResolvedDocument, settings: Settings) -> tuple[bytes, int]:
    """The document graph and its `rg:resolution` records as N-Quads lines for the bulk
    loader (UTF-8), and how many of the lines are the document graph's.

    >>> from kg.models import EXAMPLE_RESOLVED
    >>> from kg.settings import EXAMPLE_SETTINGS
    >>> data, count = document_nquads(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS)
    >>> count == len(document_ntriples(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS)) == data.count(b"\\n")
    True

    Raises:
        RdfError: for an IRI N-Triples cannot carry.
    """
    graph = f" {iri(str(document_iri_of(resolved, settings)))} .\n"
    triples = DocumentTriples(resolved, settings).triples()
    lines = dict.fromkeys([f"{s} {p} {o}{graph}" for s, p, o in triples])
    records = f" {iri(str(vocab.RESOLUTION_GRAPH))} .\n"
    resolution = ntriples_lines(resolution_triples(resolved, settings))
    data = "".join(lines) + "".join(line[:-3] + records for line in resolution)
    return data.encode("utf-8"), len(lines)


def person_name_triples(
    node: str,
    label: str,
    surname: str | None,
    given: str | None,
    address: str | None,
    title: str | None,
) -> Iterator[NtTriple]:
    """Name, family/given name, form of address and title of a person, as the text gives them."""
    yield node, FOAF.name, text(label)
    if surname:
        yield node, FOAF.familyName, text(surname)
    if given:
        yield node, FOAF.givenName, text(given)
    if address:
        yield node, RG.formOfAddress, text(address)
    if title:
        yield node, SCHEMA.honorificPrefix, text(title)


class DocumentTriples:
    """Generates the triples of one document as N-Triples terms; one method per part of the
    vocabulary."""

    def __init__(self, resolved: ResolvedDocument, settings: Settings) -> None:
        self.resolved = resolved
        self.extraction = resolved.extraction
        self.protocol = resolved.extraction.protocol
        self.document = self.protocol.document
        self.base = settings.base_iri
        self.doc_iri = str(document_iri_of(resolved, settings))
        self.doc = iri(self.doc_iri)
        self.municipality = iri(self.base + slug(self.document.municipality))
        meeting = self.protocol.meeting
        key = meeting_key(self.document.municipality, meeting.date, meeting.body, self.document.key)
        self.meeting_iri = self.base + key
        self.meeting = iri(self.meeting_iri)
        self._entities: dict[int, str] = {}
        self._annotations = 0

    def entity(self, mention: int) -> str:
        """IRI of the entity a mention resolved to."""
        term = self._entities.get(mention)
        if term is None:
            term = self._entities[mention] = iri(self.base + self.resolved.entity_of[mention])
        return term

    def item(self, number: int) -> str:
        """IRI of the agenda item with index `number`."""
        item = self.protocol.items[number]
        part = slug(item.number) if item.number else f"part-{number + 1}"
        return f"<{self.meeting_iri}/top-{part}>"  # slugs are safe in an IRI

    def quote(self, span: Span) -> str:
        """The text at `span`, as a literal without language (oa:exact)."""
        return text(span.quote(self.document.text))

    def triples(self) -> Iterator[NtTriple]:
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

    def private_triples(self) -> Iterator[NtTriple]:
        """Private citizens: exports and views show them under a pseudonym (kg.privacy)."""
        for node in dict.fromkeys(self.entity(m) for m in self.extraction.private):
            yield node, RG.role, RG.Citizen
            yield node, RG.pseudonymised, _TRUE

    def document_triples(self) -> Iterator[NtTriple]:
        doc, document = self.doc, self.document
        yield doc, RDF.type, RG.Protocol
        yield doc, RG.sha256, text(document.sha256)
        yield doc, DCTERMS.source, text(document.url or document.key)
        yield doc, DCTERMS.format, text(document.media_type)
        yield doc, RDFS.label, text(document.path.rsplit("/", 1)[-1])
        yield doc, SCHEMA.text, text(document.text)
        yield doc, RG.municipality, self.municipality
        yield doc, SCHEMA.about, self.meeting
        yield self.municipality, RDF.type, ORG.FormalOrganization
        yield self.municipality, RDFS.label, text(document.municipality)

    def meeting_triples(self) -> Iterator[NtTriple]:
        meeting, info = self.meeting, self.protocol.meeting
        yield meeting, RDF.type, RG.Meeting
        yield meeting, RG.municipality, self.municipality
        if info.date:
            yield meeting, SCHEMA.startDate, typed(info.date, XSD.date)
        if info.start_time:
            yield meeting, RG.startTime, typed(info.start_time + ":00", XSD.time)
        if info.end_time:
            yield meeting, RG.endTime, typed(info.end_time + ":00", XSD.time)
        if info.place:
            yield meeting, SCHEMA.location, text(info.place, "de")
        label = " ".join(p for p in (info.body, info.date) if p) or self.document.key
        yield meeting, RDFS.label, text(label, "de")
        if info.body:
            yield from self.body_triples(info.body)
        for number, item in enumerate(self.protocol.items):
            node = self.item(number)
            yield node, RDF.type, RG.AgendaItem
            yield node, SCHEMA.superEvent, meeting
            yield node, RG.public, typed(item.public, XSD.boolean)
            if item.number:
                yield node, RG.agendaNumber, text(item.number)
            if item.title:
                yield node, SCHEMA.name, text(item.title, "de")
        for mention, status in self.extraction.attendees:
            prop = SCHEMA.attendee if status == "present" else RG.absentee
            yield meeting, prop, self.entity(mention)

    def body_triples(self, body: str) -> Iterator[NtTriple]:
        node = iri(self.base + f"{slug(self.document.municipality)}/body/{slug(body)}")
        yield self.meeting, SCHEMA.organizer, node
        yield node, RDF.type, ORG.Organization
        yield node, RDFS.label, text(body, "de")
        yield node, RG.municipality, self.municipality
        yield node, ORG.subOrganizationOf, self.municipality
        lowered = body.lower()
        for word, concept in _BODY_TYPES:
            if word in lowered:
                yield node, ORG.classification, concept
                break

    def entity_triples(self, entity: Entity) -> Iterator[NtTriple]:
        node = iri(self.base + entity.key)
        for rdf_type in _ENTITY_TYPES[entity.kind]:
            yield node, RDF.type, rdf_type
        yield node, RDFS.label, text(entity.label, "de")
        yield node, RG.municipality, self.municipality
        if entity.kind == "person":
            yield from person_name_triples(
                node, entity.label, entity.surname, entity.given, entity.address, entity.title
            )
        elif entity.kind == "faction" and entity.abbreviation:
            yield node, RG.partyAbbreviation, text(entity.abbreviation)
        elif entity.kind == "paper":
            yield node, DCTERMS.identifier, text(entity.label)
        elif entity.kind == "place" and entity.label != self.document.municipality.split()[-1]:
            yield node, RDF.type, RG.District

    def statement_triples(self, number: int, statement: Statement) -> Iterator[NtTriple]:
        node = self.statement(number)
        yield node, RDF.type, RG.Statement
        yield node, SCHEMA.creator, self.entity(statement.speaker)
        yield node, DCTERMS.isPartOf, self.item(statement.item)
        yield node, SCHEMA.position, typed(statement.position, XSD.integer)
        yield node, SCHEMA.text, text(statement.span.quote(self.document.text), "de")
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

    def statement(self, number: int) -> str:
        """IRI of the statement with index `number` in this document."""
        return f"<{self.doc_iri}/statement/{number + 1}>"

    def claim_triples(self, number: int, claim: Claim) -> Iterator[NtTriple]:
        subject, obj = self.entity(claim.subject), self.entity(claim.object)
        if claim.kind == "responsible_unit":
            node = f"<{self.doc_iri}/claim/{number + 1}>"
            yield subject, RG.responsibleUnit, obj
            yield node, RDF.type, RDF.Statement
            yield node, RDF.subject, subject
            yield node, RDF.predicate, RG.responsibleUnit
            yield node, RDF.object, obj
        else:
            node = f"<{self.doc_iri}/membership/{number + 1}>"
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

    def vote_triples(self, number: int, vote: Vote) -> Iterator[NtTriple]:
        node = f"{self.doc_iri}/vote/{number + 1}"
        term = f"<{node}>"
        yield term, RDF.type, RG.VoteEvent
        yield term, OPENGOV.motion, self.item(vote.item)
        yield term, OPENGOV.result, RG[vote.result]
        if vote.unanimous is not None:
            yield term, RG.unanimous, typed(vote.unanimous, XSD.boolean)
        if self.protocol.meeting.date:
            yield term, SCHEMA.startDate, typed(self.protocol.meeting.date, XSD.date)
        yield term, RG.decisionText, text(vote.span.quote(self.document.text), "de")
        for option in ("yes", "no", "abstain"):
            value = getattr(vote, option)
            if value is not None:
                yield from self.count(node, option, value, None)
        for group in vote.groups:
            if group.count is not None:
                faction = group.faction
                yield from self.count(node, group.option, group.count, faction)
        yield from self.annotation(term, vote.span)

    def count(self, vote: str, option: str, value: int, faction: int | None) -> Iterator[NtTriple]:
        """A count of the vote `vote` (an IRI): of all members, or of the faction mentioned."""
        if faction is None:
            node = f"<{vote}/count/{option}>"
        else:
            key = self.resolved.entity_of[faction].rsplit("/", 1)[-1]
            node = f"<{vote}/count/{option}-{slug(key)}>"
        yield f"<{vote}>", OPENGOV.count, node
        yield node, RDF.type, _VOTE_OPTIONS[option]
        yield node, RDF.value, typed(value, XSD.integer)
        if faction is not None:
            yield node, OPENGOV.group, self.entity(faction)

    def annotation(self, body: str, span: Span) -> Iterator[NtTriple]:
        """Web Annotation: `body` is stated by the text at `span` of this document."""
        self._annotations += 1
        node = f"{self.doc_iri}/annotation/{self._annotations}"
        annotation, target = f"<{node}>", f"<{node}/target>"
        position, quote = f"<{node}/position>", f"<{node}/quote>"
        yield annotation, RDF.type, OA.Annotation
        yield annotation, OA.hasBody, body
        yield annotation, OA.hasTarget, target
        yield target, OA.hasSource, self.doc
        yield target, OA.hasSelector, position
        yield target, OA.hasSelector, quote
        yield position, RDF.type, OA.TextPositionSelector
        yield position, OA.start, typed(span.start, XSD.nonNegativeInteger)
        yield position, OA.end, typed(span.end, XSD.nonNegativeInteger)
        yield quote, RDF.type, OA.TextQuoteSelector
        yield quote, OA.exact, self.quote(span)
