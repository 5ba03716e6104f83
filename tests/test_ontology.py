"""ontology/: the Turtle files parse, the SHACL shapes accept good data and name bad paths,
and the local JSON-LD context round-trips graphs without touching the network."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.term import Node

from kg import vocab
from kg.vocab import (
    DCTERMS,
    FOAF,
    OA,
    OPENGOV,
    ORG,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    RG,
    SCHEMA,
    SH,
    SKOS,
)

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "ratsgraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
CONTEXT = ROOT / "ontology" / "context.jsonld"
ID = "https://w3id.org/ratsgraph/id/"
RGSH = "https://w3id.org/ratsgraph/shapes#"

CONFORMING = """
@prefix rg: <https://w3id.org/ratsgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <http://schema.org/> .
@prefix opengov: <http://www.w3.org/ns/opengov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/ratsgraph/id/> .

id:doc a rg:Protocol ;
    rg:sha256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" ;
    dcterms:source "hagen-ausschuss.txt" ;
    schema:text "Herr Petersen fragt, ob die Stellen neu sind. Frau Brandt antwortet." .
id:hagen a org:FormalOrganization ; rdfs:label "Hagen"@de .
id:ausschuss a org:Organization ; rdfs:label "Integrationsausschuss"@de ;
    org:classification rg:Committee ; rg:municipality id:hagen .
id:spd a rg:Faction ; rdfs:label "SPD-Fraktion"@de ; rg:partyAbbreviation "SPD" .
id:petersen a foaf:Person ; rdfs:label "Herr Petersen"@de ; foaf:familyName "Petersen" ;
    rg:formOfAddress "Herr" .
id:brandt a foaf:Person ; rdfs:label "Frau Brandt"@de ; rg:formOfAddress "Frau" .
id:membership a org:Membership ; org:member id:petersen ; org:organization id:spd ;
    org:role rg:Member ; schema:startDate "2020-11-01"^^xsd:date .
id:meeting a rg:Meeting ; schema:startDate "2022-02-15"^^xsd:date ;
    schema:organizer id:ausschuss ; schema:attendee id:petersen , id:brandt ;
    rg:startTime "16:00:00"^^xsd:time .
id:top a rg:AgendaItem ; schema:superEvent id:meeting ; rg:agendaNumber "3.2" ;
    schema:name "Vorstellung des neuen Fachbereiches"@de ; rg:public true .
id:top-ohne-nummer a rg:AgendaItem ; schema:superEvent id:meeting ; schema:name "Mitteilungen" .
id:opening a rg:AgendaItem ; schema:superEvent id:meeting .
id:s1 a rg:Statement ; schema:creator id:petersen ; rg:act rg:Question ;
    dcterms:isPartOf id:top ; schema:position 1 ; rg:onBehalfOf id:spd ;
    rg:addressee id:brandt ; schema:text "Herr Petersen fragt, ob die Stellen neu sind."@de .
id:s2 a rg:Statement ; schema:creator id:brandt ; rg:act rg:Answer , rg:Information ;
    dcterms:isPartOf id:top ; schema:position 2 ; rg:inReplyTo id:s1 ;
    rg:role rg:Administration .
id:vote a rg:VoteEvent ; opengov:motion id:top ; opengov:result rg:TakenNote ;
    rg:unanimous true .
id:annotation a oa:Annotation ; oa:hasBody id:s1 ; oa:hasTarget id:target .
id:target oa:hasSource id:doc ; oa:hasSelector id:position , id:quote .
id:position a oa:TextPositionSelector ;
    oa:start "0"^^xsd:nonNegativeInteger ; oa:end "13"^^xsd:nonNegativeInteger .
