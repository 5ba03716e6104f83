"""What resolution reads back from the store: people of rosters and OParl, labels, texts.

Rosters and OParl persons live in named graphs that are not protocols; every `foaf:Person`
there with a family name and `rg:municipality` becomes an `Observation` (one per faction
membership, with its dates), so they feed the municipality's registry like protocols do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import URIRef

from kg.ids import municipality_key
from kg.resolve_registry import Observation, faction_key
from kg.settings import Settings
from kg.store import Store

ROSTER_SEGMENT = "roster/"
ENTITY_SEGMENTS = ("person", "faction", "party", "unit", "initiative", "place", "paper")

_PEOPLE = """
SELECT ?m ?g ?p ?family ?given ?address ?title ?ms ?org ?orgLabel ?abbr ?start ?end WHERE {
  GRAPH ?g {
    ?p a foaf:Person ; foaf:familyName ?family ; rg:municipality ?m .
    OPTIONAL { ?p foaf:givenName ?given }
    OPTIONAL { ?p rg:formOfAddress ?address }
    OPTIONAL { ?p schema:honorificPrefix ?title }
    OPTIONAL {
      { ?ms org:member ?p ; org:organization ?org . ?org a rg:Faction .
        OPTIONAL { ?ms schema:startDate ?start } OPTIONAL { ?ms schema:endDate ?end } }
      UNION
      { ?p org:memberOf ?org . ?org a rg:Faction .
        FILTER NOT EXISTS { ?any org:member ?p ; org:organization ?org } }
      OPTIONAL { ?org rdfs:label ?orgLabel } OPTIONAL { ?org rg:partyAbbreviation ?abbr }
    }
  }
  FILTER (?g != rg:resolution)
  FILTER NOT EXISTS { GRAPH ?g { ?g a rg:Protocol } }
}
"""

_LABELS = """
SELECT DISTINCT ?m ?e ?label WHERE {
  GRAPH ?g { ?e rg:municipality ?m ; rdfs:label ?label }
  FILTER (?g != rg:resolution)
}
"""


@dataclass(frozen=True, slots=True)
class ExternalPerson:
    """A person of a roster or OParl graph, with one observation per stated membership."""

    graph: str
    iri: str
    observations: tuple[Observation, ...]

    @property
    def from_roster(self) -> bool:
        """True for persons of `kg roster import` graphs (their IRIs are resolution keys)."""
        return ROSTER_SEGMENT in self.graph


def municipality_iri(settings: Settings, municipality: str) -> URIRef:
    """The IRI of a municipality (as the document graphs write it)."""
    return URIRef(settings.base_iri + municipality_key(municipality))


def external_people(
    store: Store, settings: Settings, municipality: str, exclude: frozenset[str] = frozenset()
) -> list[ExternalPerson]:
    """Roster and OParl persons of a municipality (graphs in `exclude` left out), sorted."""
    rows = store.select(_PEOPLE, bindings={"m": municipality_iri(settings, municipality)})
    found: dict[tuple[str, str], set[Observation]] = defaultdict(set)
    for row in rows:
        graph, person = str(row["g"]), str(row["p"])
        if graph in exclude:
            continue
        label = str(row.get("abbr") or row.get("orgLabel") or "") or None
        start, end = row.get("start"), row.get("end")
        observation = Observation(
            surname=str(row["family"]),
            given=_text(row.get("given")),
            address=_text(row.get("address")),
            title=_text(row.get("title")),
            faction=faction_key(label) if "org" in row else None,
            start=str(start) if start is not None else None,
            end=str(end) if end is not None else None,
            source=graph,
        )
        found[(graph, person)].add(observation)
    return [
        ExternalPerson(graph, person, tuple(sorted(obs, key=Observation.sort_key)))
        for (graph, person), obs in sorted(found.items())
    ]


def _text(term: object) -> str | None:
    return str(term) if term is not None and str(term).strip() else None


def entity_labels(store: Store, settings: Settings, municipality: str) -> dict[str, set[str]]:
    """`{entity key: labels the graphs give it}` for the entities of a municipality."""
    prefix = settings.base_iri + municipality_key(municipality) + "/"
    wanted = tuple(prefix + segment + "/" for segment in ENTITY_SEGMENTS)
    labels: dict[str, set[str]] = defaultdict(set)
    rows = store.select(_LABELS, bindings={"m": municipality_iri(settings, municipality)})
    for row in rows:
        iri = str(row["e"])
        if iri.startswith(wanted):
            labels[iri[len(settings.base_iri) :]].add(str(row["label"]))
    return dict(labels)


def stored_texts(store: Store, graphs: list[str]) -> dict[str, str]:
    """The normalised text (`schema:text` of the document node) of stored documents."""
    texts: dict[str, str] = {}
    for graph in graphs:
        rows = store.select(
            "SELECT ?g ?t WHERE { GRAPH ?g { ?g schema:text ?t } }",
            union=False,
            bindings={"g": URIRef(graph)},
        )
        if rows:
            texts[graph] = str(rows[0]["t"])
    return texts


def stored_metadata(store: Store, graph: str) -> dict[str, str]:
    """What a document graph says about its source: text, file, format, municipality, date, body.

    Used to rebuild the manifest record of a document stored before the manifest existed.
    """
    query = """
    SELECT ?g ?text ?source ?format ?file ?municipality ?date ?body WHERE { GRAPH ?g {
      ?g schema:text ?text ; dcterms:source ?source ; rdfs:label ?file ; rg:municipality ?m .
      ?m rdfs:label ?municipality .
      OPTIONAL { ?g dcterms:format ?format }
      OPTIONAL { ?g schema:about ?meeting . ?meeting schema:startDate ?date }
      OPTIONAL { ?g schema:about ?meeting . ?meeting schema:organizer/rdfs:label ?body }
    } } LIMIT 1
    """
    rows = store.select(query, union=False, bindings={"g": URIRef(graph)})
    return {name: str(value) for name, value in rows[0].items()} if rows else {}


def resolution_prefix(settings: Settings, municipality: str) -> tuple[str, str]:
    """(subjects of the municipality's records in rg:resolution, the documents' prefix)."""
    prefix = settings.base_iri + municipality_key(municipality) + "/"
    return prefix, prefix + "doc/"
