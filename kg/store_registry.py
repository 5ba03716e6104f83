"""What resolution reads back from the store: people of rosters and OParl, labels, texts.

Rosters and OParl persons live in named graphs that are not protocols; every `foaf:Person`
there with a family name and `rg:municipality` becomes an `Observation` (one per faction
membership, with its dates), so they feed the municipality's registry like protocols do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.curation import Curation, load_curation
from kg.ids import municipality_key
from kg.models import pickle_by_fields
from kg.rdf import Triple
from kg.resolve_registry import Observation, Registry, faction_key
from kg.settings import Settings
from kg.store import Store
from kg.store_manifest import Manifest
from kg.vocab import RESOLUTION_GRAPH, SKOS

ROSTER_SEGMENT = "roster/"
ENTITY_SEGMENTS = ("person", "faction", "party", "unit", "initiative", "place", "paper", "body")

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
}
"""

_LABELS = """
SELECT DISTINCT ?m ?e ?label WHERE {
  GRAPH ?g { ?e rg:municipality ?m ; rdfs:label ?label }
  FILTER (?g != rg:resolution)
}
"""


@pickle_by_fields
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
    graphs = _non_protocol_graphs(store, exclude)
    if not graphs:
        return []
    values = " ".join(URIRef(g).n3() for g in graphs)
    query = _PEOPLE.replace("WHERE {", f"WHERE {{ VALUES ?g {{ {values} }}", 1)
    rows = store.select(query, bindings={"m": municipality_iri(settings, municipality)})
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


def _non_protocol_graphs(store: Store, exclude: frozenset[str]) -> list[str]:
    """Named graphs that are neither protocols nor rg:resolution (rosters, OParl, ...)."""
    protocols = set(store.document_hashes())
    resolution = str(RESOLUTION_GRAPH)
    return [
        g
        for g in store.named_graphs()
        if g not in protocols and g != resolution and g not in exclude
    ]


def _text(term: object) -> str | None:
    return str(term) if term is not None and str(term).strip() else None


def entity_labels(
    store: Store, settings: Settings, municipality: str, entities: Iterable[str] | None = None
) -> dict[str, set[str]]:
    """`{entity key: labels the graphs give it}` for the entities of a municipality (only those
    with the IRIs `entities`, when given: a look-up per entity instead of a scan of the
    municipality's graphs)."""
    wanted = _entity_prefixes(settings, municipality)
    labels: dict[str, set[str]] = defaultdict(set)
    query = _LABELS
    if entities is not None:
        values = " ".join(URIRef(e).n3() for e in sorted(entities) if e.startswith(wanted))
        if not values:
            return {}
        query = _LABELS.replace("WHERE {", f"WHERE {{ VALUES ?e {{ {values} }}", 1)
    rows = store.select(query, bindings={"m": municipality_iri(settings, municipality)})
    for row in rows:
        iri = str(row["e"])
        if iri.startswith(wanted):
            labels[iri[len(settings.base_iri) :]].add(str(row["label"]))
    return dict(labels)


def graph_entities(store: Store, graphs: Iterable[str]) -> dict[str, set[str]]:
    """`{graph IRI: IRIs of the labelled entities of a municipality in it}` (what
    `entity_labels` reads from these graphs)."""
    found: dict[str, set[str]] = {graph: set() for graph in graphs}
    if not found:
        return found
    values = " ".join(URIRef(g).n3() for g in sorted(found))
    rows = store.select(
        f"SELECT DISTINCT ?g ?e WHERE {{ VALUES ?g {{ {values} }} "
        "GRAPH ?g { ?e rg:municipality ?m ; rdfs:label ?label } }",
        union=False,
    )
    for row in rows:
        found[str(row["g"])].add(str(row["e"]))
    return found


def stored_labels(
    store: Store, settings: Settings, municipality: str, entities: Iterable[str]
) -> list[Triple]:
    """The canonical labels (skos:prefLabel in rg:resolution) stored for those `entities`
    (IRIs) that belong to a municipality."""
    wanted = _entity_prefixes(settings, municipality)
    values = " ".join(URIRef(e).n3() for e in sorted(entities) if e.startswith(wanted))
    if not values:
        return []
    rows = store.select(
        f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {values} }} "
        "GRAPH rg:resolution { ?s skos:prefLabel ?o } }",
        union=False,
    )
    return [(row["s"], SKOS.prefLabel, row["o"]) for row in rows]


def _entity_prefixes(settings: Settings, municipality: str) -> tuple[str, ...]:
    """The IRI prefixes of a municipality's entities (persons, factions, units, ...)."""
    prefix = settings.base_iri + municipality_key(municipality) + "/"
    return tuple(prefix + segment + "/" for segment in ENTITY_SEGMENTS)


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


def build_registry(
    store: Store,
    settings: Settings,
    manifest: Manifest,
    curation: Curation,
    municipality: str,
    *,
    exclude: frozenset[str] = frozenset(),
    extra: Iterable[Observation] = (),
) -> tuple[Registry, list[ExternalPerson]]:
    """The registry of a municipality: its stored documents (except the graphs in `exclude`),
    roster and OParl persons, `extra` observations and the curation decisions."""
    external = external_people(store, settings, municipality, exclude)
    observed = [
        o for record in manifest.of(municipality) if record.iri not in exclude
        for o in record.observations
    ]  # fmt: skip
    observed += [o for person in external for o in person.observations]
    observed += list(extra)
    merges = curation.merge_map(settings.base_iri)
    splits = curation.split_rules(settings.base_iri)
    return Registry.build(municipality, observed, merges, splits), external


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Observed:
    """Phase one of an ingest: the people one file names (see `BatchRegistries`)."""

    path: str
    municipality: str
    iri: str
    observations: tuple[Observation, ...]


@dataclass(slots=True)
class BatchRegistries:
    """The registries an ingest resolves with: what is stored plus every file of the batch.

    Built before any file is resolved, so no file of the batch needs resolving twice; workers
    get only the buckets their files name (`for_paths`).
    """

    registries: dict[str, Registry] = field(default_factory=dict)
    buckets: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    # The roster and OParl persons the registries hold: an ingest writes no such graph, so
    # reconciliation after it need not query them again.
    external: dict[str, list[ExternalPerson]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, store: Store, settings: Settings, observed: Iterable[Observed]
    ) -> BatchRegistries:
        """Registries of the municipalities the batch touches."""
        observed = list(observed)
        manifest = Manifest.load(settings.store_dir)
        curation = load_curation(settings.store_dir)
        replaced = frozenset(o.iri for o in observed)
        batch = cls()
        for municipality in sorted({o.municipality for o in observed}):
            extra = [x for o in observed if o.municipality == municipality for x in o.observations]
            batch.registries[municipality], batch.external[municipality] = build_registry(
                store, settings, manifest, curation, municipality, exclude=replaced, extra=extra
            )
        for o in observed:
            batch.buckets[o.path] = (o.municipality, frozenset(x.bucket for x in o.observations))
        return batch

    def for_paths(self, paths: Iterable[object]) -> dict[str, Registry]:
        """The registries restricted to the buckets the files at `paths` name."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for path in paths:
            municipality, buckets = self.buckets.get(str(path), ("", frozenset()))
            if municipality:
                wanted[municipality] |= buckets
        return {m: self.registries[m].subset(b) for m, b in wanted.items()}