id:quote a oa:TextQuoteSelector ; oa:exact "Herr Petersen" .
"""


def node(name: str) -> URIRef:
    return URIRef(ID + name)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CONTEXT.read_text(encoding="utf-8"))
    return data["@context"]  # type: ignore[no-any-return]


def conforming() -> Graph:
    return Graph().parse(data=CONFORMING, format="turtle")


def validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph]:
    pyshacl = pytest.importorskip("pyshacl")
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, allow_warnings=True
    )
    return bool(conforms), report


def violations(report: Graph) -> set[tuple[Node | None, Node | None, Node | None]]:
    """(focus node, result path, constraint component) of every result, nested ones included."""
    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        component = report.value(result, SH.sourceConstraintComponent)
        found.add((focus, path, component))
    return found


def test_ontology_and_shapes_parse(ontology: Graph, shapes: Graph) -> None:
    assert (URIRef("https://w3id.org/ratsgraph/ontology"), RDF.type, None) in ontology
    assert len(set(shapes.subjects(RDF.type, SH.NodeShape))) >= 8


def test_shapes_graph_is_valid_shacl(shapes: Graph) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_conforming_graph_passes(shapes: Graph, ontology: Graph) -> None:
    conforms, report = validate(conforming(), shapes, ontology)
    assert conforms, report.serialize(format="turtle")


def _set(subject: str, predicate: URIRef, value: Any) -> Callable[[Graph], None]:
    def mutate(graph: Graph) -> None:
        graph.set((node(subject), predicate, value))

    return mutate


def _add(subject: str, predicate: URIRef, value: Any) -> Callable[[Graph], None]:
    def mutate(graph: Graph) -> None:
        graph.add((node(subject), predicate, value))

    return mutate


def _drop(subject: str, predicate: URIRef) -> Callable[[Graph], None]:
    def mutate(graph: Graph) -> None:
        graph.remove((node(subject), predicate, None))

    return mutate


BROKEN = {
    "two speakers": (_add("s1", SCHEMA.creator, node("brandt")), "s1", SCHEMA.creator, "MaxCount"),
    "speaker not a person": (
        _set("s1", SCHEMA.creator, node("spd")),
        "s1",
        SCHEMA.creator,
        "Class",
    ),
    "act outside scheme": (_add("s1", RG.act, RG.Accepted), "s1", RG.act, "In"),
    "no act": (_drop("s2", RG.act), "s2", RG.act, "MinCount"),
    "no agenda item": (_drop("s1", DCTERMS.isPartOf), "s1", DCTERMS.isPartOf, "MinCount"),
    "position zero": (
        _set("s1", SCHEMA.position, Literal(0)),
        "s1",
        SCHEMA.position,
        "MinInclusive",
    ),
    "position as text": (
        _set("s1", SCHEMA.position, Literal("1")),
        "s1",
        SCHEMA.position,
        "Datatype",
    ),
    "text as number": (_set("s2", SCHEMA.text, Literal(5)), "s2", SCHEMA.text, "Or"),
    "reply to a person": (_set("s2", RG.inReplyTo, node("brandt")), "s2", RG.inReplyTo, "Class"),
    "on behalf of a committee": (
        _set("s1", RG.onBehalfOf, node("ausschuss")),
        "s1",
        RG.onBehalfOf,
        "Class",
    ),
    "person without label": (_drop("brandt", RDFS.label), "brandt", RDFS.label, "MinCount"),
    "two family names": (
        _add("petersen", FOAF.familyName, Literal("Peters")),
        "petersen",
        FOAF.familyName,
        "MaxCount",
    ),
    "form of address Dr.": (
        _set("brandt", RG.formOfAddress, Literal("Dr.")),
        "brandt",
        RG.formOfAddress,
        "In",
    ),
    "membership without organization": (
        _drop("membership", ORG.organization),
        "membership",
        ORG.organization,
        "MinCount",
    ),
    "membership date as string": (
        _set("membership", SCHEMA.startDate, Literal("2020-11-01")),
        "membership",
        SCHEMA.startDate,
        "Datatype",
    ),
    "two meeting dates": (
        _add("meeting", SCHEMA.startDate, Literal("2022-02-16", datatype=vocab.XSD.date)),
        "meeting",
        SCHEMA.startDate,
        "MaxCount",
    ),
    "organizer is a person": (
        _set("meeting", SCHEMA.organizer, node("petersen")),
        "meeting",
        SCHEMA.organizer,
        "Class",
    ),
    "item without meeting": (_drop("top", SCHEMA.superEvent), "top", SCHEMA.superEvent, "MinCount"),
    "title as number": (_set("top", SCHEMA.name, Literal(3)), "top", SCHEMA.name, "Or"),
    "two agenda numbers": (
        _add("top", RG.agendaNumber, Literal("3.3")),
        "top",
        RG.agendaNumber,
        "MaxCount",
    ),
    "vote result outside scheme": (
        _set("vote", OPENGOV.result, RG.Question),
        "vote",
        OPENGOV.result,
        "In",
    ),
    "bad checksum": (_set("doc", RG.sha256, Literal("ABC")), "doc", RG.sha256, "Pattern"),
    "negative offset": (
        _set("position", OA.start, Literal(-1)),
        "position",
        OA.start,
        "Datatype",
    ),
    "start after end": (
        _set("position", OA.start, Literal(20, datatype=vocab.XSD.nonNegativeInteger)),
        "position",
        OA.start,
        "LessThanOrEquals",
    ),
    "quote as language string": (
        _set("quote", OA.exact, Literal("Herr Petersen", lang="de")),
        "quote",
        OA.exact,
        "Datatype",
    ),
    "quote differs from text": (
        _set("quote", OA.exact, Literal("Herr Peterson")),
        "target",
        None,
        "SPARQL",
    ),
    "no quote selector": (
        lambda g: g.remove((node("target"), OA.hasSelector, node("quote"))),
        "target",
        OA.hasSelector,
        "QualifiedMinCount",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_graph_fails_on_the_right_path(shapes: Graph, ontology: Graph, case: str) -> None:
    mutate, focus, path, component = BROKEN[case]
    data = conforming()
    mutate(data)
    conforms, report = validate(data, shapes, ontology)
    assert not conforms
    expected = (node(focus), path, SH[f"{component}ConstraintComponent"])
    assert expected in violations(report), sorted(violations(report))


def test_agenda_items_without_number_or_title_are_fine(shapes: Graph, ontology: Graph) -> None:
    data = conforming()
    assert (node("top-ohne-nummer"), RG.agendaNumber, None) not in data
    assert (node("opening"), SCHEMA.name, None) not in data
    assert validate(data, shapes, ontology)[0]


def test_meeting_without_date_is_a_warning_not_a_violation(shapes: Graph, ontology: Graph) -> None:
    data = conforming()
    data.remove((node("meeting"), SCHEMA.startDate, None))
    conforms, report = validate(data, shapes, ontology)
    assert conforms
    results = list(report.subjects(SH.resultPath, SCHEMA.startDate))
    assert [report.value(r, SH.resultSeverity) for r in results] == [SH.Warning]
    assert report.value(results[0], SH.focusNode) == node("meeting")


def sh_in_values(shapes: Graph, path: URIRef) -> set[URIRef]:
    values: set[URIRef] = set()
    for prop in shapes.subjects(SH.path, path):
        for head in shapes.objects(prop, SH["in"]):
            values |= {v for v in Collection(shapes, head) if isinstance(v, URIRef)}
    return values


@pytest.mark.parametrize(
    ("path", "scheme"),
    [(RG.act, RG.SpeechActs), (OPENGOV.result, RG.VoteResults), (RG.role, RG.Roles)],
)
def test_sh_in_lists_match_the_skos_schemes(
    shapes: Graph, ontology: Graph, path: URIRef, scheme: URIRef
) -> None:
    assert sh_in_values(shapes, path) == set(ontology.subjects(SKOS.inScheme, scheme))


# --- JSON-LD context --------------------------------------------------------------------------


class NetworkUsed(AssertionError):
    """Raised by the network guard when code under test tries to connect anywhere."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    yield


