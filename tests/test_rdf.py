"""The document graph: vocabulary, provenance selectors and SHACL conformance."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from kg.pipeline import process_document
from kg.rdf import build_graph
from kg.settings import Settings
from kg.sources import read_document
from kg.vocab import OA, ORG, RDF, RG, SCHEMA

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"


def _graph(path: Path) -> Graph:
    return build_graph(process_document(read_document(path)), Settings())


def test_every_quote_selector_matches_the_text_at_its_offsets(reference: Path) -> None:
    graph = _graph(reference)
    doc = next(graph.subjects(RDF.type, RG.Protocol))
    text = str(graph.value(doc, SCHEMA.text))
    positions = list(graph.subjects(RDF.type, OA.TextPositionSelector))
    assert len(positions) >= 11
    for position in positions:
        quote = URIRef(str(position).removesuffix("/position") + "/quote")
        start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))
        assert text[start:end] == str(graph.value(quote, OA.exact))


def test_reference_graph_has_the_slice(reference: Path) -> None:
    graph = _graph(reference)
    statements = sorted(
        graph.subjects(RDF.type, RG.Statement), key=lambda s: int(graph.value(s, SCHEMA.position))
    )
    assert len(statements) == 7
    answers = [s for s in statements if (s, RG.act, RG.Answer) in graph]
    assert [int(graph.value(graph.value(a, RG.inReplyTo), SCHEMA.position)) for a in answers] == [
        3,
        5,
    ]
    keller = URIRef("https://w3id.org/ratsgraph/id/hagen/person/keller")
    heads = set(graph.objects(keller, ORG.headOf))
    assert len(heads) == 1
    meier = URIRef("https://w3id.org/ratsgraph/id/hagen/person/meier")
    spd = URIRef("https://w3id.org/ratsgraph/id/hagen/faction/spd")
    assert (meier, ORG.memberOf, spd) in graph
    assert (statements[2], RG.onBehalfOf, spd) in graph


def test_build_is_deterministic(reference: Path) -> None:
    first = sorted(_graph(reference))
    second = sorted(_graph(reference))
    assert first == second


def test_graph_conforms_to_the_shapes(reference: Path) -> None:
    from pyshacl import validate

    data = _graph(reference)
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl")
    ontology = Graph().parse(ONTOLOGY / "ratsgraph.ttl")
    conforms, _, report = validate(
        data, shacl_graph=shapes, ont_graph=ontology, allow_warnings=True, inference="none"
    )
    assert conforms, report
