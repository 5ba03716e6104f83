"""`kg entities merge|split|rename` as library functions: check, record, apply at once.

Each decision names entities by IRI (full, `id:hagen/person/meier`, or `hagen/person/meier`),
is checked against the store ("cannot resolve" when no graph names the entity), written to
`curation.yaml` and applied to the store immediately; later ingests apply it again. A person
IRI is recorded in its stable form (`meier-jens` rather than `meier`), so the decision stays
valid when a second Meier appears and the short key gets a first name.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from kg.curation import Curation, load_curation, save_curation
from kg.errors import ResolveError
from kg.ids import municipality_key
from kg.pipeline import process_document
from kg.pipeline_resolution import ReconcileReport, reconcile
from kg.resolve_registry import Registry
from kg.settings import DEFAULT_BASE_IRI, Settings
from kg.store import Store
from kg.store_manifest import Manifest
from kg.store_registry import build_registry, stored_texts


@dataclass(frozen=True, slots=True)
class Decision:
    """What a curation command recorded and what applying it changed."""

    recorded: tuple[str, ...]
    report: ReconcileReport


@dataclass(frozen=True, slots=True)
class MentionRow:
    """One mention of an entity: its selector (for `kg entities split --mention`) and quote."""

    selector: str
    quote: str


def entity_iri(text: str, settings: Settings) -> str:
    """A full IRI from what a user typed.

    >>> from kg.settings import EXAMPLE_SETTINGS as s
    >>> entity_iri("id:hagen/person/meier", s) == entity_iri("hagen/person/meier", s)
    True
    """
    text = text.strip().strip("<>")
    if text.startswith("id:"):
        return settings.base_iri + text[3:]
    if text.startswith(DEFAULT_BASE_IRI) or "://" in text:
        return text
    return settings.base_iri + text


def merge(settings: Settings, sources: list[str], into: str, note: str | None = None) -> Decision:
    """Merge `sources` into `into`.

    Raises:
        ResolveError: when an entity is unknown or merged into itself.
        StoreError: when the store cannot be written.
    """
    with Store(settings.store_dir) as store:
        iris = [_known(store, settings, s) for s in [*sources, into]]
        stable = [_stable(store, settings, iri) for iri in iris]
        curation = load_curation(settings.store_dir).with_merge(stable[:-1], stable[-1], note)
        return Decision(tuple(stable), _apply(store, settings, curation))


def split(
    settings: Settings,
    entity: str,
    *,
    mention: str | None = None,
    document: str | None = None,
    note: str | None = None,
) -> Decision:
    """Split the mentions of `entity` in a document (or one mention) off as another entity.

    Raises:
        ResolveError: when the entity or document is unknown, the document does not name the
            entity, or neither/both of `mention` and `document` are given.
        StoreError: when the store cannot be written.
    """
    if (mention is None) == (document is None):
        raise ResolveError("give either --mention DOC#char=START,END or --document DOC")
    with Store(settings.store_dir) as store:
        iri = _known(store, settings, entity)
        if mention is not None:
            document, _, fragment = entity_iri(mention, settings).partition("#")
            mention = f"{document}#{fragment}"
        assert document is not None
        document = entity_iri(document, settings)
        _check_names(store, document, iri)
        stable = _stable(store, settings, iri)
        curation = load_curation(settings.store_dir).with_split(stable, document, mention, note)
        return Decision((stable,), _apply(store, settings, curation))


def rename(settings: Settings, entity: str, label: str, note: str | None = None) -> Decision:
    """Give `entity` the canonical label `label`.

    Raises:
        ResolveError: when the entity is unknown or the label empty.
        StoreError: when the store cannot be written.
    """
    with Store(settings.store_dir) as store:
        iri = _stable(store, settings, _known(store, settings, entity))
        curation = load_curation(settings.store_dir).with_rename(iri, label, note)
        return Decision((iri,), _apply(store, settings, curation))


def mentions(settings: Settings, entity: str) -> list[MentionRow]:
    """Every mention of `entity` in the stored protocols, re-read from their stored text.

    Raises:
        ResolveError: when the entity is unknown.
    """
    with Store(settings.store_dir, read_only=True) as store:
        iri = _known(store, settings, entity)
        key = iri[len(settings.base_iri) :]
        query = "SELECT DISTINCT ?e ?g WHERE { GRAPH ?g { ?e ?p ?o . ?g a rg:Protocol } }"
        graphs = sorted(str(r["g"]) for r in store.select(query, bindings={"e": URIRef(iri)}))
        manifest = Manifest.load(settings.store_dir)
        texts = stored_texts(store, graphs)
        rows = []
        for graph in graphs:
            record = manifest.documents.get(graph)
            if record is None or graph not in texts:
                continue
            registry = _registry(store, settings, manifest, record.municipality)
            resolved = process_document(record.source_document(texts[graph]), registry)
            text = texts[graph]
            for number, mention in enumerate(resolved.extraction.mentions):
                if resolved.entity_of[number] == key:
                    span = mention.span
                    rows.append(
                        MentionRow(f"{graph}#char={span.start},{span.end}", span.quote(text))
                    )
    return rows


# ---------------------------------------------------------------- helpers


def _apply(store: Store, settings: Settings, curation: Curation) -> ReconcileReport:
    save_curation(settings.store_dir, curation)
    return reconcile(store, settings)


def _known(store: Store, settings: Settings, text: str) -> str:
    iri = entity_iri(text, settings)
    query = "SELECT ?e WHERE { GRAPH ?g { ?e ?p ?o } FILTER(?g != rg:resolution) } LIMIT 1"
    if not store.select(query, bindings={"e": URIRef(iri)}, union=False):
        raise ResolveError(f"cannot resolve {iri}: no stored graph names it (see kg entities list)")
    return iri


def _check_names(store: Store, document: str, iri: str) -> None:
    query = "SELECT ?g ?e WHERE { GRAPH ?g { ?e ?p ?o } } LIMIT 1"
    bindings: dict[str, Node] = {"g": URIRef(document), "e": URIRef(iri)}
    if not store.select(query, bindings=bindings, union=False):
        raise ResolveError(f"document {document} does not name {iri}")


def _stable(store: Store, settings: Settings, iri: str) -> str:
    """The stable form of a person IRI (with its first name or address), else `iri`."""
    key = iri[len(settings.base_iri) :]
    manifest = Manifest.load(settings.store_dir)
    municipality = next(
        (m for m in sorted(manifest.municipalities()) if key.startswith(municipality_key(m) + "/")),
        None,
    )
    if municipality is None:
        return iri
    registry = _registry(store, settings, manifest, municipality)
    return settings.base_iri + registry.stable(key)


def _registry(store: Store, settings: Settings, manifest: Manifest, municipality: str) -> Registry:
    curation = load_curation(settings.store_dir)
    return build_registry(store, settings, manifest, curation, municipality)[0]