def sample_graph() -> Graph:
    graph = conforming()
    petersen = node("petersen")
    graph.add((petersen, RDFS.label, Literal("Mr Petersen", lang="en")))
    graph.add((petersen, RDFS.label, Literal("Petersen")))
    graph.add((node("x"), RG.confidence, Literal("0.75", datatype=vocab.XSD.decimal)))
    graph.add(
        (node("x"), SCHEMA.startDate, Literal("2022-02-15T10:00:00", datatype=vocab.XSD.dateTime))
    )
    graph.add((node("x"), RG.pseudonymised, Literal(False)))
    count = BNode()
    graph.add((node("vote"), OPENGOV.count, count))
    graph.add((count, RDF.value, Literal(12)))
    graph.add((count, OPENGOV.group, node("spd")))
    return graph


def test_network_guard_blocks_remote_contexts(no_network: None) -> None:
    remote = json.dumps({"@context": "http://example.org/context.jsonld", "@id": ID + "a"})
    with pytest.raises(NetworkUsed):
        Graph().parse(data=remote, format="json-ld")


def test_context_round_trips_a_graph_without_network(
    context: dict[str, Any], no_network: None
) -> None:
    graph = sample_graph()
    text = graph.serialize(format="json-ld", context=context)
    document = json.loads(text)
    assert document["@context"] == context
    assert isomorphic(graph, Graph().parse(data=text, format="json-ld"))
    body = json.dumps({k: v for k, v in document.items() if k != "@context"})
    assert isomorphic(graph, Graph().parse(data=body, format="json-ld", context=context))


def test_context_uses_the_readable_aliases(context: dict[str, Any], no_network: None) -> None:
    text = sample_graph().serialize(format="json-ld", context=context)
    nodes = {n["@id"]: n for n in json.loads(text)["@graph"]}
    statement = nodes[ID + "s1"]
    assert statement["speaker"] == ID + "petersen"
    assert statement["acts"] == ["rg:Question"]
    assert nodes[ID + "meeting"]["date"] == "2022-02-15"
    assert nodes[ID + "spd"]["label"] == "SPD-Fraktion"


def test_context_round_trips_named_graphs_without_network(
    context: dict[str, Any], no_network: None
) -> None:
    dataset = Dataset()
    document_graph = dataset.graph(node("doc"))
    for triple in conforming():
        document_graph.add(triple)
    dataset.graph(RG.resolution).add((node("a"), OWL.sameAs, node("b")))
    back = Dataset()
    back.parse(data=dataset.serialize(format="json-ld", context=context), format="json-ld")
    for name in (node("doc"), RG.resolution):
        assert isomorphic(dataset.graph(name), back.graph(name))


def test_context_prefixes_match_vocab(context: dict[str, Any]) -> None:
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@")}
    assert prefixes == dict(PREFIXES)


def test_context_terms_point_into_known_namespaces(context: dict[str, Any]) -> None:
    for term, definition in context.items():
        if not isinstance(definition, dict):
            continue
        prefix, _, local = definition["@id"].partition(":")
        assert prefix in PREFIXES, term
        if prefix == "rg":
            assert local in RG, f"{term} -> rg:{local} is not in the ontology"
