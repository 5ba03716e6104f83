"""The only module that knows the stage order: sources -> parse -> extract -> resolve -> rdf -> store.

`ingest` is idempotent: a file whose bytes are unchanged is skipped, a changed file replaces
its document graph in one transaction, and a file that cannot be read is reported without
touching what is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.extract import extract
from kg.models import ResolvedDocument, SourceDocument
from kg.parse import parse
from kg.rdf import build_graph, document_iri, resolution_triples
from kg.resolve import Registry, resolve
from kg.settings import Settings
from kg.sources import Metadata, find_files, read_document
from kg.store import GraphUpdate, Store

log = logging.getLogger(__name__)

BATCH_SIZE = 200
Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class IngestReport:
    """What an ingest did, file by file; `failed` lists (file, one-line reason)."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    triples: int = 0

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed


def process_document(document: SourceDocument, registry: Registry | None = None) -> ResolvedDocument:
    """Parse, extract and resolve one document (pure: no store access).

    >>> from kg.models import EXAMPLE_DOCUMENT
    >>> len(process_document(EXAMPLE_DOCUMENT).extraction.statements)
    2
    """
    return resolve(extract(parse(document)), registry)


def build_update(resolved: ResolvedDocument, settings: Settings) -> GraphUpdate:
    """The store update that replaces this document's graph."""
    graph = build_graph(resolved, settings)
    return GraphUpdate(
        graph=graph.identifier,  # type: ignore[arg-type]
        triples=tuple(sorted(graph)),  # type: ignore[arg-type]
        resolution=tuple(resolution_triples(resolved, settings)),
    )


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    *,
    metadata: Metadata | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files and folders into the store.

    Raises:
        SourceError: when a given path does not exist.
        StoreError: when the store cannot be opened or written.
    """
    files = list(find_files(list(paths)))
    report = IngestReport()
    with Store(settings.store_dir) as store:
        known = store.document_hashes()
        pending: list[GraphUpdate] = []
        for done, path in enumerate(files, start=1):
            update = _ingest_one(path, settings, metadata, known, report)
            if update is not None:
                pending.append(update)
            if len(pending) >= BATCH_SIZE:
                _flush(store, pending, report)
            if progress:
                progress(done, len(files), str(path))
        _flush(store, pending, report)
    return report


def _ingest_one(
    path: Path,
    settings: Settings,
    metadata: Metadata | None,
    known: dict[str, str],
    report: IngestReport,
) -> GraphUpdate | None:
    try:
        document = read_document(path, metadata)
        iri = str(document_iri(settings, document.municipality, document.key))
        if known.get(iri) == document.sha256:
            report.unchanged.append(str(path))
            return None
        update = build_update(process_document(document), settings)
    except KgError as error:
        report.failed.append((str(path), str(error)))
        return None
    except Exception as error:  # noqa: BLE001 - one odd file must not stop a batch of thousands
        log.exception("internal error on %s", path)
        report.failed.append((str(path), f"internal error ({type(error).__name__}: {error})"))
        return None
    (report.replaced if iri in known else report.added).append(str(path))
    known[iri] = document.sha256
    return update


def _flush(store: Store, pending: list[GraphUpdate], report: IngestReport) -> None:
    if pending:
        store.replace_graphs(pending)
        report.triples += sum(len(u.triples) for u in pending)
        pending.clear()
