"""Read-only views of resolved entities for `kg entities list|show`.

Entities are the IRIs `<base><municipality>/<kind>/<name>` the document, roster and OParl
graphs use; their canonical label is the `skos:prefLabel` in graph `rg:resolution`. Open
ambiguities are the `rg:Ambiguity` records there, with the mention quote, the document and
the candidates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.errors import ResolveError
from kg.store import Store

KIND_SEGMENTS = {
    "person": "person", "faction": "faction", "party": "party", "department": "unit",
    "unit": "unit", "initiative": "initiative", "place": "place", "paper": "paper",
}  # fmt: skip

_ENTITIES = """
SELECT ?e (SAMPLE(?pref) AS ?label) (MIN(?l) AS ?any) (COUNT(DISTINCT ?g) AS ?documents) WHERE {
  GRAPH ?g { ?e rg:municipality ?m ; rdfs:label ?l . ?g a rg:Protocol }
  OPTIONAL { GRAPH rg:resolution { ?e skos:prefLabel ?pref } }
} GROUP BY ?e
"""

_AMBIGUITIES = """
SELECT ?a ?quote ?doc ?source ?node ?candidate ?candidateLabel WHERE {
  GRAPH rg:resolution {
    ?a a rg:Ambiguity ; rg:mentionText ?quote ; rg:mentionedIn ?doc ; owl:sameAs ?node ;
       rg:ambiguousWith ?candidate .
    OPTIONAL { ?candidate skos:prefLabel ?candidateLabel }
  }
  OPTIONAL { GRAPH ?doc { ?doc dcterms:source ?source } }
}
"""


@dataclass(frozen=True, slots=True)
class EntityRow:
    """One entity: IRI, kind, canonical label and the number of protocols naming it."""

    iri: str
    kind: str
    label: str
    documents: int


@dataclass(frozen=True, slots=True)
class AmbiguityRow:
    """An open ambiguity: the mention, where it is, its own node and the candidates."""

    record: str
    quote: str
    document: str
    source: str
    node: str
    candidates: tuple[tuple[str, str], ...]


@dataclass(slots=True)
class EntityDetails:
    """Everything the store says about one entity, for `kg entities show`."""

    iri: str
    label: str | None = None
    labels: dict[str, set[str]] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)
    statements: dict[str, int] = field(default_factory=dict)
    same_as: set[str] = field(default_factory=set)
    ambiguous_in: list[str] = field(default_factory=list)


def kind_of(iri: str, base_iri: str) -> str:
    """The kind segment of an entity IRI (`person`, `faction`, `unit`, ...).

    >>> kind_of("https://w3id.org/ratsgraph/id/hagen/person/meier", "https://w3id.org/ratsgraph/id/")
    'person'
    """
    parts = iri[len(base_iri) :].split("/") if iri.startswith(base_iri) else []
    return parts[1] if len(parts) >= 3 else ""


def list_entities(store: Store, base_iri: str, kind: str | None = None) -> list[EntityRow]:
    """Entities named in protocols, sorted by kind and label.

    Raises:
        ResolveError: for an unknown kind.
    """
    segment = None
    if kind is not None:
        segment = KIND_SEGMENTS.get(kind)
        if segment is None:
            raise ResolveError(
                f"unknown kind {kind!r} (one of: {', '.join(sorted(KIND_SEGMENTS))})"
            )
    rows = []
    for row in store.select(_ENTITIES):
        iri = str(row["e"])
        found = kind_of(iri, base_iri)
        if found not in KIND_SEGMENTS.values() or (segment and found != segment):
            continue
        label = str(row.get("label") or row.get("any") or "")
        rows.append(EntityRow(iri, found, label, int(str(row["documents"]))))
    return sorted(rows, key=lambda r: (r.kind, r.label.casefold(), r.iri))


def ambiguities(store: Store) -> list[AmbiguityRow]:
    """Open ambiguities with their candidates, sorted by document and record."""
    grouped: dict[str, dict[str, object]] = {}
    candidates: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in store.select(_AMBIGUITIES):
        record = str(row["a"])
        grouped[record] = {
            "quote": str(row["quote"]), "document": str(row["doc"]),
            "source": str(row.get("source") or row["doc"]), "node": str(row["node"]),
        }  # fmt: skip
        candidate = str(row["candidate"])
        candidates[record].add((candidate, str(row.get("candidateLabel") or candidate)))
    return [
        AmbiguityRow(
            record,
            str(data["quote"]),
            str(data["document"]),
            str(data["source"]),
            str(data["node"]),
            tuple(sorted(candidates[record])),
        )
        for record, data in sorted(grouped.items(), key=lambda item: _record_order(item[0]))
    ]


def _record_order(record: str) -> tuple[str, int]:
    document, _, number = record.rpartition("/ambiguity/")
    return document, int(number) if number.isdigit() else 0


def entity_details(store: Store, iri: str) -> EntityDetails:
    """Labels per document, types, statement counts, sameAs links and open ambiguities.

    Raises:
        ResolveError: when no graph names the entity ("cannot resolve").
    """
    node = URIRef(iri)
    details = EntityDetails(iri)
    query = "SELECT ?e ?g ?p ?o WHERE { GRAPH ?g { ?e ?p ?o } }"
    for row in store.select(query, bindings={"e": node}, union=False):
        graph, predicate, value = str(row["g"]), str(row["p"]), row["o"]
        _collect(details, graph, predicate, str(value))
    if not details.labels and not details.types and details.label is None:
        raise ResolveError(f"cannot resolve {iri}: no graph names this entity")
    creator = (
        "SELECT ?e ?g (COUNT(?s) AS ?n) WHERE { GRAPH ?g { ?s schema:creator ?e } } GROUP BY ?e ?g"
    )
    for row in store.select(creator, bindings={"e": node}, union=False):
        details.statements[str(row["g"])] = int(str(row["n"]))
    ambiguous = "SELECT ?e ?a WHERE { GRAPH rg:resolution { ?a rg:ambiguousWith ?e } }"
    details.ambiguous_in = sorted(
        str(r["a"]) for r in store.select(ambiguous, bindings={"e": node})
    )
    merged = (
        "SELECT ?e ?s WHERE { GRAPH rg:resolution { ?s owl:sameAs ?e "
        "FILTER NOT EXISTS { ?s a rg:Ambiguity } } }"
    )
    details.same_as |= {str(r["s"]) for r in store.select(merged, bindings={"e": node})}
    return details


def _collect(details: EntityDetails, graph: str, predicate: str, value: str) -> None:
    if predicate.endswith("#prefLabel"):
        details.label = value
    elif predicate.endswith("#sameAs"):
        details.same_as.add(value)
    elif predicate.endswith("rdf-schema#label"):
        details.labels.setdefault(graph, set()).add(value)
    elif predicate.endswith("22-rdf-syntax-ns#type"):
        details.types.add(value)
