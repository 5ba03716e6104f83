"""Resolution across documents: every stored graph resolved against the final registry.

After an ingest, a roster import or a curation decision, `reconcile` rebuilds each touched
municipality's `Registry` from all its stored documents (the manifest's observations), its
roster and OParl graphs and `curation.yaml`, then re-processes from the stored text exactly
those documents and rosters whose resolution would now differ (their outcome digest changed),
and rewrites the municipality's records in graph `rg:resolution`: `skos:prefLabel` (the
fullest name any source gives, or the curated one) and `owl:sameAs` (curation merges, OParl
persons). Because the registry is a function of the set of sources, the store ends up the
same whatever order the sources arrived in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Literal, URIRef

from kg.curation import Curation, load_curation, save_curation
from kg.ids import document_key
from kg.models import SourceDocument
from kg.pipeline import BATCH_SIZE, build_update, process_document
from kg.rdf import Triple
from kg.rdf_roster import Roster, parse_roster, read_roster, roster_digest, roster_triples
from kg.resolve import person_outcome
from kg.resolve_registry import Registry, Signature, best_spelling, given_key
from kg.settings import Settings
from kg.store import GraphUpdate, Store
from kg.store_manifest import MANIFEST_FILE, DocumentRecord, Manifest, document_record
from kg.store_registry import (
    ExternalPerson,
    build_registry,
    entity_labels,
    graph_entities,
    resolution_prefix,
    stored_labels,
    stored_metadata,
    stored_texts,
)
from kg.vocab import OWL, SKOS

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BatchResolution:
    """How an ingest resolved a municipality: the registry of its batch and the documents
    (graph IRIs) whose people phase one saw."""

    registry: Registry
    documents: frozenset[str]
    external: tuple[ExternalPerson, ...]  # the roster and OParl persons it holds


@dataclass(slots=True)
class ReconcileReport:
    """What re-resolution did: documents and rosters rewritten, municipalities checked."""

    documents: list[str] = field(default_factory=list)
    rosters: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)


def reconcile(
    store: Store,
    settings: Settings,
    written: Iterable[DocumentRecord] = (),
    *,
    municipalities: Iterable[str] = (),
    resolved_with: Mapping[str, BatchResolution] | None = None,
    stored: Mapping[str, str] | None = None,
    replaced_entities: Mapping[str, set[str]] | None = None,
) -> ReconcileReport:
    """Bring every touched municipality up to date with its final registry.

    Touched are the municipalities of `written` (documents just stored) and `municipalities`;
    all of them when `curation.yaml` changed since the last run. `resolved_with` says how an
    ingest resolved `written` (by municipality): where exactly its documents were written and
    no stored document went missing, the batch's registry is the final one and its documents
    are current; else the registry is built anew and compared. `stored` are the store's
    `document_hashes` when the caller (the ingest's writer) knows them; `replaced_entities`,
    when it knows them, the labelled entities (`graph_entities`) the graphs of `written` held
    before they were replaced (a graph not listed was new): then a municipality whose registry
    stays the same has only the labels of these and the written graphs' entities looked up.

    Raises:
        StoreError: when the store cannot be read or written.
        ResolveError: when curation.yaml is malformed.
    """
    manifest = Manifest.load(settings.store_dir)
    written = list(written)
    before = {r.iri: manifest.documents[r.iri] for r in written if r.iri in manifest.documents}
    manifest.update(written)
    stored = dict(stored) if stored is not None else store.document_hashes()
    dropped = manifest.keep_only(stored)
    recovered = _recover_missing(store, settings, manifest, stored)
    curation = load_curation(settings.store_dir)
    touched = {r.municipality for r in [*written, *recovered]} | set(municipalities)
    if curation.digest != manifest.curation:
        touched |= manifest.municipalities()
    report = ReconcileReport(municipalities=sorted(touched))
    unchanged = not (touched or dropped) and curation.digest == manifest.curation
    if unchanged and (settings.store_dir / MANIFEST_FILE).exists():
        return report  # nothing changed (an unchanged re-ingest): nothing to write
    missing = {r.municipality for r in [*dropped, *recovered]}
    # Where the written documents name the same people as before (and curation is the same),
    # the registry is the one the last reconciliation left every stored document current with.
    people_changed = {
        r.municipality
        for r in written
        if r.iri not in before or before[r.iri].observations != r.observations
    }
    if curation.digest != manifest.curation:
        people_changed |= touched
    for municipality in report.municipalities:
        batch = (resolved_with or {}).get(municipality)
        fresh = frozenset(r.iri for r in written if r.municipality == municipality)
        final = batch is not None and batch.documents == fresh and municipality not in missing
        settled = final and municipality not in people_changed
        entities = None
        if settled and replaced_entities is not None:
            now = graph_entities(store, fresh)
            entities = frozenset(
                e for g in sorted(fresh) for e in (*replaced_entities.get(g, ()), *now[g])
            )
        _reconcile_municipality(
            store, settings, manifest, curation, municipality, report, batch, fresh,
            (final, settled), entities,
        )  # fmt: skip
    manifest.curation = curation.digest
    manifest.save(settings.store_dir)
    return report


def _reconcile_municipality(
    store: Store,
    settings: Settings,
    manifest: Manifest,
    curation: Curation,
    municipality: str,
    report: ReconcileReport,
    batch: BatchResolution | None = None,
    fresh: frozenset[str] = frozenset(),
    known: tuple[bool, bool] = (False, False),
    entities: frozenset[str] | None = None,
) -> None:
    """Rewrite the stale documents and rosters of a municipality and its rg:resolution records.

    `batch` is how an ingest resolved the documents `fresh`. `known` = (final, settled):
    final, its registry is the final one (all its documents were written, none went missing),
    else the registry is built here and compared with it; settled, that registry is also the
    one before the ingest, so no other stored document or roster can be stale. `entities`
    (when settled): the only entities whose labels can have changed.
    """
    final, settled = known
    if batch is not None and final:
        registry, external = batch.registry, list(batch.external)
    else:
        registry, external = build_registry(store, settings, manifest, curation, municipality)
    current = fresh if batch is not None and batch.registry == registry else frozenset()
    updates: list[GraphUpdate] = []
    if not settled:
        updates += _stale_documents(store, settings, manifest, registry, report, current)
        updates += _stale_rosters(store, settings, manifest, registry, municipality, report)
    for start in range(0, len(updates), BATCH_SIZE):
        store.replace_graphs(updates[start : start + BATCH_SIZE])
    if entities is not None:  # settled: merges and external links stay, only labels can move
        _refresh_labels(store, settings, registry, curation, municipality, entities)
        return
    prefix, documents = resolution_prefix(settings, municipality)
    records = municipality_records(store, settings, registry, curation, external, municipality)
    store.replace_resolution_records(prefix, records, keep=documents)


def _refresh_labels(
    store: Store,
    settings: Settings,
    registry: Registry,
    curation: Curation,
    municipality: str,
    entities: frozenset[str],
) -> None:
    """Rewrite the canonical labels of `entities` (IRIs) that changed, and only those: a
    look-up per entity, not a scan of the municipality's records."""
    fresh = set(_label_records(store, settings, registry, curation, municipality, entities))
    stored = set(stored_labels(store, settings, municipality, entities))
    if fresh != stored:
        store.swap_resolution_records(removed=stored - fresh, added=fresh - stored)


def _stale_documents(
    store: Store,
    settings: Settings,
    manifest: Manifest,
    registry: Registry,
    report: ReconcileReport,
    current: frozenset[str],
) -> Iterator[GraphUpdate]:
    """Documents whose resolution under `registry` differs from the stored one (those in
    `current` were just resolved under an equal registry)."""
    stale = [
        r
        for r in manifest.of(registry.municipality)
        if r.iri not in current and r.digest(registry) != r.outcome
    ]
    texts = stored_texts(store, [r.iri for r in stale])
    for record in stale:
        if record.iri not in texts:
            log.warning("%s: stored text missing, not re-resolved", record.iri)
            continue
        resolved = process_document(record.source_document(texts[record.iri]), registry)
        yield build_update(resolved, settings)
        manifest.update([document_record(resolved, settings, registry)])
        report.documents.append(record.iri)


def _stale_rosters(
    store: Store,
    settings: Settings,
    manifest: Manifest,
    registry: Registry,
    municipality: str,
    report: ReconcileReport,
) -> list[GraphUpdate]:
    updates: list[GraphUpdate] = []
    for iri, (owner, digest) in sorted(manifest.rosters.items()):
        if owner != municipality:
            continue
        roster = stored_roster(store, iri, municipality)
        if roster is None:
            del manifest.rosters[iri]
            continue
        current = roster_digest(roster, registry, settings)
        if current != digest:
            updates.append(_roster_update(roster, registry, settings))
            manifest.rosters[iri] = (municipality, current)
            report.rosters.append(iri)
    return updates


def stored_roster(store: Store, iri: str, municipality: str) -> Roster | None:
    """Parse a stored roster graph's source text again (None when the graph is gone)."""
    rows = store.select(
        "SELECT ?g ?text ?name ?format WHERE { GRAPH ?g { "
        "?g schema:text ?text ; rdfs:label ?name ; dcterms:format ?format } }",
        union=False,
        bindings={"g": URIRef(iri)},
    )
    if not rows:
        return None
    row = rows[0]
    return parse_roster(str(row["text"]), str(row["name"]), str(row["format"]), municipality)


def _roster_update(roster: Roster, registry: Registry, settings: Settings) -> GraphUpdate:
    return GraphUpdate(
        graph=roster.graph(settings), triples=tuple(roster_triples(roster, registry, settings))
    )


# ---------------------------------------------------------------- records in rg:resolution


def municipality_records(
    store: Store,
    settings: Settings,
    registry: Registry,
    curation: Curation,
    external: list[ExternalPerson],
    municipality: str,
) -> list[Triple]:
    """Canonical labels and owl:sameAs links of a municipality's entities."""
    base = settings.base_iri
    triples = _label_records(store, settings, registry, curation, municipality)
    prefix = resolution_prefix(settings, municipality)[0][len(base) :]
    for source in sorted(registry.merges):
        target = registry.rewrite(source)
        if source.startswith(prefix) and target != source:
            triples.append((URIRef(base + source), OWL.sameAs, URIRef(base + target)))
    triples += _external_links(external, registry, settings)
    return triples


def _label_records(
    store: Store,
    settings: Settings,
    registry: Registry,
    curation: Curation,
    municipality: str,
    entities: frozenset[str] | None = None,
) -> list[Triple]:
    """The canonical label (skos:prefLabel) of each entity of a municipality that a graph
    labels (only of `entities`, IRIs, when given): curated, else the registry's, else the
    fullest label the graphs give it."""
    base = settings.base_iri
    aliases = registry.aliases()
    renamed = {registry.rewrite(aliases.get(k, k)): v for k, v in curation.labels(base).items()}
    canonical = registry.labels()
    triples: list[Triple] = []
    for key, labels in sorted(entity_labels(store, settings, municipality, entities).items()):
        label = renamed.get(key) or canonical.get(key) or _fullest(labels)
        triples.append((URIRef(base + key), SKOS.prefLabel, Literal(label, lang="de")))
    return triples


def _fullest(labels: set[str]) -> str:
    """The label with the most words, then the longest, then the best spelling."""
    most = max(len(label.split()) for label in labels)
    longest = max(len(label) for label in labels if len(label.split()) == most)
    ties = [label for label in labels if len(label.split()) == most and len(label) == longest]
    return best_spelling(ties) or sorted(ties)[0]


def _external_links(
    external: list[ExternalPerson], registry: Registry, settings: Settings
) -> list[Triple]:
    """`<our person> owl:sameAs <OParl person>` for OParl persons that resolve to one identity."""
    links: list[Triple] = []
    for person in external:
        if person.from_roster:
            continue
        first = person.observations[0]
        sig = Signature(first.given, first.implied_address)
        local = frozenset([given_key(first.full_given)]) if first.full_given else frozenset()
        graph_key = document_key(registry.municipality, person.graph)
        key, candidates = person_outcome(registry, graph_key, first.surname, sig, local)
        if not candidates and settings.base_iri + key != person.iri:
            links.append((URIRef(settings.base_iri + key), OWL.sameAs, URIRef(person.iri)))
    return links


# ---------------------------------------------------------------- documents without a record


def _recover_missing(
    store: Store, settings: Settings, manifest: Manifest, stored: dict[str, str]
) -> list[DocumentRecord]:
    """Records for documents stored before the manifest existed (re-resolved once)."""
    recovered = []
    for iri in sorted(set(stored) - set(manifest.documents)):
        document = _stored_document(store, settings, iri, stored[iri])
        if document is None:
            log.warning("%s: cannot rebuild its source document; left as stored", iri)
            continue
        record = document_record(process_document(document), settings)
        recovered.append(replace(record, outcome=""))  # the stored graph may predate resolution
    manifest.update(recovered)
    return recovered


def _stored_document(
    store: Store, settings: Settings, iri: str, sha256: str
) -> SourceDocument | None:
    meta = stored_metadata(store, iri)
    if not meta:
        return None
    source, municipality = meta["source"], meta["municipality"]
    url = source if source.startswith(("http://", "https://")) else None
    key = url or source
    if settings.base_iri + document_key(municipality, key) != iri:
        return None
    return SourceDocument(
        key=key, path=meta["file"], sha256=sha256, text=meta["text"], municipality=municipality,
        media_type=meta.get("format", "text/plain"), url=url,
        body=meta.get("body"), date=(meta.get("date") or "")[:10] or None,
    )  # fmt: skip


# ---------------------------------------------------------------- rosters and curation


def import_roster(path: Path, settings: Settings, municipality: str | None = None) -> Roster:
    """Store a roster file as its named graph and re-resolve the municipality.

    Raises:
        ResolveError: when the roster cannot be read (see `read_roster`).
        StoreError: when the store cannot be written.
    """
    roster = read_roster(path, municipality)
    iri = roster.graph(settings)
    with Store(settings.store_dir) as store:
        manifest = Manifest.load(settings.store_dir)
        curation = load_curation(settings.store_dir)
        registry, _ = build_registry(
            store, settings, manifest, curation, roster.municipality,
            exclude=frozenset({str(iri)}), extra=roster.observations(settings),
        )  # fmt: skip
        store.replace_graphs([_roster_update(roster, registry, settings)])
        manifest.rosters[str(iri)] = (
            roster.municipality,
            roster_digest(roster, registry, settings),
        )
        manifest.save(settings.store_dir)
        reconcile(store, settings, municipalities=[roster.municipality])
    return roster


def apply_curation(settings: Settings, curation: Curation) -> ReconcileReport:
    """Save `curation.yaml` and apply it to the store right away.

    Raises:
        ResolveError: when the file cannot be written.
        StoreError: when the store cannot be written.
    """
    save_curation(settings.store_dir, curation)
    with Store(settings.store_dir) as store:
        return reconcile(store, settings)
